//! A store's records as rows, for copying one backend into another
//! (`leadhost migrate`). A row carries the keys its kind is found by and the
//! record as the codec wrote it, so a copy moves bytes and decodes only what
//! a key needs. Ids the target numbers itself (outbox messages, plug-in
//! versions, shadow decisions) are left out: the target gives each row a
//! new one, in the order rows arrive, which is the source's order.

use std::fmt;

use leadhost_model::Time;

use crate::DeadLetter;

/// The kinds of record, in the order a copy writes an org's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The org itself.
    Orgs,
    /// Its API tokens (admin tokens belong to no org).
    Tokens,
    /// Lead records (with their summaries).
    Leads,
    /// Normalized e-mail → lead.
    Emails,
    /// Blocking keys → leads (duplicate matching's candidates).
    MatchKeys,
    /// Timeline activities.
    Activities,
    /// Timeline host events.
    Events,
    /// Timeline plug-in decisions.
    Decisions,
    /// Nurture and SLA wake-ups.
    Schedule,
    /// Leads given to reps.
    Assignments,
    /// Account (domain) owners.
    Accounts,
    /// Reps.
    Reps,
    /// Campaigns.
    Campaigns,
    /// Messages waiting for delivery.
    Outbox,
    /// Messages that failed every attempt.
    DeadLetters,
    /// Call tasks.
    CallTasks,
    /// Plug-in activations.
    PluginVersions,
    /// Import jobs.
    ImportJobs,
    /// Recorded plug-in inputs.
    Inputs,
    /// Shadow decisions.
    Shadows,
}

impl Kind {
    /// Every kind, in copy order.
    pub const ALL: [Kind; 20] = [
        Kind::Orgs,
        Kind::Tokens,
        Kind::Leads,
        Kind::Emails,
        Kind::MatchKeys,
        Kind::Activities,
        Kind::Events,
        Kind::Decisions,
        Kind::Schedule,
        Kind::Assignments,
        Kind::Accounts,
        Kind::Reps,
        Kind::Campaigns,
        Kind::Outbox,
        Kind::DeadLetters,
        Kind::CallTasks,
        Kind::PluginVersions,
        Kind::ImportJobs,
        Kind::Inputs,
        Kind::Shadows,
    ];

    /// Its name in messages and reports (the PostgreSQL table's name).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Orgs => "orgs",
            Kind::Tokens => "tokens",
            Kind::Leads => "leads",
            Kind::Emails => "emails",
            Kind::MatchKeys => "match_keys",
            Kind::Activities => "activities",
            Kind::Events => "events",
            Kind::Decisions => "decisions",
            Kind::Schedule => "schedule",
            Kind::Assignments => "assignments",
            Kind::Accounts => "accounts",
            Kind::Reps => "reps",
            Kind::Campaigns => "campaigns",
            Kind::Outbox => "outbox",
            Kind::DeadLetters => "dead_letters",
            Kind::CallTasks => "call_tasks",
            Kind::PluginVersions => "plugin_versions",
            Kind::ImportJobs => "import_jobs",
            Kind::Inputs => "inputs",
            Kind::Shadows => "shadows",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One record of an org, with its keys. `value`s are the codec's bytes;
/// every other field is the column of the same name in
/// `docs/postgres-schema.md` (times as `Time`, not milliseconds).
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub enum Row {
    /// The org record.
    Org { id: String, value: Vec<u8> },
    /// A token, by the sha256 of its secret.
    Token { hash: String, value: Vec<u8> },
    /// A lead record, its revision and its summary.
    Lead {
        org: String,
        id: String,
        revision: u64,
        value: Vec<u8>,
        summary: Vec<u8>,
    },
    /// A normalized e-mail address and its lead.
    Email {
        org: String,
        email: String,
        lead: String,
    },
    /// A blocking key and a lead indexed under it.
    MatchKey {
        org: String,
        key: String,
        lead: String,
    },
    /// A timeline activity.
    Activity {
        org: String,
        lead: String,
        seq: u64,
        value: Vec<u8>,
    },
    /// A timeline host event.
    Event {
        org: String,
        lead: String,
        seq: u64,
        value: Vec<u8>,
    },
    /// A timeline decision, with its slot's world name and time.
    Decision {
        org: String,
        lead: String,
        seq: u64,
        slot: String,
        at: Time,
        value: Vec<u8>,
    },
    /// A wake-up of a lead.
    Wake { org: String, at: Time, lead: String },
    /// A lead's assignment.
    Assignment {
        org: String,
        lead: String,
        value: Vec<u8>,
    },
    /// An account's owner.
    Account {
        org: String,
        domain: String,
        rep: String,
    },
    /// A rep.
    Rep {
        org: String,
        id: String,
        value: Vec<u8>,
    },
    /// A campaign.
    Campaign {
        org: String,
        id: String,
        value: Vec<u8>,
    },
    /// A waiting message, with its failed attempts (the codec's bytes of
    /// `Attempts`) and when the next is due.
    Outbox {
        org: String,
        value: Vec<u8>,
        attempts: Option<Vec<u8>>,
        next_at: Option<Time>,
    },
    /// A dead letter; its id is the message's, which the target renumbers.
    DeadLetter { org: String, letter: DeadLetter },
    /// A call task.
    CallTask {
        org: String,
        id: String,
        value: Vec<u8>,
    },
    /// A plug-in activation (the target numbers it).
    PluginVersion { org: String, value: Vec<u8> },
    /// An import job.
    ImportJob {
        org: String,
        id: String,
        value: Vec<u8>,
    },
    /// A recorded input (as `RecordedInput::encode` wrote it).
    Input {
        org: String,
        digest: String,
        at: Time,
        value: Vec<u8>,
    },
    /// A shadow decision of a slot (by world name; the target numbers it).
    Shadow {
        org: String,
        slot: String,
        value: Vec<u8>,
    },
}

impl Row {
    /// Its kind.
    pub fn kind(&self) -> Kind {
        match self {
            Row::Org { .. } => Kind::Orgs,
            Row::Token { .. } => Kind::Tokens,
            Row::Lead { .. } => Kind::Leads,
            Row::Email { .. } => Kind::Emails,
            Row::Activity { .. } => Kind::Activities,
            Row::Event { .. } => Kind::Events,
            Row::Decision { .. } => Kind::Decisions,
            Row::Wake { .. } => Kind::Schedule,
            Row::Assignment { .. } => Kind::Assignments,
            Row::Account { .. } => Kind::Accounts,
            Row::Rep { .. } => Kind::Reps,
            Row::Campaign { .. } => Kind::Campaigns,
            Row::MatchKey { .. } => Kind::MatchKeys,
            Row::Outbox { .. } => Kind::Outbox,
            Row::DeadLetter { .. } => Kind::DeadLetters,
            Row::CallTask { .. } => Kind::CallTasks,
            Row::PluginVersion { .. } => Kind::PluginVersions,
            Row::ImportJob { .. } => Kind::ImportJobs,
            Row::Input { .. } => Kind::Inputs,
            Row::Shadow { .. } => Kind::Shadows,
        }
    }
}

/// How many rows of each kind, in [`Kind::ALL`]'s order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(pub std::collections::BTreeMap<Kind, u64>);

impl Counts {
    /// Counts one more row of `kind`.
    pub fn add(&mut self, kind: Kind) {
        *self.0.entry(kind).or_default() += 1;
    }

    /// The count of `kind` (0 when none).
    pub fn of(&self, kind: Kind) -> u64 {
        self.0.get(&kind).copied().unwrap_or(0)
    }

    /// Rows of every kind.
    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }
}
