//! One shape for every peer's answer, so the harness can check they agree.

use anyhow::{Result, bail};
use leadhost_model::{Qualification, Stage};
use leadhost_sdk::types as wit;
use serde::Deserialize;

/// A qualification as every row answers it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Verdict {
    /// The verdict.
    pub stage: Stage,
    /// The score.
    pub score: i32,
    /// The segment, if any.
    pub segment: Option<String>,
    /// The nurture track, if any.
    pub track: Option<String>,
    /// The reasons, most important first.
    pub reasons: Vec<String>,
}

impl From<wit::Qualification> for Verdict {
    fn from(answer: wit::Qualification) -> Self {
        Verdict {
            stage: match answer.stage {
                wit::Stage::SalesReady => Stage::SalesReady,
                wit::Stage::Nurture => Stage::Nurture,
                wit::Stage::Discard => Stage::Discard,
            },
            score: answer.score,
            segment: answer.segment,
            track: answer.track,
            reasons: answer.reasons,
        }
    }
}

impl From<Qualification> for Verdict {
    fn from(answer: Qualification) -> Self {
        Verdict {
            stage: answer.stage,
            score: answer.score,
            segment: answer.segment,
            track: answer.track,
            reasons: answer.reasons,
        }
    }
}

/// A stage from its kebab-case name.
pub fn stage(name: &str) -> Result<Stage> {
    Ok(match name {
        "sales-ready" => Stage::SalesReady,
        "nurture" => Stage::Nurture,
        "discard" => Stage::Discard,
        other => bail!("unknown stage {other:?}"),
    })
}
