//! OAuth 2 as Mastodon does it: app registration, the sign-in page, the
//! token and revocation endpoints, and their RFC 8414 description.

pub mod apps;
pub mod authorize;
pub mod metadata;
mod texts;
pub mod token;
