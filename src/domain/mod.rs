//! Plain types and rules of the product, with no I/O. Everything above
//! (storage, services, HTTP edges) builds on these.

pub mod actor;
pub mod blocklist;
pub mod coop;
pub mod directory;
pub mod gathering;
pub mod identicon;
pub mod introduction;
pub mod limits;
pub mod matching;
pub mod network_map;
pub mod node;
pub mod node_settings;
pub mod notification;
pub mod oauth;
pub mod policy;
pub mod post_grammar;
pub mod proposal;
pub mod proposal_note;
pub mod remote;
pub mod remote_gathering;
pub mod session;
pub mod text;
pub mod time;
pub mod uploaded_image;
pub mod urls;
pub mod user;
pub mod validate;

pub use validate::ValidationError;
