//! How a slot's shadow compares with the live version: agreement, the live
//! × shadow table of verdicts, and the latest disagreements with both
//! sides' reasons (`GET /v1/orgs/{org}/plugins/{slot}/shadow`).

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use serde::Serialize;

use super::verdict;
use crate::model::{Config, Time};
use crate::registry::ShadowSlot;
use crate::runtime::Slot;
use crate::store::{SHADOWS_KEPT, ShadowDecision};
use crate::{Engine, EngineError};

/// Disagreements a report lists, newest first.
pub const SHADOW_DISAGREEMENTS_LISTED: usize = 20;

/// The shadow a slot runs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShadowView {
    /// Its file in the org's folder.
    pub file: String,
    /// Its name.
    pub name: String,
    /// Its sha256.
    pub hash: String,
    /// `shadow_config`, laid over the slot's config for it.
    pub config: Config,
    /// When it started shadowing.
    #[schema(value_type = String, format = DateTime)]
    pub since: Time,
}

/// One cell of the live × shadow table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ShadowCell {
    /// The live verdict (a stage, `assign ana`, `failed: trap`, ...).
    pub live: String,
    /// The shadow's.
    pub shadow: String,
    /// Calls with exactly these two.
    pub count: u64,
}

/// A slot's shadow report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShadowReport {
    /// The slot.
    pub slot: Slot,
    /// The shadow running now; `null` when none runs.
    pub shadow: Option<ShadowView>,
    /// Why the shadow `org.toml` names is not running, if it is not.
    pub refused: Option<String>,
    /// Shadow decisions counted: the running shadow's since it started (at
    /// most the last 10,000); none when no shadow runs.
    pub total: u64,
    /// Of them, those where both reached the same verdict.
    pub agree: u64,
    /// `agree / total`; `null` with none.
    pub agreement: Option<f64>,
    /// Of them, those where the shadow failed (trap, limit, ...).
    pub failed: u64,
    /// Shadow calls dropped since the server started: the org's share of
    /// the shadow queue was full.
    pub dropped: u64,
    /// Live × shadow verdicts, most frequent first.
    pub matrix: Vec<ShadowCell>,
    /// The latest disagreements, newest first, with both sides' reasons.
    pub disagreements: Vec<ShadowDecision>,
}

impl Engine {
    /// How `org`'s `slot`'s shadow compares with the live version.
    ///
    /// Errors: the org is unknown; the store failed.
    pub fn shadow_report(&self, org: &str, slot: Slot) -> Result<ShadowReport, EngineError> {
        self.known_org(org)?;
        let (shadow, refused) = match self.shared.plugins.shadow_slot(org, slot) {
            Some(ShadowSlot::Running(shadow)) => {
                let id = shadow.plugin.id();
                let view = ShadowView {
                    file: shadow.file.clone(),
                    name: id.name.clone(),
                    hash: id.hash.to_string(),
                    config: shadow.config.clone(),
                    since: shadow.since,
                };
                (Some(view), None)
            }
            Some(ShadowSlot::Refused { file, reason, .. }) => {
                (None, Some(format!("{file}: {reason}")))
            }
            None => (None, None),
        };
        // Only the shadow running now, since it started: a new candidate,
        // or the same one with other config, starts its own count.
        let running = shadow.as_ref().map(|view| (view.hash.clone(), view.since));
        let (mut total, mut agree, mut failed) = (0, 0, 0);
        let mut cells: BTreeMap<(String, String), u64> = BTreeMap::new();
        let mut disagreements = Vec::new();
        let mut seen = 0;
        self.shared.store.shadows(org, slot, &mut |decision| {
            seen += 1;
            if seen > SHADOWS_KEPT {
                return ControlFlow::Break(());
            }
            let Some((hash, since)) = &running else {
                return ControlFlow::Break(());
            };
            if *hash != decision.shadow_hash.to_string() || decision.at < *since {
                return ControlFlow::Continue(());
            }
            total += 1;
            agree += u64::from(decision.agree);
            failed += u64::from(matches!(
                decision.shadow,
                crate::store::Outcome::Failed { .. }
            ));
            let key = (
                verdict(slot, &decision.live),
                verdict(slot, &decision.shadow),
            );
            *cells.entry(key).or_default() += 1;
            if !decision.agree && disagreements.len() < SHADOW_DISAGREEMENTS_LISTED {
                disagreements.push(decision);
            }
            ControlFlow::Continue(())
        })?;
        let mut matrix: Vec<ShadowCell> = cells
            .into_iter()
            .map(|((live, shadow), count)| ShadowCell {
                live,
                shadow,
                count,
            })
            .collect();
        matrix.sort_by_key(|cell| std::cmp::Reverse(cell.count));
        Ok(ShadowReport {
            slot,
            shadow,
            refused,
            total,
            agree,
            agreement: (total > 0).then(|| agree as f64 / total as f64),
            failed,
            dropped: self.shared.shadows.dropped(org, slot),
            matrix,
            disagreements,
        })
    }
}
