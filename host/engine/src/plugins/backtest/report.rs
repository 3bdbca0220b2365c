//! What a backtest reports: a lead definition's [`BacktestReport`] (the
//! stage matrix, quality side by side, weekly volume, a sweep's series), and
//! either kind's [`BacktestResult`].

use serde::Serialize;

use super::{RoutingBacktestReport, Summary};
use crate::model::Stage;
use crate::runtime::Slot;

/// A lead whose verdict the candidate changes, with both sides' reasons.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChangedLead {
    /// The lead.
    pub lead: String,
    /// The live verdict.
    pub live: Stage,
    /// The live version's reasons for it.
    pub live_reasons: Vec<String>,
    /// The candidate's verdict.
    pub candidate: Stage,
    /// The candidate's reasons for it.
    pub candidate_reasons: Vec<String>,
}

/// Precision or recall, side by side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SideBySide {
    /// The live version's.
    pub live: Option<f64>,
    /// The candidate's.
    pub candidate: Option<f64>,
}

/// A count, side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Counts {
    /// The live versions'.
    pub live: u64,
    /// The candidate's.
    pub candidate: u64,
}

/// One value of a sweep: what the candidate does with the key at `value`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SweepPoint {
    /// The key's value.
    pub value: f64,
    /// Leads the candidate marks sales-ready.
    pub sales_ready: u64,
    /// Won among the sales-ready leads with an outcome (`null` without one).
    pub precision: Option<f64>,
    /// Won leads it marks sales-ready, of all won (`null` with none won).
    pub recall: Option<f64>,
    /// Leads whose verdict differs from live.
    pub changed: u64,
    /// Leads the candidate failed on.
    pub failed: u64,
}

/// A backtest's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestReport {
    /// The org.
    pub org: String,
    /// The slot (`lead-definition`).
    pub slot: Slot,
    /// The candidate's name.
    pub plugin: String,
    /// The candidate's sha256.
    pub plugin_hash: String,
    /// Recorded qualification inputs the candidate ran on.
    pub inputs: u64,
    /// Qualifications whose input is not kept (not counted anywhere else).
    pub inputs_not_kept: u64,
    /// Live qualifications that failed (a trap, a limit): no verdict to
    /// compare with, so not counted anywhere else; a lead whose every
    /// qualification failed is not a row.
    pub live_failed: u64,
    /// Leads, one row each: `changed`, `failed`, the matrix and volumes.
    #[serde(flatten)]
    pub summary: Summary,
    /// Leads marked sales-ready, outcome or not (the matrix's and the
    /// weekly volume's count; `live.sales_ready_with_outcome` counts those
    /// precision is taken over).
    pub sales_ready: Counts,
    /// Precision of live and candidate (also inside `live`, `candidate`).
    pub precision: SideBySide,
    /// Recall of live and candidate.
    pub recall: SideBySide,
    /// The leads that change, first [`super::CHANGES_LISTED`] by lead id.
    pub changes: Vec<ChangedLead>,
    /// With a sweep: one point per value, in order (each value laid over
    /// `config`; the rest of the report is for `config` alone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<Vec<SweepPoint>>,
    /// What may make the report mean less than it seems: a config key that
    /// changed nothing and is in no recorded config (mistyped?), a sweep
    /// whose every value gives the same verdicts.
    pub warnings: Vec<String>,
}

/// Either kind of backtest's report; each carries its `slot`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum BacktestResult {
    /// A lead definition's.
    LeadDefinition(BacktestReport),
    /// A routing policy's.
    RoutingPolicy(RoutingBacktestReport),
}

impl BacktestResult {
    /// Rows compared, rows the candidate failed on, and its first error.
    pub fn failures(&self) -> (u64, u64, Option<&str>) {
        let (total, failed, errors) = match self {
            BacktestResult::LeadDefinition(report) => (
                report.summary.total,
                report.summary.failed,
                &report.summary.first_errors,
            ),
            BacktestResult::RoutingPolicy(report) => (
                report.summary.total,
                report.summary.failed,
                &report.summary.first_errors,
            ),
        };
        (
            total,
            failed,
            errors.first().map(|(_, error)| error.as_str()),
        )
    }
}
