//! The plug-in layer: org folders (`org.toml`, components, sample cases),
//! uploads and rollbacks, hot reload. It sits above the engine and fills
//! the engine's [`Registry`] of active versions and its org settings; the
//! engine never calls up into it.

mod backtest;
mod cases;
mod check;
mod drift;
mod folder;
mod history;
mod impact;
mod install;
mod loader;
mod org_file;
mod quota;
mod reloader;
mod replay;
mod rollback;
mod sample_cases;
mod script;
mod shadow;
mod slot_config;
mod sync;
mod watcher;
mod workers;

pub use crate::recorded_call::{CallResult, UnreadableInput, call_recorded};
pub use backtest::{
    BACKTEST_TIME_LIMIT, BACKTEST_WORKERS, BACKTESTS_KEPT, BACKTESTS_RUNNING_MAX, BacktestError,
    BacktestJob, BacktestJobs, BacktestReport, BacktestResult, BacktestSpec, BacktestStartError,
    BacktestState, CHANGES_LISTED, CandidateError, CandidateRun, ChangedLead, ChangedRoute, Counts,
    DESTINATIONS_KEPT, Destination, MAX_SWEEP_VALUES, Matrix, MatrixCell, Outcome as SalesOutcome,
    Quality, RepLoad, RoutingBacktestReport, RoutingCell, RoutingSide, RoutingSummary, SideBySide,
    StartBacktestError, Summary, Sweep, SweepError, SweepPoint, WeekVolume, render_value,
};
pub use cases::{
    CaseResult, CasesError, SampleCase, cases_path, parse_cases, read_cases, run_cases,
};
pub use check::CheckFailure;
pub use folder::{FolderError, OrgFolders, write_atomically};
pub use impact::IMPACT_SAMPLE;
pub use install::{InstallError, valid_name};
pub use loader::{LoadError, NewerReload, PluginLoader, Reload, SlotOutcome};
pub use org_file::{ORG_FILE, OrgFile, OrgFileError, SlotEntry};
pub use quota::ORG_DISK_BYTES;
pub use replay::{
    Audit, DIFFERENCES_LISTED, DIFFERS_LISTED, Difference, NotReplayable, ReplayError, Replayed,
};
pub use rollback::{RequestError, RollbackAnswer, pick_version, request_rollback};
pub use sample_cases::MAX_CASES;
pub use script::{
    MAX_SCRIPT_BYTES, SCRIPT_EXTENSION, SCRIPT_FIELD, SCRIPT_NAME_FIELD, is_script, load_plugin,
    load_plugin_file, slot_of,
};
pub use sync::{RETRY_AFTER, SharedVersions};
pub use watcher::{CatchUp, DEFAULT_DEBOUNCE, WatchError, Watcher, start as start_watching, watch};

pub use crate::registry::{Active, Refusal, Registry, Shadow, ShadowSlot};
