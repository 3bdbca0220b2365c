//! The embedded store: sled in one data folder, one tree per kind of record.

use std::ops::ControlFlow;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use sled::{Db, Tree};

use super::codec::{decode, encode};
use super::lead_ids::{self, LeadNumbers};
use super::options::Durability;
use super::{
    Applied, Assignment, Commit, Decision, Due, DurableFuture, GroupCommit, LeadRecord,
    LeadSummary, OrgRecord, OutboxMessage, PluginVersion, Store, StoreError, TimelineEntry,
    TimelineItem, TokenRecord, keys,
};
use leadhost_model::{Activity, Campaign, Rep, Time};

/// The trees, in the order a commit's writes name them.
const TREES: [&str; 24] = [
    "orgs",
    "leads",
    "emails",
    "activities",
    "events",
    "decisions",
    "schedule",
    "assignments",
    "accounts",
    "reps",
    "outbox",
    "tokens",
    "plugin_versions",
    "attempts",
    "dead_letters",
    "call_tasks",
    "schedule_by_org",
    "import_jobs",
    "inputs",
    "shadows",
    "decisions_by_slot",
    "lead_summaries",
    "campaigns",
    "match_keys",
];
const ORGS: usize = 0;
const LEADS: usize = 1;
const EMAILS: usize = 2;
const ACTIVITIES: usize = 3;
const EVENTS: usize = 4;
const DECISIONS: usize = 5;
const SCHEDULE: usize = 6;
const ASSIGNMENTS: usize = 7;
const ACCOUNTS: usize = 8;
const REPS: usize = 9;
const OUTBOX: usize = 10;
const TOKENS: usize = 11;
const PLUGIN_VERSIONS: usize = 12;
const ATTEMPTS: usize = 13;
const DEAD_LETTERS: usize = 14;
const CALL_TASKS: usize = 15;
/// The nurture wake-ups again, keyed `org \0 time lead`: one org's due
/// work is a range of its own, so the scheduler serves orgs in turn.
const SCHEDULE_BY_ORG: usize = 16;
/// Import jobs, keyed `org \0 job id`.
const IMPORT_JOBS: usize = 17;
/// Recorded plug-in inputs, keyed `org \0 digest`.
const INPUTS: usize = 18;
/// Shadow decisions, keyed `org \0 slot \0 id`.
const SHADOWS: usize = 19;
/// The decisions again, keyed `org \0 slot \0 time lead \0 seq` (no
/// value): a slot's latest decisions are a range of its own.
const DECISIONS_BY_SLOT: usize = 20;
/// Each lead's [`LeadSummary`](crate::LeadSummary), keyed as `LEADS`.
const LEAD_SUMMARIES: usize = 21;
/// Campaigns, keyed `org \0 id`.
const CAMPAIGNS: usize = 22;
/// `org \0 key \0 lead` → (): the blocking-key index ([`match_keys`]).
const MATCH_KEYS: usize = 23;

/// The sled store. Cheap to clone.
#[derive(Clone)]
pub struct SledStore {
    /// The database and its trees.
    shared: Arc<Shared>,
}

struct Shared {
    db: Db,
    /// Indexed by the constants above.
    trees: Vec<Tree>,
    durability: Durability,
    /// Shared with the flush threads it sends off (`durable.rs`).
    group: Arc<GroupCommit>,
    /// The last lead number handed out per org.
    lead_numbers: LeadNumbers,
    /// Shadow decisions put per `org \0 slot`, for trimming each range on
    /// its own count.
    shadow_puts: std::sync::Mutex<std::collections::HashMap<Vec<u8>, u64>>,
}

impl SledStore {
    /// How many flushes commits have shared so far.
    pub fn flushes(&self) -> u64 {
        self.shared.group.flushes()
    }

    /// Flushes everything written so far (for shutdown).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.shared.db.flush()?;
        Ok(())
    }

    fn tree(&self, index: usize) -> &Tree {
        &self.shared.trees[index]
    }

    fn get<T: DeserializeOwned>(&self, index: usize, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.tree(index).get(key)? {
            Some(bytes) => decode(TREES[index], &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Calls `visit` with each of `org`'s values in a tree keyed
    /// `org \0 name`, after `after` (from the first when `None`), in key
    /// order, until it breaks.
    fn scan_org_after<T: DeserializeOwned>(
        &self,
        index: usize,
        org: &str,
        after: Option<&str>,
        visit: &mut dyn FnMut(T) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let prefix = keys::org_prefix(org);
        let mut end = prefix.clone();
        *end.last_mut().expect("the prefix ends in a separator") = 1;
        let start = match after {
            Some(after) => std::ops::Bound::Excluded(keys::scoped(org, after)),
            None => std::ops::Bound::Included(prefix),
        };
        for entry in self
            .tree(index)
            .range((start, std::ops::Bound::Excluded(end)))
        {
            let (_, value) = entry?;
            if visit(decode(TREES[index], &value)?).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn scan<T: DeserializeOwned>(
        &self,
        index: usize,
        prefix: &[u8],
    ) -> Result<Vec<(Vec<u8>, T)>, StoreError> {
        self.tree(index)
            .scan_prefix(prefix)
            .map(|entry| {
                let (key, value) = entry?;
                Ok((key.to_vec(), decode(TREES[index], &value)?))
            })
            .collect()
    }
}

impl Store for SledStore {
    fn put_org(&self, org: &OrgRecord) -> Result<(), StoreError> {
        self.write_durably(&[(ORGS, org.id.as_bytes().to_vec(), Some(encode(org)))])
    }

    fn org(&self, id: &str) -> Result<Option<OrgRecord>, StoreError> {
        self.get(ORGS, id.as_bytes())
    }

    fn orgs(&self) -> Result<Vec<OrgRecord>, StoreError> {
        Ok(self
            .scan(ORGS, b"")?
            .into_iter()
            .map(|(_, org)| org)
            .collect())
    }

    fn new_lead_id(&self, org: &str) -> Result<String, StoreError> {
        self.shared
            .lead_numbers
            .next(org, || self.last_lead_number(org))
    }

    fn lead(&self, org: &str, id: &str) -> Result<Option<LeadRecord>, StoreError> {
        self.get(LEADS, &keys::scoped(org, id))
    }

    fn lead_by_email(&self, org: &str, email: &str) -> Result<Option<String>, StoreError> {
        self.get(EMAILS, &keys::scoped(org, email))
    }

    fn leads_by_match_keys(
        &self,
        org: &str,
        match_keys: &[String],
        per_key: usize,
    ) -> Result<Vec<(String, String)>, StoreError> {
        self.leads_by_keys(org, match_keys, per_key)
    }

    fn scan_leads_after(
        &self,
        org: &str,
        after: Option<&str>,
        visit: &mut dyn FnMut(LeadRecord) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.scan_org_after(LEADS, org, after, visit)
    }

    fn scan_lead_summaries_after(
        &self,
        org: &str,
        after: Option<&str>,
        visit: &mut dyn FnMut(LeadSummary) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.scan_org_after(LEAD_SUMMARIES, org, after, visit)
    }

    fn activities(&self, org: &str, lead: &str) -> Result<Vec<Activity>, StoreError> {
        let prefix = keys::lead_prefix(org, lead);
        Ok(self
            .scan(ACTIVITIES, &prefix)?
            .into_iter()
            .map(|(_, activity)| activity)
            .collect())
    }

    fn timeline(&self, org: &str, lead: &str) -> Result<Vec<TimelineEntry>, StoreError> {
        let prefix = keys::lead_prefix(org, lead);
        let mut entries = Vec::new();
        for (key, activity) in self.scan(ACTIVITIES, &prefix)? {
            entries.push(TimelineEntry {
                seq: keys::seq_of(&key),
                item: TimelineItem::Activity(activity),
            });
        }
        for (key, event) in self.scan(EVENTS, &prefix)? {
            entries.push(TimelineEntry {
                seq: keys::seq_of(&key),
                item: TimelineItem::Event(event),
            });
        }
        for (key, decision) in self.scan(DECISIONS, &prefix)? {
            entries.push(TimelineEntry {
                seq: keys::seq_of(&key),
                item: TimelineItem::Decision(decision),
            });
        }
        entries.sort_by_key(|entry| entry.seq);
        Ok(entries)
    }

    fn decisions(&self, org: &str, lead: &str) -> Result<Vec<(u64, Decision)>, StoreError> {
        Ok(self
            .scan(DECISIONS, &keys::lead_prefix(org, lead))?
            .into_iter()
            .map(|(key, decision)| (keys::seq_of(&key), decision))
            .collect())
    }

    fn reps(&self, org: &str) -> Result<Vec<Rep>, StoreError> {
        Ok(self
            .scan(REPS, &keys::org_prefix(org))?
            .into_iter()
            .map(|(_, rep)| rep)
            .collect())
    }

    fn put_rep(&self, org: &str, rep: &Rep) -> Result<(), StoreError> {
        self.write_durably(&[(REPS, keys::scoped(org, &rep.id), Some(encode(rep)))])
    }

    fn put_campaign(&self, org: &str, campaign: &Campaign) -> Result<(), StoreError> {
        self.write_durably(&[(
            CAMPAIGNS,
            keys::scoped(org, &campaign.id),
            Some(encode(campaign)),
        )])
    }

    /// Read, compared and written by one process (sled's lock), whose
    /// engine serializes an org's campaign writes: the comparison cannot
    /// go stale between the read and the write.
    fn put_campaign_as_read(
        &self,
        org: &str,
        campaign: &Campaign,
        read: Option<&Campaign>,
        outbox: &[OutboxMessage],
    ) -> Result<bool, StoreError> {
        let key = keys::scoped(org, &campaign.id);
        let stored: Option<Campaign> = self.get(CAMPAIGNS, &key)?;
        if stored.as_ref() != read {
            return Ok(false);
        }
        let mut writes = vec![(CAMPAIGNS, key, Some(encode(campaign)))];
        for message in outbox {
            let id = self.shared.db.generate_id()?;
            writes.push((OUTBOX, id.to_be_bytes().to_vec(), Some(encode(message))));
        }
        self.write_durably(&writes)?;
        Ok(true)
    }

    fn campaigns(&self, org: &str) -> Result<Vec<Campaign>, StoreError> {
        Ok(self
            .scan(CAMPAIGNS, &keys::org_prefix(org))?
            .into_iter()
            .map(|(_, campaign)| campaign)
            .collect())
    }

    fn account_owner(&self, org: &str, domain: &str) -> Result<Option<String>, StoreError> {
        self.get(ACCOUNTS, &keys::scoped(org, domain))
    }

    fn assignment(&self, org: &str, lead: &str) -> Result<Option<Assignment>, StoreError> {
        self.get(ASSIGNMENTS, &keys::scoped(org, lead))
    }

    fn due(&self, until: Time, limit: usize) -> Result<Vec<Due>, StoreError> {
        let end = keys::time_bytes(until + chrono::Duration::milliseconds(1));
        let mut due = Vec::new();
        for entry in self.tree(SCHEDULE).range(..end.to_vec()).take(limit) {
            let (key, _) = entry?;
            let (at, org, lead) = keys::split_wake(&key).ok_or_else(|| StoreError::Corrupt {
                tree: TREES[SCHEDULE],
                detail: "a key that is not `time org \\0 lead`".into(),
            })?;
            due.push(Due { at, org, lead });
        }
        Ok(due)
    }

    fn due_in(&self, org: &str, until: Time, limit: usize) -> Result<Vec<Due>, StoreError> {
        let start = keys::org_prefix(org);
        let end = keys::org_wake(until + chrono::Duration::milliseconds(1), org, "");
        let mut due = Vec::new();
        for entry in self.tree(SCHEDULE_BY_ORG).range(start..end).take(limit) {
            let (key, _) = entry?;
            let (at, lead) =
                keys::split_org_wake(org, &key).ok_or_else(|| StoreError::Corrupt {
                    tree: TREES[SCHEDULE_BY_ORG],
                    detail: "a key that is not `org \\0 time lead`".into(),
                })?;
            due.push(Due {
                at,
                org: org.to_string(),
                lead,
            });
        }
        Ok(due)
    }

    fn outbox(&self, limit: usize) -> Result<Vec<OutboxMessage>, StoreError> {
        self.tree(OUTBOX)
            .iter()
            .take(limit)
            .map(|entry| decode(TREES[OUTBOX], &entry?.1))
            .collect()
    }

    fn wait_durable(&self, applied: Applied) -> Result<(), StoreError> {
        self.wait_durable_here(applied)
    }

    fn durable(&self, applied: Applied) -> DurableFuture {
        self.durable_future(applied)
    }

    fn apply(&self, commit: Commit) -> Result<Applied, StoreError> {
        self.apply_commit(&commit)
    }

    fn put_token(&self, hash: &str, token: &TokenRecord) -> Result<(), StoreError> {
        self.write_durably(&[(TOKENS, hash.as_bytes().to_vec(), Some(encode(token)))])
    }

    fn token(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        self.get(TOKENS, hash.as_bytes())
    }

    fn tokens(&self) -> Result<Vec<(String, TokenRecord)>, StoreError> {
        Ok(self
            .scan(TOKENS, b"")?
            .into_iter()
            .map(|(key, token)| (String::from_utf8_lossy(&key).into_owned(), token))
            .collect())
    }

    fn put_plugin_version(&self, org: &str, version: &PluginVersion) -> Result<(), StoreError> {
        let key = keys::sequenced(org, "", self.shared.db.generate_id()?);
        self.write_durably(&[(PLUGIN_VERSIONS, key, Some(encode(version)))])
    }

    fn plugin_versions(&self, org: &str) -> Result<Vec<PluginVersion>, StoreError> {
        let prefix = keys::lead_prefix(org, "");
        Ok(self
            .scan(PLUGIN_VERSIONS, &prefix)?
            .into_iter()
            .map(|(_, version)| version)
            .collect())
    }

    fn set_plugin_version_impact(
        &self,
        org: &str,
        version: &PluginVersion,
    ) -> Result<bool, StoreError> {
        let prefix = keys::lead_prefix(org, "");
        let found = self
            .scan::<PluginVersion>(PLUGIN_VERSIONS, &prefix)?
            .into_iter()
            .rev()
            .find(|(_, entry)| {
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
            });
        let Some((key, mut entry)) = found else {
            return Ok(false);
        };
        entry.impact = version.impact.clone();
        self.write_durably(&[(PLUGIN_VERSIONS, key, Some(encode(&entry)))])?;
        Ok(true)
    }

    fn latest_decisions(
        &self,
        org: &str,
        slot: leadhost_model::Slot,
        limit: usize,
    ) -> Result<Vec<(String, u64, crate::Decision)>, StoreError> {
        self.latest_decisions_of(org, slot, limit)
    }

    fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.shared.db.size_on_disk()?)
    }

    fn flush(&self) -> Result<(), StoreError> {
        SledStore::flush(self)
    }
}

#[cfg(test)]
mod tests;

mod stats;

mod durable;
mod export;
mod import_jobs;
mod inputs;
mod match_keys;
mod open;
mod outbox;
mod recent;
mod shadows;
mod write;

use write::Write;
