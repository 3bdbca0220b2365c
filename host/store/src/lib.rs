//! The lead store: what the engine keeps, behind the narrow [`Store`]
//! interface so a replicated backend can replace the embedded sled one
//! without touching the engine.
//!
//! Owns: the `Store` trait, the records it keeps (leads, timelines, orgs,
//! the outbox, import jobs) and the sled backend. Must not know: Wasm
//! (wasmtime), the engine's rules, HTTP; it depends on `leadhost-model`
//! alone among leadhost's crates.
//!
//! Every value carries a schema version ([`codec`]). A [`Commit`] is the
//! unit of change: all of its writes land together or none do, and
//! [`Store::commit`] returns only once they are durable.

pub mod codec;
#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
pub mod export;
mod group_commit;
mod import_job;
mod keys;
mod lead;
pub mod lead_ids;
mod lead_summary;
mod match_state;
mod options;
mod org;
mod outbox;
mod plugin_version;
mod recorded_input;
mod routing_view;
mod shadow;
mod sled_store;
mod timeline;

use std::ops::ControlFlow;

pub use codec::SCHEMA_VERSION;
pub use group_commit::{DurableStep, GroupCommit};
pub use import_job::{
    ImportJobRecord, ImportJobStore, JobState, REJECTED_ROWS_KEPT, RejectedRow, RowProblem,
    SkippedColumn,
};
pub use lead::{LeadRecord, LeadStage, StageEntry, StageKind};
pub use lead_summary::LeadSummary;
pub use match_state::{MatchState, PossibleDuplicate};
pub use options::{CACHE_BYTES, Durability, SledOptions};
pub use org::{Assignment, OrgRecord, OutboxKind, OutboxMessage, TokenRecord};
pub use outbox::{Attempts, CallTask, DeadLetter, OutboxStore, Pending};
pub use plugin_version::{
    Activation, ConfigChange, Impact, PluginVersion, VerdictChange, config_changes, config_digest,
};
pub use recorded_input::{InputStore, RecordedInput, Spliced, Stored};
pub use routing_view::{CANDIDATES_KEPT, CandidateLoad, Narrowed, RoutingView};
pub use shadow::{SHADOWS_KEPT, ShadowDecision, ShadowStore};
pub use sled_store::SledStore;
pub use timeline::{Decision, Event, EventKind, Outcome, TimelineEntry, TimelineItem};

use leadhost_model::{Activity, Campaign, Rep, Time};

/// The store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed (I/O, corruption it detected, ...); the source
    /// is the backend's own error.
    #[error("the store failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Another process has the store open (sled takes an exclusive lock).
    #[error(
        "the store in {path} is open in another process (a running `leadhost serve`?): \
         stop it first, or send the data to that server over HTTP"
    )]
    InUse {
        /// The store's folder.
        path: std::path::PathBuf,
    },
    /// A commit's precondition did not hold: the lead changed (or was
    /// created) since the writer loaded it. Nothing of the commit was
    /// written; load the lead again and retry.
    #[error("lead {lead} of org {org} changed under the commit: it expected {expected}, the store has {}", match .found { Some(revision) => format!("revision {revision}"), None => "no record".into() })]
    Conflict {
        /// The org.
        org: String,
        /// The lead.
        lead: String,
        /// What the commit expected.
        expected: Precondition,
        /// The stored revision (`None`: no record).
        found: Option<u64>,
    },
    /// A commit's rep precondition did not hold: the rep's load changed
    /// since the writer read it (see [`Commit::expect_reps`]). Nothing of
    /// the commit was written; read the reps again and retry.
    #[error("rep {rep} of org {org} changed under the commit (another host assigned them a lead?)")]
    RepChanged {
        /// The org.
        org: String,
        /// The rep.
        rep: String,
    },
    /// A campaign was created or changed by another writer since it was
    /// read (see [`Store::put_campaign_as_read`]); nothing was written.
    #[error("campaign {campaign} of org {org} changed under the write (another host wrote it)")]
    CampaignChanged {
        /// The org.
        org: String,
        /// The campaign.
        campaign: String,
    },
    /// A value could not be decoded.
    #[error("a record in `{tree}` is corrupt: {detail}")]
    Corrupt {
        /// The tree.
        tree: &'static str,
        /// What the decoder said.
        detail: String,
    },
    /// A value was written by a release with a newer schema.
    #[error(
        "a record in `{tree}` has schema version {found}; this release reads version {supported}: upgrade leadhost"
    )]
    SchemaVersion {
        /// The tree.
        tree: &'static str,
        /// The version found.
        found: u8,
        /// The version this release reads.
        supported: u8,
    },
}

impl From<::sled::Error> for StoreError {
    fn from(error: ::sled::Error) -> Self {
        StoreError::Backend(Box::new(error))
    }
}

/// Writes that belong together: applied atomically, acknowledged once durable.
#[derive(Debug, Clone, Default)]
pub struct Commit {
    /// The lead's new record (`None` leaves the lead alone).
    pub lead: Option<LeadRecord>,
    /// `(e-mail, lead id)` to index, for a new lead (or, for a lead that a
    /// duplicate rule merged, another address of that lead).
    pub email: Option<(String, String)>,
    /// `(e-mail, lead id)`: an e-mail already indexed that finds another
    /// lead from now on (a lead merged into its duplicate).
    pub email_moved: Option<(String, String)>,
    /// Blocking keys (`email-domain:acme.example`) to index the lead under,
    /// on top of those it has: a duplicate rule's candidates are found by
    /// them ([`Store::leads_by_match_keys`]). Only a lead merged away is
    /// taken out ([`Commit::match_keys_removed`]): a lead's fields only
    /// fill in.
    pub match_keys: Vec<String>,
    /// Blocking keys to take the lead out of the index under: a lead merged
    /// into another is nobody's candidate any more.
    pub match_keys_removed: Vec<String>,
    /// Activities to append, with their sequence numbers.
    pub activities: Vec<(u64, Activity)>,
    /// Events to append, with their sequence numbers.
    pub events: Vec<(u64, Event)>,
    /// Decisions to append, with their sequence numbers.
    pub decisions: Vec<(u64, Decision)>,
    /// Wake-ups to cancel (nurture steps, SLA checks).
    pub unschedule: Vec<Time>,
    /// Wake-ups to set.
    pub schedule: Vec<Time>,
    /// An assignment to record.
    pub assignment: Option<Assignment>,
    /// `(domain, rep)`: the rep now owning the lead's account.
    pub account: Option<(String, String)>,
    /// The writer read no owner for `account`'s domain: a store several
    /// hosts share fails the commit (as a lost race, see
    /// [`StoreError::Conflict`]) if another host gave the account an
    /// owner meanwhile, so the change runs again and sees that owner,
    /// instead of the account passing to whichever host wrote last.
    pub account_unowned: bool,
    /// Reps whose record changed (load, last assignment).
    pub reps: Vec<Rep>,
    /// The reps of `reps` as the writer read them: the commit fails with
    /// [`StoreError::RepChanged`], writing nothing, if one is stored
    /// otherwise now (another host assigned that rep a lead meanwhile), so
    /// a rep's load never loses an update. Empty: no check.
    pub expect_reps: Vec<Rep>,
    /// Messages for the outside world.
    pub outbox: Vec<OutboxMessage>,
    /// Calls a nurture track asked for.
    pub call_tasks: Vec<CallTask>,
    /// The inputs of this commit's decisions, each stored once by digest
    /// under the lead's org.
    pub inputs: Vec<RecordedInput>,
    /// What must still hold of the lead for the commit to apply, checked
    /// atomically with its writes; `None` applies unconditionally.
    pub expect: Option<Precondition>,
}

/// What a commit expects of its lead as stored. A backend checks it in the
/// same transaction as the writes, so two writers (threads, or hosts on one
/// database) that loaded the same revision cannot both commit: the second
/// gets [`StoreError::Conflict`], nothing of its commit is written, and it
/// loads the lead again and retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// The lead is new: no record with its id exists yet.
    Absent,
    /// The stored record is at this [`LeadRecord::revision`].
    Revision(u64),
}

impl std::fmt::Display for Precondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Precondition::Absent => f.write_str("no record yet"),
            Precondition::Revision(revision) => write!(f, "revision {revision}"),
        }
    }
}

/// What a lead's e-mail leads to ([`Store::lead_by_email_or_new_id`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ByEmail {
    /// The id of the lead holding the e-mail.
    Known(String),
    /// No lead holds it: a fresh id for the new one.
    New(String),
}

/// The receipt of an applied commit, to wait for its durability with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a commit is acknowledged only once it is durable"]
pub struct Applied(pub u64);

/// What [`Store::durable`] returns: resolves once the commit is durable.
pub type DurableFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), StoreError>> + Send + 'static>>;

/// A nurture wake-up that is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// When it was due.
    pub at: Time,
    /// The org.
    pub org: String,
    /// The lead.
    pub lead: String,
}

/// What the engine needs from a store.
pub trait Store:
    OutboxStore + ImportJobStore + InputStore + ShadowStore + Send + Sync + 'static
{
    /// Creates or replaces an org; durable on return.
    fn put_org(&self, org: &OrgRecord) -> Result<(), StoreError>;
    /// An org by id.
    fn org(&self, id: &str) -> Result<Option<OrgRecord>, StoreError>;
    /// Every org.
    fn orgs(&self) -> Result<Vec<OrgRecord>, StoreError>;
    /// A fresh lead id for `org`: never one handed out before by this
    /// store handle, nor a stored lead's. Ids count up per org and sort in
    /// the order they were handed out. (An id handed out but never
    /// committed may come again after a restart: nothing refers to it.)
    fn new_lead_id(&self, org: &str) -> Result<String, StoreError>;
    /// The lead holding this normalized e-mail, or else a fresh id for a
    /// new lead ([`Store::new_lead_id`]): what taking a lead in asks
    /// first. The default asks the two in turn; a database answers both
    /// in one round trip.
    fn lead_by_email_or_new_id(&self, org: &str, email: &str) -> Result<ByEmail, StoreError> {
        Ok(match self.lead_by_email(org, email)? {
            Some(id) => ByEmail::Known(id),
            None => ByEmail::New(self.new_lead_id(org)?),
        })
    }
    /// A lead by id.
    fn lead(&self, org: &str, id: &str) -> Result<Option<LeadRecord>, StoreError>;
    /// The leads of `org` indexed under each of `match_keys` (see
    /// [`Commit::match_keys`]), as `(key, lead id)`: for each key its
    /// newest `per_key` leads, newest first. A key shared by every lead
    /// of a big account costs `per_key` reads, not the account's size.
    fn leads_by_match_keys(
        &self,
        org: &str,
        match_keys: &[String],
        per_key: usize,
    ) -> Result<Vec<(String, String)>, StoreError>;
    /// The id of the lead with this normalized e-mail.
    fn lead_by_email(&self, org: &str, email: &str) -> Result<Option<String>, StoreError>;
    /// Calls `visit` for each of an org's leads with an id after `after`
    /// (all when `None`), in id order, until it breaks.
    fn scan_leads_after(
        &self,
        org: &str,
        after: Option<&str>,
        visit: &mut dyn FnMut(LeadRecord) -> ControlFlow<()>,
    ) -> Result<(), StoreError>;
    /// Calls `visit` for each of an org's leads, in id order, until it breaks.
    fn scan_leads(
        &self,
        org: &str,
        visit: &mut dyn FnMut(LeadRecord) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.scan_leads_after(org, None, visit)
    }
    /// Calls `visit` with the [`LeadSummary`] of each of an org's leads
    /// with an id after `after` (all when `None`), in id order, until it
    /// breaks: what reports and filtered listings read, at a fraction of
    /// the cost of whole records. Each summary is the one of the lead's
    /// record as stored (they are written in one commit).
    fn scan_lead_summaries_after(
        &self,
        org: &str,
        after: Option<&str>,
        visit: &mut dyn FnMut(LeadSummary) -> ControlFlow<()>,
    ) -> Result<(), StoreError>;
    /// [`Store::scan_lead_summaries_after`] from the org's first lead.
    fn scan_lead_summaries(
        &self,
        org: &str,
        visit: &mut dyn FnMut(LeadSummary) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.scan_lead_summaries_after(org, None, visit)
    }
    /// A lead's activities, oldest first.
    fn activities(&self, org: &str, lead: &str) -> Result<Vec<Activity>, StoreError>;
    /// A lead's activities, events and decisions, in order.
    fn timeline(&self, org: &str, lead: &str) -> Result<Vec<TimelineEntry>, StoreError>;
    /// A lead's decisions alone, each with its place in the timeline, in
    /// order: what a backtest reads (the whole timeline decodes the lead's
    /// activities and events for nothing).
    fn decisions(&self, org: &str, lead: &str) -> Result<Vec<(u64, Decision)>, StoreError>;
    /// An org's reps, by id.
    fn reps(&self, org: &str) -> Result<Vec<Rep>, StoreError>;
    /// Creates or replaces a rep; durable on return.
    fn put_rep(&self, org: &str, rep: &Rep) -> Result<(), StoreError>;
    /// Replaces a rep on the condition that it is stored as `read` (an
    /// admin's edit carries the load it read, which another host's
    /// assignment may have moved since): [`StoreError::RepChanged`]
    /// otherwise, writing nothing. The default writes unconditionally: in
    /// a store one process holds, the routing lock orders every write of
    /// a rep.
    fn put_rep_as_read(&self, org: &str, rep: &Rep, read: &Rep) -> Result<(), StoreError> {
        let _ = read;
        self.put_rep(org, rep)
    }
    /// Whether other processes may write this store meanwhile (several
    /// hosts on one database): the engine then reads from the store what
    /// it could otherwise keep in memory (the reps' load). `false` for a
    /// store one process holds (sled).
    fn shared(&self) -> bool {
        false
    }
    /// Creates or replaces a campaign of `org` (by its id); durable on
    /// return.
    fn put_campaign(&self, org: &str, campaign: &Campaign) -> Result<(), StoreError>;
    /// `org`'s campaigns by id, archived ones too.
    fn campaigns(&self, org: &str) -> Result<Vec<Campaign>, StoreError>;
    /// Writes `campaign` of `org`, and `outbox` in the same transaction,
    /// only if the campaign with its id is stored as `read` (`None`: there
    /// is none yet); durable on return. `Ok(false)`, writing nothing, when
    /// it is stored otherwise now: another host created or changed it
    /// since it was read, so an id is taken once, no edit is lost, and a
    /// launch is announced once.
    fn put_campaign_as_read(
        &self,
        org: &str,
        campaign: &Campaign,
        read: Option<&Campaign>,
        outbox: &[OutboxMessage],
    ) -> Result<bool, StoreError>;
    /// The rep owning the account of `domain`.
    fn account_owner(&self, org: &str, domain: &str) -> Result<Option<String>, StoreError>;
    /// An org's reps, by id, and the owner of `domain`'s account: what
    /// routing a lead reads. The default asks the two in turn; a database
    /// answers both in one round trip.
    fn reps_and_account_owner(
        &self,
        org: &str,
        domain: Option<&str>,
    ) -> Result<(Vec<Rep>, Option<String>), StoreError> {
        let owner = match domain {
            Some(domain) => self.account_owner(org, domain)?,
            None => None,
        };
        Ok((self.reps(org)?, owner))
    }
    /// A lead's current assignment.
    fn assignment(&self, org: &str, lead: &str) -> Result<Option<Assignment>, StoreError>;
    /// Nurture wake-ups due at or before `until`, oldest first, at most `limit`.
    fn due(&self, until: Time, limit: usize) -> Result<Vec<Due>, StoreError>;
    /// `org`'s nurture wake-ups due at or before `until`, oldest first, at
    /// most `limit`: the scheduler serves each org its own share.
    fn due_in(&self, org: &str, until: Time, limit: usize) -> Result<Vec<Due>, StoreError>;
    /// Messages waiting in the outbox, oldest first, at most `limit`.
    fn outbox(&self, limit: usize) -> Result<Vec<OutboxMessage>, StoreError>;
    /// Applies `commit` atomically: afterwards every read sees all of it.
    /// It is not acknowledged yet: pass the receipt to [`Store::wait_durable`].
    fn apply(&self, commit: Commit) -> Result<Applied, StoreError>;
    /// Returns once the commit behind `applied` is durable (concurrent
    /// commits may share one flush).
    fn wait_durable(&self, applied: Applied) -> Result<(), StoreError>;
    /// [`Store::wait_durable`] without holding a thread while it waits: a
    /// request waiting for its commit's flush costs no blocking thread (the
    /// flush itself runs on one, shared by every commit it covers). Any
    /// executor drives it: the store knows no runtime.
    fn durable(&self, applied: Applied) -> DurableFuture;
    /// Applies `commit` atomically; returns once it is durable.
    fn commit(&self, commit: Commit) -> Result<(), StoreError> {
        let applied = self.apply(commit)?;
        self.wait_durable(applied)
    }
    /// Stores an API token by the sha256 of its secret; durable on return.
    fn put_token(&self, hash: &str, token: &TokenRecord) -> Result<(), StoreError>;
    /// The token whose secret hashes to `hash`.
    fn token(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError>;
    /// Every token, with the hash it is stored under.
    fn tokens(&self) -> Result<Vec<(String, TokenRecord)>, StoreError>;
    /// Records that a plug-in version became active for `org`; durable on
    /// return. A store several hosts share writes no entry equal to its
    /// slot's latest (same component, config and sample cases): hosts
    /// placing the same version at once, as on a new database's first
    /// start, record it once.
    fn put_plugin_version(&self, org: &str, version: &PluginVersion) -> Result<(), StoreError>;
    /// Every plug-in version `org` has activated, oldest first.
    fn plugin_versions(&self, org: &str) -> Result<Vec<PluginVersion>, StoreError>;
    /// Keeps a plug-in file (a component, or the text of the sample cases
    /// a version passed) under `digest`, the sha256 of `bytes` in hex,
    /// where every host of a shared store finds it; durable on return.
    /// Keeping one already kept changes nothing. A store one process holds
    /// keeps none: its one host keeps copies in its data folder, so the
    /// default does nothing. Errors: the store failed to write.
    fn put_plugin_file(&self, digest: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let _ = (digest, bytes);
        Ok(())
    }
    /// The plug-in file kept under `digest` ([`Store::put_plugin_file`]);
    /// always `None` for a store one process holds.
    fn plugin_file(&self, digest: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let _ = digest;
        Ok(None)
    }
    /// Each org with a plug-in history and a mark that grows whenever a
    /// version is added to it, ordered by org: what hosts sharing the
    /// store poll to take up each other's activations (one query for every
    /// org). Empty for a store one process holds: nothing else adds to it.
    fn plugin_history_marks(&self) -> Result<Vec<(String, u64)>, StoreError> {
        Ok(Vec::new())
    }
    /// Calls `notice` with the org each time any host adds a version to
    /// an org's history, for as long as the store lives, so a host takes
    /// it up at once rather than at its next poll of
    /// [`Store::plugin_history_marks`]. Best effort: a notice may be lost
    /// (a connection dropped), so the poll stays. Answers whether notices
    /// come at all: `false` for a store one process holds, or a database
    /// that cannot send them.
    fn plugin_version_notices(&self, notice: Box<dyn Fn(&str) + Send + Sync>) -> bool {
        let _ = notice;
        false
    }
    /// Gives `org`'s latest history entry of `version` (same slot, name,
    /// hash, config digest and time) `version`'s impact, measured after it
    /// became active, replacing the one it had (`None` clears it); durable
    /// on return. Answers whether such an entry was found. Errors: the
    /// store failed to read or write.
    fn set_plugin_version_impact(
        &self,
        org: &str,
        version: &PluginVersion,
    ) -> Result<bool, StoreError>;
    /// `org`'s latest `limit` decisions of `slot` (by the time they were
    /// made for), newest first, each with its lead and place in the lead's
    /// timeline: what a new version's impact is measured on.
    fn latest_decisions(
        &self,
        org: &str,
        slot: leadhost_model::Slot,
        limit: usize,
    ) -> Result<Vec<(String, u64, Decision)>, StoreError>;
    /// Bytes the store takes on disk.
    fn size_on_disk(&self) -> Result<u64, StoreError>;
    /// Makes everything written so far durable, acknowledged or not (for
    /// shutdown).
    fn flush(&self) -> Result<(), StoreError>;
}
