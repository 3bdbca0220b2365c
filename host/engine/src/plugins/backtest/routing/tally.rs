//! Routing backtest metrics: where the live routing policy and a candidate
//! send the same recorded routing inputs, as a destination × destination
//! table, each side's totals, and the load each would give every rep.
//!
//! One row per recorded routing call (a lead routed twice, after an SLA
//! lapse, is two rows). Rows are folded into a [`RoutingTally`] that
//! parallel workers each fill and [`RoutingTally::merge`];
//! [`RoutingTally::finish`] gives the [`RoutingSummary`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::super::metrics::Outcome;

/// How many failures a summary quotes; the rest are only counted.
const FIRST_ERRORS: usize = 5;

/// Distinct destinations a report keeps apart per side, the most frequent
/// (ties by name); the rest (a candidate making up a queue name per lead)
/// are counted under [`Destination::Other`], so a report stays a table, not
/// a list the size of the history.
pub const DESTINATIONS_KEPT: usize = 32;

/// Distinct destinations one worker tracks per side before it counts
/// further new ones as [`Destination::Other`]: bounds a worker's memory
/// against a candidate that makes up a destination per lead. Below it, which
/// destinations a report keeps does not depend on how rows were split
/// between workers.
pub const DESTINATIONS_TRACKED: usize = 1024;

/// Where one version sends a lead, as the host would act on it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Destination {
    /// To this rep (the host's checks allow it).
    Rep(String),
    /// To this queue.
    Queue(String),
    /// Back to marketing.
    ReturnToMarketing,
    /// To a rep the host refuses (unknown, unavailable, away, at capacity):
    /// the lead would go to review.
    Refused,
    /// One of the destinations past [`DESTINATIONS_KEPT`].
    Other,
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Rep(rep) => write!(f, "rep:{rep}"),
            Destination::Queue(queue) => write!(f, "queue:{queue}"),
            Destination::ReturnToMarketing => f.write_str("return-to-marketing"),
            Destination::Refused => f.write_str("refused"),
            Destination::Other => f.write_str("other"),
        }
    }
}

impl Serialize for Destination {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One recorded routing call, through both versions.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutingRow {
    /// The lead's id.
    pub lead: String,
    /// When the recorded call happened (orders the quoted errors).
    pub at: DateTime<Utc>,
    /// Where live sent the lead.
    pub live: Destination,
    /// Where the candidate would, or why it gave no answer.
    pub candidate: Result<Destination, String>,
    /// What sales reported, counted for live's rep on the lead's last
    /// routing call only (the rep who worked it); `Open` on earlier ones.
    pub outcome: Outcome,
}

/// One cell of the live × candidate table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RoutingCell {
    /// Where live sent the leads (`rep:ana`, `queue:unassigned`,
    /// `return-to-marketing`, `refused`, `other`).
    #[schema(value_type = String)]
    pub live: Destination,
    /// Where the candidate would.
    #[schema(value_type = String)]
    pub candidate: Destination,
    /// Routing calls.
    pub count: u64,
}

/// Where one version sent the rows, in total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RoutingSide {
    /// To a rep.
    pub assigned: u64,
    /// To a queue.
    pub queued: u64,
    /// Back to marketing.
    pub returned_to_marketing: u64,
    /// To a rep the host refuses (the lead would go to review).
    pub refused: u64,
    /// No answer (a trap, a limit); always 0 for live, whose failed calls
    /// are not rows.
    pub failed: u64,
}

impl RoutingSide {
    fn add(&mut self, destination: &Destination) {
        match destination {
            Destination::Rep(_) => self.assigned += 1,
            Destination::Queue(_) | Destination::Other => self.queued += 1,
            Destination::ReturnToMarketing => self.returned_to_marketing += 1,
            Destination::Refused => self.refused += 1,
        }
    }

    fn merge(&mut self, other: &RoutingSide) {
        self.assigned += other.assigned;
        self.queued += other.queued;
        self.returned_to_marketing += other.returned_to_marketing;
        self.refused += other.refused;
        self.failed += other.failed;
    }
}

/// One rep's load: leads each version gives them, and how the leads live
/// gave them ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RepLoad {
    /// The rep.
    pub rep: String,
    /// Routing calls live assigned to the rep.
    pub live: u64,
    /// Routing calls the candidate would assign to the rep.
    pub candidate: u64,
    /// Of live's, leads sales marked won (the rep's record; the candidate's
    /// picks were never worked, so they have none).
    pub won: u64,
    /// Of live's, leads marked lost.
    pub lost: u64,
}

/// What a routing backtest found, over every row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RoutingSummary {
    /// Routing calls compared.
    pub total: u64,
    /// Calls the candidate sends elsewhere (another rep, queue, ...).
    pub changed: u64,
    /// Calls the candidate failed on.
    pub failed: u64,
    /// The first failures by time: `[lead, error]`, at most 5.
    pub first_errors: Vec<(String, String)>,
    /// Live × candidate destinations over calls the candidate answered,
    /// non-empty cells only, largest first.
    pub matrix: Vec<RoutingCell>,
    /// Live's destinations in total.
    pub live: RoutingSide,
    /// The candidate's.
    pub candidate: RoutingSide,
    /// Every rep either side assigns to, by id.
    pub load: Vec<RepLoad>,
}

/// Rows folded so far; see the module's doc.
#[derive(Debug, Clone, Default)]
pub struct RoutingTally {
    total: u64,
    changed: u64,
    /// The smallest failures by `(at, lead, message)`, at most `FIRST_ERRORS`.
    errors: Vec<(DateTime<Utc>, String, String)>,
    cells: BTreeMap<(Destination, Destination), u64>,
    /// Destinations kept apart so far, per side (live, candidate).
    kept: (BTreeSet<Destination>, BTreeSet<Destination>),
    live: RoutingSide,
    candidate: RoutingSide,
    load: BTreeMap<String, RepLoad>,
}

/// `destination`, or [`Destination::Other`] once `kept` is full.
fn keep(kept: &mut BTreeSet<Destination>, destination: &Destination) -> Destination {
    if kept.contains(destination) {
        return destination.clone();
    }
    if kept.len() < DESTINATIONS_TRACKED {
        kept.insert(destination.clone());
        return destination.clone();
    }
    Destination::Other
}

impl RoutingTally {
    /// Counts one row.
    pub fn add(&mut self, row: &RoutingRow) {
        self.total += 1;
        self.live.add(&row.live);
        if let Destination::Rep(rep) = &row.live {
            let load = self.rep(rep);
            load.live += 1;
            load.won += u64::from(row.outcome == Outcome::Won);
            load.lost += u64::from(row.outcome == Outcome::Lost);
        }
        let candidate = match &row.candidate {
            Ok(candidate) => candidate,
            Err(message) => {
                self.candidate.failed += 1;
                self.keep_errors(vec![(row.at, row.lead.clone(), message.clone())]);
                return;
            }
        };
        self.candidate.add(candidate);
        self.changed += u64::from(*candidate != row.live);
        if let Destination::Rep(rep) = candidate {
            self.rep(rep).candidate += 1;
        }
        let cell = (
            keep(&mut self.kept.0, &row.live),
            keep(&mut self.kept.1, candidate),
        );
        *self.cells.entry(cell).or_default() += 1;
    }

    fn rep(&mut self, rep: &str) -> &mut RepLoad {
        self.load.entry(rep.to_string()).or_insert_with(|| RepLoad {
            rep: rep.to_string(),
            ..RepLoad::default()
        })
    }

    fn keep_errors(&mut self, more: Vec<(DateTime<Utc>, String, String)>) {
        self.errors.extend(more);
        self.errors.sort();
        self.errors.truncate(FIRST_ERRORS);
    }

    /// Adds another worker's tally into this one: the same result in any
    /// order and grouping while no worker tracks more than
    /// [`DESTINATIONS_TRACKED`] destinations a side.
    pub fn merge(&mut self, other: RoutingTally) {
        self.total += other.total;
        self.changed += other.changed;
        self.keep_errors(other.errors);
        for ((live, candidate), count) in other.cells {
            let cell = (
                keep(&mut self.kept.0, &live),
                keep(&mut self.kept.1, &candidate),
            );
            *self.cells.entry(cell).or_default() += count;
        }
        self.live.merge(&other.live);
        self.candidate.merge(&other.candidate);
        for (rep, theirs) in other.load {
            let mine = self.rep(&rep);
            mine.live += theirs.live;
            mine.candidate += theirs.candidate;
            mine.won += theirs.won;
            mine.lost += theirs.lost;
        }
    }

    /// The summary of everything added.
    pub fn finish(self) -> RoutingSummary {
        let live = most_frequent(self.cells.iter().map(|((live, _), count)| (live, *count)));
        let candidate = most_frequent(
            self.cells
                .iter()
                .map(|((_, candidate), count)| (candidate, *count)),
        );
        let fold = |kept: &BTreeSet<Destination>, destination: Destination| match kept
            .contains(&destination)
        {
            true => destination,
            false => Destination::Other,
        };
        let mut folded: BTreeMap<(Destination, Destination), u64> = BTreeMap::new();
        for ((from, to), count) in self.cells {
            *folded
                .entry((fold(&live, from), fold(&candidate, to)))
                .or_default() += count;
        }
        let mut matrix: Vec<RoutingCell> = folded
            .into_iter()
            .map(|((live, candidate), count)| RoutingCell {
                live,
                candidate,
                count,
            })
            .collect();
        // Largest first; ties in a fixed order, so a report reads the same
        // however the rows were split between workers.
        matrix.sort_by(|a, b| {
            (b.count, &a.live, &a.candidate).cmp(&(a.count, &b.live, &b.candidate))
        });
        RoutingSummary {
            total: self.total,
            changed: self.changed,
            failed: self.candidate.failed,
            first_errors: self
                .errors
                .into_iter()
                .map(|(_, lead, message)| (lead, message))
                .collect(),
            matrix,
            live: self.live,
            candidate: self.candidate,
            load: self.load.into_values().collect(),
        }
    }
}

/// The [`DESTINATIONS_KEPT`] destinations with the most rows, ties by
/// name; `Other` stays `Other`.
fn most_frequent<'a>(
    counts: impl Iterator<Item = (&'a Destination, u64)>,
) -> BTreeSet<Destination> {
    let mut totals: BTreeMap<&Destination, u64> = BTreeMap::new();
    for (destination, count) in counts {
        *totals.entry(destination).or_default() += count;
    }
    let mut ranked: Vec<(&Destination, u64)> = totals.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(DESTINATIONS_KEPT)
        .map(|(destination, _)| destination.clone())
        .collect()
}

#[cfg(test)]
mod tests;
