//! The `duplicate-rule` world's input and answer, new in 0.2.0. The
//! answer is checked against the contract here; that each duplicate names
//! one of the input's candidates is the engine's check, which knows them.

use super::convert::{fields, millis};
use super::generated::types as wit;
use super::lead::lead;
use leadhost_model as model;

/// The WIT input of `match`, with the plug-in's `fixed` config.
pub fn match_input(input: &model::MatchInput, fixed: &model::Config) -> wit::MatchInput {
    wit::MatchInput {
        lead: lead(&input.lead),
        candidates: input
            .candidates
            .iter()
            .map(|candidate| wit::Candidate {
                lead: lead(&candidate.lead),
                owner: candidate.owner.clone(),
                keys: candidate.keys.clone(),
            })
            .collect(),
        config: fields(&input.config, fixed),
        now: millis(input.now),
    }
}

/// The rule's answer in the host's model: each confidence a number from 0
/// to 1, each candidate named.
pub fn duplicates(answer: Vec<wit::Duplicate>) -> Result<model::Duplicates, String> {
    let duplicates = answer
        .into_iter()
        .enumerate()
        .map(|(at, duplicate)| {
            if duplicate.candidate.trim().is_empty() {
                return Err(format!("duplicates[{at}].candidate is empty"));
            }
            if !(0.0..=1.0).contains(&duplicate.confidence) {
                return Err(format!(
                    "duplicates[{at}].confidence is {}; a confidence is a number from 0 to 1",
                    duplicate.confidence
                ));
            }
            Ok(model::Duplicate {
                candidate: duplicate.candidate,
                confidence: duplicate.confidence,
                reasons: duplicate.reasons,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(model::Duplicates { duplicates })
}
