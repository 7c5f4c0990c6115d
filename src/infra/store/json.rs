//! Lists and small objects are stored as JSON text (MultiBackend has no JSON type).

use serde::{de::DeserializeOwned, Serialize};

use super::{corrupt, StoreResult};

pub fn to_text<T: Serialize>(value: &T) -> String {
    // Serialising plain Vec<String> and derive(Serialize) structs cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}

/// The JSON in `column` of the row `id`.
pub fn from_text<T: DeserializeOwned>(column: &str, id: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| corrupt(column, id, e))
}
