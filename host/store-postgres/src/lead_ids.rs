//! Lead ids from the database: one counter row per org, so every host on
//! the database hands out ids that are unique and sort in the order they
//! were handed out.

use crate::{PostgresStore, param};
use leadhost_store::lead_ids::{self, PREFIX};
use leadhost_store::{ByEmail, StoreError};

/// Moves an org's counter and answers the new number. `$2` is the floor:
/// the first number when the org has no counter yet, and never less.
const NEXT_NUMBER: &str = "INSERT INTO lead_numbers (org, last) VALUES ($1, $2) \
     ON CONFLICT (org) DO UPDATE SET last = GREATEST(lead_numbers.last + 1, EXCLUDED.last) \
     RETURNING last";

/// The lead holding an e-mail, or else the org's next number: the
/// counter moves only when no lead holds the e-mail (a data-modifying
/// `WITH` runs its `INSERT` for the rows its `SELECT` gives).
const LEAD_OR_NEXT_NUMBER: &str = "WITH found AS ( \
         SELECT lead FROM emails WHERE org = $1 AND email = $2), \
     numbered AS ( \
         INSERT INTO lead_numbers (org, last) \
         SELECT $1, $3::BIGINT WHERE NOT EXISTS (SELECT 1 FROM found) \
         ON CONFLICT (org) DO UPDATE SET last = GREATEST(lead_numbers.last + 1, EXCLUDED.last) \
         RETURNING last) \
     SELECT (SELECT lead FROM found), (SELECT last FROM numbered)";

impl PostgresStore {
    /// The next lead id of `org`: one round trip (two the first time this
    /// handle numbers the org, to start above the leads already stored,
    /// e.g. by `leadhost migrate`).
    pub(super) fn next_lead_id(&self, org: &str) -> Result<String, StoreError> {
        let floor = self.floor(org)?;
        let rows = self.rows(NEXT_NUMBER, vec![param(org.to_string()), param(floor)])?;
        let number: i64 = rows
            .first()
            .map(|row| row.get(0))
            .ok_or_else(|| crate::backend("the lead counter returned no row"))?;
        self.numbered(org);
        Ok(lead_ids::lead_id(number as u64))
    }

    /// The lead holding `email`, or else the next lead id of `org`: one
    /// round trip (two the first time, as [`PostgresStore::next_lead_id`]).
    /// Two hosts taking the same new e-mail at once both get an id; the
    /// second to commit fails on the e-mail's key and merges, its id left
    /// unused (ids stay unique and ordered, not gapless).
    pub(super) fn lead_or_next_id(&self, org: &str, email: &str) -> Result<ByEmail, StoreError> {
        let floor = self.floor(org)?;
        let rows = self.rows(
            LEAD_OR_NEXT_NUMBER,
            vec![
                param(org.to_string()),
                param(email.to_string()),
                param(floor),
            ],
        )?;
        let row = rows
            .first()
            .ok_or_else(|| crate::backend("the e-mail lookup returned no row"))?;
        if let Some(lead) = row.get::<_, Option<String>>(0) {
            return Ok(ByEmail::Known(lead));
        }
        let number: i64 = row
            .get::<_, Option<i64>>(1)
            .ok_or_else(|| crate::backend("the lead counter returned no number"))?;
        self.numbered(org);
        Ok(ByEmail::New(lead_ids::lead_id(number as u64)))
    }

    /// The least number `org`'s counter may hand out: 1 once this handle
    /// has numbered the org, else one above its highest stored lead (a
    /// round trip, once).
    fn floor(&self, org: &str) -> Result<i64, StoreError> {
        let caught_up = self
            .shared
            .numbered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains(org);
        if caught_up {
            return Ok(1);
        }
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
        Ok(stored as i64 + 1)
    }

    /// Remembers that this handle's counter for `org` is above its stored
    /// leads.
    fn numbered(&self, org: &str) {
        self.shared
            .numbered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(org.to_string());
    }
}
