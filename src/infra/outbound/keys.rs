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

/// Checks an RSASSA-PKCS1-v1_5 SHA-256 signature of `message` (the scheme
/// of draft-cavage `rsa-sha256` and of RFC 9421 `rsa-v1_5-sha256`) with a
/// public key in PEM (SubjectPublicKeyInfo, as actors publish it).
///
/// The key is read with the `rsa` crate, the signature checked with
/// aws-lc-rs (already linked for TLS): its RSA is about nine times faster,
/// and every inbox request pays for one check. Keys of 1,024 to 8,192 bits
/// are taken, as before (a few old servers still use 1,024).
pub fn verify_rsa_sha256(
    public_key_pem: &str,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::DecodePublicKey;
    let key = rsa::RsaPublicKey::from_public_key_pem(public_key_pem)
        .map_err(|e| format!("the key cannot be read: {e}"))?;
    let der = key
        .to_pkcs1_der()
        .map_err(|e| format!("the key cannot be read: {e}"))?;
    aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        der.as_bytes(),
    )
    .verify(message, signature)
    .map_err(|_| "the signature does not verify".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1v15::SigningKey;
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer};

    #[test]
    fn a_signature_made_by_the_rsa_crate_verifies_and_a_changed_one_does_not() {
        let keys = generate().expect("keys");
        let private = rsa::RsaPrivateKey::from_pkcs8_pem(&keys.private_key_pem).expect("key");
        let signing = SigningKey::<sha2::Sha256>::new(private);
        let message = b"(request-target): post /inbox\nhost: coops.test";
        let signature = signing.sign(message).to_vec();
        assert!(verify_rsa_sha256(&keys.public_key_pem, message, &signature).is_ok());
        assert!(verify_rsa_sha256(&keys.public_key_pem, b"another message", &signature).is_err());
        let mut changed = signature.clone();
        changed[10] ^= 1;
        assert!(verify_rsa_sha256(&keys.public_key_pem, message, &changed).is_err());
        let other = generate().expect("keys");
        assert!(verify_rsa_sha256(&other.public_key_pem, message, &signature).is_err());
        assert!(verify_rsa_sha256("not a key", message, &signature).is_err());
    }
}
