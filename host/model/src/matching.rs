//! Matching duplicates, WIT 0.2.0's `duplicate-rule`: the leads the host
//! finds sharing a blocking key with a new lead, and which of them the
//! org's rule takes for the same person or account.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Config, Lead};

/// A lead the host found sharing a blocking key with a new lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// The lead, as stored.
    pub lead: Lead,
    /// The rep who holds it, if any.
    #[serde(default)]
    pub owner: Option<String>,
    /// The blocking keys it shares with the new lead, by kind:
    /// `email-local`, `email-domain`, `name-domain`, `phone`.
    pub keys: Vec<String>,
}

/// The input of `match-lead`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchInput {
    /// The new lead.
    pub lead: Lead,
    /// Leads sharing a blocking key with it, at most 50.
    #[serde(default)]
    pub candidates: Vec<Candidate>,
    /// The org's config for the plug-in.
    #[serde(default)]
    pub config: Config,
    /// The time of the call.
    pub now: DateTime<Utc>,
}

/// One candidate a duplicate rule takes for the same person or account as
/// the lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Duplicate {
    /// The candidate lead's id.
    pub candidate: String,
    /// How sure the rule is, 0 to 1.
    pub confidence: f64,
    /// Why, most important first.
    pub reasons: Vec<String>,
}

/// A duplicate rule's answer: the candidates it takes for duplicates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Duplicates {
    /// The duplicates, as the rule gave them.
    pub duplicates: Vec<Duplicate>,
}

impl Duplicates {
    /// The most confident duplicate, the first given among equals.
    pub fn best(&self) -> Option<&Duplicate> {
        self.duplicates.iter().reduce(|best, next| {
            if next.confidence > best.confidence {
                next
            } else {
                best
            }
        })
    }
}
