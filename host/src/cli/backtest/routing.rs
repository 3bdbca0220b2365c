//! The text report of a routing-policy backtest: each side's totals, the
//! load per rep, the destination table and the first changed routes.

use crate::engine::plugins::{CHANGES_LISTED, RoutingBacktestReport};
use crate::model::RouteDecision;

use super::CHANGES_SHOWN;

/// Where a decision sends the lead, and its first reason.
fn said(decision: &RouteDecision) -> (String, &str) {
    match decision {
        RouteDecision::Assign { rep, reasons } => (
            format!("rep {rep}"),
            reasons.first().map_or("", String::as_str),
        ),
        RouteDecision::Queue { queue, reason } => (format!("queue {queue}"), reason.as_str()),
        RouteDecision::ReturnToMarketing { reason } => {
            ("return to marketing".into(), reason.as_str())
        }
    }
}

/// The report as people read it.
pub fn report(report: &RoutingBacktestReport) -> String {
    let summary = &report.summary;
    let mut out = vec![format!(
        "{} routing calls of org {}: the candidate sends {} elsewhere and failed on {}{}{}",
        summary.total,
        report.org,
        summary.changed,
        summary.failed,
        match report.inputs_not_kept {
            0 => String::new(),
            n => format!("; {n} routing calls had no input kept"),
        },
        match report.live_failed {
            0 => String::new(),
            n => format!("; {n} live routing calls failed (nothing to compare)"),
        }
    )];
    out.push(String::new());
    out.push(format!("{:<22} {:>10} {:>10}", "", "live", "candidate"));
    let (live, candidate) = (&summary.live, &summary.candidate);
    let lines = [
        ("assigned to a rep", live.assigned, candidate.assigned),
        ("queued", live.queued, candidate.queued),
        (
            "returned to marketing",
            live.returned_to_marketing,
            candidate.returned_to_marketing,
        ),
        ("refused by the host", live.refused, candidate.refused),
        ("failed", live.failed, candidate.failed),
    ];
    for (label, live, candidate) in lines {
        out.push(format!("{label:<22} {live:>10} {candidate:>10}"));
    }
    if !summary.load.is_empty() {
        out.push(String::new());
        out.push(format!(
            "{:<22} {:>10} {:>10} {:>14}",
            "rep", "live", "candidate", "won/lost (live)"
        ));
        for load in &summary.load {
            out.push(format!(
                "{:<22} {:>10} {:>10} {:>14}",
                load.rep,
                load.live,
                load.candidate,
                format!("{}/{}", load.won, load.lost)
            ));
        }
    }
    if !summary.matrix.is_empty() {
        out.push(String::new());
        out.push(format!("{:<30} {:<30} {:>8}", "live", "candidate", "calls"));
        for cell in &summary.matrix {
            out.push(format!(
                "{:<30} {:<30} {:>8}",
                cell.live.to_string(),
                cell.candidate.to_string(),
                cell.count
            ));
        }
    }
    super::failures(&mut out, &summary.first_errors, summary.failed);
    for change in report.changes.iter().take(CHANGES_SHOWN) {
        let (mut live, live_reason) = said(&change.live);
        let (mut candidate, candidate_reason) = said(&change.candidate);
        for (to, refused) in [
            (&mut live, &change.live_refused),
            (&mut candidate, &change.candidate_refused),
        ] {
            if let Some(refused) = refused {
                to.push_str(&format!(" (refused: {refused})"));
            }
        }
        out.push(format!(
            "changed   {} (decision {}): {live} → {candidate}\n          live:      {live_reason}\n          candidate: {candidate_reason}",
            change.lead, change.seq
        ));
    }
    let unlisted = summary.changed.saturating_sub(CHANGES_SHOWN as u64);
    if unlisted > 0 {
        out.push(format!(
            "          ... and {unlisted} more changed (`--json` lists the first {CHANGES_LISTED} by lead id)"
        ));
    }
    for warning in &report.warnings {
        out.push(format!("warning: {warning}"));
    }
    out.join("\n")
}
