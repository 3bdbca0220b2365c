//! The review list: leads the org's duplicate rule took for another with
//! less confidence than the org merges at, each waiting in needs-review
//! for a person to merge it into that lead or dismiss the pair.

use std::ops::ControlFlow;

use serde::Serialize;

use super::dismiss;
use super::merge::MergedBy;
use crate::change::Change;
use crate::model::Duplicate;
use crate::store::{EventKind, LeadRecord, LeadStage, StageKind};
use crate::{Engine, EngineError};

/// Most reviews a listing shows, oldest first: what a person works
/// through in a sitting; each merge or dismissal makes room for the next.
pub const DUPLICATE_REVIEWS_MAX: usize = 200;

/// A lead as a reviewer compares it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReviewedLead {
    /// Its id.
    pub id: String,
    /// Its e-mail address.
    pub email: String,
    /// Its name, if known.
    pub name: Option<String>,
    /// Its company, if known.
    pub company: Option<String>,
    /// Its phone, if known.
    pub phone: Option<String>,
    /// Where it stands.
    pub stage: StageKind,
    /// The rep who holds it, if any.
    pub owner: Option<String>,
}

impl ReviewedLead {
    fn of(record: &LeadRecord) -> Self {
        ReviewedLead {
            id: record.lead.id.clone(),
            email: record.lead.email.clone(),
            name: record.lead.name.clone(),
            company: record.lead.company.clone(),
            phone: record.lead.phone.clone(),
            stage: record.stage.kind(),
            owner: record.owner.clone(),
        }
    }
}

/// A pair flagged for review: `POST …/duplicates/{id}/merge` folds the
/// lead into the candidate, `…/dismiss` says they are two people.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DuplicateReview {
    /// The held lead's id: what `merge` and `dismiss` name.
    pub id: String,
    /// The held lead.
    pub lead: ReviewedLead,
    /// The lead the rule took it for.
    pub candidate: ReviewedLead,
    /// How sure the rule was, 0 to 1.
    pub confidence: f64,
    /// Why, most important first.
    pub reasons: Vec<String>,
    /// When the rule said so.
    pub at: chrono::DateTime<chrono::Utc>,
}

impl Engine {
    /// `org`'s leads waiting on a duplicate review, oldest first, at most
    /// [`DUPLICATE_REVIEWS_MAX`]. Reads the lead summaries and the records
    /// of leads in needs-review.
    ///
    /// Errors: [`EngineError::UnknownOrg`]; the store's.
    pub fn duplicate_reviews(&self, org: &str) -> Result<Vec<DuplicateReview>, EngineError> {
        self.known_org(org)?;
        let store = &self.shared.store;
        let mut held = Vec::new();
        store.scan_lead_summaries(org, &mut |summary| {
            if summary.stage.kind() == StageKind::NeedsReview {
                held.push(summary.id);
            }
            ControlFlow::Continue(())
        })?;
        let mut reviews = Vec::new();
        for id in held {
            let Some(record) = store.lead(org, &id)? else {
                continue;
            };
            let Some(review) = record.matching.review.clone() else {
                continue;
            };
            let Some(candidate) = store.lead(org, &review.candidate)? else {
                continue;
            };
            reviews.push(DuplicateReview {
                id,
                lead: ReviewedLead::of(&record),
                candidate: ReviewedLead::of(&candidate),
                confidence: review.confidence,
                reasons: review.reasons,
                at: review.at,
            });
        }
        reviews.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
        reviews.truncate(DUPLICATE_REVIEWS_MAX);
        Ok(reviews)
    }

    /// Merges lead `id` of `org`, held for a duplicate review, into the
    /// lead the rule took it for; returns that lead. With `expected`, only
    /// if that is the candidate it still waits on: a reviewer merges the
    /// pair they were shown, not one a dismissal in another tab put there
    /// meanwhile.
    ///
    /// Errors: [`EngineError::UnknownLead`]; [`EngineError::NoDuplicateReview`]
    /// when the lead waits on none; [`EngineError::ReviewChanged`] when it
    /// waits on another than `expected`; [`EngineError::DuplicateGone`]
    /// when the other lead was itself merged away since.
    pub fn merge_duplicate(
        &self,
        org: &str,
        id: &str,
        expected: Option<&str>,
    ) -> Result<LeadRecord, EngineError> {
        self.known_org(org)?;
        self.retrying(|| {
            // The pair first, unlocked: the candidate's lock is taken with
            // the lead's, in one order (`Locks::two_leads`).
            let seen = reviewed(&Change::new(self.load(org, id)?, self.now()), expected)?;
            let _pair = self.shared.locks.two_leads(org, id, &seen.candidate);
            let change = Change::new(self.load(org, id)?, self.now());
            let found = reviewed(&change, Some(&seen.candidate))?;
            self.fold(change, &found, MergedBy::Review)
        })
    }

    /// Dismisses the duplicate lead `id` of `org` waits on (with
    /// `expected`, only if it still waits on that one): the two are
    /// different people, never proposed again. The rule runs again on the
    /// lead without that candidate, and the lead goes where it says: on to
    /// qualification, or held again against another candidate. Returns
    /// the lead.
    ///
    /// Errors: as [`Engine::merge_duplicate`].
    pub fn dismiss_duplicate(
        &self,
        org: &str,
        id: &str,
        expected: Option<&str>,
    ) -> Result<LeadRecord, EngineError> {
        self.known_org(org)?;
        self.retrying(|| {
            let _lead = self.shared.locks.lead(org, id);
            let mut change = Change::new(self.load(org, id)?, self.now());
            let found = reviewed(&change, expected)?;
            change.record.matching.review = None;
            dismiss(&mut change, found.candidate.clone());
            change.event(EventKind::DuplicateDismissed {
                candidate: found.candidate,
            });
            change.move_to(LeadStage::New, "a reviewer dismissed the duplicate")?;
            self.settle(change)
        })
    }

    /// Re-runs the duplicate rule on a lead whose call failed (`retry`),
    /// and follows it.
    pub(crate) fn retry_matching(&self, mut change: Change) -> Result<LeadRecord, EngineError> {
        change.move_to(LeadStage::New, "re-run of the duplicate rule")?;
        self.settle(change)
    }
}

/// The duplicate `change`'s lead waits on a review of; with `expected`,
/// only if it is that candidate.
fn reviewed(change: &Change, expected: Option<&str>) -> Result<Duplicate, EngineError> {
    match (&change.record.stage, &change.record.matching.review) {
        (LeadStage::NeedsReview { .. }, Some(review))
            if expected.is_some_and(|expected| expected != review.candidate) =>
        {
            Err(EngineError::ReviewChanged {
                lead: change.record.id().to_string(),
                candidate: review.candidate.clone(),
                expected: expected.unwrap_or_default().to_string(),
            })
        }
        (LeadStage::NeedsReview { .. }, Some(review)) => Ok(Duplicate {
            candidate: review.candidate.clone(),
            confidence: review.confidence,
            reasons: review.reasons.clone(),
        }),
        _ => Err(EngineError::NoDuplicateReview {
            lead: change.record.id().to_string(),
            stage: change.record.stage.kind(),
        }),
    }
}
