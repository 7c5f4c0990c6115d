//! The node's clock, at the precision both databases keep.

/// The current time, cut to microseconds (what PostgreSQL stores), so a
/// value read back equals the value written.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}
