//! The record encoding: one schema-version byte, then the record as JSON.
//!
//! The version byte lets a later release read what an earlier one wrote and
//! migrate it; JSON keeps records readable with any sled tool and lets new
//! optional fields arrive without a migration.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;

/// The schema version this release writes.
pub const SCHEMA_VERSION: u8 = 1;

/// Encodes a record with the current schema version.
pub fn encode<T: Serialize>(record: &T) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(256);
    bytes.push(SCHEMA_VERSION);
    serde_json::to_writer(&mut bytes, record).expect("records serialize to JSON");
    bytes
}

/// Decodes a record from `tree`, refusing a schema version this release
/// does not know (written by a newer release, or corrupt).
pub fn decode<T: DeserializeOwned>(tree: &'static str, bytes: &[u8]) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&SCHEMA_VERSION, body)) => {
            serde_json::from_slice(body).map_err(|error| StoreError::Corrupt {
                tree,
                detail: error.to_string(),
            })
        }
        Some((&found, _)) => Err(StoreError::SchemaVersion {
            tree,
            found,
            supported: SCHEMA_VERSION,
        }),
        None => Err(StoreError::Corrupt {
            tree,
            detail: "empty value".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_with_their_version() {
        let bytes = encode(&vec!["a", "b"]);
        assert_eq!(bytes[0], SCHEMA_VERSION);
        let back: Vec<String> = decode("test", &bytes).unwrap();
        assert_eq!(back, ["a", "b"]);
    }

    #[test]
    fn an_unknown_version_is_refused_by_name() {
        let mut bytes = encode(&1u32);
        bytes[0] = 9;
        let error = decode::<u32>("leads", &bytes).unwrap_err();
        assert!(matches!(
            error,
            StoreError::SchemaVersion {
                tree: "leads",
                found: 9,
                ..
            }
        ));
        assert!(error.to_string().contains("schema version 9"), "{error}");
    }
}
