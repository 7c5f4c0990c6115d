//! Parameters as Mastodon apps send them: in the query string, or in a
//! JSON, form-encoded or multipart body, merged the way Mastodon (Rails)
//! merges them, with `name[]` for lists. Everything becomes one JSON object
//! first, so one set of serde types reads every encoding.

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::domain::limits;
use crate::edges::http::error::HttpError;

/// Fields of a multipart body kept as text (files are read elsewhere).
const MULTIPART_TEXT_MAX: usize = 64 * 1024;

fn invalid(message: impl Into<String>) -> HttpError {
    HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
}

/// Adds a form pair; `name[]` collects a list, and `fields_attributes[0][name]`
/// style keys are kept flat (read by the handlers that need them).
fn insert(map: &mut Map<String, Value>, key: String, value: String) {
    match key.strip_suffix("[]") {
        Some(list) => {
            let entry = map
                .entry(list.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = entry {
                items.push(Value::String(value));
            }
        }
        None => {
            map.insert(key, Value::String(value));
        }
    }
}

fn from_query(query: Option<&str>) -> Map<String, Value> {
    let mut map = Map::new();
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        insert(&mut map, k.into_owned(), v.into_owned());
    }
    map
}

fn read<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, HttpError> {
    serde_json::from_value(Value::Object(map)).map_err(|e| invalid(e.to_string()))
}

/// Query-string parameters, lists as `name[]=a&name[]=b`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, HttpError> {
        Ok(Query(read(from_query(parts.uri.query()))?))
    }
}

/// The query string and the body together (the body's values win).
pub struct Params<T>(pub T);

/// Files of a multipart body, by field name.
pub type Files = Vec<(String, axum::body::Bytes)>;

/// The parameters of a request, and the files of a multipart body.
async fn parse<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<(Map<String, Value>, Files), HttpError> {
    let mut map = from_query(req.uri().query());
    let mut files = Files::new();
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(|e| invalid(e.body_text()))?;
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| invalid(e.body_text()))?
        {
            let Some(name) = field.name().map(String::from) else {
                continue;
            };
            if field.file_name().is_some() {
                let bytes = field.bytes().await.map_err(|e| invalid(e.body_text()))?;
                files.push((name, bytes));
                continue;
            }
            let text = field.text().await.map_err(|e| invalid(e.body_text()))?;
            if text.len() > MULTIPART_TEXT_MAX {
                return Err(invalid(format!("the field '{name}' is too long")));
            }
            insert(&mut map, name, text);
        }
        return Ok((map, files));
    }
    let bytes = axum::body::Bytes::from_request(req, state)
        .await
        .map_err(|_| {
            HttpError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body is larger than {} bytes", limits::BODY_MAX_BYTES),
            )
        })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok((map, files));
    }
    if content_type.starts_with("application/json") || content_type.is_empty() {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(body)) => map.extend(body),
            Ok(_) => return Err(invalid("the JSON body must be an object")),
            Err(e) if content_type.is_empty() => {
                // No type given: a form body is the other thing apps send.
                let _ = e;
                for (k, v) in url::form_urlencoded::parse(&bytes) {
                    insert(&mut map, k.into_owned(), v.into_owned());
                }
            }
            Err(e) => {
                return Err(HttpError::bad_request(
                    "invalid_request",
                    format!("the body is not valid JSON: {e}"),
                ))
            }
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        for (k, v) in url::form_urlencoded::parse(&bytes) {
            insert(&mut map, k.into_owned(), v.into_owned());
        }
    } else {
        return Err(HttpError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send parameters as JSON, form-encoded or multipart/form-data",
        ));
    }
    Ok((map, files))
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Params<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, HttpError> {
        let (map, _) = parse(req, state).await?;
        Ok(Params(read(map)?))
    }
}

/// Parameters and the files of a multipart body (uploads).
pub struct ParamsWithFiles<T>(pub T, pub Files);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ParamsWithFiles<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, HttpError> {
        let (map, files) = parse(req, state).await?;
        Ok(ParamsWithFiles(read(map)?, files))
    }
}

/// A boolean as apps write it: `true`/`false`, `1`/`0`, as JSON or text.
pub fn flexible_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(Value::Number(n)) if n.as_u64() == Some(1) => Ok(Some(true)),
        Some(Value::Number(n)) if n.as_u64() == Some(0) => Ok(Some(false)),
        Some(Value::String(s)) => match s.to_ascii_lowercase().as_str() {
            "true" | "1" | "on" | "yes" => Ok(Some(true)),
            "false" | "0" | "off" | "no" | "" => Ok(Some(false)),
            other => Err(serde::de::Error::custom(format!(
                "'{other}' is not a boolean (true, false, 1 or 0)"
            ))),
        },
        Some(other) => Err(serde::de::Error::custom(format!(
            "{other} is not a boolean (true, false, 1 or 0)"
        ))),
    }
}

/// A number as apps write it: JSON or text.
pub fn flexible_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a whole number"))),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("'{s}' is not a whole number"))),
        Some(other) => Err(serde::de::Error::custom(format!(
            "{other} is not a whole number"
        ))),
    }
}

/// One text or a list of texts (Mastodon takes `redirect_uris` either way).
pub fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(Option::<OneOrMany>::deserialize(d)?.map(|v| match v {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    struct Sample {
        #[serde(default, deserialize_with = "flexible_bool")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "flexible_u64")]
        limit: Option<u64>,
        #[serde(default)]
        types: Vec<String>,
    }

    #[test]
    fn query_lists_booleans_and_numbers_read_as_apps_send_them() {
        let s: Sample = read(from_query(Some(
            "flag=1&limit=20&types[]=follow&types[]=mention&x=y",
        )))
        .unwrap();
        assert_eq!(s.flag, Some(true));
        assert_eq!(s.limit, Some(20));
        assert_eq!(s.types, vec!["follow", "mention"]);
        let s: Sample = read(from_query(Some("flag=false"))).unwrap();
        assert_eq!(s.flag, Some(false));
        assert!(read::<Sample>(from_query(Some("flag=maybe"))).is_err());
        assert!(read::<Sample>(from_query(Some("limit=-3"))).is_err());
    }
}
