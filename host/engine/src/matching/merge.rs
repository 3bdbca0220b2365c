//! Acting on a duplicate: folding one lead into the other it is. A new
//! lead the rule is sure of never becomes a lead of its own: what it
//! brought lands on the other, as a re-submission of it. A lead held for
//! review, once a person (or a rule run again) says merge, gives the other
//! its activities and the fields it lacks. Either way the duplicate's
//! record stays, discarded and naming the lead it went into, and its
//! e-mail finds that lead from then on: every lead is accounted for.

use super::{Matched, blocking_keys, hold_for_review, match_lead};
use crate::change::Change;
use crate::merge::{fill_gaps, new_activities};
use crate::model::{Activity, Duplicate, Lead, Time};
use crate::store::{Applied, EventKind, LeadRecord, LeadStage};
use crate::{Engine, EngineError, Ingested, moves};

/// Who merged a duplicate, as its event names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MergedBy {
    /// The rule, at or above the org's `merge_at`.
    Rule,
    /// A person reviewing it.
    Review,
}

impl MergedBy {
    fn as_str(self) -> &'static str {
        match self {
            MergedBy::Rule => "rule",
            MergedBy::Review => "review",
        }
    }
}

/// The event a lead records when `duplicate` (with `email`) is merged in.
pub(crate) fn merged_event(
    duplicate: &str,
    email: &str,
    found: &Duplicate,
    by: MergedBy,
) -> EventKind {
    EventKind::DuplicateMerged {
        duplicate: duplicate.to_string(),
        email: email.to_string(),
        confidence: found.confidence,
        reasons: found.reasons.clone(),
        by: by.as_str().into(),
    }
}

/// Closes `change`'s lead as a duplicate of `found`'s candidate.
fn close_as_duplicate(
    change: &mut Change,
    found: &Duplicate,
    by: MergedBy,
) -> Result<(), EngineError> {
    // Out of the index: a lead merged away is nobody's candidate, and must
    // not take the place of one among a key's newest.
    change.unindex_match_keys(blocking_keys(&change.record.lead));
    change.record.matching.merged_into = Some(found.candidate.clone());
    change.record.matching.review = None;
    change.move_to(
        LeadStage::Discarded {
            reason: format!(
                "a duplicate of {}, merged into it (confidence {:.2})",
                found.candidate, found.confidence
            ),
        },
        match by {
            MergedBy::Rule => "the duplicate rule merged it",
            MergedBy::Review => "a reviewer merged it",
        },
    )?;
    Ok(())
}

/// Most merges followed from an address to the lead that holds it now:
/// each hop is a lead merged into another, and a chain longer than this
/// is a damaged store, not a history.
const MERGE_HOPS_MAX: usize = 16;

impl Engine {
    /// The lead `id` of `org` went into, following merges (a lead merged
    /// into one later merged on): `id` itself when it was not merged.
    pub(crate) fn merged_target(&self, org: &str, mut id: String) -> Result<String, EngineError> {
        for _ in 0..MERGE_HOPS_MAX {
            match self.shared.store.lead(org, &id)? {
                Some(record) => match record.matching.merged_into {
                    Some(into) => id = into,
                    None => return Ok(id),
                },
                None => return Ok(id),
            }
        }
        Ok(id)
    }

    /// Lead `id` of `org` locked and loaded, or the lead it was merged
    /// into: a reviewer may fold it away while a submission for it waits
    /// on its lock, and what the submission brings must reach the lead
    /// that lives on, not the record closed behind it.
    pub(crate) fn live_lead(
        &self,
        org: &str,
        id: &str,
    ) -> Result<(crate::locks::Held, LeadRecord), EngineError> {
        let mut id = id.to_string();
        for _ in 0..MERGE_HOPS_MAX {
            let held = self.shared.locks.lead(org, &id);
            let record = self.load(org, &id)?;
            match record.matching.merged_into.clone() {
                Some(into) => id = into,
                None => return Ok((held, record)),
            }
        }
        let held = self.shared.locks.lead(org, &id);
        Ok((held, self.load(org, &id)?))
    }

    /// A new lead the rule is sure is `found`'s candidate: `submitted`
    /// (and its activities) goes into the candidate as a re-submission of
    /// it, then the new record (`new`, holding the rule's decision) is kept
    /// discarded, naming the candidate, its e-mail finding the candidate.
    /// Returns the candidate, not yet durable.
    pub(crate) fn merge_new(
        &self,
        new: Change,
        found: &Duplicate,
        submitted: Lead,
        activities: Vec<Activity>,
        via: &str,
        now: Time,
    ) -> Result<(Ingested, Applied), EngineError> {
        let org = new.record.org.clone();
        let event = merged_event(new.record.id(), &submitted.email, found, MergedBy::Rule);
        let (ingested, _) = self.ingest_again(
            &org,
            &found.candidate,
            submitted,
            activities,
            via,
            now,
            Some(event),
        )?;
        let mut new = new;
        new.index_email_to(&found.candidate);
        close_as_duplicate(&mut new, found, MergedBy::Rule)?;
        let (_, applied) = self.apply(new)?;
        Ok((ingested, applied))
    }

    /// Folds `held` (a stored lead, with whatever its change holds) into
    /// `found`'s candidate: the candidate gains the fields it lacks and
    /// the activities it does not have, and hears of it as of any news
    /// (re-qualified while marketing has it, its owner told when sales
    /// has it); `held` is closed as a duplicate, its e-mail moved over.
    /// Returns the candidate, durable. The caller holds both leads' locks
    /// (`Locks::two_leads`).
    pub(crate) fn fold(
        &self,
        held: Change,
        found: &Duplicate,
        by: MergedBy,
    ) -> Result<LeadRecord, EngineError> {
        let (org, now) = (held.record.org.clone(), held.now);
        let into = found.candidate.as_str();
        let mut target = Change::new(self.load(&org, into)?, now);
        if let Some(further) = target.record.matching.merged_into.clone() {
            return Err(EngineError::DuplicateGone {
                lead: into.to_string(),
                merged_into: further,
            });
        }
        let theirs = self.shared.store.activities(&org, held.record.id())?;
        let filled = fill_gaps(&mut target.record.lead, held.record.lead.clone());
        target.event(merged_event(
            held.record.id(),
            &held.record.lead.email,
            found,
            by,
        ));
        target.event(EventKind::Merged { filled });
        let timeline = self.shared.store.timeline(&org, into)?;
        new_activities(theirs, &timeline)
            .into_iter()
            .for_each(|activity| target.activity(activity));
        // Found by the duplicate's address too: its variants match it.
        let mut keys = blocking_keys(&target.record.lead);
        keys.extend(blocking_keys(&held.record.lead));
        keys.sort();
        keys.dedup();
        target.index_match_keys(keys);
        self.after_activity(&mut target, "a duplicate was merged into the lead")?;
        let (merged, _) = self.apply(target)?;
        let mut held = held;
        held.move_email_to(into);
        close_as_duplicate(&mut held, found, by)?;
        self.commit(held)?;
        Ok(merged)
    }

    /// Runs the org's rule again on `change`'s lead, back in `new` after a
    /// dismissal or a retry, and follows it: a lead of its own is
    /// qualified; one the rule takes for another, however sure, is held
    /// for review — a person is at work on this lead, and a fold happens
    /// only on the pair they were shown. Durable on return.
    pub(crate) fn settle(&self, mut change: Change) -> Result<LeadRecord, EngineError> {
        match match_lead(&self.shared, &mut change)? {
            Matched::Unique => {
                moves::qualify_new(&self.shared, &mut change)?;
                self.commit(change)
            }
            Matched::Failed => self.commit(change),
            Matched::Review(found) | Matched::Merge(found) => {
                hold_for_review(&mut change, found)?;
                self.commit(change)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_submission_for_a_lead_folded_away_meanwhile_reaches_the_lead_it_went_into() {
        let dir = tempfile::tempdir().unwrap();
        let engine = crate::tests::engine(&dir);
        let ingest = |email: &str| {
            let submission = serde_json::from_value(serde_json::json!({"email": email})).unwrap();
            engine.ingest("acme", submission, "test").unwrap().record
        };
        let (kept, gone) = (
            ingest("jonas.weber@acme.example"),
            ingest("j.weber@acme.example"),
        );
        let found = Duplicate {
            candidate: kept.id().to_string(),
            confidence: 0.9,
            reasons: vec!["an initial".into()],
        };
        {
            let (_pair, _) = engine.shared.locks.two_leads("acme", gone.id(), kept.id());
            let held = Change::new(engine.load("acme", gone.id()).unwrap(), engine.now());
            engine.fold(held, &found, MergedBy::Review).unwrap();
        }
        // The folded lead's address finds the one it went into, not itself.
        let indexed = engine
            .shared
            .store
            .leads_by_match_keys("acme", &blocking_keys(&gone.lead), 50)
            .unwrap();
        assert!(
            indexed.iter().any(|(_, lead)| lead == kept.id()),
            "{indexed:?}"
        );
        assert!(
            indexed.iter().all(|(_, lead)| lead != gone.id()),
            "{indexed:?}"
        );
        // What a submission that found `gone` before the fold, and waited
        // on its lock through it, does next.
        let late: Lead = serde_json::from_value(serde_json::json!({
            "email": "j.weber@acme.example", "phone": "+49 30 1234 5678",
            "created_at": "2026-12-01T09:00:00Z"
        }))
        .unwrap();
        let (ingested, _) = engine
            .ingest_again(
                "acme",
                gone.id(),
                late,
                Vec::new(),
                "test",
                engine.now(),
                None,
            )
            .unwrap();
        assert_eq!(ingested.record.id(), kept.id());
        assert_eq!(
            engine
                .load("acme", kept.id())
                .unwrap()
                .lead
                .phone
                .as_deref(),
            Some("+49 30 1234 5678")
        );
        assert_eq!(
            engine.load("acme", gone.id()).unwrap().lead.phone,
            None,
            "nothing on the closed record"
        );
    }
}
