//! The reps a routing policy is shown. The component model copies every
//! rep into the guest on every call (~0.9 µs a rep: each string and list is
//! an allocation in the guest), so a roster of 5,000 made each routing call
//! cost milliseconds. Above [`SHORTLIST_DEFAULT`] reps (`[routing]
//! candidates`), the host narrows the roster with facts it already knows,
//! and the policy still chooses.
//!
//! The narrowing keeps any policy built on the standard routing methods
//! choosing exactly as it would among the whole roster:
//! - reps who cannot take the lead now (switched off, out of office, at
//!   capacity) are left out: the host refuses them whatever a policy says.
//!   The account owner is kept whatever their state, so a policy can say
//!   why the owner could not take the lead;
//! - of the rest, the shortlist takes in turn the next best-placed rep by
//!   each method's criterion — longest wait since the last assignment among
//!   reps covering the lead's territory (round-robin; all reps when none
//!   covers it), lowest `open / capacity` (capacity-aware), lowest
//!   `(open + 1) / weight` (weighted) — until it holds `candidates` reps.
//!   The best rep by every criterion is always shown.
//!
//! A policy with another criterion sees a shortlist chosen by these; an org
//! that runs one sets `candidates = 0` to show every rep. The decision's
//! routing view says how many reps the roster held and how many could take
//! the lead, so the explanation stays whole.

use std::cmp::Ordering;

use crate::model::{Rep, Time};
use crate::store::Narrowed;

/// Most reps shown to a routing policy unless the org sets `[routing]
/// candidates`: 16 keeps a call near its fixed cost (a 50-rep roster cost
/// ~45 µs a call whole) while covering every criterion's best several.
pub const SHORTLIST_DEFAULT: usize = 16;

/// The candidates for one routing call.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortlist {
    /// As the policy sees them (availability at `now` folded in), in the
    /// roster's order.
    pub candidates: Vec<Rep>,
    /// Set when the roster was narrowed: what it held.
    pub narrowed: Option<Narrowed>,
}

/// What a routing call is about.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// The lead's country, if known.
    pub country: Option<&'a str>,
    /// The rep who owns the lead's account, if one does.
    pub account_owner: Option<&'a str>,
    /// Reps who let this lead's SLA lapse: never shown.
    pub lapsed: &'a [String],
    /// The time of the call.
    pub now: Time,
    /// Most reps to show; 0 shows every rep.
    pub most: usize,
}

/// The reps of `roster` a routing policy is shown for `wanted`.
pub fn shortlist(roster: &[Rep], wanted: &Wanted<'_>) -> Shortlist {
    let shown: Vec<&Rep> = roster
        .iter()
        .filter(|rep| !wanted.lapsed.contains(&rep.id))
        .collect();
    if wanted.most == 0 || shown.len() <= wanted.most {
        return Shortlist {
            candidates: shown
                .iter()
                .map(|rep| rep.as_candidate(wanted.now))
                .collect(),
            narrowed: None,
        };
    }
    let eligible: Vec<usize> = (0..shown.len())
        .filter(|at| can_take(shown[*at], wanted.now))
        .collect();
    let mut keep = vec![false; shown.len()];
    if let Some(owner) = wanted.account_owner
        && let Some(at) = shown.iter().position(|rep| rep.id == owner)
    {
        keep[at] = true;
    }
    // Worked out once per rep: the orderings compare reps many times.
    let country = wanted.country.map(str::to_lowercase);
    let covering: Vec<bool> = shown
        .iter()
        .map(|rep| {
            country.as_deref().is_some_and(|country| {
                rep.territories
                    .iter()
                    .any(|territory| lowercase_equals(territory, country))
            })
        })
        .collect();
    let any_covers = eligible.iter().any(|at| covering[*at]);
    let away = |at: usize| any_covers && !covering[at];
    // Ties fall to the id, compared as a rank: string comparisons were
    // most of a 5,000-rep shortlist's time.
    let rank = id_ranks(&shown);
    let by_wait = |a: usize, b: usize| {
        let (rep_a, rep_b) = (shown[a], shown[b]);
        away(a)
            .cmp(&away(b))
            .then_with(|| rep_a.last_assigned_at.cmp(&rep_b.last_assigned_at))
            .then_with(|| rep_a.open_leads.cmp(&rep_b.open_leads))
            .then_with(|| rank[a].cmp(&rank[b]))
    };
    let by_load = |a: usize, b: usize| {
        let (rep_a, rep_b) = (shown[a], shown[b]);
        fraction(rep_a.open_leads, rep_a.capacity.max(1))
            .cmp(&fraction(rep_b.open_leads, rep_b.capacity.max(1)))
            .then_with(|| rep_a.last_assigned_at.cmp(&rep_b.last_assigned_at))
            .then_with(|| rank[a].cmp(&rank[b]))
    };
    // Reps without a weight get no share from a weighted policy: last.
    let by_share = |a: usize, b: usize| {
        let (rep_a, rep_b) = (shown[a], shown[b]);
        (rep_a.weight == 0)
            .cmp(&(rep_b.weight == 0))
            .then_with(|| {
                fraction(rep_a.open_leads + 1, rep_a.weight.max(1))
                    .cmp(&fraction(rep_b.open_leads + 1, rep_b.weight.max(1)))
            })
            .then_with(|| rep_a.last_assigned_at.cmp(&rep_b.last_assigned_at))
            .then_with(|| rank[a].cmp(&rank[b]))
    };
    let orders: [&dyn Fn(usize, usize) -> Ordering; 3] = [&by_wait, &by_load, &by_share];
    // Each criterion's best `most`, best first: enough to fill the list
    // from any one of them.
    let ranked: Vec<Vec<usize>> = orders
        .iter()
        .map(|order| best(&eligible, wanted.most, order))
        .collect();
    let mut kept = keep.iter().filter(|kept| **kept).count();
    'fill: for place in 0..wanted.most {
        for list in &ranked {
            if kept >= wanted.most {
                break 'fill;
            }
            if let Some(&at) = list.get(place)
                && !keep[at]
            {
                keep[at] = true;
                kept += 1;
            }
        }
    }
    Shortlist {
        candidates: shown
            .iter()
            .zip(&keep)
            .filter(|(_, kept)| **kept)
            .map(|(rep, _)| rep.as_candidate(wanted.now))
            .collect(),
        narrowed: Some(Narrowed {
            reps: shown.len(),
            eligible: eligible.len(),
        }),
    }
}

/// Whether `text` lowercased is `lowercase`, as round-robin compares a
/// territory with the lead's country, without allocating.
fn lowercase_equals(text: &str, lowercase: &str) -> bool {
    if text.is_ascii() && lowercase.is_ascii() {
        return text.eq_ignore_ascii_case(lowercase);
    }
    text.chars()
        .flat_map(char::to_lowercase)
        .eq(lowercase.chars())
}

/// Each rep's place in id order. The engine's rosters are kept in id order
/// (as the store scans them), so that is checked, not sorted.
fn id_ranks(reps: &[&Rep]) -> Vec<usize> {
    if reps.windows(2).all(|pair| pair[0].id < pair[1].id) {
        return (0..reps.len()).collect();
    }
    let mut order: Vec<usize> = (0..reps.len()).collect();
    order.sort_by(|a, b| reps[*a].id.cmp(&reps[*b].id));
    let mut rank = vec![0; reps.len()];
    for (place, at) in order.into_iter().enumerate() {
        rank[at] = place;
    }
    rank
}

/// Whether the host would give `rep` a lead at `now`.
fn can_take(rep: &Rep, now: Time) -> bool {
    rep.available_at(now) && rep.open_leads < rep.capacity
}

/// `n / d` as an exact key: compares as the fraction does, without floats.
fn fraction(n: u32, d: u32) -> Fraction {
    Fraction(n, d)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fraction(u32, u32);

impl Ord for Fraction {
    fn cmp(&self, other: &Self) -> Ordering {
        (u64::from(self.0) * u64::from(other.1)).cmp(&(u64::from(other.0) * u64::from(self.1)))
    }
}

impl PartialOrd for Fraction {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The `most` best of `items` by `order`, best first, without sorting the
/// whole roster.
fn best(items: &[usize], most: usize, order: impl Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut items = items.to_vec();
    if items.len() > most {
        items.select_nth_unstable_by(most - 1, |a, b| order(*a, *b));
        items.truncate(most);
    }
    items.sort_by(|a, b| order(*a, *b));
    items
}

#[cfg(test)]
mod tests;
