//! Backtest metrics: how a candidate lead definition's verdicts differ from
//! the live one's on the same recorded inputs, and how each side's verdicts
//! line up with what sales later reported.
//!
//! Rows are folded into a [`Tally`], which parallel workers can each fill
//! with a share of the rows and [`Tally::merge`]; [`Tally::finish`] (or
//! [`summarize`] for one slice) turns it into a [`Summary`].

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Stage;

/// The stages in the fixed order used for matrix cells.
const STAGES: [Stage; 3] = [Stage::SalesReady, Stage::Nurture, Stage::Discard];

/// How many failures a [`Summary`] quotes; the rest are only counted.
const FIRST_ERRORS: usize = 5;

/// What sales fed back for a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The deal was won.
    Won,
    /// The deal was lost.
    Lost,
    /// No result yet; such leads count in volumes and the matrix but not in
    /// [`Quality`].
    Open,
}

/// One lead's recorded qualification, replayed through both definitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The lead's id.
    pub lead: String,
    /// When the recorded call happened; decides the week and the order of
    /// quoted errors.
    pub at: DateTime<Utc>,
    /// The live definition's verdict as recorded.
    pub live: Stage,
    /// The candidate's verdict on the same input, or why it gave none (a
    /// trap or a limit hit).
    pub candidate: Result<Stage, String>,
    /// What sales reported for the lead.
    pub outcome: Outcome,
}

/// Counts of live stage × candidate stage over rows where the candidate
/// answered. Serializes as a list of all nine [`MatrixCell`]s, zero cells
/// included, live-major in the order sales-ready, nurture, discard, so
/// consumers can rely on the shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matrix {
    /// `counts[live][candidate]`, indexed as in `STAGES`.
    counts: [[u64; 3]; 3],
}

/// One cell of a [`Matrix`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MatrixCell {
    /// The live definition's verdict.
    pub live: Stage,
    /// The candidate's verdict.
    pub candidate: Stage,
    /// Rows with exactly this pair of verdicts.
    pub count: u64,
}

fn stage_index(stage: Stage) -> usize {
    match stage {
        Stage::SalesReady => 0,
        Stage::Nurture => 1,
        Stage::Discard => 2,
    }
}

impl Matrix {
    /// Rows the live definition put in `live` and the candidate in
    /// `candidate`.
    pub fn count(&self, live: Stage, candidate: Stage) -> u64 {
        self.counts[stage_index(live)][stage_index(candidate)]
    }

    /// All nine cells in the serialized order.
    pub fn cells(&self) -> Vec<MatrixCell> {
        STAGES
            .iter()
            .flat_map(|&live| {
                STAGES.iter().map(move |&candidate| MatrixCell {
                    live,
                    candidate,
                    count: self.count(live, candidate),
                })
            })
            .collect()
    }

    fn add(&mut self, live: Stage, candidate: Stage) {
        self.counts[stage_index(live)][stage_index(candidate)] += 1;
    }

    fn merge(&mut self, other: &Matrix) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts.iter()) {
            for (a, b) in mine.iter_mut().zip(theirs.iter()) {
                *a += b;
            }
        }
    }
}

impl Serialize for Matrix {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.cells())
    }
}

/// How well one side's verdicts predicted sales' results.
///
/// Counted only over leads whose outcome is Won or Lost (Open leads have no
/// result to judge by), the same leads for both sides: a lead the candidate
/// failed on counts as not sales-ready (a failed call sends no lead to
/// sales), so a candidate that fails on won leads loses recall instead of
/// leaving them out of it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quality {
    /// Leads with an outcome (won or lost) that this side marked
    /// sales-ready; the report's `sales_ready` counts all leads.
    pub sales_ready_with_outcome: u64,
    /// Leads marked sales-ready that were won.
    pub won_sales_ready: u64,
    /// Won leads.
    pub won: u64,
    /// Lost leads.
    pub lost: u64,
    /// Won among leads marked sales-ready / leads marked sales-ready, i.e.
    /// `won_sales_ready / sales_ready_with_outcome`; `None` (null) when no lead with an
    /// outcome is sales-ready.
    pub precision: Option<f64>,
    /// Won leads marked sales-ready / all won leads, i.e.
    /// `won_sales_ready / won`; `None` (null) when no lead was won.
    pub recall: Option<f64>,
    /// Won leads this side discarded: business it would have thrown away.
    pub discarded_but_won: u64,
    /// Lost leads this side marked sales-ready: wasted sales effort.
    pub sales_ready_but_lost: u64,
    /// Leads with an outcome this side failed on (counted as not
    /// sales-ready; always 0 for live, whose failures record no verdict).
    pub failed_with_outcome: u64,
}

impl Quality {
    fn add(&mut self, stage: Stage, outcome: Outcome) {
        let won = match outcome {
            Outcome::Won => true,
            Outcome::Lost => false,
            Outcome::Open => return,
        };
        let sales_ready = stage == Stage::SalesReady;
        self.sales_ready_with_outcome += u64::from(sales_ready);
        self.won_sales_ready += u64::from(sales_ready && won);
        self.won += u64::from(won);
        self.lost += u64::from(!won);
        self.discarded_but_won += u64::from(stage == Stage::Discard && won);
        self.sales_ready_but_lost += u64::from(sales_ready && !won);
    }

    /// A lead this side failed on: with an outcome, it counts in `won` or
    /// `lost` as not sales-ready.
    fn add_failed(&mut self, outcome: Outcome) {
        let won = match outcome {
            Outcome::Won => true,
            Outcome::Lost => false,
            Outcome::Open => return,
        };
        self.won += u64::from(won);
        self.lost += u64::from(!won);
        self.failed_with_outcome += 1;
    }

    fn merge(&mut self, other: &Quality) {
        self.sales_ready_with_outcome += other.sales_ready_with_outcome;
        self.won_sales_ready += other.won_sales_ready;
        self.won += other.won;
        self.lost += other.lost;
        self.discarded_but_won += other.discarded_but_won;
        self.sales_ready_but_lost += other.sales_ready_but_lost;
        self.failed_with_outcome += other.failed_with_outcome;
    }

    /// Fills in the ratios from the counts.
    fn finish(mut self) -> Quality {
        let ratio = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
        self.precision = ratio(self.won_sales_ready, self.sales_ready_with_outcome);
        self.recall = ratio(self.won_sales_ready, self.won);
        self
    }
}

/// Sales-ready verdicts in one week, to show how a candidate would change the
/// load on sales over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekVolume {
    /// Monday of the ISO week (UTC) the recorded calls fell in.
    pub week: NaiveDate,
    /// Rows the live definition marked sales-ready, whatever the outcome.
    pub live: u64,
    /// Rows the candidate marked sales-ready; failed rows count as not.
    pub candidate: u64,
}

/// The result of a backtest over a set of rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Rows replayed.
    pub total: u64,
    /// Rows where the candidate answered with a stage other than live's.
    pub changed: u64,
    /// Rows where the candidate gave no verdict.
    pub failed: u64,
    /// Up to five failures as `(lead, message)`: the five smallest by
    /// `(at, lead, message)`, not the first in row order, so the result does
    /// not depend on how rows were split among workers.
    pub first_errors: Vec<(String, String)>,
    /// Live × candidate verdicts over rows the candidate answered.
    pub matrix: Matrix,
    /// Quality of the live definition, over all rows with an outcome.
    pub live: Quality,
    /// Quality of the candidate, over rows with an outcome it answered.
    pub candidate: Quality,
    /// Sales-ready volume per week, oldest first, from the week of the
    /// earliest row to that of the latest with no week left out.
    pub weekly: Vec<WeekVolume>,
}

/// A running backtest result. Each worker adds its share of rows; merging
/// tallies in any order and grouping gives the same [`Summary`] as one tally
/// over all rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    total: u64,
    changed: u64,
    failed: u64,
    /// The smallest failures by `(at, lead, message)`, sorted, at most
    /// `FIRST_ERRORS`.
    errors: Vec<(DateTime<Utc>, String, String)>,
    matrix: Matrix,
    live: Quality,
    candidate: Quality,
    /// Week → (live, candidate) sales-ready counts; every row's week has an
    /// entry so the span covers all rows.
    weeks: BTreeMap<NaiveDate, (u64, u64)>,
}

/// Monday of the ISO week `at` falls in, in UTC.
fn week_of(at: DateTime<Utc>) -> NaiveDate {
    let day = at.date_naive();
    let back = Days::new(u64::from(day.weekday().num_days_from_monday()));
    // Only fails in the first days chrono can represent; keep the day then.
    day.checked_sub_days(back).unwrap_or(day)
}

impl Tally {
    /// An empty tally.
    pub fn new() -> Tally {
        Tally::default()
    }

    /// Counts one row.
    pub fn add(&mut self, row: &Row) {
        self.total += 1;
        self.live.add(row.live, row.outcome);
        let candidate_ready = match &row.candidate {
            Ok(stage) => {
                self.changed += u64::from(*stage != row.live);
                self.matrix.add(row.live, *stage);
                self.candidate.add(*stage, row.outcome);
                *stage == Stage::SalesReady
            }
            Err(message) => {
                self.failed += 1;
                self.candidate.add_failed(row.outcome);
                self.keep_errors(vec![(row.at, row.lead.clone(), message.clone())]);
                false
            }
        };
        let week = self.weeks.entry(week_of(row.at)).or_default();
        week.0 += u64::from(row.live == Stage::SalesReady);
        week.1 += u64::from(candidate_ready);
    }

    /// Adds another worker's tally into this one.
    pub fn merge(&mut self, other: Tally) {
        self.total += other.total;
        self.changed += other.changed;
        self.failed += other.failed;
        self.keep_errors(other.errors);
        self.matrix.merge(&other.matrix);
        self.live.merge(&other.live);
        self.candidate.merge(&other.candidate);
        for (week, (live, candidate)) in other.weeks {
            let mine = self.weeks.entry(week).or_default();
            mine.0 += live;
            mine.1 += candidate;
        }
    }

    fn keep_errors(&mut self, more: Vec<(DateTime<Utc>, String, String)>) {
        self.errors.extend(more);
        self.errors.sort();
        self.errors.truncate(FIRST_ERRORS);
    }

    /// The summary of everything added.
    pub fn finish(self) -> Summary {
        let mut weekly = Vec::with_capacity(self.weeks.len());
        if let (Some(&first), Some(&last)) =
            (self.weeks.keys().next(), self.weeks.keys().next_back())
        {
            let mut week = Some(first);
            while let Some(current) = week.filter(|w| *w <= last) {
                let (live, candidate) = self.weeks.get(&current).copied().unwrap_or_default();
                weekly.push(WeekVolume {
                    week: current,
                    live,
                    candidate,
                });
                week = current.checked_add_days(Days::new(7));
            }
        }
        Summary {
            total: self.total,
            changed: self.changed,
            failed: self.failed,
            first_errors: self
                .errors
                .into_iter()
                .map(|(_, lead, message)| (lead, message))
                .collect(),
            matrix: self.matrix,
            live: self.live.finish(),
            candidate: self.candidate.finish(),
            weekly,
        }
    }
}

impl<'a> Extend<&'a Row> for Tally {
    fn extend<I: IntoIterator<Item = &'a Row>>(&mut self, rows: I) {
        rows.into_iter().for_each(|row| self.add(row));
    }
}

/// The summary of `rows`, as one [`Tally`] over them.
#[cfg(test)]
pub fn summarize(rows: &[Row]) -> Summary {
    let mut tally = Tally::new();
    tally.extend(rows);
    tally.finish()
}

#[cfg(test)]
mod tests;
