//! Small validators shared by the coop and proposal rules. Each returns a
//! `ValidationError` naming the field, so an API client knows what to fix.

use super::limits;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: String,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

pub type Checked<T> = Result<T, ValidationError>;

/// Trims and checks a required one-line text.
pub fn required_text(field: &str, value: &str, max: usize) -> Checked<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    text(field, value, max)
}

/// Trims and checks a text that may be empty.
pub fn text(field: &str, value: &str, max: usize) -> Checked<String> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if let Some(problem) = text_problem(value) {
        return Err(ValidationError::new(field, problem));
    }
    Ok(value.to_string())
}

/// Bidirectional embeddings, overrides and isolates: they reorder what a
/// reader sees (a file name or a price shown backwards), so plain text may
/// not carry them. The marks U+200E and U+200F stay allowed: they only hint
/// the direction of neutral characters in right-to-left writing.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that show nothing: zero-width spaces and joiners, the word
/// joiner, the byte-order mark, the soft hyphen, direction marks.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}'
    )
}

/// The one rule for plain text, local or received: no control characters
/// (NUL included) but line breaks and tabs, no bidirectional overrides, and
/// something visible when anything is there at all. `None` when it holds.
pub fn text_problem(value: &str) -> Option<&'static str> {
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Some("must not contain control characters");
    }
    if value.chars().any(is_bidi_control) {
        return Some("must not contain bidirectional override characters");
    }
    if !value.is_empty() && value.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
        return Some("must contain visible characters");
    }
    None
}

/// Received text held to the local rule: trimmed, cut to `max` characters,
/// `None` when empty or when it breaks the rule (the caller drops it).
pub fn received_text(value: &str, max: usize) -> Option<String> {
    let value = value.trim();
    if value.is_empty() || text_problem(value).is_some() {
        return None;
    }
    Some(value.chars().take(max).collect())
}

/// An optional text: `None` or blank both mean "not set".
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Checked<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, v, max).map(Some),
    }
}

pub fn http_url(field: &str, value: Option<&str>) -> Checked<Option<String>> {
    let Some(value) = optional_text(field, value, limits::URL_MAX)? else {
        return Ok(None);
    };
    let url = url::Url::parse(&value)
        .map_err(|e| ValidationError::new(field, format!("is not a valid URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ValidationError::new(field, "must be an http or https URL"));
    }
    Ok(Some(url.to_string()))
}

pub fn email(field: &str, value: &str) -> Checked<String> {
    let value = value.trim().to_lowercase();
    if value.len() > limits::EMAIL_MAX {
        return Err(ValidationError::new(
            field,
            format!("must be at most {} characters", limits::EMAIL_MAX),
        ));
    }
    let valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if !valid {
        return Err(ValidationError::new(field, "is not a valid email address"));
    }
    Ok(value)
}

pub fn password(value: &str) -> Checked<()> {
    let n = value.chars().count();
    if !(limits::PASSWORD_MIN..=limits::PASSWORD_MAX).contains(&n) {
        return Err(ValidationError::new(
            "password",
            format!(
                "must be between {} and {} characters",
                limits::PASSWORD_MIN,
                limits::PASSWORD_MAX
            ),
        ));
    }
    Ok(())
}

/// Hashtag-like labels: trimmed, a leading `#` dropped, lowercased, letters,
/// digits, `_` and `-` only; duplicates removed, order kept.
pub fn tags(field: &str, values: &[String], max_count: usize) -> Checked<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for raw in values {
        let tag = raw.trim().trim_start_matches('#').to_lowercase();
        if tag.is_empty() {
            return Err(ValidationError::new(
                field,
                "must not contain empty entries",
            ));
        }
        if tag.chars().count() > limits::TAG_MAX {
            return Err(ValidationError::new(
                field,
                format!("entries must be at most {} characters", limits::TAG_MAX),
            ));
        }
        if !tag
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(ValidationError::new(
                field,
                format!("'{raw}' may contain only letters, digits, '_' and '-'"),
            ));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > max_count {
        return Err(ValidationError::new(
            field,
            format!("must have at most {max_count} entries"),
        ));
    }
    Ok(out)
}

/// Free-text list entries (network names): trimmed, non-empty, bounded.
pub fn text_list(
    field: &str,
    values: &[String],
    max_len: usize,
    max_count: usize,
) -> Checked<Vec<String>> {
    if values.len() > max_count {
        return Err(ValidationError::new(
            field,
            format!("must have at most {max_count} entries"),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = required_text(field, v, max_len)?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_and_deduplicated() {
        let input = vec![
            "#Rust".to_string(),
            "rust".into(),
            " Hosting ".into(),
            "économie".into(),
        ];
        assert_eq!(
            tags("tags", &input, 20).unwrap(),
            vec!["rust", "hosting", "économie"]
        );
    }

    #[test]
    fn tags_reject_spaces_and_too_many() {
        assert!(tags("tags", &["two words".to_string()], 20).is_err());
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        let err = tags("tags", &many, 20).unwrap_err();
        assert_eq!(err.field, "tags");
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            email("email", " Ana@Coop.Example ").unwrap(),
            "ana@coop.example"
        );
        for bad in ["no-at", "a@b", "@x.org", "a b@x.org", "a@x.org."] {
            assert!(email("email", bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn urls_must_be_http() {
        assert!(http_url("website", Some("ftp://x.org")).is_err());
        assert!(http_url("website", Some("not a url")).is_err());
        assert_eq!(http_url("website", Some("  ")).unwrap(), None);
        assert_eq!(
            http_url("website", Some("https://fiqus.coop"))
                .unwrap()
                .as_deref(),
            Some("https://fiqus.coop/")
        );
    }

    #[test]
    fn text_limits_count_characters_not_bytes() {
        let ok = "ñ".repeat(10);
        assert!(text("f", &ok, 10).is_ok());
        assert!(text("f", &"ñ".repeat(11), 10).is_err());
        assert!(required_text("f", "   ", 10).is_err());
        assert!(text("f", "bell\u{7}", 10).is_err());
    }

    #[test]
    fn one_rule_for_invisible_and_reordering_text() {
        for bad in [
            "a\u{0}b",
            "esc\u{1b}[31m",
            "\u{200B}\u{200B}",
            "\u{FEFF}",
            "\u{00AD} \u{2060}",
            "invoice\u{202E}fdp.exe",
            "x\u{2066}y",
        ] {
            assert!(text("f", bad, 100).is_err(), "{bad:?} should be refused");
            assert_eq!(received_text(bad, 100), None, "{bad:?}");
        }
        for good in [
            "שלום\u{200F} world",
            "multi\nline\ttext",
            "emoji 👩\u{200D}💻",
            "ñandú",
        ] {
            assert_eq!(text("f", good, 100).as_deref(), Ok(good), "{good:?}");
        }
        assert_eq!(received_text("  abcdef ", 3).as_deref(), Some("abc"));
    }
}
