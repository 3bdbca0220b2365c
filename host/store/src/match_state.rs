//! What duplicate matching knows of a lead: the candidate it waits on a
//! review for, the candidates a reviewer turned down, the lead it was
//! merged into, and the owned lead at its account that routing follows.

use serde::{Deserialize, Serialize};

use leadhost_model::Time;

/// A lead's duplicate-matching state. In a record's JSON, `matching`;
/// left out when empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchState {
    /// The candidate the org's duplicate rule took for the same person
    /// with a confidence to review (`GET …/duplicates`), while the lead
    /// waits in needs-review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<PossibleDuplicate>,
    /// Candidates a reviewer said are someone else: never proposed for
    /// this lead again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dismissed: Vec<String>,
    /// The lead this one was merged into: what it brought is there, and
    /// its e-mail finds that lead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
    /// An owned lead the rule found at this lead's account: routing names
    /// that lead's owner as the account owner when the domain has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_lead: Option<String>,
}

impl MatchState {
    /// Nothing known: the state of every lead matching never touched.
    pub fn is_empty(&self) -> bool {
        *self == MatchState::default()
    }
}

/// A candidate a duplicate rule took for the same person as a lead, with
/// less confidence than the org merges at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PossibleDuplicate {
    /// The candidate lead's id.
    pub candidate: String,
    /// How sure the rule was, 0 to 1.
    pub confidence: f64,
    /// Why, most important first.
    pub reasons: Vec<String>,
    /// When the rule said so.
    pub at: Time,
}
