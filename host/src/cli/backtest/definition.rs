//! The text report of a lead-definition backtest: the stage matrix,
//! quality side by side, weekly volume, the first changed leads and the
//! sweep's table.

use crate::engine::plugins::{BacktestReport, CHANGES_LISTED, render_value};

use super::{CHANGES_SHOWN, percent};

/// A stage as the API spells it (`sales-ready`).
fn word(stage: crate::model::Stage) -> String {
    serde_json::to_value(stage)
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The report as people read it: the matrix, quality side by side, weekly
/// volume, the first changed leads, and the sweep's table.
pub fn report(report: &BacktestReport) -> String {
    let summary = &report.summary;
    let mut out = vec![format!(
        "{} leads ({} recorded inputs) of org {}: the candidate changes {} verdicts and failed on {}{}{}",
        summary.total,
        report.inputs,
        report.org,
        summary.changed,
        summary.failed,
        match report.inputs_not_kept {
            0 => String::new(),
            n => format!("; {n} qualifications had no input kept"),
        },
        match report.live_failed {
            0 => String::new(),
            n => format!("; {n} live qualifications failed (nothing to compare)"),
        }
    )];
    out.push(String::new());
    out.push(format!(
        "{:<14} {:>12} {:>12} {:>12}",
        "live \\ cand.", "sales-ready", "nurture", "discard"
    ));
    for row in summary.matrix.cells().chunks(3) {
        out.push(format!(
            "{:<14} {:>12} {:>12} {:>12}",
            word(row[0].live),
            row[0].count,
            row[1].count,
            row[2].count
        ));
    }
    out.push(String::new());
    out.push(format!("{:<24} {:>10} {:>10}", "", "live", "candidate"));
    let (live, candidate) = (&summary.live, &summary.candidate);
    let lines: [(&str, String, String); 6] = [
        (
            "precision (won/ready)",
            percent(live.precision),
            percent(candidate.precision),
        ),
        (
            "recall (ready/won)",
            percent(live.recall),
            percent(candidate.recall),
        ),
        (
            "sales-ready with outcome",
            live.sales_ready_with_outcome.to_string(),
            candidate.sales_ready_with_outcome.to_string(),
        ),
        (
            "discarded but won",
            live.discarded_but_won.to_string(),
            candidate.discarded_but_won.to_string(),
        ),
        (
            "sales-ready but lost",
            live.sales_ready_but_lost.to_string(),
            candidate.sales_ready_but_lost.to_string(),
        ),
        (
            "failed (not sales-ready)",
            live.failed_with_outcome.to_string(),
            candidate.failed_with_outcome.to_string(),
        ),
    ];
    for (label, live, candidate) in lines {
        out.push(format!("{label:<24} {live:>10} {candidate:>10}"));
    }
    if !summary.weekly.is_empty() {
        out.push(String::new());
        out.push(format!(
            "{:<12} {:>10} {:>10}",
            "week of", "live", "candidate"
        ));
        for week in &summary.weekly {
            out.push(format!(
                "{:<12} {:>10} {:>10}",
                week.week.to_string(),
                week.live,
                week.candidate
            ));
        }
    }
    super::failures(&mut out, &summary.first_errors, summary.failed);
    for change in report.changes.iter().take(CHANGES_SHOWN) {
        out.push(format!(
            "changed   {}: {} → {}\n          live:      {}\n          candidate: {}",
            change.lead,
            word(change.live),
            word(change.candidate),
            change.live_reasons.first().map_or("", String::as_str),
            change.candidate_reasons.first().map_or("", String::as_str)
        ));
    }
    let unlisted = summary.changed.saturating_sub(CHANGES_SHOWN as u64);
    if unlisted > 0 {
        out.push(format!(
            "          ... and {unlisted} more changed (`--json` lists the first {CHANGES_LISTED} by lead id)"
        ));
    }
    if let Some(points) = &report.sweep {
        out.push(String::new());
        out.push(
            "sweep (each value laid over --config; the figures above are for --config alone):"
                .into(),
        );
        out.push(format!(
            "{:>10} {:>12} {:>10} {:>10} {:>8}",
            "value", "sales-ready", "precision", "recall", "changed"
        ));
        for point in points {
            out.push(format!(
                "{:>10} {:>12} {:>10} {:>10} {:>8}",
                render_value(point.value),
                point.sales_ready,
                percent(point.precision),
                percent(point.recall),
                point.changed
            ));
        }
    }
    for warning in &report.warnings {
        out.push(format!("warning: {warning}"));
    }
    out.join("\n")
}
