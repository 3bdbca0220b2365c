//! Sales feedback: what the rep did with a lead closes the loop.

use serde::{Deserialize, Serialize};
use tracing::instrument;

use super::change::Change;
use super::validate::FieldError;
use super::{Engine, EngineError, moves, routing};
use crate::store::{LeadRecord, LeadStage};

/// What sales says about a lead. In JSON, `{"feedback": "lost", "reason": "..."}`;
/// a field no variant has is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(
    tag = "feedback",
    rename_all = "kebab-case",
    deny_unknown_fields,
    from = "FeedbackWire"
)]
pub enum Feedback {
    /// The rep takes the lead on. With `rep`, the host checks the lead is
    /// still theirs: an accept from a rep whose SLA lapsed (the lead has
    /// moved on) is refused, not applied to the new owner.
    Accept {
        /// The rep accepting, when the caller knows who clicked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rep: Option<String>,
    },
    /// The deal is won.
    Won,
    /// The deal is lost.
    Lost {
        /// Why (price, timing, competitor, ...): the funnel counts by it.
        reason: String,
    },
    /// Not ready for sales after all: marketing nurtures it again.
    PassBack {
        /// Why.
        reason: String,
    },
}

/// How [`Feedback`] is read. serde lets an internally tagged unit variant
/// (`won`) ignore unknown fields despite `deny_unknown_fields`, so here it is
/// an empty struct variant, which refuses them as the others do.
#[derive(Deserialize)]
#[serde(tag = "feedback", rename_all = "kebab-case", deny_unknown_fields)]
enum FeedbackWire {
    Accept {
        #[serde(default)]
        rep: Option<String>,
    },
    Won {},
    Lost {
        reason: String,
    },
    PassBack {
        reason: String,
    },
}

impl From<FeedbackWire> for Feedback {
    fn from(wire: FeedbackWire) -> Self {
        match wire {
            FeedbackWire::Accept { rep } => Feedback::Accept { rep },
            FeedbackWire::Won {} => Feedback::Won,
            FeedbackWire::Lost { reason } => Feedback::Lost { reason },
            FeedbackWire::PassBack { reason } => Feedback::PassBack { reason },
        }
    }
}

impl Feedback {
    fn reason(&self) -> Option<&str> {
        match self {
            Feedback::Lost { reason } | Feedback::PassBack { reason } => Some(reason),
            Feedback::Accept { .. } | Feedback::Won => None,
        }
    }
}

impl Engine {
    /// Applies sales feedback. The lifecycle decides what is allowed: a lead
    /// is accepted once assigned, won or lost once accepted, passed back
    /// while sales holds it.
    #[instrument(skip_all, fields(org, lead))]
    pub fn feedback(
        &self,
        org: &str,
        lead: &str,
        feedback: Feedback,
    ) -> Result<LeadRecord, EngineError> {
        if feedback
            .reason()
            .is_some_and(|reason| reason.trim().is_empty())
        {
            return Err(EngineError::Invalid(vec![FieldError {
                field: "reason".into(),
                problem: "is required".into(),
            }]));
        }
        self.retrying(|| self.feedback_once(org, lead, feedback.clone()))
    }

    fn feedback_once(
        &self,
        org: &str,
        lead: &str,
        feedback: Feedback,
    ) -> Result<LeadRecord, EngineError> {
        let _lead = self.shared.locks.lead(org, lead);
        let mut change = Change::new(self.load(org, lead)?, self.now());
        let rep = change.record.owner.clone().unwrap_or_default();
        let cause = format!("sales feedback: {}", feedback_name(&feedback));
        match feedback {
            Feedback::Accept { rep: Some(who) }
                if change.record.owner.as_deref() != Some(who.as_str()) =>
            {
                return Err(EngineError::NotOwner {
                    lead: lead.into(),
                    rep: who,
                    owner: change.record.owner.clone(),
                });
            }
            Feedback::Accept { .. } => {
                change.move_to(LeadStage::Accepted { rep }, &cause)?;
            }
            Feedback::Won => {
                change.move_to(LeadStage::Won { rep }, &cause)?;
                change.wake_at(None);
                routing::release(&self.shared, &mut change)?;
            }
            Feedback::Lost { reason } => {
                let reason = reason.trim().to_string();
                change.move_to(LeadStage::Lost { rep, reason }, &cause)?;
                change.wake_at(None);
                routing::release(&self.shared, &mut change)?;
            }
            Feedback::PassBack { reason } => {
                let reason = reason.trim().to_string();
                routing::release(&self.shared, &mut change)?;
                moves::recycle(&self.shared, &mut change, reason, &cause)?;
            }
        }
        self.commit(change)
    }
}

fn feedback_name(feedback: &Feedback) -> &'static str {
    match feedback {
        Feedback::Accept { .. } => "accept",
        Feedback::Won => "won",
        Feedback::Lost { .. } => "lost",
        Feedback::PassBack { .. } => "pass back",
    }
}

#[cfg(test)]
mod tests {
    use super::Feedback;

    #[test]
    fn every_variant_refuses_an_unknown_field() {
        let read = |json: &str| serde_json::from_str::<Feedback>(json);
        assert_eq!(read(r#"{"feedback": "won"}"#).unwrap(), Feedback::Won);
        for json in [
            r#"{"feedback": "won", "extra": 1}"#,
            r#"{"feedback": "accept", "extra": 1}"#,
            r#"{"feedback": "lost", "reason": "price", "extra": 1}"#,
            r#"{"feedback": "pass-back", "reason": "early", "extra": 1}"#,
        ] {
            let error = read(json).unwrap_err().to_string();
            assert!(error.contains("unknown field `extra`"), "{json}: {error}");
        }
        let won = serde_json::to_string(&Feedback::Won).unwrap();
        assert_eq!(won, r#"{"feedback":"won"}"#, "written as before");
    }
}
