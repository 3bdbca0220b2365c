//! How the sled store is opened: durability, compression and cache size.

/// When a commit counts as done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Durability {
    /// After an fsync that covers it (shared by concurrent commits).
    #[default]
    Flush,
    /// As soon as it is applied in memory; sled flushes in the background
    /// every half second. A crash may lose the last moments: for benchmarks
    /// and throwaway data only.
    Relaxed,
}

impl std::str::FromStr for Durability {
    type Err = String;

    /// `flush` or `relaxed`, as a flag or a setting spells it.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "flush" => Ok(Durability::Flush),
            "relaxed" => Ok(Durability::Relaxed),
            other => Err(format!("`{other}` is not `flush` or `relaxed`")),
        }
    }
}

/// How to open the sled store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SledOptions {
    /// When a commit counts as done.
    pub durability: Durability,
    /// Compress pages with zstd: about a third of the disk space for about
    /// 40% less throughput (see the engine benchmark). Fixed when the
    /// store is created; reopening with the other setting is refused.
    pub compression: bool,
    /// Most bytes of pages sled keeps cached in memory (`[store] cache_mib`).
    /// Default [`CACHE_BYTES`], sled's own default.
    pub cache_bytes: u64,
}

/// sled's own default page cache: 1 GiB (`sled::Config::cache_capacity`, 0.34).
pub const CACHE_BYTES: u64 = 1 << 30;

impl Default for SledOptions {
    fn default() -> Self {
        SledOptions {
            durability: Durability::Flush,
            compression: true,
            cache_bytes: CACHE_BYTES,
        }
    }
}
