//! The exact input a plug-in call saw, kept so the decision can be replayed
//! and a candidate backtested on it.
//!
//! An input is stored under `org \0 digest`, the digest its decision
//! carries (sha256 of the input's JSON), so an identical input is stored
//! once. The lead's activities are not stored again in every input: an
//! input names how many of the lead's activities (the first `count`, in
//! timeline order: activities are only ever appended) sit where in its
//! JSON, and reading it back splices them in from the lead's timeline and
//! checks the result against the digest. Without that, a lead with many
//! activities stored all of them again at every re-qualification, so its
//! inputs grew with the square of its activities.
//!
//! The value starts with the schema-version byte, the call's time (ms
//! since the epoch, big-endian) and the slot, so the retention sweep reads
//! a value's age without decompressing it; then, zstd-compressed: the
//! activity count (u32), where they go (u32), the lead's id (u16 length,
//! bytes) and the rest of the JSON.

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
    /// The lead the call was about.
    pub lead: String,
    /// The input, as the JSON the digest was taken of (an outline's has
    /// the count in place of the activities: see [`InputStore::outline`]).
    pub json: Vec<u8>,
    /// Where the lead's activities sit in `json`, when it holds any.
    pub activities: Option<Spliced>,
}

/// Where `json[start..end]` is the JSON array of the lead's first `count`
/// activities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spliced {
    /// The array's first byte.
    pub start: usize,
    /// Just past its last.
    pub end: usize,
    /// How many activities.
    pub count: usize,
}

/// A stored input before its activities are spliced back in: what a
/// backend keeps per input ([`RecordedInput::encode`]), decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// When it was recorded.
    pub at: Time,
    /// The slot whose call it was.
    pub slot: Slot,
    /// The lead it was about.
    pub lead: String,
    /// The lead's first `count` activities go at `start` of `rest`.
    pub count: usize,
    /// Where in `rest` they go (bytes).
    pub start: usize,
    /// The JSON without them.
    pub rest: Vec<u8>,
}

impl RecordedInput {
    /// The stored value: header, then the rest compressed (the activities
    /// left out when `activities` says where they are).
    pub fn encode(&self) -> Vec<u8> {
        let (count, start, rest) = match self.activities {
            Some(Spliced { start, end, count }) if end <= self.json.len() && start <= end => {
                let mut rest = self.json[..start].to_vec();
                rest.extend_from_slice(&self.json[end..]);
                (count, start, rest)
            }
            _ => (0, 0, self.json.clone()),
        };
        let lead = &self.lead.as_bytes()[..self.lead.len().min(u16::MAX as usize)];
        let mut body = Vec::with_capacity(10 + lead.len() + rest.len());
        body.extend_from_slice(&u32::try_from(count).unwrap_or(u32::MAX).to_be_bytes());
        body.extend_from_slice(&u32::try_from(start).unwrap_or(u32::MAX).to_be_bytes());
        body.extend_from_slice(&(lead.len() as u16).to_be_bytes());
        body.extend_from_slice(lead);
        body.extend_from_slice(&rest);
        let packed = compress(&body);
        let mut value = Vec::with_capacity(HEADER + packed.len());
        value.push(SCHEMA_VERSION);
        value.extend_from_slice(&self.at.timestamp_millis().to_be_bytes());
        value.push(slot_byte(self.slot));
        value.extend_from_slice(&packed);
        value
    }
}

impl Stored {
    /// Reads a stored value's parts.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when the value is not one `encode` wrote.
    pub fn decode(tree: &'static str, value: &[u8]) -> Result<Stored, StoreError> {
        let corrupt = |detail: String| StoreError::Corrupt { tree, detail };
        let (at, slot) = header(tree, value)?;
        let body = decompress(&value[HEADER..])
            .map_err(|error| corrupt(format!("an input that does not decompress: {error}")))?;
        let short = || corrupt("an input shorter than its parts".into());
        let number = |at: usize| -> Option<usize> {
            Some(u32::from_be_bytes(body.get(at..at + 4)?.try_into().ok()?) as usize)
        };
        let (count, start) = (number(0).ok_or_else(short)?, number(4).ok_or_else(short)?);
        let length = u16::from_be_bytes(
            body.get(8..10)
                .ok_or_else(short)?
                .try_into()
                .expect("2 bytes"),
        );
        let lead_end = 10 + usize::from(length);
        let lead = std::str::from_utf8(body.get(10..lead_end).ok_or_else(short)?)
            .map_err(|_| corrupt("an input whose lead id is not UTF-8".into()))?
            .to_string();
        let rest = body[lead_end..].to_vec();
        if start > rest.len() {
            return Err(short());
        }
        Ok(Stored {
            at,
            slot,
            lead,
            count,
            start,
            rest,
        })
    }

    /// The input with `activities` (the JSON array of the lead's first
    /// `count`) spliced back in, checked against `digest`.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when the parts do not hash to `digest`.
    pub fn whole(
        self,
        tree: &'static str,
        org: &str,
        digest: &str,
        activities: &[u8],
    ) -> Result<RecordedInput, StoreError> {
        let mut json = self.rest[..self.start].to_vec();
        let spliced = (self.count > 0).then(|| {
            json.extend_from_slice(activities);
            Spliced {
                start: self.start,
                end: self.start + activities.len(),
                count: self.count,
            }
        });
        json.extend_from_slice(&self.rest[self.start..]);
        let found = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&json));
        if found != digest {
            return Err(StoreError::Corrupt {
                tree,
                detail: format!(
                    "input {digest} of org {org} does not reassemble to its digest (the lead's activities changed?)"
                ),
            });
        }
        Ok(RecordedInput {
            org: org.to_string(),
            digest: digest.to_string(),
            slot: self.slot,
            at: self.at,
            lead: self.lead,
            json,
            activities: spliced,
        })
    }

    /// The input with the activity count in place of the activities.
    pub fn outline(self, org: &str, digest: &str) -> RecordedInput {
        let mut json = self.rest[..self.start].to_vec();
        let spliced = (self.count > 0).then(|| {
            let count = self.count.to_string();
            json.extend_from_slice(count.as_bytes());
            Spliced {
                start: self.start,
                end: self.start + count.len(),
                count: self.count,
            }
        });
        json.extend_from_slice(&self.rest[self.start..]);
        RecordedInput {
            org: org.to_string(),
            digest: digest.to_string(),
            slot: self.slot,
            at: self.at,
            lead: self.lead,
            json,
            activities: spliced,
        }
    }
}

/// `body` compressed, by this thread's compressor: a new zstd context per
/// input (its tables allocated and zeroed each time) cost more than the
/// compression itself.
fn compress(body: &[u8]) -> Vec<u8> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<zstd::block::Compressor> =
            std::cell::RefCell::new(zstd::block::Compressor::new());
    }
    COMPRESSOR.with(|compressor| {
        compressor
            .borrow_mut()
            .compress(body, LEVEL)
            .expect("zstd compresses in memory")
    })
}

/// `packed` decompressed, refusing more than [`MAX_JSON_BYTES`], by this
/// thread's decompressor (a context per input was a tenth of a backtest's
/// time). The frame's header gives the size, so the buffer is allocated
/// once and exactly; a frame without one is read as a stream.
fn decompress(packed: &[u8]) -> std::io::Result<Vec<u8>> {
    thread_local! {
        static DECOMPRESSOR: std::cell::RefCell<zstd::block::Decompressor> =
            std::cell::RefCell::new(zstd::block::Decompressor::new());
    }
    let too_large = || std::io::Error::other(format!("it holds more than {MAX_JSON_BYTES} bytes"));
    let size = zstd::zstd_safe::get_frame_content_size(packed);
    if size == zstd::zstd_safe::CONTENTSIZE_ERROR {
        return Err(std::io::Error::other("not a zstd frame"));
    }
    if size != zstd::zstd_safe::CONTENTSIZE_UNKNOWN {
        let size = usize::try_from(size)
            .ok()
            .filter(|size| *size <= MAX_JSON_BYTES)
            .ok_or_else(too_large)?;
        let mut json = Vec::with_capacity(size);
        DECOMPRESSOR.with(|decompressor| {
            decompressor
                .borrow_mut()
                .decompress_to_buffer(packed, &mut json)
        })?;
        return Ok(json);
    }
    use std::io::Read;
    let mut json = Vec::with_capacity(packed.len() * 4);
    zstd::stream::read::Decoder::new(packed)?
        .take(MAX_JSON_BYTES as u64 + 1)
        .read_to_end(&mut json)?;
    if json.len() > MAX_JSON_BYTES {
        return Err(too_large());
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
    /// `org`'s input with this digest, whole, if it is kept (never
    /// recorded: a decision from before inputs were recorded, or expired).
    fn input(&self, org: &str, digest: &str) -> Result<Option<RecordedInput>, StoreError>;
    /// The same input with the number of the lead's activities it held in
    /// place of them (`"activities":37`: the lead's first 37, which its
    /// timeline lists): small whatever the lead's history, for showing.
    fn outline(&self, org: &str, digest: &str) -> Result<Option<RecordedInput>, StoreError>;
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

    fn digest(json: &[u8]) -> String {
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(json))
    }

    /// An input whose activities (`[{"kind":"webinar"}]`, one) sit at the
    /// recorded place.
    fn input() -> (RecordedInput, Vec<u8>) {
        let activities = br#"[{"kind":"webinar"}]"#.to_vec();
        let head = br#"{"lead":{"email":"a@b.example"},"activities":"#;
        let mut json = head.to_vec();
        json.extend_from_slice(&activities);
        json.extend_from_slice(br#","now":"2026-11-24T09:00:00Z"}"#);
        let input = RecordedInput {
            org: "acme".into(),
            digest: digest(&json),
            slot: Slot::RoutingPolicy,
            at: chrono::DateTime::from_timestamp_millis(1_764_000_000_123).unwrap(),
            lead: "ld-1".into(),
            activities: Some(Spliced {
                start: head.len(),
                end: head.len() + activities.len(),
                count: 1,
            }),
            json,
        };
        (input, activities)
    }

    #[test]
    fn an_input_is_stored_without_its_activities_and_reassembles_whole() {
        let (input, activities) = input();
        let value = input.encode();
        let stored = Stored::decode("inputs", &value).unwrap();
        assert!(!String::from_utf8_lossy(&stored.rest).contains("webinar"));
        assert_eq!(header("inputs", &value).unwrap(), (input.at, input.slot));
        let back = stored
            .clone()
            .whole("inputs", "acme", &input.digest, &activities)
            .unwrap();
        assert_eq!(back, input);
        let outline = stored.outline("acme", &input.digest);
        assert!(
            String::from_utf8_lossy(&outline.json).contains(r#""activities":1,"now""#),
            "{}",
            String::from_utf8_lossy(&outline.json)
        );
    }

    #[test]
    fn other_activities_do_not_pass_for_the_recorded_ones() {
        let (input, _) = input();
        let stored = Stored::decode("inputs", &input.encode()).unwrap();
        let error = stored
            .whole("inputs", "acme", &input.digest, br#"[{"kind":"meeting"}]"#)
            .unwrap_err();
        assert!(error.to_string().contains("does not reassemble"), "{error}");
    }

    #[test]
    fn a_frame_is_read_whether_or_not_it_declares_its_size_and_never_past_the_limit() {
        let json = br#"{"lead":{"email":"a@b.example"}}"#.repeat(50);
        let declared = compress(&json);
        assert_ne!(
            zstd::zstd_safe::get_frame_content_size(&declared),
            zstd::zstd_safe::CONTENTSIZE_UNKNOWN
        );
        assert_eq!(decompress(&declared).unwrap(), json);
        // A streamed frame does not declare its size.
        let mut streamed = Vec::new();
        let mut encoder = zstd::stream::write::Encoder::new(&mut streamed, LEVEL).unwrap();
        std::io::Write::write_all(&mut encoder, &json).unwrap();
        encoder.finish().unwrap();
        assert_eq!(
            zstd::zstd_safe::get_frame_content_size(&streamed),
            zstd::zstd_safe::CONTENTSIZE_UNKNOWN
        );
        assert_eq!(decompress(&streamed).unwrap(), json);
        // One byte past the limit is refused by the size it declares, and
        // by what it holds when it declares none.
        let huge = vec![b' '; MAX_JSON_BYTES + 1];
        let error = decompress(&compress(&huge)).unwrap_err();
        assert!(error.to_string().contains("more than"), "{error}");
        let mut streamed = Vec::new();
        let mut encoder = zstd::stream::write::Encoder::new(&mut streamed, LEVEL).unwrap();
        std::io::Write::write_all(&mut encoder, &huge).unwrap();
        encoder.finish().unwrap();
        let error = decompress(&streamed).unwrap_err();
        assert!(error.to_string().contains("more than"), "{error}");
    }

    #[test]
    fn a_damaged_value_is_corrupt_by_name() {
        let value = input().0.encode();
        let short = Stored::decode("inputs", &value[..4]).unwrap_err();
        assert!(
            short.to_string().contains("shorter than its header"),
            "{short}"
        );
        let mut garbled = value.clone();
        garbled.truncate(HEADER + 2);
        let error = Stored::decode("inputs", &garbled).unwrap_err();
        assert!(error.to_string().contains("does not decompress"), "{error}");
        let mut newer = value;
        newer[0] = 9;
        assert!(matches!(
            Stored::decode("inputs", &newer),
            Err(StoreError::SchemaVersion { found: 9, .. })
        ));
    }
}
