//! The reps page: each rep's load against capacity, availability and
//! out-of-office windows, SLA lapses and leads waiting for an accept.

use axum::extract::State;
use maud::{Markup, html};

use crate::access::OrgPage;
use crate::error::UiError;
use crate::format;
use crate::layout;
use crate::{UiState, in_org};

/// `GET /orgs/{org}/reps`.
pub async fn show(State(state): State<UiState>, page: OrgPage) -> Result<Markup, UiError> {
    let org = page.org.clone();
    let (reps, lapses, now, sla) = in_org(&state, &org, move |host, org| {
        let reps = host.engine.reps(org)?;
        let lapses = host.engine.sla_lapses(org)?;
        let sla = host.engine.settings().routing(org).sla();
        Ok::<_, UiError>((reps, lapses, host.engine.now(), sla))
    })
    .await?;
    let org = &page.org;
    let body = html! {
        h1 { "Reps" }
        @match sla {
            Some(sla) => p { "A rep has " (format::hours(sla.num_minutes() as f64 / 60.0)) " to accept a lead (`[routing] accept_within`)." },
            None => p.meta { "No accept SLA is set (`[routing] accept_within` in org.toml): leads wait for an accept without a deadline, and none lapses." },
        }
        @if reps.is_empty() { p { "No rep yet: add them under `[[reps]]` in org.toml or with the API." } } @else {
            div.scroll { table #reps {
                thead { tr {
                    th { "Rep" } th { "Team" } th { "Territories" } th { "Segments" } th.num { "Open leads" }
                    th.num { "Capacity" } th.num { "Load" } th { "Available now" } th { "Out of office" }
                    th.num { "Waiting for accept" } th.num { "SLA lapses" }
                } }
                tbody { @for rep in &reps {
                    @let waiting = lapses.waiting.get(&rep.id);
                    tr {
                        td {
                            a href={ "/orgs/" (org) "/leads?" (owner_query(&rep.id)) } { (rep.display_name.as_deref().unwrap_or(&rep.id)) }
                            @if rep.display_name.is_some() { " " span.meta { (rep.id) } }
                            @if let Some(email) = &rep.email { br; a.meta href={ "mailto:" (email) } { (email) } }
                        }
                        td { (rep.team.clone().unwrap_or_default()) }
                        td { (rep.territories.join(", ")) }
                        td { (rep.segments.join(", ")) }
                        td.num { (rep.open_leads) }
                        td.num { (rep.capacity) }
                        td.num { (format::percent((rep.capacity > 0).then(|| f64::from(rep.open_leads) / f64::from(rep.capacity)))) }
                        td { @if rep.available_at(now) { "yes" } @else if rep.available { "away" } @else { "switched off" } }
                        td { @for away in &rep.out_of_office { (format::day(away.from)) " – " (format::day(away.until)) br; } }
                        td.num { @if let Some((count, by)) = waiting { (count) " (first by " (format::time(*by)) ")" } @else if sla.is_some() { "0" } @else { "–" } }
                        td.num { (lapses.by_rep.get(&rep.id).copied().unwrap_or(0)) }
                    }
                } }
            } }
        }
    };
    Ok(layout::page(&page.chrome(), "reps", "Reps", body))
}

/// `owner=<id>`, the id encoded: a rep id may hold `&` or `=`.
fn owner_query(id: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("owner", id)
        .finish()
}
