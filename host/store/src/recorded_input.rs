//! The exact input a plug-in call saw, kept so the decision can be replayed
//! and a candidate backtested on it.
//!
//! An input is stored under `org \0 digest`, the digest its decision
//! carries (sha256 of the input's JSON), so an identical input is stored
//! once; its JSON is compressed with zstd. The value starts with the
//! schema-version byte, the call's time (ms since the epoch, big-endian)
//! and the slot, so the retention sweep reads a value's age without
//! decompressing it.

use leadhost_model::{Slot, Time};

use super::StoreError;
use super::codec::SCHEMA_VERSION;

/// zstd level: level 3 (zstd's default) packs a lead's JSON to about a
/// third at ~10 µs for a 2 KiB input on this machine; higher levels buy
/// a few per cent for several times the CPU on the ingest path.
const LEVEL: i32 = 3;

/// Bytes before the compressed JSON: version, time, slot.
const HEADER: usize = 1 + 8 + 1;

/// Longest input decompressed, in bytes: an input is one lead with its
/// activities and at most the org's roster, far below this; a value that
/// claims more is corrupt.
const MAX_JSON_BYTES: usize = 64 << 20;

/// One call's input, as the component saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedInput {
    /// The org whose call it was.
    pub org: String,
    /// sha256 of `json`, hex: the decision's `input_digest`.
    pub digest: String,
    /// The slot called.
    pub slot: Slot,
    /// The call's `now` (the input's own time), which retention counts from.
    pub at: Time,
    /// The input, as the JSON the digest was taken of.
    pub json: Vec<u8>,
}

impl RecordedInput {
    /// The stored value: header, then the JSON compressed.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let packed = zstd::stream::encode_all(self.json.as_slice(), LEVEL)
            .expect("zstd compresses in memory");
        let mut value = Vec::with_capacity(HEADER + packed.len());
        value.push(SCHEMA_VERSION);
        value.extend_from_slice(&self.at.timestamp_millis().to_be_bytes());
        value.push(slot_byte(self.slot));
        value.extend_from_slice(&packed);
        value
    }

    /// Reads a stored value back.
    pub(crate) fn decode(
        tree: &'static str,
        org: &str,
        digest: &str,
        value: &[u8],
    ) -> Result<RecordedInput, StoreError> {
        let corrupt = |detail: String| StoreError::Corrupt { tree, detail };
        let (at, slot) = header(tree, value)?;
        let json = decompress(&value[HEADER..])
            .map_err(|error| corrupt(format!("an input that does not decompress: {error}")))?;
        Ok(RecordedInput {
            org: org.to_string(),
            digest: digest.to_string(),
            slot,
            at,
            json,
        })
    }
}

/// `packed` decompressed, refusing more than [`MAX_JSON_BYTES`].
fn decompress(packed: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut json = Vec::with_capacity(packed.len() * 4);
    zstd::stream::read::Decoder::new(packed)?
        .take(MAX_JSON_BYTES as u64 + 1)
        .read_to_end(&mut json)?;
    if json.len() > MAX_JSON_BYTES {
        return Err(std::io::Error::other(format!(
            "it holds more than {MAX_JSON_BYTES} bytes"
        )));
    }
    Ok(json)
}

/// A stored value's time and slot, from its header alone.
pub(crate) fn header(tree: &'static str, value: &[u8]) -> Result<(Time, Slot), StoreError> {
    let corrupt = |detail: &str| StoreError::Corrupt {
        tree,
        detail: detail.to_string(),
    };
    let Some(head) = value.get(..HEADER) else {
        return Err(corrupt("an input shorter than its header"));
    };
    if head[0] != SCHEMA_VERSION {
        return Err(StoreError::SchemaVersion {
            tree,
            found: head[0],
            supported: SCHEMA_VERSION,
        });
    }
    let millis = i64::from_be_bytes(head[1..9].try_into().expect("8 bytes"));
    let at = chrono::DateTime::from_timestamp_millis(millis)
        .ok_or_else(|| corrupt("an input whose time is out of range"))?;
    let slot = Slot::ALL
        .get(usize::from(head[9]))
        .copied()
        .ok_or_else(|| corrupt("an input of no known slot"))?;
    Ok((at, slot))
}

/// The recorded inputs a store keeps.
pub trait InputStore {
    /// `org`'s input with this digest, if it is kept (never recorded:
    /// a decision from before inputs were recorded, or expired).
    fn input(&self, org: &str, digest: &str) -> Result<Option<RecordedInput>, StoreError>;
    /// Removes every org's inputs whose call was before `before` (the
    /// retention sweep); answers how many it removed. Decisions keep their
    /// digest; their replay then says the input is no longer kept.
    fn expire_inputs(&self, before: Time) -> Result<u64, StoreError>;
}

fn slot_byte(slot: Slot) -> u8 {
    let index = Slot::ALL
        .iter()
        .position(|each| *each == slot)
        .expect("every slot is in Slot::ALL");
    u8::try_from(index).expect("a handful of slots")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: &[u8]) -> RecordedInput {
        RecordedInput {
            org: "acme".into(),
            digest: "d1".into(),
            slot: Slot::RoutingPolicy,
            at: chrono::DateTime::from_timestamp_millis(1_764_000_000_123).unwrap(),
            json: json.to_vec(),
        }
    }

    #[test]
    fn an_input_reads_back_whole_and_is_stored_compressed() {
        let json = br#"{"lead":{"email":"a@b.example"},"activities":[]}"#.repeat(40);
        let stored = input(&json);
        let value = stored.encode();
        assert!(value.len() < json.len() / 4, "{} bytes", value.len());
        let back = RecordedInput::decode("inputs", "acme", "d1", &value).unwrap();
        assert_eq!(back, stored);
        assert_eq!(header("inputs", &value).unwrap(), (stored.at, stored.slot));
    }

    #[test]
    fn a_damaged_value_is_corrupt_by_name() {
        let value = input(b"{}").encode();
        let short = RecordedInput::decode("inputs", "acme", "d1", &value[..4]).unwrap_err();
        assert!(
            short.to_string().contains("shorter than its header"),
            "{short}"
        );
        let mut garbled = value.clone();
        garbled.truncate(HEADER + 2);
        let error = RecordedInput::decode("inputs", "acme", "d1", &garbled).unwrap_err();
        assert!(error.to_string().contains("does not decompress"), "{error}");
        let mut newer = value;
        newer[0] = 9;
        assert!(matches!(
            RecordedInput::decode("inputs", "acme", "d1", &newer),
            Err(StoreError::SchemaVersion { found: 9, .. })
        ));
    }
}
