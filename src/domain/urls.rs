//! Every URL this node publishes for its actors and objects, built in one
//! place from `public_url`, so a change of scheme happens only here.

use url::Url;

/// `host[:port]` of a URL, lower-cased: the origin that owns what lives
/// under it (the unit of ownership checks and of delivery limits).
pub fn origin_of(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// Whether two URLs share an origin (host and port).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    matches!((origin_of(a), origin_of(b)), (Some(x), Some(y)) if x == y)
}

/// Which links received from other servers we store and show: `https`
/// always, plain `http` only in development mode (a node on a laptop), any
/// other scheme (`javascript:`, `data:`, `file:`) never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkRule {
    pub allow_http: bool,
}

impl LinkRule {
    pub const STRICT: LinkRule = LinkRule { allow_http: false };
    pub const DEVELOPMENT: LinkRule = LinkRule { allow_http: true };

    pub fn for_mode(dev_mode: bool) -> Self {
        LinkRule {
            allow_http: dev_mode,
        }
    }

    /// `raw` as a link we may keep, or `None` (the caller drops it and logs).
    pub fn keep(&self, raw: &str) -> Option<Url> {
        let url = Url::parse(raw.trim()).ok()?;
        let scheme_ok = match url.scheme() {
            "https" => true,
            "http" => self.allow_http,
            _ => false,
        };
        (scheme_ok && url.host_str().is_some()).then_some(url)
    }
}

#[derive(Debug, Clone)]
pub struct Urls {
    base: String,
}

impl Urls {
    pub fn new(public_url: &Url) -> Self {
        Urls {
            base: public_url.as_str().trim_end_matches('/').to_string(),
        }
    }

    fn url(&self, path: &str) -> Url {
        // `base` came from a valid URL and `path` from our own templates.
        Url::parse(&format!("{}{path}", self.base))
            .unwrap_or_else(|_| unreachable!("bad path {path}"))
    }

    pub fn root(&self) -> Url {
        self.url("/")
    }

    pub fn node_actor(&self) -> Url {
        self.url("/actor")
    }

    /// The node's Atom feed of its needs and offers.
    pub fn node_feed(&self) -> Url {
        self.url("/feed.atom")
    }

    /// A coop's Atom feed of its needs and offers.
    pub fn coop_feed(&self, handle: &str) -> Url {
        self.url(&format!("/actors/{handle}/feed.atom"))
    }

    pub fn url_for_node_outbox(&self) -> Url {
        self.url("/actor/outbox")
    }

    pub fn node_followers(&self) -> Url {
        self.url("/actor/followers")
    }

    /// The node's directory: its coops, then its open proposals, paged.
    pub fn node_directory(&self) -> Url {
        self.url("/actor/directory")
    }

    pub fn shared_inbox(&self) -> Url {
        self.url("/inbox")
    }

    pub fn actor(&self, handle: &str) -> Url {
        self.url(&format!("/actors/{handle}"))
    }

    /// Whether a URL is on this node (nothing to fetch from elsewhere).
    pub fn is_local(&self, url: &Url) -> bool {
        same_origin(url, &self.root())
    }

    /// The handle of a local coop actor URL (`/actors/{handle}`), if it is one.
    pub fn handle_of(&self, actor: &Url) -> Option<String> {
        let prefix = format!("{}/actors/", self.base);
        let rest = actor.as_str().strip_prefix(&prefix)?;
        (!rest.is_empty() && !rest.contains(['/', '#', '?'])).then(|| rest.to_string())
    }

    /// An account's avatar (generated until it uploads one), by account id.
    pub fn avatar(&self, account_id: &str) -> Url {
        self.url(&format!("/media/avatars/{account_id}.png"))
    }

    /// The node's picture (generated from its domain).
    pub fn node_image(&self) -> Url {
        self.url("/media/node.png")
    }

    /// An account's header image, by account id.
    pub fn header(&self, account_id: &str) -> Url {
        self.url(&format!("/media/headers/{account_id}.png"))
    }

    /// A coop's avatar or header as served: the upload, versioned by when
    /// it changed, or the generated one.
    pub fn picture(
        &self,
        coop_id: &str,
        picture: super::uploaded_image::Picture,
        version: Option<&super::uploaded_image::PictureVersion>,
    ) -> Url {
        let mut url = match picture {
            super::uploaded_image::Picture::Avatar => self.avatar(coop_id),
            super::uploaded_image::Picture::Header => self.header(coop_id),
        };
        if let Some(v) = version {
            let micros = v.updated_at.and_utc().timestamp_micros().to_string();
            url.query_pairs_mut().append_pair("v", &micros);
        }
        url
    }

    pub fn actor_part(&self, handle: &str, part: &str) -> Url {
        self.url(&format!("/actors/{handle}/{part}"))
    }

    pub fn key_id(&self, actor: &Url) -> Url {
        let mut key = actor.clone();
        key.set_fragment(Some("main-key"));
        key
    }

    pub fn proposal(&self, id: &str) -> Url {
        self.url(&format!("/proposals/{id}"))
    }

    pub fn proposal_create(&self, id: &str) -> Url {
        self.url(&format!("/proposals/{id}/activity"))
    }

    /// A gathering's page, and its `Event` id.
    pub fn gathering(&self, id: &str) -> Url {
        self.url(&format!("/gatherings/{id}"))
    }

    /// The local gathering id of one of our gathering URLs, if it is one.
    pub fn gathering_of(&self, url: &Url) -> Option<String> {
        let prefix = format!("{}/gatherings/", self.base);
        let rest = url.as_str().strip_prefix(&prefix)?;
        (!rest.is_empty() && !rest.contains(['/', '#', '?', '.'])).then(|| rest.to_string())
    }

    /// A gathering as an iCalendar file.
    pub fn gathering_calendar(&self, id: &str) -> Url {
        self.url(&format!("/gatherings/{id}/calendar.ics"))
    }

    /// Every gathering of the node as an iCalendar feed.
    pub fn gatherings_calendar(&self) -> Url {
        self.url("/gatherings/calendar.ics")
    }

    /// The id of an introduction's `Offer` (not served: introductions are
    /// private to the two coops).
    pub fn introduction(&self, id: &str) -> Url {
        self.url(&format!("/introductions/{id}"))
    }

    /// The local id of one of our introduction URLs, if it is one.
    pub fn introduction_of(&self, url: &Url) -> Option<String> {
        let prefix = format!("{}/introductions/", self.base);
        let rest = url.as_str().strip_prefix(&prefix)?;
        let id = rest.split(['/', '#', '?']).next()?;
        (!id.is_empty()).then(|| id.to_string())
    }

    /// The local proposal id of one of our proposal URLs, if it is one.
    pub fn proposal_of(&self, url: &Url) -> Option<String> {
        let prefix = format!("{}/proposals/", self.base);
        let rest = url.as_str().strip_prefix(&prefix)?;
        (!rest.is_empty() && !rest.contains(['/', '#', '?'])).then(|| rest.to_string())
    }

    pub fn tag(&self, tag: &str) -> Url {
        let mut url = self.url("/tags/");
        url.path_segments_mut()
            .map(|mut s| {
                s.pop_if_empty().push(tag);
            })
            .unwrap_or(());
        url
    }

    /// Our category vocabulary, for `resourceClassifiedAs` (compare the fragment).
    pub fn category(&self, category: &str) -> Url {
        self.url(&format!("/ns/categories#{category}"))
    }

    /// A fresh id for an activity of `actor` that is not served on its own
    /// (follows, accepts, updates ...), Mastodon-style as a fragment.
    pub fn activity_of(&self, actor: &Url, what: &str) -> Url {
        let mut id = actor.clone();
        id.set_fragment(Some(&format!("{what}/{}", uuid::Uuid::now_v7())));
        id
    }

    /// `host[:port]` of the public URL: what follows the `@` in handles.
    pub fn domain(&self) -> String {
        let root = self.root();
        let host = root.host_str().unwrap_or_default();
        match root.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        }
    }

    pub fn nodeinfo(&self) -> Url {
        self.url("/nodeinfo/2.1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_the_port_and_escape_tags() {
        let urls = Urls::new(&Url::parse("http://alpha.test:8001").unwrap());
        assert_eq!(
            urls.actor("fiqus").as_str(),
            "http://alpha.test:8001/actors/fiqus"
        );
        assert_eq!(
            urls.key_id(&urls.actor("fiqus")).as_str(),
            "http://alpha.test:8001/actors/fiqus#main-key"
        );
        assert_eq!(
            urls.tag("économie").as_str(),
            "http://alpha.test:8001/tags/%C3%A9conomie"
        );
        assert_eq!(urls.category("human").fragment(), Some("human"));
    }

    #[test]
    fn our_introduction_and_proposal_urls_give_back_their_ids() {
        let urls = Urls::new(&Url::parse("http://alpha.test:8001").unwrap());
        let url = |s: &str| Url::parse(s).unwrap();
        let intro = urls.introduction("01ab");
        assert_eq!(urls.introduction_of(&intro).as_deref(), Some("01ab"));
        let mut accept = intro.clone();
        accept.set_fragment(Some("note"));
        assert_eq!(urls.introduction_of(&accept).as_deref(), Some("01ab"));
        assert_eq!(
            urls.introduction_of(&url("http://other.test:8001/introductions/01ab")),
            None
        );
        assert_eq!(
            urls.introduction_of(&url("http://alpha.test:8001/actors/x")),
            None
        );
        assert_eq!(urls.proposal_of(&urls.proposal("9")).as_deref(), Some("9"));
        assert_eq!(urls.proposal_of(&urls.proposal_create("9")), None);
        assert_eq!(
            urls.proposal_of(&url("http://alpha.test:8001/proposals/")),
            None
        );
        assert_eq!(
            urls.gathering_of(&urls.gathering("g1")).as_deref(),
            Some("g1")
        );
        assert_eq!(urls.gathering_of(&urls.gathering_calendar("g1")), None);
        assert_eq!(urls.gathering_of(&urls.gatherings_calendar()), None);
        assert_eq!(
            urls.gathering_of(&url("http://other.test:8001/gatherings/g1")),
            None
        );
    }
}

#[cfg(test)]
mod link_tests {
    use super::LinkRule;

    #[test]
    fn only_web_links_are_kept() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>x</script>",
            "file:///etc/passwd",
            "ftp://x.org/a",
            "not a url",
            "https:",
        ] {
            assert_eq!(LinkRule::DEVELOPMENT.keep(bad), None, "{bad}");
        }
        let http = "http://coop.example/p/1";
        assert_eq!(LinkRule::STRICT.keep(http), None);
        assert!(LinkRule::DEVELOPMENT.keep(http).is_some());
        assert!(LinkRule::STRICT.keep("https://coop.example/p/1").is_some());
    }
}
