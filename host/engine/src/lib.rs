//! leadhost's engine: everything between a request and the store.
//!
//! It owns the lead lifecycle (ingest and dedup, qualification, nurture
//! steps, routing, the SLA, sales feedback, the funnel), the registry of each
//! org's active plug-ins and its settings, the plug-in layer that fills them
//! from org folders, uploads and hot reloads ([`plugins`]), imports and
//! import jobs ([`import`], [`jobs`]), the outbox's delivery to webhooks
//! ([`delivery`]), and opening a data folder ([`setup`]).
//!
//! It must not know HTTP (no axum; the API sits above it and calls only its
//! methods), how a plug-in is run (that is `leadhost-runtime`: wasmtime stays
//! there) or how records are kept (that is `leadhost-store`'s `Store` trait).
//!
//! Every operation loads a lead, builds one [`change::Change`], and commits
//! it atomically; it returns only once the commit is durable. A plug-in that
//! fails never fails the operation: the lead lands in needs-review.

pub mod auth;
pub mod builtin;
pub mod delivery;
pub mod import;
pub mod jobs;
pub mod plugins;
pub mod setup;

mod call;
mod call_tasks;
mod campaigns;
mod change;
mod conflicts;
mod dead_letters;
mod escalation;
mod feedback;
mod funnel;
mod goals;
mod ingest;
mod inputs;
mod keep_in_touch;
mod lead_pages;
mod lifecycle;
mod locks;
mod matching;
mod merge;
mod moves;
mod nurture;
mod operations;
mod org_settings;
mod plugin_status;
mod priority;
mod qualification;
mod recorded_call;
mod recorded_inputs;
pub mod registry;
mod rosters;
mod routing;
mod shadow;
mod shares;
mod sla;
mod slug;
#[cfg(test)]
mod tests;
mod touches;
mod validate;

use std::sync::Arc;

use leadhost_model as model;
use leadhost_model::clock;
use leadhost_runtime as runtime;
use leadhost_store as store;

pub use campaigns::{
    CAMPAIGN_CONTEXT_TARGETED_MAX, CAMPAIGNS_MAX, CampaignQuery, NewCampaign, REP_LEADS_SHOWN_MAX,
    RepCampaign, TargetedLead, UPCOMING_MAX_DAYS, parse_window,
};
pub use conflicts::CONFLICT_RETRIES;
pub use feedback::Feedback;
pub use funnel::{CampaignCost, Conversion, Funnel, FunnelSection, FunnelWeek, Window};
pub use goals::{
    GOAL_PERIODS_MAX, GOALS_MAX, Goal, GoalMetric, GoalPeriod, GoalPeriodResult, GoalResult,
    period_of,
};
pub use lead_pages::{LeadQuery, LeadsPage, PAGE_DEFAULT, PAGE_MAX};
pub use lifecycle::{IllegalTransition, next_stages};
pub use matching::{
    CANDIDATES_MAX as MATCH_CANDIDATES_MAX, DUPLICATE_REVIEWS_MAX, DuplicateReview,
    MERGE_AT_DEFAULT, MatchingSettings, REVIEW_AT_DEFAULT, ReviewedLead, blocking_keys,
};
pub use org_settings::{
    AnnouncementSettings, LAUNCH_NOTICE_DEFAULT, NurtureSettings, OrgSettings, RoutingSettings,
    Webhook, Webhooks,
};
pub use plugin_status::{ActiveVersion, SlotStatus};
pub use routing::{
    REFUSED_CHOICE, Refusal, SHORTLIST_DEFAULT, Shortlist, Wanted, check_assignment, shortlist,
};
pub use shadow::{
    SHADOW_DISAGREEMENTS_LISTED, SHADOW_ORG_QUEUE, SHADOW_QUEUE, ShadowCell, ShadowReport,
    ShadowView, verdict,
};
pub use shares::{Flushing, OrgShares, ShareFull, ShareLimits, Turn};
pub use sla::SlaLapses;
pub use slug::slug;
pub use validate::{FieldError, LeadSubmission, normalize_email};

/// The records the engine's methods hand out, as the store keeps them, so
/// the layers above can name them without knowing the store.
pub mod records {
    pub use leadhost_store::{
        Activation, CallTask, CandidateLoad, DeadLetter, Decision, Event, EventKind, Impact,
        ImportJobRecord, JobState, LeadRecord, LeadStage, OrgRecord, Outcome, PluginVersion,
        RecordedInput, RoutingView, StageKind, TimelineEntry, TimelineItem,
    };
}

/// A flag to stop work that has started (a compile, an import, a request's
/// body being parsed) once nobody waits for it.
pub use leadhost_runtime::Cancel;

use crate::clock::Clock;
use crate::store::{LeadRecord, Store, StoreError};
use registry::Registry;

/// How the engine behaves where the org's plug-ins leave it open.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The track a lead starts on when the lead definition suggests none
    /// (a lead passed back by sales, a definition without tracks).
    pub default_track: String,
    /// Each org's share of the host's workers.
    pub shares: ShareLimits,
    /// The earliest a nurture track may ask to wake a lead again, from the
    /// step's time; earlier (or past) wake-ups are moved to it.
    pub min_wake: chrono::Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            default_track: "education".into(),
            shares: ShareLimits::default(),
            min_wake: chrono::Duration::minutes(1),
        }
    }
}

/// An engine operation failed; nothing of it was written.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The input (a lead, a rep, an org) is invalid; every problem is listed.
    #[error("invalid input: {}", list(.0))]
    Invalid(Vec<FieldError>),
    /// No such org.
    #[error("org {0} does not exist")]
    UnknownOrg(String),
    /// No such lead in the org.
    #[error("lead {lead} does not exist in org {org}")]
    UnknownLead {
        /// The org.
        org: String,
        /// The lead id asked for.
        lead: String,
    },
    /// The org has no live token with this id.
    #[error("org {org} has no live token {token}")]
    UnknownToken {
        /// The org.
        org: String,
        /// The token id asked for.
        token: String,
    },
    /// The org has no call task with this id.
    #[error("no task {task} in org {org}")]
    UnknownTask {
        /// The org.
        org: String,
        /// The task id asked for.
        task: String,
    },
    /// The org has no dead letter with this id.
    #[error("no dead letter {letter} in org {org}")]
    UnknownDeadLetter {
        /// The org.
        org: String,
        /// The dead letter's id as asked for.
        letter: String,
    },
    /// The org already exists.
    #[error("org {0} already exists")]
    OrgExists(String),
    /// No such rep in the org.
    #[error("rep {rep} does not exist in org {org}")]
    UnknownRep {
        /// The org.
        org: String,
        /// The rep id asked for.
        rep: String,
    },
    /// No such campaign in the org.
    #[error("campaign {campaign} does not exist in org {org}")]
    UnknownCampaign {
        /// The org.
        org: String,
        /// The campaign id asked for.
        campaign: String,
    },
    /// The org has a campaign with this id already.
    #[error(
        "org {org} has a campaign {campaign} already: change it with PATCH, or give another id"
    )]
    CampaignExists {
        /// The org.
        org: String,
        /// The campaign id.
        campaign: String,
    },
    /// Only a lead in needs-review can have its failed step re-run.
    #[error("lead {lead} is {stage}, not needs-review: there is no failed step to re-run")]
    NotInReview {
        /// The lead.
        lead: String,
        /// Its stage.
        stage: crate::store::StageKind,
    },
    /// The lead waits on no duplicate review: there is nothing to merge or
    /// dismiss.
    #[error("lead {lead} is {stage} and waits on no duplicate review: nothing to merge or dismiss")]
    NoDuplicateReview {
        /// The lead.
        lead: String,
        /// Its stage.
        stage: crate::store::StageKind,
    },
    /// The lead waits on a review against another candidate than the one
    /// the request named (a dismissal meanwhile put it there).
    #[error(
        "lead {lead} now waits on a review against {candidate}, not {expected}: list the duplicates again and decide on that pair"
    )]
    ReviewChanged {
        /// The lead.
        lead: String,
        /// The candidate it waits on now.
        candidate: String,
        /// The candidate the request named.
        expected: String,
    },
    /// The lead a duplicate was to be merged into was merged into another
    /// meanwhile: merge into that one, or dismiss.
    #[error(
        "lead {lead} was merged into {merged_into} since: run the duplicate rule again on the held lead (`POST …/leads/{{id}}/retry`) to compare it with {merged_into}"
    )]
    DuplicateGone {
        /// The lead merged away.
        lead: String,
        /// Where it went.
        merged_into: String,
    },
    /// Feedback names a rep who does not hold the lead (any more).
    #[error("lead {lead} is not rep {rep}'s{}", match owner { Some(owner) => format!(": {owner} holds it"), None => ": no rep holds it".into() })]
    NotOwner {
        /// The lead.
        lead: String,
        /// The rep the feedback came from.
        rep: String,
        /// Who holds it now.
        owner: Option<String>,
    },
    /// The lifecycle does not allow the move.
    #[error(transparent)]
    Illegal(#[from] IllegalTransition),
    /// The store failed; the operation may be retried.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The store failed part-way through a batch: the items before the
    /// failure are stored, the rest not tried. Sending the whole batch
    /// again is safe (the items stored answer `unchanged`).
    #[error(
        "the store failed after {stored} of {of} items were stored; send the batch again: the items stored answer `unchanged`"
    )]
    PartlyStored {
        /// Items stored (created, merged or unchanged).
        stored: usize,
        /// Items in the batch.
        of: usize,
        /// The store's failure.
        #[source]
        source: StoreError,
    },
}

/// What kind of failure an [`EngineError`] is: what the caller can do about
/// it. The API answers each kind with one status code, and import jobs
/// record that same code for each refused row, so a row of a job and an
/// item of a batch or a single request are never told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input is wrong; fix it (422).
    Invalid,
    /// What the request names does not exist (404).
    NotFound,
    /// The request does not fit the current state (409).
    Conflict,
    /// The store failed; nothing of the operation was written, so the same
    /// request may be sent again (503).
    Unavailable,
}

impl ErrorKind {
    /// The HTTP status the API answers this kind with (RFC 9110); the one
    /// table of it, used by every path that reports an engine error.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::Invalid => 422,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::Unavailable => 503,
        }
    }
}

impl EngineError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            EngineError::Invalid(_) => ErrorKind::Invalid,
            EngineError::UnknownOrg(_)
            | EngineError::UnknownLead { .. }
            | EngineError::UnknownToken { .. }
            | EngineError::UnknownTask { .. }
            | EngineError::UnknownDeadLetter { .. }
            | EngineError::UnknownCampaign { .. }
            | EngineError::UnknownRep { .. } => ErrorKind::NotFound,
            EngineError::OrgExists(_)
            | EngineError::CampaignExists { .. }
            | EngineError::NotInReview { .. }
            | EngineError::NoDuplicateReview { .. }
            | EngineError::DuplicateGone { .. }
            | EngineError::ReviewChanged { .. }
            | EngineError::NotOwner { .. }
            | EngineError::Illegal(_) => ErrorKind::Conflict,
            EngineError::Store(_) | EngineError::PartlyStored { .. } => ErrorKind::Unavailable,
        }
    }

    /// The problems to report for one item of a batch or import: the fields
    /// at fault, or else one entry for the whole item named `whole`. A store
    /// failure is logged here and reported without its internals.
    pub fn into_field_errors(self, whole: &str) -> Vec<FieldError> {
        let problem = match self {
            EngineError::Invalid(fields) => return fields,
            EngineError::Store(error) => {
                tracing::error!(%error, "the store failed on one item");
                "the store failed; the item was not stored, send it again".to_string()
            }
            other => other.to_string(),
        };
        vec![FieldError {
            field: whole.into(),
            problem,
        }]
    }
}

fn list(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// What ingesting a submission did.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// The lead as stored after the operation.
    pub record: LeadRecord,
    /// `true` for a new lead, `false` when the submission merged into an
    /// existing lead with the same e-mail.
    pub created: bool,
    /// `true` when the lead had received this very submission before (same
    /// fields, source, campaign and activities, once normalized): nothing
    /// was written, and `record` is the lead as it was.
    pub unchanged: bool,
}

/// An operation's result whose writes are applied (every read sees them)
/// but not yet durable: [`Engine::durable`] waits for the flush and gives
/// the result back. Dropping it gives up the wait, not the writes.
#[derive(Debug)]
#[must_use = "a pending result is acknowledged only once `Engine::durable` returns"]
pub struct Pending<T> {
    value: T,
    applied: crate::store::Applied,
}

/// The engine. Cheap to clone; every clone shares the store, plug-ins and locks.
#[derive(Clone)]
pub struct Engine {
    /// What every operation needs.
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    /// Where leads live.
    store: Arc<dyn Store>,
    /// The org's active plug-ins.
    plugins: Registry,
    /// Each org's nurture, routing and webhook settings.
    settings: OrgSettings,
    /// Where time comes from.
    clock: Arc<dyn Clock>,
    /// Serializes work on one e-mail, lead or org's reps.
    locks: locks::Locks,
    /// Each org's reps as the store holds them, for routing.
    rosters: rosters::Rosters,
    /// Each org's share of the workers that call plug-ins.
    shares: OrgShares,
    /// Defaults the plug-ins leave open.
    config: EngineConfig,
    /// Runs each slot's shadow beside the live calls.
    shadows: shadow::ShadowRunner,
}

impl Shared {
    /// The track a lead starts on when its qualification names none: the
    /// org's `[nurture] default_track`, else the engine's.
    fn default_track(&self, org: &str) -> String {
        self.settings
            .nurture(org)
            .default_track
            .unwrap_or_else(|| self.config.default_track.clone())
    }
}

impl Engine {
    /// An engine over `store`, calling the plug-ins `plugins` has active.
    pub fn new(
        store: Arc<dyn Store>,
        plugins: Registry,
        clock: Arc<dyn Clock>,
        config: EngineConfig,
    ) -> Self {
        let shadows = shadow::ShadowRunner::start(Arc::downgrade(&store));
        Engine {
            shared: Arc::new(Shared {
                shadows,
                store,
                plugins,
                settings: OrgSettings::default(),
                clock,
                locks: locks::Locks::new(),
                rosters: rosters::Rosters::default(),
                shares: OrgShares::new(config.shares),
                config,
            }),
        }
    }

    /// The store the engine writes to.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.shared.store
    }

    /// The plug-in registry the engine calls through.
    pub fn plugins(&self) -> &Registry {
        &self.shared.plugins
    }

    /// Each org's nurture, routing and webhook settings (`org.toml`).
    pub fn settings(&self) -> &OrgSettings {
        &self.shared.settings
    }

    /// Each org's share of the workers that call plug-ins.
    pub fn shares(&self) -> &OrgShares {
        &self.shared.shares
    }

    /// The engine's clock.
    pub fn now(&self) -> crate::model::Time {
        self.shared.clock.now()
    }

    /// How many orgs the host serves; also the readiness probe's proof that
    /// the store answers.
    ///
    /// Errors: the store's failure.
    pub fn org_count(&self) -> Result<usize, EngineError> {
        Ok(self.shared.store.orgs()?.len())
    }

    /// Every org: id, display name, creation time, in id order.
    ///
    /// Errors: the store's failure.
    pub fn orgs(&self) -> Result<Vec<store::OrgRecord>, EngineError> {
        Ok(self.shared.store.orgs()?)
    }
}
