//! The glue that lets activitypub_federation sign what we send: a signing
//! identity (our actor's id and keys) and an activity that is already
//! JSON. Neither is ever received or fetched through the library, so they
//! need no application data (`()`).

use activitypub_federation::config::Data;
use activitypub_federation::error::Error;
use activitypub_federation::traits::{Activity, Actor, Object};
use serde::Serialize;
use url::Url;

#[derive(Debug, Clone)]
pub struct Signer {
    pub id: Url,
    pub inbox: Url,
    pub public_key_pem: String,
    pub private_key_pem: String,
}

fn not_for_this() -> Error {
    Error::Other("a signing identity is not fetched or received".into())
}

#[async_trait::async_trait]
impl Object for Signer {
    type DataType = ();
    type Kind = serde_json::Value;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    async fn read_from_id(_: Url, _: &Data<()>) -> Result<Option<Self>, Error> {
        Ok(None)
    }

    async fn into_json(self, _: &Data<()>) -> Result<serde_json::Value, Error> {
        Err(not_for_this())
    }

    async fn verify(_: &serde_json::Value, _: &Url, _: &Data<()>) -> Result<(), Error> {
        Err(not_for_this())
    }

    async fn from_json(_: serde_json::Value, _: &Data<()>) -> Result<Self, Error> {
        Err(not_for_this())
    }
}

impl Actor for Signer {
    fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        Some(self.private_key_pem.clone())
    }

    fn inbox(&self) -> Url {
        self.inbox.clone()
    }
}

/// An activity already serialised when it was queued.
#[derive(Debug)]
pub struct StoredActivity {
    pub id: Url,
    pub actor: Url,
    pub body: serde_json::Value,
}

impl Serialize for StoredActivity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.body.serialize(s)
    }
}

#[async_trait::async_trait]
impl Activity for StoredActivity {
    type DataType = ();
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _: &Data<()>) -> Result<(), Error> {
        Err(not_for_this())
    }

    async fn receive(self, _: &Data<()>) -> Result<(), Error> {
        Err(not_for_this())
    }
}
