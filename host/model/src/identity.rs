//! What names a plug-in version: its slot, its name and its content hash.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The sha256 of a component's bytes: the identity of a plug-in version.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    /// Hashes `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        ContentHash(Sha256::digest(bytes).into())
    }

    /// The raw digest.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first 12 hex digits: enough to tell versions apart in messages.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..6])
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({})", self.short())
    }
}

impl FromStr for ContentHash {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut digest = [0u8; 32];
        hex::decode_to_slice(text, &mut digest)
            .map_err(|_| format!("`{text}` is not a sha256 digest (64 hex digits)"))?;
        Ok(ContentHash(digest))
    }
}

impl Serialize for ContentHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ContentHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A plug-in version as messages name it: `name@hash`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct PluginId {
    /// The name it was loaded under (usually its file name).
    pub name: String,
    /// Its content hash.
    pub hash: ContentHash,
}

impl fmt::Display for PluginId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.name, self.hash.short())
    }
}

/// The jobs a plug-in can do for an org, one WIT world each.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Slot {
    /// `qualify`: sales-ready, nurture or discard, and why.
    LeadDefinition,
    /// `next-step`: the next touch for a lead not ready yet.
    NurtureTrack,
    /// `route`: which rep gets a sales-ready lead.
    RoutingPolicy,
    /// `match-lead`: which leads the host found are the same person or account
    /// as a new lead (WIT 0.2.0 on). Optional: an org without one matches
    /// duplicates by e-mail alone.
    DuplicateRule,
}

impl Slot {
    /// Every slot. (Its order is part of stored keys: a new slot goes
    /// last.)
    pub const ALL: [Slot; 4] = [
        Slot::LeadDefinition,
        Slot::NurtureTrack,
        Slot::RoutingPolicy,
        Slot::DuplicateRule,
    ];

    /// The WIT world's name.
    pub fn world(self) -> &'static str {
        match self {
            Slot::LeadDefinition => "lead-definition",
            Slot::NurtureTrack => "nurture-track",
            Slot::RoutingPolicy => "routing-policy",
            Slot::DuplicateRule => "duplicate-rule",
        }
    }

    /// The function the world exports.
    pub fn export(self) -> &'static str {
        match self {
            Slot::LeadDefinition => "qualify",
            Slot::NurtureTrack => "next-step",
            Slot::RoutingPolicy => "route",
            Slot::DuplicateRule => "match-lead",
        }
    }

    /// The slot whose world exports `function`, if any.
    pub fn exporting(function: &str) -> Option<Slot> {
        Slot::ALL.into_iter().find(|slot| slot.export() == function)
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.world())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_round_trips_through_hex() {
        let hash = ContentHash::of(b"component bytes");
        assert_eq!(hash.to_string().parse::<ContentHash>().unwrap(), hash);
        assert_eq!(hash.short().len(), 12);
        assert!(
            "xyz"
                .parse::<ContentHash>()
                .unwrap_err()
                .contains("64 hex digits")
        );
    }

    #[test]
    fn slots_are_found_by_their_export() {
        assert_eq!(Slot::exporting("route"), Some(Slot::RoutingPolicy));
        assert_eq!(Slot::exporting("run"), None);
    }
}
