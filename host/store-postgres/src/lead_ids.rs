//! Lead ids from the database: one counter row per org, so every host on
//! the database hands out ids that are unique and sort in the order they
//! were handed out.

use crate::{PostgresStore, param};
use leadhost_store::StoreError;
use leadhost_store::lead_ids::{self, PREFIX};

impl PostgresStore {
    /// The next lead id of `org`: one round trip (two the first time this
    /// handle numbers the org, to start above the leads already stored,
    /// e.g. by `leadhost migrate`).
    pub(super) fn next_lead_id(&self, org: &str) -> Result<String, StoreError> {
        let caught_up = self
            .shared
            .numbered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains(org);
        let floor = if caught_up {
            1
        } else {
            let rows = self.rows(
                "SELECT id FROM leads WHERE org = $1 AND id >= $2 AND id < $3 \
                 ORDER BY id DESC LIMIT 1",
                vec![
                    param(org.to_string()),
                    param(PREFIX.to_string()),
                    param(format!("{}\u{10FFFF}", PREFIX)),
                ],
            )?;
            let stored = rows
                .first()
                .and_then(|row| lead_ids::number_of(row.get::<_, &str>(0)))
                .unwrap_or(0);
            stored as i64 + 1
        };
        let rows = self.rows(
            "INSERT INTO lead_numbers (org, last) VALUES ($1, $2) ON CONFLICT (org) \
             DO UPDATE SET last = GREATEST(lead_numbers.last + 1, EXCLUDED.last) RETURNING last",
            vec![param(org.to_string()), param(floor)],
        )?;
        let number: i64 = rows
            .first()
            .map(|row| row.get(0))
            .ok_or_else(|| crate::backend("the lead counter returned no row"))?;
        self.shared
            .numbered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(org.to_string());
        Ok(lead_ids::lead_id(number as u64))
    }
}
