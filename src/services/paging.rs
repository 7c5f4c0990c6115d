//! One way to page every list. Lists that grow (proposals, follows,
//! introductions, the admin log) page by cursor: the id of the last item
//! seen, stable while rows are added. Ranked lists (directory searches,
//! matches, notifications) page by offset, bounded.

use super::{ServiceError, ServiceResult};
use crate::domain::limits::{DIRECTORY_OFFSET_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX};

/// A page of a cursor-paged list, and the cursor of the next one.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A checked page size: the default when absent, else 1 to the maximum.
pub fn size(limit: Option<i64>) -> ServiceResult<i64> {
    let limit = limit.unwrap_or(PAGE_SIZE_DEFAULT);
    if !(1..=PAGE_SIZE_MAX).contains(&limit) {
        return Err(ServiceError::invalid(
            "limit",
            format!("must be between 1 and {PAGE_SIZE_MAX}"),
        ));
    }
    Ok(limit)
}

/// A checked offset: 0 when absent, else 0 to the deepest allowed.
pub fn offset(offset: Option<i64>) -> ServiceResult<i64> {
    let offset = offset.unwrap_or(0);
    if !(0..=DIRECTORY_OFFSET_MAX).contains(&offset) {
        return Err(ServiceError::invalid(
            "offset",
            format!("must be between 0 and {DIRECTORY_OFFSET_MAX}"),
        ));
    }
    Ok(offset)
}

/// A checked cursor: absent, or an id a page of ours named (every id we
/// hand out is a UUID). Anything else is a client error, not a first page.
pub fn cursor(value: Option<String>) -> ServiceResult<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) if uuid::Uuid::try_parse(&v).is_ok() => Ok(Some(v)),
        Some(_) => Err(ServiceError::invalid(
            "cursor",
            "is not a cursor this list gave out: pass a page's next_cursor unchanged",
        )),
    }
}

/// A cursor-paged read: ask the store for [`Cursor::fetch`] rows (one more
/// than the page, to learn whether another follows), then [`Cursor::cut`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    size: i64,
}

impl Cursor {
    pub fn new(limit: Option<i64>) -> ServiceResult<Self> {
        Ok(Cursor { size: size(limit)? })
    }

    /// Rows to read.
    pub fn fetch(&self) -> i64 {
        self.size + 1
    }

    /// The page out of what was read, naming the next cursor when more follow.
    pub fn cut<T>(&self, mut items: Vec<T>, cursor_of: impl Fn(&T) -> String) -> Page<T> {
        let more = items.len() as i64 > self.size;
        items.truncate(self.size as usize);
        let next_cursor = if more {
            items.last().map(cursor_of)
        } else {
            None
        };
        Page { items, next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_default_and_are_bounded() {
        assert_eq!(size(None).ok(), Some(PAGE_SIZE_DEFAULT));
        assert_eq!(size(Some(1)).ok(), Some(1));
        assert_eq!(size(Some(PAGE_SIZE_MAX)).ok(), Some(PAGE_SIZE_MAX));
        for bad in [0, -1, PAGE_SIZE_MAX + 1] {
            let e = size(Some(bad))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(e.contains("limit"), "{bad}: {e}");
        }
    }

    #[test]
    fn offsets_default_and_are_bounded() {
        assert_eq!(offset(None).ok(), Some(0));
        assert_eq!(
            offset(Some(DIRECTORY_OFFSET_MAX)).ok(),
            Some(DIRECTORY_OFFSET_MAX)
        );
        assert!(offset(Some(-1)).is_err());
        assert!(offset(Some(DIRECTORY_OFFSET_MAX + 1)).is_err());
    }

    #[test]
    fn cursors_are_ids_we_gave_out() {
        let id = crate::services::new_id();
        assert_eq!(cursor(Some(id.clone())).ok(), Some(Some(id)));
        assert_eq!(cursor(None).ok(), Some(None));
        for bad in ["garbage", "", "a\u{0}b", "1 OR 1=1"] {
            let e = cursor(Some(bad.into())).err().map(|e| e.to_string());
            assert!(e.unwrap_or_default().contains("cursor"), "{bad:?}");
        }
    }

    #[test]
    fn a_cursor_page_reads_one_more_and_names_the_next_cursor() {
        let c = Cursor::new(Some(2)).unwrap();
        assert_eq!(c.fetch(), 3);
        let page = c.cut(vec!["a", "b", "c"], |s| s.to_string());
        assert_eq!(page.items, ["a", "b"]);
        assert_eq!(page.next_cursor.as_deref(), Some("b"));
        let last = c.cut(vec!["d", "e"], |s| s.to_string());
        assert_eq!(last.items, ["d", "e"]);
        assert_eq!(last.next_cursor, None);
    }
}
