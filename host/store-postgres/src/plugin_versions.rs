//! Adding a plug-in version to an org's history, once: hosts starting at
//! once on a new database each place the first-party plug-ins (and a host
//! may place a version another just recorded), so an entry equal to its
//! slot's latest — same component, config and sample cases — is not
//! written again. The org's mark row, locked first, orders the hosts.

use crate::store::MOVE_MARK;
use crate::{PostgresStore, backend};
use leadhost_store::codec::{decode, encode};
use leadhost_store::{PluginVersion, StoreError};

/// How far back an org's history is read for its slot's latest entry: a
/// slot's latest is among the last few entries of the org (three slots).
const LATEST_WITHIN: i64 = 64;

impl PostgresStore {
    /// Adds `version` to `org`'s history unless it equals its slot's
    /// latest entry; `true` when it was added (and the mark moved).
    pub(super) fn add_plugin_version(
        &self,
        org: &str,
        version: &PluginVersion,
    ) -> Result<bool, StoreError> {
        let (pool, waits) = (self.shared.pool.clone(), self.shared.waits.clone());
        let (org, version) = (org.to_string(), version.clone());
        self.block(async move {
            let mut client = pool.get().await.map_err(backend)?;
            let transaction = client.transaction().await.map_err(backend)?;
            // BEGIN, the mark (its row lock), the read, the insert, COMMIT.
            waits.count("transaction", 5);
            transaction
                .execute(MOVE_MARK, &[&org])
                .await
                .map_err(backend)?;
            let rows = transaction
                .query(
                    "SELECT value FROM plugin_versions WHERE org = $1 ORDER BY id DESC LIMIT $2",
                    &[&org, &LATEST_WITHIN],
                )
                .await
                .map_err(backend)?;
            for row in &rows {
                let entry: PluginVersion = decode("plugin_versions", row.get::<_, &[u8]>(0))?;
                if entry.slot != version.slot {
                    continue;
                }
                if entry.hash == version.hash
                    && entry.config_digest == version.config_digest
                    && entry.cases_digest == version.cases_digest
                {
                    // Rolled back when dropped: the mark stays too.
                    return Ok(false);
                }
                break;
            }
            transaction
                .execute(
                    "INSERT INTO plugin_versions (org, id, value) \
                     VALUES ($1, nextval('plugin_version_ids'), $2)",
                    &[&org, &encode(&version)],
                )
                .await
                .map_err(backend)?;
            transaction.commit().await.map_err(backend)?;
            Ok(true)
        })
    }
}
