//! New signing keys for actors.

use crate::domain::actor::ActorKeys;

/// A fresh 2048-bit RSA key pair, made by the same library that signs with
/// it. Slow (tens of milliseconds): call it off the async threads.
pub fn generate() -> Result<ActorKeys, String> {
    activitypub_federation::http_signatures::generate_actor_keypair()
        .map(|k| ActorKeys {
            public_key_pem: k.public_key,
            private_key_pem: k.private_key,
        })
        .map_err(|e| e.to_string())
}
