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

pub mod builtin;
pub mod delivery;
pub mod import;
pub mod jobs;
pub mod plugins;
pub mod setup;

mod call;
mod change;
mod escalation;
mod feedback;
mod funnel;
mod keep_in_touch;
mod lifecycle;
mod locks;
mod merge;
mod operations;
mod org_settings;
pub mod registry;
mod rosters;
mod routing;
mod shares;
mod steps;
mod touches;
mod validate;

use std::sync::Arc;

use leadhost_model as model;
use leadhost_model::clock;
use leadhost_runtime as runtime;
use leadhost_store as store;

pub use feedback::Feedback;
pub use funnel::{Conversion, Funnel, FunnelSection, Window};
pub use lifecycle::{IllegalTransition, next_stages};
pub use org_settings::{NurtureSettings, OrgSettings, RoutingSettings, Webhook, Webhooks};
pub use routing::{REFUSED_CHOICE, Refusal, check_assignment};
pub use shares::{OrgShares, ShareFull, ShareLimits, Turn};
pub use validate::{FieldError, LeadSubmission, normalize_email};

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
    /// The org already exists.
    #[error("org {0} already exists")]
    OrgExists(String),
    /// Only a lead in needs-review can have its failed step re-run.
    #[error("lead {lead} is {stage}, not needs-review: there is no failed step to re-run")]
    NotInReview {
        /// The lead.
        lead: String,
        /// Its stage.
        stage: crate::store::StageKind,
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
}

impl EngineError {
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
        Engine {
            shared: Arc::new(Shared {
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
}
