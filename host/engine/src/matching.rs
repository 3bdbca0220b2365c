//! Duplicate matching. A new lead's blocking keys find the few leads it
//! may be ([`blocking_keys`], from an index the store keeps); the org's
//! duplicate rule (WIT 0.2.0 `match-lead`, the `duplicate-rule` slot) says
//! which are the same person or account and how sure it is; the host acts
//! by the org's `[matching]` thresholds ([`MatchingSettings`]): it merges
//! the lead into the other, holds it in needs-review for a person
//! (`GET …/duplicates`, then merge or dismiss), or takes it as a new lead
//! — linked, when the rule found an owned lead at its account, to that
//! lead's owner for routing. An org with no rule matches by e-mail alone.
//!
//! A failed call (a trap, a deadline, an answer over the output limit)
//! leaves the lead in needs-review with the error, like any slot's: it is
//! never lost, and never reaches sales unchecked.

mod keys;
mod merge;
mod review;
mod settings;

pub use keys::blocking_keys;
pub use review::{DUPLICATE_REVIEWS_MAX, DuplicateReview, ReviewedLead};
pub use settings::{MERGE_AT_DEFAULT, MatchingSettings, REVIEW_AT_DEFAULT};

use crate::call::{Explained, Shown, call};
use crate::change::Change;
use crate::model::{Candidate, Duplicate, Duplicates, MatchInput};
use crate::runtime::Slot;
use crate::store::{LeadRecord, LeadStage, PossibleDuplicate};
use crate::{EngineError, Shared};

/// Most candidates a rule is shown: the contract's bound (`match-input`),
/// which keeps a call's input small whatever an org holds.
pub const CANDIDATES_MAX: usize = 50;

/// Leads read per blocking key, newest first: four keys fill
/// [`CANDIDATES_MAX`] with room for leads found by several.
const PER_KEY: usize = 16;

/// Candidates a reviewer turned down that a lead remembers; the oldest go
/// first past it.
const DISMISSED_KEPT: usize = 50;

impl Shown for MatchInput {}

impl Explained for Duplicates {
    fn reasons(&self) -> Vec<String> {
        self.duplicates
            .iter()
            .map(|duplicate| {
                format!(
                    "{} ({:.2}): {}",
                    duplicate.candidate,
                    duplicate.confidence,
                    duplicate.reasons.join("; ")
                )
            })
            .collect()
    }
}

/// What the org's rule made of a lead, by its thresholds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Matched {
    /// No rule, no candidate, or nothing the org acts on: a lead of its own.
    Unique,
    /// The call failed: the lead is in needs-review with the error.
    Failed,
    /// The same person, surely: to merge into the candidate.
    Merge(Duplicate),
    /// Perhaps the same person: to hold for a review.
    Review(Duplicate),
}

/// Runs the org's duplicate rule, if it has one, on `change`'s lead and
/// the candidates its blocking keys find, recording the call; links the
/// lead to the most likely owned lead at its account (routing follows that
/// lead's owner). Only candidates the rule was shown count: it cannot
/// point the host at a lead of its choosing.
pub(crate) fn match_lead(shared: &Shared, change: &mut Change) -> Result<Matched, EngineError> {
    let org = change.record.org.clone();
    if shared.plugins.active(&org, Slot::DuplicateRule).is_none() {
        return Ok(Matched::Unique);
    }
    let candidates = candidates(shared, &change.record)?;
    if candidates.is_empty() {
        return Ok(Matched::Unique);
    }
    let owners: Vec<(String, bool)> = candidates
        .iter()
        .map(|candidate| (candidate.lead.id.clone(), candidate.owner.is_some()))
        .collect();
    let (lead, now) = (change.record.lead.clone(), change.now);
    let Some((answer, _)) = call(shared, change, |config| MatchInput {
        lead,
        candidates,
        config,
        now,
    })?
    else {
        return Ok(Matched::Failed);
    };
    let shown = |duplicate: &Duplicate| owners.iter().find(|(id, _)| *id == duplicate.candidate);
    let found = Duplicates {
        duplicates: answer
            .duplicates
            .into_iter()
            .filter(|duplicate| shown(duplicate).is_some())
            .collect(),
    };
    change.record.matching.account_lead = Duplicates {
        duplicates: found
            .duplicates
            .iter()
            .filter(|duplicate| shown(duplicate).is_some_and(|(_, owned)| *owned))
            .cloned()
            .collect(),
    }
    .best()
    .map(|duplicate| duplicate.candidate.clone());
    let settings = shared.settings.matching(&org);
    Ok(match found.best().cloned() {
        Some(best) if best.confidence >= settings.merge_at() => Matched::Merge(best),
        Some(best) if best.confidence >= settings.review_at() => Matched::Review(best),
        _ => Matched::Unique,
    })
}

/// The leads `record`'s blocking keys find, newest first, at most
/// [`CANDIDATES_MAX`]: not itself, not one merged away, not one a
/// reviewer said is someone else. Each names the kinds of key it shares.
fn candidates(shared: &Shared, record: &LeadRecord) -> Result<Vec<Candidate>, EngineError> {
    let keys = blocking_keys(&record.lead);
    let found = shared
        .store
        .leads_by_match_keys(&record.org, &keys, PER_KEY)?;
    let mut shared_keys: Vec<(String, Vec<String>)> = Vec::new();
    for (key, lead) in found {
        if lead == record.id() || record.matching.dismissed.contains(&lead) {
            continue;
        }
        let kind = key.split(':').next().unwrap_or_default().to_string();
        match shared_keys.iter_mut().find(|(id, _)| *id == lead) {
            Some((_, kinds)) if !kinds.contains(&kind) => kinds.push(kind),
            Some(_) => {}
            None => shared_keys.push((lead, vec![kind])),
        }
    }
    let mut candidates = Vec::new();
    for (id, keys) in shared_keys.into_iter().take(CANDIDATES_MAX) {
        if let Some(candidate) = shared.store.lead(&record.org, &id)?
            && candidate.matching.merged_into.is_none()
        {
            candidates.push(Candidate {
                owner: candidate.owner.clone(),
                lead: candidate.lead,
                keys,
            });
        }
    }
    Ok(candidates)
}

/// Holds `change`'s lead in needs-review until a person merges it into
/// `found`'s candidate or dismisses that candidate.
pub(crate) fn hold_for_review(change: &mut Change, found: Duplicate) -> Result<(), EngineError> {
    let error = format!(
        "may be the same person as {} (confidence {:.2}): {}",
        found.candidate,
        found.confidence,
        found.reasons.join("; ")
    );
    change.record.matching.review = Some(PossibleDuplicate {
        candidate: found.candidate,
        confidence: found.confidence,
        reasons: found.reasons,
        at: change.now,
    });
    change.move_to(
        LeadStage::NeedsReview {
            slot: Slot::DuplicateRule,
            code: "possible-duplicate".into(),
            error,
        },
        "the duplicate rule asks a person to review it",
    )?;
    Ok(())
}

/// Remembers that `candidate` is not `change`'s lead.
fn dismiss(change: &mut Change, candidate: String) {
    let dismissed = &mut change.record.matching.dismissed;
    if !dismissed.contains(&candidate) {
        dismissed.push(candidate);
    }
    if dismissed.len() > DISMISSED_KEPT {
        dismissed.remove(0);
    }
}
