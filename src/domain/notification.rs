//! What a coop is told: someone followed it or asks to, a new match above
//! its threshold, an introduction asked of it or answered.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::proposal::string_enum;

string_enum!(
    /// Why a coop is told.
    NotificationKind {
        Follow => "follow",
        FollowRequest => "follow_request",
        Match => "match",
        IntroductionRequest => "introduction_request",
        IntroductionAnswer => "introduction_answer",
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// UUIDv7: sorts by time.
    pub id: String,
    pub coop_id: String,
    pub kind: NotificationKind,
    /// The remote actor who followed or asked, when it was one.
    pub actor_id: Option<String>,
    /// The match notice or introduction it is about.
    pub subject_id: Option<String>,
    pub created_at: NaiveDateTime,
}
