//! The services' messages about refused input, said in the page's
//! language. The services write them in English (the APIs' language) from
//! a few dozen sentences; a page in another language looks each one up
//! here by its shape, numbers taken out ("must be at most {} characters"),
//! and says it from the catalogues (`msg-…`), numbers put back. A message
//! not listed is shown as the services wrote it.

use fluent_templates::fluent_bundle::FluentValue;

use crate::edges::http::i18n::Tr;
use crate::edges::http::lang::Lang;

/// A message's shape, its catalogue message, and the names of its numbers.
const KNOWN: &[(&str, &str, &[&str])] = &[
    ("must not be empty", "msg-empty", &[]),
    ("must not be in the past", "msg-not-past", &[]),
    ("must be after the start", "msg-after-start", &[]),
    ("must be a date", "msg-a-date", &[]),
    ("must be a date and time", "msg-a-date-time", &[]),
    (
        "a gathering lasts at most {} hours",
        "msg-gathering-hours",
        &["max"],
    ),
    (
        "must be a time zone name such as America/Argentina/Buenos_Aires or Europe/Madrid",
        "msg-time-zone",
        &[],
    ),
    (
        "does not exist or happens twice in that time zone (a daylight-saving change): pick another time",
        "msg-time-skipped",
        &[],
    ),
    (
        "registration for this gathering is closed",
        "msg-gathering-closed",
        &[],
    ),
    (
        "your coop is already registered for this gathering",
        "msg-gathering-registered",
        &[],
    ),
    ("this gathering is over", "msg-gathering-over", &[]),
    (
        "contributions to this gathering are closed",
        "msg-contributions-closed",
        &[],
    ),
    (
        "must be at most {} characters",
        "msg-at-most-chars",
        &["max"],
    ),
    (
        "must be between {} and {} characters",
        "msg-chars-between",
        &["min", "max"],
    ),
    ("must be 1 to {} characters", "msg-chars-up-to", &["max"]),
    (
        "entries must be at most {} characters",
        "msg-entries-at-most-chars",
        &["max"],
    ),
    ("must contain visible characters", "msg-visible", &[]),
    ("must not contain control characters", "msg-control", &[]),
    (
        "must not contain bidirectional override characters",
        "msg-bidi",
        &[],
    ),
    (
        "contains characters that cannot be stored",
        "msg-unstorable",
        &[],
    ),
    ("must not be in the past", "msg-past", &[]),
    ("must be between {} and {}", "msg-between", &["min", "max"]),
    (
        "must have at most {} entries",
        "msg-at-most-entries",
        &["max"],
    ),
    ("must not contain empty entries", "msg-empty-entries", &[]),
    (
        "may contain only a-z, {}-{} and '_'",
        "msg-handle-chars",
        &[],
    ),
    ("is not a valid email address", "msg-email", &[]),
    ("must be an http or https URL", "msg-url", &[]),
    (
        "must be a two-letter ISO {}-{} code such as AR or GB",
        "msg-country",
        &[],
    ),
    (
        "must be a language tag such as es, en or pt-BR",
        "msg-language-tag",
        &[],
    ),
    (
        "must be a language code such as en or es",
        "msg-language-tag",
        &[],
    ),
    (
        "must be a positive decimal number such as \"{}\"",
        "msg-decimal",
        &[],
    ),
    ("must be a whole number of days", "msg-whole-days", &[]),
    ("must be en or es", "msg-page-language", &[]),
    ("must look like handle@domain", "msg-handle-at-domain", &[]),
    ("is not the account's password", "msg-wrong-password", &[]),
    ("that is this node", "msg-this-node", &[]),
    ("that would block this node itself", "msg-block-self", &[]),
    ("that already exists", "msg-exists", &[]),
    (
        "an introduction needs a message",
        "msg-introduction-message",
        &[],
    ),
];

/// The message with its numbers taken out, and the numbers.
fn shape(message: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(message.len());
    let mut numbers = Vec::new();
    let chars: Vec<char> = message.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            // A number may hold separators: 1,000 or 1.5.
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || (matches!(chars[j], ',' | '.')
                        && chars.get(j + 1).is_some_and(char::is_ascii_digit)))
            {
                j += 1;
            }
            numbers.push(chars[i..j].iter().collect());
            out.push_str("{}");
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    (out, numbers)
}

/// `message` in the language of `tr`.
pub fn say(tr: &Tr, message: &str) -> String {
    if tr.lang == Lang::En {
        return message.to_string();
    }
    let (shaped, numbers) = shape(message);
    let Some((_, key, names)) = KNOWN.iter().find(|(known, _, _)| *known == shaped) else {
        return message.to_string();
    };
    let args: Vec<(&'static str, FluentValue<'static>)> = names
        .iter()
        .zip(numbers)
        .map(|(name, n)| (*name, FluentValue::from(n)))
        .collect();
    tr.values(key, &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_out_of_the_shape_and_go_back_in() {
        assert_eq!(
            shape("must be between 8 and 256 characters"),
            (
                "must be between {} and {} characters".to_string(),
                vec!["8".to_string(), "256".to_string()]
            )
        );
        assert_eq!(shape("such as \"1.5\"").0, "such as \"{}\"");
        let es = Tr::new(Lang::Es);
        assert_eq!(
            say(&es, "must be at most 200 characters"),
            "debe tener como máximo 200 caracteres"
        );
        assert_eq!(
            say(&es, "must be between 1 and 365"),
            "debe estar entre 1 y 365"
        );
        assert_eq!(say(&es, "something new"), "something new");
        let en = Tr::new(Lang::En);
        assert_eq!(say(&en, "must not be empty"), "must not be empty");
    }

    #[test]
    fn every_known_shape_has_its_message_in_every_language() {
        for lang in [Lang::En, Lang::Es] {
            let tr = Tr::new(lang);
            for (_, key, names) in KNOWN {
                let args: Vec<(&'static str, FluentValue<'static>)> =
                    names.iter().map(|n| (*n, FluentValue::from(7))).collect();
                let said = tr.values(key, &args);
                assert!(!said.is_empty() && !said.contains(key), "{key} in {lang:?}");
            }
        }
    }

    #[test]
    fn the_services_messages_are_known_by_their_shape() {
        use crate::domain::validate;
        let messages = [
            validate::required_text("title", "", 10)
                .unwrap_err()
                .message,
            validate::text("title", &"x".repeat(11), 10)
                .unwrap_err()
                .message,
            validate::text("title", "a\u{0}b", 10).unwrap_err().message,
            validate::text("title", "a\u{202e}b", 10)
                .unwrap_err()
                .message,
            validate::text("title", "\u{200b}", 10).unwrap_err().message,
            validate::email("email", "nope").unwrap_err().message,
            validate::http_url("website", Some("ftp://x.org"))
                .unwrap_err()
                .message,
            validate::password("short").unwrap_err().message,
        ];
        for m in messages {
            assert!(
                KNOWN.iter().any(|(k, _, _)| *k == shape(&m).0),
                "not known: {m}"
            );
        }
    }
}
