//! How a loader is made, and its settings (`[limits]`, `[reload]`).

use std::sync::Arc;

use super::{NewerReload, PluginLoader};
use crate::Engine;
use crate::plugins::OrgFolders;
use crate::runtime::Runtime;

impl PluginLoader {
    /// A loader for `engine`'s orgs, with their files in `folders`.
    pub fn new(runtime: Runtime, engine: Engine, folders: OrgFolders) -> Self {
        PluginLoader {
            runtime,
            engine,
            folders,
            locks: Arc::default(),
            max_script_bytes: crate::plugins::MAX_SCRIPT_BYTES,
            org_disk_bytes: crate::plugins::quota::ORG_DISK_BYTES,
            impact_sample: crate::plugins::impact::IMPACT_SAMPLE,
            impact_memo: Arc::default(),
            newer_reload: None,
            file_hashes: crate::plugins::drift::FileHashes::default(),
            taking_up: Arc::default(),
            opened: std::time::SystemTime::now(),
        }
    }

    /// This loader, taking admin scripts of at most `bytes` (`[limits]
    /// max_script_kib`; default [`crate::plugins::MAX_SCRIPT_BYTES`]).
    pub fn with_max_script_bytes(mut self, bytes: usize) -> Self {
        self.max_script_bytes = bytes;
        self
    }

    /// This loader, measuring each new version's impact on `inputs` of the
    /// slot's latest recorded inputs (`[reload] impact_sample`; default
    /// [`crate::plugins::IMPACT_SAMPLE`]; 0 measures none).
    pub fn with_impact_sample(mut self, inputs: usize) -> Self {
        self.impact_sample = inputs;
        self
    }

    /// This loader, asking `newer` whether another reload of an org waits
    /// while it measures the impact of a version already serving (a file
    /// change to a slot without `max_change`): if one does, it stops at the
    /// next input, and the impact counts the inputs run so far, so an
    /// org's next file is not held up by the last one's figure. The
    /// reload threads ([`crate::plugins::watch`]) answer from their queue.
    pub fn with_newer_reload(mut self, newer: NewerReload) -> Self {
        self.newer_reload = Some(newer);
        self
    }

    /// This loader, bounding each org's plug-in files to `bytes` (`[limits]
    /// org_disk_mib`; default [`crate::plugins::quota::ORG_DISK_BYTES`]).
    pub fn with_org_disk_bytes(mut self, bytes: u64) -> Self {
        self.org_disk_bytes = bytes;
        self
    }
}
