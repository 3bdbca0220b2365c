//! The blocking-key index's reads: for each key its newest leads, one
//! backward range of the primary key per key, in one round trip.

use crate::{PostgresStore, param};
use leadhost_store::StoreError;

impl PostgresStore {
    /// [`leadhost_store::Store::leads_by_match_keys`].
    pub(crate) fn leads_by_keys(
        &self,
        org: &str,
        match_keys: &[String],
        per_key: usize,
    ) -> Result<Vec<(String, String)>, StoreError> {
        if match_keys.is_empty() || per_key == 0 {
            return Ok(Vec::new());
        }
        let rows = self.rows(
            "SELECT wanted.key, found.lead FROM unnest($2::text[]) WITH ORDINALITY AS wanted(key, n) \
             CROSS JOIN LATERAL (SELECT lead FROM match_keys \
                 WHERE org = $1 AND key = wanted.key ORDER BY lead DESC LIMIT $3) AS found \
             ORDER BY wanted.n, found.lead DESC",
            vec![
                param(org.to_string()),
                param(match_keys.to_vec()),
                param(i64::try_from(per_key).unwrap_or(i64::MAX)),
            ],
        )?;
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
    }
}
