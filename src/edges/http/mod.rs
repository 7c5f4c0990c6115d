//! What every HTTP edge shares: the state handlers reach, the error type,
//! extractors that answer bad input in that error's shape, sign-in, and
//! request limits.

pub mod cookies;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod lang;
pub mod limits;
pub mod page;
pub mod state;
