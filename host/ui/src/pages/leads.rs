//! The leads page: the API's filters (stage, segment, owner, source,
//! created range), search by e-mail, a page of 50 at a time by cursor.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use maud::{Markup, html};
use serde::Deserialize;

use crate::access::OrgPage;
use crate::engine::{LeadQuery, LeadsPage};
use crate::error::UiError;
use crate::format;
use crate::layout;
use crate::{UiState, in_org};
use leadhost_engine::records::StageKind;

/// Leads per page.
const PAGE: usize = 50;

/// The filter form's fields, as the browser sends them (empty fields are
/// no filter).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Filters {
    stage: Option<String>,
    segment: Option<String>,
    owner: Option<String>,
    source: Option<String>,
    from: Option<String>,
    to: Option<String>,
    email: Option<String>,
    cursor: Option<String>,
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_string)
}

impl Filters {
    fn query(&self) -> Result<LeadQuery, UiError> {
        let stage = given(&self.stage)
            .map(|name| {
                StageKind::ALL
                    .into_iter()
                    .find(|kind| kind.to_string() == name)
                    .ok_or_else(|| UiError::Invalid(format!("`stage`: there is no stage `{name}`")))
            })
            .transpose()?;
        Ok(LeadQuery {
            stage,
            segment: given(&self.segment),
            owner: given(&self.owner),
            source: given(&self.source),
            created_from: format::parse_day("from", self.from.as_deref())
                .map_err(UiError::Invalid)?,
            created_to: format::parse_last_day("to", self.to.as_deref())
                .map_err(UiError::Invalid)?,
            limit: Some(PAGE),
            cursor: given(&self.cursor),
        })
    }

    /// The query string of the page after `cursor`, the filters kept.
    fn next(&self, cursor: &str) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("stage", &self.stage),
            ("segment", &self.segment),
            ("owner", &self.owner),
            ("source", &self.source),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(value) = given(value) {
                query.append_pair(name, &value);
            }
        }
        query.append_pair("cursor", cursor);
        query.finish()
    }
}

/// `GET /orgs/{org}/leads`.
pub async fn list(
    State(state): State<UiState>,
    page: OrgPage,
    filters: Result<Query<Filters>, QueryRejection>,
) -> Result<Markup, UiError> {
    let Query(filters) = filters?;
    let query = filters.query()?;
    if let (Some(from), Some(to)) = (query.created_from, query.created_to)
        && to <= from
    {
        return Err(UiError::Invalid(
            "`to` is before `from`: the range is empty".into(),
        ));
    }
    let email = given(&filters.email);
    let org = page.org.clone();
    let found = in_org(&state, &org, move |host, org| match email {
        Some(email) => host
            .engine
            .lead_by_email(org, &email)
            .map(|lead| LeadsPage {
                leads: lead.into_iter().collect(),
                next_cursor: None,
            }),
        None => host.engine.leads(org, &query),
    })
    .await?;
    let org = &page.org;
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let body = html! {
        h1 { "Leads" }
        form.filters method="get" action={ "/orgs/" (org) "/leads" } {
            label { "E-mail (whole address)" input type="search" name="email" value=(text(&filters.email)) autocomplete="off"; }
            label { "Stage"
                select name="stage" {
                    option value="" { "any" }
                    @for kind in StageKind::ALL {
                        @let name = kind.to_string();
                        option value=(name) selected[given(&filters.stage).as_deref() == Some(name.as_str())] { (name) }
                    }
                }
            }
            label { "Segment" input name="segment" value=(text(&filters.segment)); }
            label { "Owner (rep id)" input name="owner" value=(text(&filters.owner)); }
            label { "Source" input name="source" value=(text(&filters.source)); }
            label { "Created from" input type="date" name="from" value=(text(&filters.from)); }
            label { "Created to (included)" input type="date" name="to" value=(text(&filters.to)); }
            button type="submit" { "Filter" }
            a href={ "/orgs/" (org) "/leads" } { "Clear" }
        }
        @if found.leads.is_empty() {
            p { "No lead matches." }
        } @else {
            div.scroll { table #leads {
                thead { tr {
                    th { "Lead" } th { "E-mail" } th { "Name" } th { "Company" } th { "Stage" }
                    th { "Segment" } th { "Owner" } th { "Source" } th { "Created" }
                } }
                tbody { @for record in &found.leads {
                    @let lead = &record.lead;
                    tr {
                        td { a href={ "/orgs/" (org) "/leads/" (lead.id) } { (lead.id) } }
                        td { (lead.email) }
                        td { (text(&lead.name)) }
                        td { (text(&lead.company)) }
                        td { (record.stage.kind().to_string()) }
                        td { (record.qualification.as_ref().and_then(|q| q.segment.clone()).unwrap_or_default()) }
                        td { (text(&record.owner)) }
                        td { (text(&lead.source)) }
                        td { (format::time(lead.created_at)) }
                    }
                } }
            } }
        }
        nav.pager aria-label="Pages" {
            @if given(&filters.cursor).is_some() {
                a href={ "/orgs/" (org) "/leads?" (filters.next("")) } { "First page" }
            }
            @if let Some(cursor) = &found.next_cursor {
                a rel="next" href={ "/orgs/" (org) "/leads?" (filters.next(cursor)) } { "Next page" }
            }
        }
    };
    Ok(layout::page(&page.chrome(), "leads", "Leads", body))
}
