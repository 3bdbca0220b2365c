//! What routing a lead reads, in one round trip: the org's reps (their
//! load moves with every host's assignments, so they are read each time)
//! and the owner of the lead's account.

use crate::{PostgresStore, param};
use leadhost_model::Rep;
use leadhost_store::StoreError;

impl PostgresStore {
    /// `org`'s reps by id, and the rep owning `domain`'s account.
    pub(super) fn routing_reads(
        &self,
        org: &str,
        domain: Option<&str>,
    ) -> Result<(Vec<Rep>, Option<String>), StoreError> {
        let mut queries = vec![(
            "SELECT value FROM reps WHERE org = $1 ORDER BY id",
            vec![param(org.to_string())],
        )];
        if let Some(domain) = domain {
            queries.push((
                "SELECT rep FROM accounts WHERE org = $1 AND domain = $2",
                vec![param(org.to_string()), param(domain.to_string())],
            ));
        }
        let answers = self.reads(queries)?;
        let reps = Self::values("reps", &answers[0], 0)?;
        let owner = answers
            .get(1)
            .and_then(|rows| rows.first())
            .map(|row| row.get(0));
        Ok((reps, owner))
    }
}
