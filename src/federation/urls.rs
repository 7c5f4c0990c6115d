//! Every URL this node publishes for its actors and objects, built in one
//! place from `public_url`, so a change of scheme happens only here.

use url::Url;

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

    pub fn url_for_node_outbox(&self) -> Url {
        self.url("/actor/outbox")
    }

    pub fn shared_inbox(&self) -> Url {
        self.url("/inbox")
    }

    pub fn actor(&self, handle: &str) -> Url {
        self.url(&format!("/actors/{handle}"))
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
}
