//! Listing an org's leads: filtered, in id order, a page at a time, with a
//! cursor that stays valid while leads are added (ids only grow).

use std::ops::ControlFlow;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::store::{LeadRecord, LeadSummary, StageKind};
use crate::{Engine, EngineError, FieldError};

/// Page size when a listing names none.
pub const PAGE_DEFAULT: usize = 50;
/// Largest page a listing may ask for.
pub const PAGE_MAX: usize = 500;

/// Which leads a listing keeps (every filter left `None` keeps all) and
/// which page of them: the query string of `GET /v1/orgs/{org}/leads`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LeadQuery {
    /// Only leads in this stage (`nurturing`, `assigned`, ...).
    pub stage: Option<StageKind>,
    /// Only leads of this segment.
    pub segment: Option<String>,
    /// Only leads this rep holds.
    pub owner: Option<String>,
    /// Only leads from this source.
    pub source: Option<String>,
    /// Only leads created at or after this time.
    pub created_from: Option<DateTime<Utc>>,
    /// Only leads created before this time.
    pub created_to: Option<DateTime<Utc>>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl LeadQuery {
    /// Whether the lead `summary` is of passes every condition set.
    pub fn keeps(&self, summary: &LeadSummary) -> bool {
        let created_at = summary.created_at();
        self.stage.is_none_or(|stage| summary.stage.kind() == stage)
            && self
                .segment
                .as_deref()
                .is_none_or(|want| summary.segment.as_deref() == Some(want))
            && self
                .owner
                .as_deref()
                .is_none_or(|want| summary.owner.as_deref() == Some(want))
            && self
                .source
                .as_deref()
                .is_none_or(|want| summary.source.as_deref() == Some(want))
            && self.created_from.is_none_or(|from| created_at >= from)
            && self.created_to.is_none_or(|to| created_at < to)
    }
}

/// One page of a listing.
#[derive(Debug, Clone)]
pub struct LeadsPage {
    /// At most the page size of leads, in id order.
    pub leads: Vec<LeadRecord>,
    /// The id to continue after, when more leads may pass the filter.
    pub next_cursor: Option<String>,
}

impl Engine {
    /// A page of `org`'s leads that `query` keeps: up to its `limit`,
    /// after the lead id `cursor` (from the start without one). Reads scan
    /// in id order and stop as soon as the page is full and one more lead
    /// is seen.
    ///
    /// Errors: [`EngineError::Invalid`] naming `limit` when it is outside
    /// 1 to [`PAGE_MAX`]; the store's failure.
    pub fn leads(&self, org: &str, query: &LeadQuery) -> Result<LeadsPage, EngineError> {
        let limit = query.limit.unwrap_or(PAGE_DEFAULT);
        if !(1..=PAGE_MAX).contains(&limit) {
            return Err(EngineError::Invalid(vec![FieldError {
                field: "limit".into(),
                problem: format!("must be 1 to {PAGE_MAX}"),
            }]));
        }
        // The filter reads summaries (a fraction of a record's bytes); only
        // the page's leads are read whole.
        let (filter, cursor) = (query, query.cursor.as_deref());
        let mut ids = Vec::with_capacity(limit.min(512));
        let mut more = false;
        self.store()
            .scan_lead_summaries_after(org, cursor, &mut |summary| {
                if filter.keeps(&summary) {
                    if ids.len() == limit {
                        more = true;
                        return ControlFlow::Break(());
                    }
                    ids.push(summary.id);
                }
                ControlFlow::Continue(())
            })?;
        let mut leads = Vec::with_capacity(ids.len());
        for id in &ids {
            leads.extend(self.store().lead(org, id)?);
        }
        let next_cursor = more.then(|| ids.pop()).flatten();
        Ok(LeadsPage { leads, next_cursor })
    }

    /// The lead of `org` with this e-mail address, written as a person
    /// would (`Jonas.Weber@Example.com`): it is normalized as ingest does,
    /// so it finds the lead ingest merged into. `None` when no lead has it
    /// or the text is no e-mail address.
    ///
    /// Errors: the store's failure.
    pub fn lead_by_email(&self, org: &str, email: &str) -> Result<Option<LeadRecord>, EngineError> {
        let Ok(email) = crate::normalize_email(email) else {
            return Ok(None);
        };
        match self.store().lead_by_email(org, &email)? {
            Some(id) => Ok(self.store().lead(org, &id)?),
            None => Ok(None),
        }
    }
}
