//! Reading an org's records as [`Row`]s, for `leadhost migrate`: each tree's
//! `org \0 …` range, its keys split back into the fields they were built from.

use super::{
    ACCOUNTS, ACTIVITIES, ASSIGNMENTS, ATTEMPTS, CALL_TASKS, CAMPAIGNS, DEAD_LETTERS, DECISIONS,
    EMAILS, EVENTS, IMPORT_JOBS, INPUTS, LEADS, MATCH_KEYS, ORGS, OUTBOX, PLUGIN_VERSIONS, REPS,
    SCHEDULE_BY_ORG, SHADOWS, SledStore, TOKENS, TREES, decode, encode, keys,
};
use crate::export::Row;
use crate::outbox::Attempts;
use crate::recorded_input::header;
use crate::{
    DeadLetter, Decision, LeadRecord, LeadSummary, OutboxMessage, StoreError, TokenRecord,
};

/// Where a copy's reader gives each row; an error stops the reading.
pub type Visit<'a> = &'a mut dyn FnMut(Row) -> Result<(), StoreError>;

impl SledStore {
    /// Calls `visit` with every record `org` owns, kind by kind in
    /// [`Kind::ALL`](crate::export::Kind::ALL)'s order, each kind in key
    /// order; nothing when the org is not in the store.
    ///
    /// Errors: the first of `visit`'s, or [`StoreError::Corrupt`] for a key
    /// or value the store did not write.
    pub fn export_org(&self, org: &str, visit: Visit<'_>) -> Result<(), StoreError> {
        let Some(value) = self.tree(ORGS).get(org.as_bytes())? else {
            return Ok(());
        };
        let owned = || org.to_string();
        visit(Row::Org {
            id: owned(),
            value: value.to_vec(),
        })?;
        self.export_tokens(&mut |hash, token, value| {
            if token.org.as_deref() == Some(org) {
                visit(Row::Token { hash, value })?;
            }
            Ok(())
        })?;
        self.each(LEADS, org, &mut |name, value| {
            let record: LeadRecord = decode(TREES[LEADS], value)?;
            visit(Row::Lead {
                org: owned(),
                id: text(LEADS, name)?,
                revision: record.revision,
                value: value.to_vec(),
                summary: encode(&LeadSummary::of(&record)),
            })
        })?;
        self.each(EMAILS, org, &mut |email, value| {
            visit(Row::Email {
                org: owned(),
                email: text(EMAILS, email)?,
                lead: decode(TREES[EMAILS], value)?,
            })
        })?;
        self.each(MATCH_KEYS, org, &mut |rest, _| {
            let (key, lead) = super::match_keys::split(rest)
                .ok_or_else(|| corrupt(MATCH_KEYS, "a blocking key without its lead"))?;
            visit(Row::MatchKey {
                org: owned(),
                key: text(MATCH_KEYS, key)?,
                lead: text(MATCH_KEYS, lead)?,
            })
        })?;
        for index in [ACTIVITIES, EVENTS, DECISIONS] {
            self.each(index, org, &mut |name, value| {
                let (lead, seq) = split_sequenced(index, name)?;
                let (org, value) = (owned(), value.to_vec());
                visit(match index {
                    ACTIVITIES => Row::Activity {
                        org,
                        lead,
                        seq,
                        value,
                    },
                    EVENTS => Row::Event {
                        org,
                        lead,
                        seq,
                        value,
                    },
                    _ => {
                        let decision: Decision = decode(TREES[DECISIONS], &value)?;
                        Row::Decision {
                            org,
                            lead,
                            seq,
                            slot: decision.slot.world().to_string(),
                            at: decision.at,
                            value,
                        }
                    }
                })
            })?;
        }
        for entry in self
            .tree(SCHEDULE_BY_ORG)
            .scan_prefix(keys::org_prefix(org))
        {
            let (key, _) = entry?;
            let (at, lead) = keys::split_org_wake(org, &key)
                .ok_or_else(|| corrupt(SCHEDULE_BY_ORG, "a wake-up key that does not split"))?;
            visit(Row::Wake {
                org: owned(),
                at,
                lead,
            })?;
        }
        self.each(ASSIGNMENTS, org, &mut |lead, value| {
            visit(Row::Assignment {
                org: owned(),
                lead: text(ASSIGNMENTS, lead)?,
                value: value.to_vec(),
            })
        })?;
        self.each(ACCOUNTS, org, &mut |domain, value| {
            visit(Row::Account {
                org: owned(),
                domain: text(ACCOUNTS, domain)?,
                rep: decode(TREES[ACCOUNTS], value)?,
            })
        })?;
        self.each(REPS, org, &mut |id, value| {
            visit(Row::Rep {
                org: owned(),
                id: text(REPS, id)?,
                value: value.to_vec(),
            })
        })?;
        self.each(CAMPAIGNS, org, &mut |id, value| {
            visit(Row::Campaign {
                org: owned(),
                id: text(CAMPAIGNS, id)?,
                value: value.to_vec(),
            })
        })?;
        // The outbox is keyed by id alone (delivery reads it across orgs).
        for entry in self.tree(OUTBOX).iter() {
            let (key, value) = entry?;
            let message: OutboxMessage = decode(TREES[OUTBOX], &value)?;
            if message.org != org {
                continue;
            }
            let attempts = self.tree(ATTEMPTS).get(&key)?;
            let next_at = match &attempts {
                Some(bytes) => Some(decode::<Attempts>(TREES[ATTEMPTS], bytes)?.next_at),
                None => None,
            };
            visit(Row::Outbox {
                org: owned(),
                value: value.to_vec(),
                attempts: attempts.map(|bytes| bytes.to_vec()),
                next_at,
            })?;
        }
        self.each(DEAD_LETTERS, org, &mut |_, value| {
            let letter: DeadLetter = decode(TREES[DEAD_LETTERS], value)?;
            visit(Row::DeadLetter {
                org: owned(),
                letter,
            })
        })?;
        self.each(CALL_TASKS, org, &mut |id, value| {
            visit(Row::CallTask {
                org: owned(),
                id: text(CALL_TASKS, id)?,
                value: value.to_vec(),
            })
        })?;
        self.each(PLUGIN_VERSIONS, org, &mut |_, value| {
            visit(Row::PluginVersion {
                org: owned(),
                value: value.to_vec(),
            })
        })?;
        self.each(IMPORT_JOBS, org, &mut |id, value| {
            visit(Row::ImportJob {
                org: owned(),
                id: text(IMPORT_JOBS, id)?,
                value: value.to_vec(),
            })
        })?;
        self.each(INPUTS, org, &mut |digest, value| {
            let (at, _) = header(TREES[INPUTS], value)?;
            visit(Row::Input {
                org: owned(),
                digest: text(INPUTS, digest)?,
                at,
                value: value.to_vec(),
            })
        })?;
        self.each(SHADOWS, org, &mut |name, value| {
            let (slot, _) = split_sequenced(SHADOWS, name)?;
            visit(Row::Shadow {
                org: owned(),
                slot,
                value: value.to_vec(),
            })
        })
    }

    /// Calls `visit` with every token: the hash it is kept by, the record
    /// and its bytes.
    pub fn export_tokens(
        &self,
        visit: &mut dyn FnMut(String, TokenRecord, Vec<u8>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        for entry in self.tree(TOKENS).iter() {
            let (key, value) = entry?;
            let hash = std::str::from_utf8(&key)
                .map_err(|_| corrupt(TOKENS, "a token hash that is not UTF-8"))?;
            let token: TokenRecord = decode(TREES[TOKENS], &value)?;
            visit(hash.to_string(), token, value.to_vec())?;
        }
        Ok(())
    }

    /// Calls `visit` with the rest of each key of `org`'s range of a tree
    /// keyed `org \0 …` and its value.
    fn each(
        &self,
        index: usize,
        org: &str,
        visit: &mut KeyValueVisit<'_>,
    ) -> Result<(), StoreError> {
        let prefix = keys::org_prefix(org);
        for entry in self.tree(index).scan_prefix(&prefix) {
            let (key, value) = entry?;
            visit(&key[prefix.len()..], &value)?;
        }
        Ok(())
    }
}

/// Called with a key's rest (after `org \0`) and its value.
type KeyValueVisit<'a> = dyn FnMut(&[u8], &[u8]) -> Result<(), StoreError> + 'a;

/// A key's rest as text (ids, e-mails, domains, digests all are).
fn text(index: usize, rest: &[u8]) -> Result<String, StoreError> {
    std::str::from_utf8(rest)
        .map(str::to_string)
        .map_err(|_| corrupt(index, "a key that is not UTF-8"))
}

/// A [`keys::sequenced`] key's rest, `name \0 seq`, split.
fn split_sequenced(index: usize, rest: &[u8]) -> Result<(String, u64), StoreError> {
    let split = rest
        .len()
        .checked_sub(9)
        .filter(|&at| rest[at] == 0)
        .ok_or_else(|| corrupt(index, "a sequenced key without its number"))?;
    Ok((text(index, &rest[..split])?, keys::seq_of(rest)))
}

fn corrupt(index: usize, detail: &str) -> StoreError {
    StoreError::Corrupt {
        tree: TREES[index],
        detail: detail.to_string(),
    }
}
