//! People who sign in: node admins, and members who act for a coop.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs the node.
    Admin,
    /// Acts for one coop.
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub coop_id: Option<String>,
    pub created_at: NaiveDateTime,
    /// The language chosen for the pages (`en`, `es`); `None`: the browser's.
    pub language: Option<String>,
    /// The time zone the person reads times in (IANA name); `None`: not
    /// chosen.
    pub time_zone: Option<String>,
}

/// The languages the pages are written in (an account may choose one).
pub const PAGE_LANGUAGES: [&str; 2] = ["en", "es"];
