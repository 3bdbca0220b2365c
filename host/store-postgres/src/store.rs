//! [`Store`] on PostgreSQL: each read one query on an index, each write one
//! transaction.

use std::ops::ControlFlow;

use serde::de::DeserializeOwned;

use crate::write::put_rep;
use crate::{Param, PostgresStore, backend, millis, param};
use leadhost_model::{Activity, Campaign, Rep, Slot, Time};
use leadhost_store::codec::{decode, encode};
use leadhost_store::{
    Applied, Assignment, ByEmail, Commit, Decision, Due, DurableFuture, LeadRecord, LeadSummary,
    OrgRecord, OutboxMessage, PluginVersion, Store, StoreError, TimelineEntry, TimelineItem,
    TokenRecord,
};

/// Rows a scan reads per query: a visitor that breaks early costs at most
/// one page more than it read.
const SCAN_PAGE: i64 = 512;

/// Moves an org's plug-in history mark (`$1`: the org), in the
/// transaction adding a version: the row lock orders two hosts' entries,
/// and every entry moves the mark.
pub(crate) const MOVE_MARK: &str = "INSERT INTO plugin_history_marks (org, mark) VALUES ($1, 1) \
     ON CONFLICT (org) DO UPDATE SET mark = plugin_history_marks.mark + 1";

fn text(value: &str) -> Param {
    param(value.to_string())
}

fn time(at_ms: i64) -> Result<Time, StoreError> {
    chrono::DateTime::from_timestamp_millis(at_ms).ok_or_else(|| StoreError::Corrupt {
        tree: "schedule",
        detail: format!("a time out of range: {at_ms} ms"),
    })
}

impl PostgresStore {
    /// The one value `sql` selects, if any.
    fn one<T: DeserializeOwned>(
        &self,
        table: &'static str,
        sql: &'static str,
        params: Vec<Param>,
    ) -> Result<Option<T>, StoreError> {
        let rows = self.rows(sql, params)?;
        Self::values(table, &rows, 0).map(|values| values.into_iter().next())
    }

    /// Every value `sql` selects.
    fn all<T: DeserializeOwned>(
        &self,
        table: &'static str,
        sql: &'static str,
        params: Vec<Param>,
    ) -> Result<Vec<T>, StoreError> {
        Self::values(table, &self.rows(sql, params)?, 0)
    }

    /// Calls `visit` with each value `sql` pages through (its parameters:
    /// the org, the key to start after, the page size; its columns: the
    /// key, the value), until it breaks.
    fn scan_after<T: DeserializeOwned>(
        &self,
        table: &'static str,
        sql: &'static str,
        org: &str,
        after: Option<&str>,
        visit: &mut dyn FnMut(T) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let mut after = after.unwrap_or("").to_string();
        loop {
            let rows = self.rows(sql, vec![text(org), text(&after), param(SCAN_PAGE)])?;
            for row in &rows {
                if visit(decode(table, row.get::<_, &[u8]>(1))?).is_break() {
                    return Ok(());
                }
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == SCAN_PAGE => after = last.get(0),
                _ => return Ok(()),
            }
        }
    }

    /// Runs `statements` in one transaction; for writes that are durable on
    /// return (a PostgreSQL commit is).
    fn write(&self, statements: Vec<crate::Statement>) -> Result<(), StoreError> {
        self.transaction(Vec::new(), statements).map(drop)
    }
}

impl Store for PostgresStore {
    /// Several hosts write one database.
    fn shared(&self) -> bool {
        true
    }

    fn put_org(&self, org: &OrgRecord) -> Result<(), StoreError> {
        self.write(vec![(
            "INSERT INTO orgs (id, value) VALUES ($1, $2) \
             ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value",
            vec![text(&org.id), param(encode(org))],
        )])?;
        self.known_orgs().insert(org.id.clone(), org.clone());
        Ok(())
    }

    fn org(&self, id: &str) -> Result<Option<OrgRecord>, StoreError> {
        if let Some(org) = self.known_orgs().get(id) {
            return Ok(Some(org.clone()));
        }
        let found: Option<OrgRecord> = self.one(
            "orgs",
            "SELECT value FROM orgs WHERE id = $1",
            vec![text(id)],
        )?;
        if let Some(org) = &found {
            self.known_orgs().insert(org.id.clone(), org.clone());
        }
        Ok(found)
    }

    fn orgs(&self) -> Result<Vec<OrgRecord>, StoreError> {
        self.all("orgs", "SELECT value FROM orgs ORDER BY id", vec![])
    }

    fn new_lead_id(&self, org: &str) -> Result<String, StoreError> {
        self.next_lead_id(org)
    }

    fn lead_by_email_or_new_id(&self, org: &str, email: &str) -> Result<ByEmail, StoreError> {
        self.lead_or_next_id(org, email)
    }

    fn lead(&self, org: &str, id: &str) -> Result<Option<LeadRecord>, StoreError> {
        self.one(
            "leads",
            "SELECT value FROM leads WHERE org = $1 AND id = $2",
            vec![text(org), text(id)],
        )
    }

    fn leads_by_match_keys(
        &self,
        org: &str,
        match_keys: &[String],
        per_key: usize,
    ) -> Result<Vec<(String, String)>, StoreError> {
        self.leads_by_keys(org, match_keys, per_key)
    }

    fn lead_by_email(&self, org: &str, email: &str) -> Result<Option<String>, StoreError> {
        let rows = self.rows(
            "SELECT lead FROM emails WHERE org = $1 AND email = $2",
            vec![text(org), text(email)],
        )?;
        Ok(rows.first().map(|row| row.get(0)))
    }

    fn scan_leads_after(
        &self,
        org: &str,
        after: Option<&str>,
        visit: &mut dyn FnMut(LeadRecord) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.scan_after(
            "leads",
            "SELECT id, value FROM leads WHERE org = $1 AND id > $2 ORDER BY id LIMIT $3",
            org,
            after,
            visit,
        )
    }

    fn scan_lead_summaries_after(
        &self,
        org: &str,
        after: Option<&str>,
        visit: &mut dyn FnMut(LeadSummary) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.scan_after(
            "leads",
            "SELECT id, summary FROM leads WHERE org = $1 AND id > $2 ORDER BY id LIMIT $3",
            org,
            after,
            visit,
        )
    }

    fn activities(&self, org: &str, lead: &str) -> Result<Vec<Activity>, StoreError> {
        self.all(
            "activities",
            "SELECT value FROM activities WHERE org = $1 AND lead = $2 ORDER BY seq",
            vec![text(org), text(lead)],
        )
    }

    fn timeline(&self, org: &str, lead: &str) -> Result<Vec<TimelineEntry>, StoreError> {
        let rows = self.rows(
            "SELECT 0 AS kind, seq, value FROM activities WHERE org = $1 AND lead = $2 \
             UNION ALL SELECT 1, seq, value FROM events WHERE org = $1 AND lead = $2 \
             UNION ALL SELECT 2, seq, value FROM decisions WHERE org = $1 AND lead = $2 \
             ORDER BY seq, kind",
            vec![text(org), text(lead)],
        )?;
        rows.iter()
            .map(|row| {
                let (kind, seq, value) = (
                    row.get::<_, i32>(0),
                    row.get::<_, i64>(1) as u64,
                    row.get::<_, &[u8]>(2),
                );
                let item = match kind {
                    0 => TimelineItem::Activity(decode("activities", value)?),
                    1 => TimelineItem::Event(decode("events", value)?),
                    _ => TimelineItem::Decision(decode("decisions", value)?),
                };
                Ok(TimelineEntry { seq, item })
            })
            .collect()
    }

    fn decisions(&self, org: &str, lead: &str) -> Result<Vec<(u64, Decision)>, StoreError> {
        let rows = self.rows(
            "SELECT seq, value FROM decisions WHERE org = $1 AND lead = $2 ORDER BY seq",
            vec![text(org), text(lead)],
        )?;
        rows.iter()
            .map(|row| {
                let decision = decode("decisions", row.get::<_, &[u8]>(1))?;
                Ok((row.get::<_, i64>(0) as u64, decision))
            })
            .collect()
    }

    fn reps(&self, org: &str) -> Result<Vec<Rep>, StoreError> {
        self.all(
            "reps",
            "SELECT value FROM reps WHERE org = $1 ORDER BY id",
            vec![text(org)],
        )
    }

    fn put_rep(&self, org: &str, rep: &Rep) -> Result<(), StoreError> {
        self.write(vec![put_rep(org, rep)])
    }

    fn put_rep_as_read(&self, org: &str, rep: &Rep, read: &Rep) -> Result<(), StoreError> {
        self.transaction(
            vec![crate::write::rep_as_read(org, read.clone())],
            vec![put_rep(org, rep)],
        )
        .map(drop)
    }

    fn put_campaign(&self, org: &str, campaign: &Campaign) -> Result<(), StoreError> {
        self.write(vec![(
            "INSERT INTO campaigns (org, id, value) VALUES ($1, $2, $3) \
             ON CONFLICT (org, id) DO UPDATE SET value = EXCLUDED.value",
            vec![text(org), text(&campaign.id), param(encode(campaign))],
        )])
    }

    fn put_campaign_as_read(
        &self,
        org: &str,
        campaign: &Campaign,
        read: Option<&Campaign>,
        outbox: &[OutboxMessage],
    ) -> Result<bool, StoreError> {
        self.campaign_as_read(org, campaign, read, outbox)
    }

    fn campaigns(&self, org: &str) -> Result<Vec<Campaign>, StoreError> {
        self.all(
            "campaigns",
            "SELECT value FROM campaigns WHERE org = $1 ORDER BY id",
            vec![text(org)],
        )
    }

    fn account_owner(&self, org: &str, domain: &str) -> Result<Option<String>, StoreError> {
        let rows = self.rows(
            "SELECT rep FROM accounts WHERE org = $1 AND domain = $2",
            vec![text(org), text(domain)],
        )?;
        Ok(rows.first().map(|row| row.get(0)))
    }

    fn reps_and_account_owner(
        &self,
        org: &str,
        domain: Option<&str>,
    ) -> Result<(Vec<Rep>, Option<String>), StoreError> {
        self.routing_reads(org, domain)
    }

    fn assignment(&self, org: &str, lead: &str) -> Result<Option<Assignment>, StoreError> {
        self.one(
            "assignments",
            "SELECT value FROM assignments WHERE org = $1 AND lead = $2",
            vec![text(org), text(lead)],
        )
    }

    fn due(&self, until: Time, limit: usize) -> Result<Vec<Due>, StoreError> {
        let rows = self.rows(
            "SELECT at_ms, org, lead FROM schedule WHERE at_ms <= $1 \
             ORDER BY at_ms, org, lead LIMIT $2",
            vec![param(millis(until)), param(limit as i64)],
        )?;
        rows.iter()
            .map(|row| {
                Ok(Due {
                    at: time(row.get(0))?,
                    org: row.get(1),
                    lead: row.get(2),
                })
            })
            .collect()
    }

    fn due_in(&self, org: &str, until: Time, limit: usize) -> Result<Vec<Due>, StoreError> {
        let rows = self.rows(
            "SELECT at_ms, lead FROM schedule WHERE org = $1 AND at_ms <= $2 \
             ORDER BY at_ms, lead LIMIT $3",
            vec![text(org), param(millis(until)), param(limit as i64)],
        )?;
        rows.iter()
            .map(|row| {
                Ok(Due {
                    at: time(row.get(0))?,
                    org: org.to_string(),
                    lead: row.get(1),
                })
            })
            .collect()
    }

    fn outbox(&self, limit: usize) -> Result<Vec<OutboxMessage>, StoreError> {
        self.all(
            "outbox",
            "SELECT value FROM outbox ORDER BY id LIMIT $1",
            vec![param(limit as i64)],
        )
    }

    fn apply(&self, commit: Commit) -> Result<Applied, StoreError> {
        self.apply_commit(&commit)
    }

    /// A PostgreSQL commit is durable when it returns: nothing to wait for.
    fn wait_durable(&self, _applied: Applied) -> Result<(), StoreError> {
        Ok(())
    }

    fn durable(&self, _applied: Applied) -> DurableFuture {
        Box::pin(std::future::ready(Ok(())))
    }

    fn put_token(&self, hash: &str, token: &TokenRecord) -> Result<(), StoreError> {
        self.write_token(hash, token)
    }

    fn token(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        self.read_token(hash)
    }

    fn tokens(&self) -> Result<Vec<(String, TokenRecord)>, StoreError> {
        let rows = self.rows("SELECT hash, value FROM tokens ORDER BY hash", vec![])?;
        rows.iter()
            .map(|row| Ok((row.get(0), decode("tokens", row.get::<_, &[u8]>(1))?)))
            .collect()
    }

    fn put_plugin_version(&self, org: &str, version: &PluginVersion) -> Result<(), StoreError> {
        if !self.add_plugin_version(org, version)? {
            return Ok(());
        }
        // After the commit, best effort (CockroachDB has no pg_notify):
        // hosts listening take it up at once, the others at their poll.
        let _ = self.rows(
            "SELECT pg_notify('leadhost_plugin_versions', $1)",
            vec![text(org)],
        );
        Ok(())
    }

    fn plugin_version_notices(&self, notice: Box<dyn Fn(&str) + Send + Sync>) -> bool {
        self.listen(notice)
    }

    fn plugin_versions(&self, org: &str) -> Result<Vec<PluginVersion>, StoreError> {
        self.all(
            "plugin_versions",
            "SELECT value FROM plugin_versions WHERE org = $1 ORDER BY id",
            vec![text(org)],
        )
    }

    fn put_plugin_file(&self, digest: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.write(vec![(
            "INSERT INTO plugin_files (digest, bytes) VALUES ($1, $2) \
             ON CONFLICT (digest) DO NOTHING",
            vec![text(digest), param(bytes.to_vec())],
        )])
    }

    fn plugin_file(&self, digest: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let rows = self.rows(
            "SELECT bytes FROM plugin_files WHERE digest = $1",
            vec![text(digest)],
        )?;
        Ok(rows.first().map(|row| row.get::<_, Vec<u8>>(0)))
    }

    fn plugin_history_marks(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = self.rows(
            "SELECT org, mark FROM plugin_history_marks ORDER BY org",
            vec![],
        )?;
        Ok(rows
            .iter()
            .map(|row| (row.get(0), row.get::<_, i64>(1) as u64))
            .collect())
    }

    fn set_plugin_version_impact(
        &self,
        org: &str,
        version: &PluginVersion,
    ) -> Result<bool, StoreError> {
        let rows = self.rows(
            "SELECT id, value FROM plugin_versions WHERE org = $1 ORDER BY id DESC",
            vec![text(org)],
        )?;
        let same = |entry: &PluginVersion| {
            (
                entry.slot,
                &entry.name,
                entry.hash,
                &entry.config_digest,
                entry.at,
            ) == (
                version.slot,
                &version.name,
                version.hash,
                &version.config_digest,
                version.at,
            )
        };
        for row in &rows {
            let mut entry: PluginVersion = decode("plugin_versions", row.get::<_, &[u8]>(1))?;
            if same(&entry) {
                entry.impact = version.impact.clone();
                self.write(vec![(
                    "UPDATE plugin_versions SET value = $3 WHERE org = $1 AND id = $2",
                    vec![
                        text(org),
                        param(row.get::<_, i64>(0)),
                        param(encode(&entry)),
                    ],
                )])?;
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn latest_decisions(
        &self,
        org: &str,
        slot: Slot,
        limit: usize,
    ) -> Result<Vec<(String, u64, Decision)>, StoreError> {
        let rows = self.rows(
            "SELECT lead, seq, value FROM decisions WHERE org = $1 AND slot = $2 \
             ORDER BY at_ms DESC, lead DESC, seq DESC LIMIT $3",
            vec![text(org), text(slot.world()), param(limit as i64)],
        )?;
        rows.iter()
            .map(|row| {
                let decision = decode("decisions", row.get::<_, &[u8]>(2))?;
                Ok((row.get(0), row.get::<_, i64>(1) as u64, decision))
            })
            .collect()
    }

    fn size_on_disk(&self) -> Result<u64, StoreError> {
        let rows = self.rows("SELECT pg_database_size(current_database())", vec![])?;
        let size: i64 = rows
            .first()
            .map(|row| row.get(0))
            .ok_or_else(|| backend("pg_database_size answered no row"))?;
        Ok(size.max(0) as u64)
    }

    /// Every write was committed (durable) when it returned.
    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
