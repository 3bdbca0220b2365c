//! `X-Leadhost-Signature: sha256=<hex>`: HMAC-SHA256 over
//! `<X-Leadhost-Timestamp>.<body>` with the webhook's secret, so a receiver
//! can tell a delivery is the org's and reject replays of old ones.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The MAC over `<timestamp>.<body>`, not yet finalized.
fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any size");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The signature header's value for `body` sent at `timestamp` (Unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    format!("sha256={}", hex::encode(digest))
}

/// Whether `signature` is [`sign`]'s for these inputs (in constant time).
pub fn verify(secret: &str, timestamp: i64, body: &[u8], signature: &str) -> bool {
    let Some(hex_part) = signature.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_part) else {
        return false;
    };
    mac(secret, timestamp, body).verify_slice(&expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_secret_time_and_body() {
        let signature = sign("s3cret-s3cret-s3cret", 1_700_000_000, b"{}");
        assert!(verify(
            "s3cret-s3cret-s3cret",
            1_700_000_000,
            b"{}",
            &signature
        ));
        assert!(!verify(
            "other-other-other-x",
            1_700_000_000,
            b"{}",
            &signature
        ));
        assert!(!verify(
            "s3cret-s3cret-s3cret",
            1_700_000_001,
            b"{}",
            &signature
        ));
        assert!(!verify(
            "s3cret-s3cret-s3cret",
            1_700_000_000,
            b"[]",
            &signature
        ));
        assert!(!verify(
            "s3cret-s3cret-s3cret",
            1_700_000_000,
            b"{}",
            "sha256=zz"
        ));
    }
}
