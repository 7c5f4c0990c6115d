//! What the OAuth pages say about permissions; their other words are in
//! the Fluent catalogues (`locales/*/oauth.ftl`).

use crate::edges::http::i18n::Tr;

/// What a scope lets an app do, in words.
pub fn scope_in_words(scope: &str, tr: &Tr) -> String {
    match scope {
        "read" | "write" | "follow" | "push" | "profile" | "admin:read" | "admin:write" => {
            tr.t(&format!("scope-{}", scope.replace(':', "-")))
        }
        other => tr.t1("scope-other", "scope", other),
    }
}
