//! Ordered collections and their pages (outbox, featured, followers, following).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection<T> {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub total_items: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<Url>,
    /// Inline items for small collections (featured); paged ones use `first`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordered_items: Option<Vec<T>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollectionPage<T> {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub part_of: Url,
    pub ordered_items: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Url>,
}

impl<T> OrderedCollection<T> {
    pub fn paged(context: Value, id: Url, total_items: i64, first: Url) -> Self {
        OrderedCollection {
            context,
            id,
            kind: "OrderedCollection".into(),
            total_items,
            first: Some(first),
            ordered_items: None,
        }
    }

    /// A count without the members (who follows whom is not published).
    pub fn count_only(context: Value, id: Url, total_items: i64) -> Self {
        OrderedCollection {
            context,
            id,
            kind: "OrderedCollection".into(),
            total_items,
            first: None,
            ordered_items: None,
        }
    }

    pub fn inline(context: Value, id: Url, items: Vec<T>) -> Self {
        OrderedCollection {
            context,
            id,
            kind: "OrderedCollection".into(),
            total_items: items.len() as i64,
            first: None,
            ordered_items: Some(items),
        }
    }
}
