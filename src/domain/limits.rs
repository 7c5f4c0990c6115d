//! Field limits, in one place so docs/api.md and the validators agree.

pub const HANDLE_MAX: usize = 30;
pub const DISPLAY_NAME_MAX: usize = 100;
pub const ABOUT_MAX: usize = 5_000;
pub const URL_MAX: usize = 300;
pub const CITY_MAX: usize = 100;
pub const LANGUAGES_MAX: usize = 10;
pub const TAG_MAX: usize = 50;
pub const TAGS_MAX: usize = 20;
pub const LEGAL_FORM_MAX: usize = 100;
pub const MEMBER_COUNT_MAX: i32 = 1_000_000;
pub const FOUNDED_YEAR_MIN: i32 = 1800;
pub const NETWORK_MAX: usize = 100;
pub const NETWORKS_MAX: usize = 20;
pub const CONTACT_FIELD_MAX: usize = 200;
pub const EMAIL_MAX: usize = 254;
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 256;
pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 10_000;
pub const QUANTITY_UNIT_MAX: usize = 30;
pub const PLACE_MAX: usize = 200;
/// A received reciprocal Intent's `action` and `resourceConformsTo`.
pub const RECIPROCAL_ACTION_MAX: usize = 40;
pub const RECIPROCAL_RESOURCE_MAX: usize = 300;
/// An introduction's message, in characters.
pub const INTRODUCTION_MESSAGE_MAX: usize = 2_000;
pub const SEARCH_TEXT_MAX: usize = 200;
pub const PAGE_SIZE_DEFAULT: i64 = 20;
pub const PAGE_SIZE_MAX: i64 = 100;
/// Largest request body the API accepts, in bytes.
pub const BODY_MAX_BYTES: usize = 64 * 1024;
/// Largest activity an inbox accepts, in bytes (answered with 413 beyond).
pub const INBOX_BODY_MAX_BYTES: usize = 256 * 1024;
/// Longest HTML content kept from a received need or offer, in bytes.
pub const REMOTE_CONTENT_MAX: usize = 64 * 1024;
/// Deepest directory page (offset), so a search cannot ask the database to
/// skip millions of rows.
pub const DIRECTORY_OFFSET_MAX: i64 = 10_000;
/// Rows in one imported block list (Mastodon refuses more than 1,000 at
/// a time in its web form; shared lists run to a few thousand).
pub const BLOCKLIST_ROWS_MAX: usize = 10_000;
/// Bytes of one imported block list.
pub const BLOCKLIST_BYTES_MAX: usize = 2 * 1024 * 1024;

/// Pages one backfill walk of a followed node may read (250,000 items at
/// our directory's 50 per page); a longer walk stops there.
pub const BACKFILL_PAGES_MAX: i64 = 5_000;
/// How long one backfill walk may take from its start, retries included.
pub const BACKFILL_DURATION_MAX_SECS: i64 = 6 * 60 * 60;

/// The most gatherings of other servers a coop's list shows (soonest first).
pub const REMOTE_GATHERINGS_LISTED: i64 = 200;
