//! PATCH bodies tell "absent" (leave alone) from `null` (clear).

use serde::{Deserialize, Deserializer};

/// Use with `#[serde(default, deserialize_with = "patch::nullable")]` on an
/// `Option<Option<T>>`: absent → `None`, `null` → `Some(None)`.
pub fn nullable<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
