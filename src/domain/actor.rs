//! What makes something an ActivityPub actor here: an RSA key pair.

/// PEM-encoded RSA key pair used to sign and verify HTTP signatures.
#[derive(Clone, PartialEq, Eq)]
pub struct ActorKeys {
    pub public_key_pem: String,
    pub private_key_pem: String,
}

// Never print private keys, not even in debug output.
impl std::fmt::Debug for ActorKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActorKeys")
            .field("public_key_pem", &self.public_key_pem)
            .field("private_key_pem", &"<redacted>")
            .finish()
    }
}
