//! WebFinger and NodeInfo.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::json_as;
use crate::edges::http::error::{HttpError, HttpResult};
use crate::edges::http::extract::ApiQuery;
use crate::edges::http::state::AppState;
use crate::infra::wire::nodeinfo::{self, Discovery, NodeInfo};
use crate::infra::wire::webfinger::{self, Webfinger};

/// Other parameters (clients may send `rel=self`) are ignored: we answer
/// with every link.
#[derive(Deserialize)]
pub struct WebfingerQuery {
    resource: String,
}

enum Target {
    Node,
    Coop(String),
}

/// `acct:name@domain`, an actor URL, or the server's own URL (FEP-d556).
fn parse_resource(resource: &str, domain: &str, base: &url::Url) -> Option<Target> {
    let resource = resource.trim();
    if let Some(acct) = resource.strip_prefix("acct:") {
        let (name, host) = acct.trim_start_matches('@').rsplit_once('@')?;
        if !host.eq_ignore_ascii_case(domain) {
            return None;
        }
        return Some(if name.eq_ignore_ascii_case(domain) {
            Target::Node
        } else {
            Target::Coop(name.to_lowercase())
        });
    }
    let url = url::Url::parse(resource).ok()?;
    if url.origin() != base.origin() {
        return None;
    }
    match url.path().trim_end_matches('/') {
        "" | "/actor" => Some(Target::Node),
        path => path
            .strip_prefix("/actors/")
            .filter(|h| !h.contains('/'))
            .map(|h| Target::Coop(h.to_lowercase())),
    }
}

pub async fn webfinger(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<WebfingerQuery>,
) -> HttpResult<Response> {
    let domain = state.config.domain();
    let urls = &state.services.urls;
    let target = parse_resource(&q.resource, &domain, &state.config.public_url)
        .ok_or_else(|| HttpError::not_found(format!("no account '{}' on this node", q.resource)))?;
    let answer = match target {
        Target::Node => {
            Webfinger::actor(format!("acct:{domain}@{domain}"), urls.node_actor(), true)
        }
        Target::Coop(handle) => {
            let coop = state.services.coop_by_handle(&handle).await?;
            Webfinger::actor(
                format!("acct:{}@{domain}", coop.handle),
                urls.actor(&coop.handle),
                false,
            )
        }
    };
    Ok(json_as(StatusCode::OK, webfinger::CONTENT_TYPE, &answer))
}

pub async fn nodeinfo_links(State(state): State<AppState>) -> Response {
    let urls = &state.services.urls;
    json_as(
        StatusCode::OK,
        "application/json",
        &Discovery::new(urls.nodeinfo(), urls.node_actor()),
    )
}

pub async fn nodeinfo(State(state): State<AppState>) -> HttpResult<Response> {
    let stats = state.services.node_stats().await?;
    let settings = state.services.node_settings();
    let doc = NodeInfo::new(
        &state.config.node_name,
        settings.about.as_deref(),
        stats.coops,
        stats.open_proposals,
        &state.services.urls.node_actor(),
        state.services.policy().get().mode().as_str(),
    );
    Ok(json_as(StatusCode::OK, nodeinfo::CONTENT_TYPE, &doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(r: &str) -> Option<String> {
        let base = url::Url::parse("http://alpha.test:8001").unwrap();
        parse_resource(r, "alpha.test:8001", &base).map(|t| match t {
            Target::Node => "node".to_string(),
            Target::Coop(h) => h,
        })
    }

    #[test]
    fn resources() {
        assert_eq!(
            parse("acct:Fiqus@alpha.test:8001").as_deref(),
            Some("fiqus")
        );
        assert_eq!(
            parse("acct:@fiqus@ALPHA.test:8001").as_deref(),
            Some("fiqus")
        );
        assert_eq!(
            parse("acct:alpha.test:8001@alpha.test:8001").as_deref(),
            Some("node")
        );
        assert_eq!(parse("http://alpha.test:8001/").as_deref(), Some("node"));
        assert_eq!(
            parse("http://alpha.test:8001/actors/fiqus").as_deref(),
            Some("fiqus")
        );
        assert_eq!(parse("acct:fiqus@beta.test:8002"), None);
        assert_eq!(
            parse("acct:fiqus@alpha.test"),
            None,
            "the port is part of the domain"
        );
        assert_eq!(parse("http://beta.test:8001/actors/fiqus"), None);
        assert_eq!(parse("http://alpha.test:8001/actors/fiqus/outbox"), None);
        assert_eq!(parse("mailto:fiqus@alpha.test"), None);
    }
}
