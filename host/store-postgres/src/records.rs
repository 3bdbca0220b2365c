//! Import jobs, recorded inputs and shadow decisions on PostgreSQL.

use std::ops::ControlFlow;

use crate::{PostgresStore, millis, param};
use leadhost_model::{Activity, Slot, Time};
use leadhost_store::StoreError;
use leadhost_store::codec::{decode, encode};
use leadhost_store::{ImportJobRecord, ImportJobStore};
use leadhost_store::{InputStore, RecordedInput, Stored};
use leadhost_store::{SHADOWS_KEPT, ShadowDecision, ShadowStore};

/// Shadow puts per org and slot between two trims of its oldest beyond
/// [`SHADOWS_KEPT`] (as the sled store).
const TRIM_EVERY: u64 = 64;

/// Shadow decisions a scan reads per query, newest first.
const SHADOW_PAGE: i64 = 256;

impl ImportJobStore for PostgresStore {
    fn put_import_job(&self, org: &str, job: &ImportJobRecord) -> Result<(), StoreError> {
        self.transaction(
            Vec::new(),
            vec![(
                "INSERT INTO import_jobs (org, id, value) VALUES ($1, $2, $3) \
                 ON CONFLICT (org, id) DO UPDATE SET value = EXCLUDED.value",
                vec![
                    param(org.to_string()),
                    param(job.id.clone()),
                    param(encode(job)),
                ],
            )],
        )
        .map(drop)
    }

    fn import_job(&self, org: &str, id: &str) -> Result<Option<ImportJobRecord>, StoreError> {
        let rows = self.rows(
            "SELECT value FROM import_jobs WHERE org = $1 AND id = $2",
            vec![param(org.to_string()), param(id.to_string())],
        )?;
        Ok(Self::values("import_jobs", &rows, 0)?.into_iter().next())
    }

    fn import_jobs(&self, org: &str) -> Result<Vec<ImportJobRecord>, StoreError> {
        let rows = self.rows(
            "SELECT value FROM import_jobs WHERE org = $1 ORDER BY id",
            vec![param(org.to_string())],
        )?;
        Self::values("import_jobs", &rows, 0)
    }

    fn remove_import_job(&self, org: &str, id: &str) -> Result<(), StoreError> {
        self.transaction(
            Vec::new(),
            vec![(
                "DELETE FROM import_jobs WHERE org = $1 AND id = $2",
                vec![param(org.to_string()), param(id.to_string())],
            )],
        )
        .map(drop)
    }
}

impl PostgresStore {
    fn stored_input(&self, org: &str, digest: &str) -> Result<Option<Stored>, StoreError> {
        let rows = self.rows(
            "SELECT value FROM inputs WHERE org = $1 AND digest = $2",
            vec![param(org.to_string()), param(digest.to_string())],
        )?;
        rows.first()
            .map(|row| Stored::decode("inputs", row.get::<_, &[u8]>(0)))
            .transpose()
    }
}

impl InputStore for PostgresStore {
    fn input(&self, org: &str, digest: &str) -> Result<Option<RecordedInput>, StoreError> {
        let Some(stored) = self.stored_input(org, digest)? else {
            return Ok(None);
        };
        let mut activities: Vec<Activity> = Vec::with_capacity(stored.count);
        if stored.count > 0 {
            let rows = self.rows(
                "SELECT value FROM activities WHERE org = $1 AND lead = $2 ORDER BY seq LIMIT $3",
                vec![
                    param(org.to_string()),
                    param(stored.lead.clone()),
                    param(stored.count as i64),
                ],
            )?;
            activities = Self::values("activities", &rows, 0)?;
        }
        let json = serde_json::to_vec(&activities).expect("activities serialize to JSON");
        stored.whole("inputs", org, digest, &json).map(Some)
    }

    fn outline(&self, org: &str, digest: &str) -> Result<Option<RecordedInput>, StoreError> {
        Ok(self
            .stored_input(org, digest)?
            .map(|stored| stored.outline(org, digest)))
    }

    fn expire_inputs(&self, before: Time) -> Result<u64, StoreError> {
        let counts = self.transaction(
            Vec::new(),
            vec![(
                "DELETE FROM inputs WHERE at_ms < $1",
                vec![param(millis(before))],
            )],
        )?;
        Ok(counts.into_iter().sum())
    }
}

impl ShadowStore for PostgresStore {
    fn put_shadow(&self, org: &str, decision: &ShadowDecision) -> Result<(), StoreError> {
        let slot = decision.slot.world();
        let mut statements = vec![(
            "INSERT INTO shadows (org, slot, id, value) VALUES ($1, $2, nextval('shadow_ids'), $3)",
            vec![
                param(org.to_string()),
                param(slot.to_string()),
                param(encode(decision)),
            ],
        )];
        let puts = {
            let mut puts = self
                .shared
                .shadow_puts
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let count = puts.entry((org.to_string(), slot.to_string())).or_default();
            *count += 1;
            *count
        };
        if puts % TRIM_EVERY == 0 {
            statements.push((
                "DELETE FROM shadows WHERE org = $1 AND slot = $2 AND id <= \
                 (SELECT id FROM shadows WHERE org = $1 AND slot = $2 \
                  ORDER BY id DESC LIMIT 1 OFFSET $3)",
                vec![
                    param(org.to_string()),
                    param(slot.to_string()),
                    param(SHADOWS_KEPT as i64),
                ],
            ));
        }
        self.transaction(Vec::new(), statements).map(drop)
    }

    fn shadows(
        &self,
        org: &str,
        slot: Slot,
        visit: &mut dyn FnMut(ShadowDecision) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let mut before = i64::MAX;
        loop {
            let rows = self.rows(
                "SELECT id, value FROM shadows WHERE org = $1 AND slot = $2 AND id < $3 \
                 ORDER BY id DESC LIMIT $4",
                vec![
                    param(org.to_string()),
                    param(slot.world().to_string()),
                    param(before),
                    param(SHADOW_PAGE),
                ],
            )?;
            for row in &rows {
                if visit(decode("shadows", row.get::<_, &[u8]>(1))?).is_break() {
                    return Ok(());
                }
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == SHADOW_PAGE => before = last.get(0),
                _ => return Ok(()),
            }
        }
    }
}
