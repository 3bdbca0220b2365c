//! `[matching]` in `org.toml`: how sure the org's duplicate rule must be
//! for the host to merge a new lead into another on its own, and to hold
//! it for a person to review.

use serde::{Deserialize, Serialize};

/// `[matching]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchingSettings {
    /// A new lead the rule takes for another with at least this confidence
    /// is merged into it as it comes in. None: [`MERGE_AT_DEFAULT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_at: Option<f64>,
    /// A new lead the rule takes for another with at least this confidence
    /// (and less than `merge_at`) waits in needs-review for a person to
    /// merge or dismiss it (`GET …/duplicates`). None:
    /// [`REVIEW_AT_DEFAULT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_at: Option<f64>,
}

/// Merge on the rule's word alone only when it is all but sure: a wrong
/// merge mixes two people's histories, a review costs a click.
pub const MERGE_AT_DEFAULT: f64 = 0.95;
/// Ask a person from this confidence on: below, the rule's doubts would
/// bury reviewers in colleagues and namesakes.
pub const REVIEW_AT_DEFAULT: f64 = 0.75;

impl MatchingSettings {
    /// Nothing set: the defaults apply.
    pub fn is_unset(&self) -> bool {
        self.merge_at.is_none() && self.review_at.is_none()
    }

    /// The confidence a merge takes.
    pub fn merge_at(&self) -> f64 {
        self.merge_at.unwrap_or(MERGE_AT_DEFAULT)
    }

    /// The confidence a review takes.
    pub fn review_at(&self) -> f64 {
        self.review_at.unwrap_or(REVIEW_AT_DEFAULT)
    }

    /// Checks the thresholds: each from 0 to 1, `review_at` not above
    /// `merge_at`. Errors: each problem, naming its key.
    pub fn check(&self) -> Result<(), String> {
        for (key, value) in [("merge_at", self.merge_at), ("review_at", self.review_at)] {
            if value.is_some_and(|value| !(0.0..=1.0).contains(&value)) {
                return Err(format!(
                    "matching.{key} = {}: a confidence is a number from 0 to 1",
                    value.unwrap_or_default()
                ));
            }
        }
        if self.review_at() > self.merge_at() {
            let given = |value: Option<f64>| {
                if value.is_some() {
                    ""
                } else {
                    " (the default)"
                }
            };
            return Err(format!(
                "matching.review_at = {}{} is above merge_at = {}{}: a lead is reviewed below the confidence it is merged at",
                self.review_at(),
                given(self.review_at),
                self.merge_at(),
                given(self.merge_at),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> MatchingSettings {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn thresholds_default_and_are_checked_naming_the_key() {
        let unset = parse("");
        assert!(unset.is_unset() && unset.check().is_ok());
        assert_eq!((unset.merge_at(), unset.review_at()), (0.95, 0.75));
        let error = parse("merge_at = 1.5").check().unwrap_err();
        assert!(error.contains("matching.merge_at"), "{error}");
        let error = parse("merge_at = 0.8\nreview_at = 0.9")
            .check()
            .unwrap_err();
        assert!(
            error.contains("review_at = 0.9 is above merge_at = 0.8"),
            "{error}"
        );
        assert!(parse("review_at = nan").check().is_err());
    }
}
