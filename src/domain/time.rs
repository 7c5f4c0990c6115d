//! The node's clock, at the precision both databases keep, and time zones
//! by name.

use super::validate::{Checked, ValidationError};

/// The current time, cut to microseconds (what PostgreSQL stores), so a
/// value read back equals the value written.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// An IANA time zone name (a gathering's, or the one a person reads in).
pub fn time_zone(value: &str) -> Checked<chrono_tz::Tz> {
    value.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        ValidationError::new(
            "time_zone",
            "must be a time zone name such as America/Argentina/Buenos_Aires or Europe/Madrid",
        )
    })
}
