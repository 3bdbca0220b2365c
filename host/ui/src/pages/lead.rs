//! A lead's page: its fields, stage and qualification, its timeline
//! (activities, host events, each decision with the plug-in version that
//! made it and, for routing, the reps it saw), and sales feedback.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::access::{OrgPage, Posted};
use crate::engine::Feedback;
use crate::engine::records::{
    Decision, EventKind, LeadRecord, LeadStage, Outcome, StageKind, TimelineEntry, TimelineItem,
};
use crate::error::UiError;
use crate::format;
use crate::layout::{self, Chrome, csrf_field};
use crate::pages::done;
use crate::{UiState, in_org};

/// Most timeline entries a lead's page shows, the latest: a lead with
/// years of activity still renders in a moment.
const TIMELINE_SHOWN: usize = 500;

/// `GET /orgs/{org}/leads/{id}`.
pub async fn show(
    State(state): State<UiState>,
    page: OrgPage,
    Path((_, id)): Path<(String, String)>,
) -> Result<Markup, UiError> {
    let org = page.org.clone();
    let (record, timeline, names) = in_org(&state, &org, move |host, org| {
        let record = host.engine.lead(org, &id)?;
        let timeline = host.engine.timeline(org, &record.lead.id)?;
        let names: Names = host
            .engine
            .reps(org)?
            .into_iter()
            .filter_map(|rep| Some((rep.id, rep.display_name?)))
            .collect();
        Ok::<_, UiError>((record, timeline, names))
    })
    .await?;
    let chrome = page.chrome();
    let title = format!("Lead {}", record.lead.id);
    let body = html! {
        h1 { (title) " " small.meta { (record.lead.email) } }
        (fields(&record, &names))
        (feedback_forms(&chrome, &page.org, &record))
        h2 { "Timeline" }
        @if timeline.len() > TIMELINE_SHOWN {
            p.meta { "The latest " (TIMELINE_SHOWN) " of " (timeline.len()) " entries; the API's `GET /v1/orgs/" (page.org) "/leads/" (record.lead.id) "` has them all." }
        }
        ol.timeline { @for entry in &timeline[timeline.len().saturating_sub(TIMELINE_SHOWN)..] { (entry_item(entry, &names)) } }
    };
    Ok(layout::page(&chrome, "leads", &title, body))
}

/// Reps' display names by id (reps without one are left out).
type Names = std::collections::HashMap<String, String>;

/// A rep as people read them: `Ana Lima (ana)`, or the id alone.
fn rep_name(names: &Names, id: &str) -> String {
    match names.get(id) {
        Some(name) => format!("{name} ({id})"),
        None => id.to_string(),
    }
}

fn fields(record: &LeadRecord, names: &Names) -> Markup {
    let lead = &record.lead;
    let optional = [
        ("Name", lead.name.clone()),
        ("Company", lead.company.clone()),
        ("Domain", lead.domain.clone()),
        ("Title", lead.title.clone()),
        ("Industry", lead.industry.clone()),
        (
            "Company size",
            lead.company_size.map(|size| size.to_string()),
        ),
        ("Country", lead.country.clone()),
        ("Source", lead.source.clone()),
        ("Campaign", lead.campaign.clone()),
        ("Budget", lead.budget.map(|budget| budget.to_string())),
        (
            "Timeline (days)",
            lead.timeline_days.map(|days| days.to_string()),
        ),
        (
            "Owner",
            record.owner.as_deref().map(|owner| rep_name(names, owner)),
        ),
        ("Accept by", record.accept_by.map(format::time)),
        ("Next step due", record.wake_at.map(format::time)),
    ];
    html! {
        dl.fields {
            dt { "Stage" } dd { strong #stage { (record.stage.kind().to_string()) } " since " (format::time(record.stage_since()))
                @if let Some(detail) = stage_detail(&record.stage) { span #stage-detail { " — " (detail) } } }
            dt { "E-mail" } dd { (lead.email) }
            @for (label, value) in optional { @if let Some(value) = value { dt { (label) } dd { (value) } } }
            @for (key, value) in &lead.custom { dt { (key) } dd { (json_text(&serde_json::to_value(value).unwrap_or_default())) } }
            @if let Some(q) = &record.qualification {
                dt { "Qualification" }
                dd { (format::name(&q.stage)) ", score " (q.score)
                    @if let Some(segment) = &q.segment { ", segment " (segment) }
                    @if let Some(track) = &q.track { ", track " (track) } }
                dt { "Why" } dd { ul { @for reason in &q.reasons { li { (reason) } } } }
            }
            @if !record.lapsed_reps.is_empty() { dt { "SLA lapsed with" } dd { (record.lapsed_reps.join(", ")) } }
            dt { "Created" } dd { (format::time(lead.created_at)) }
        }
    }
}

/// What the stage itself says: who closed it and why, why it was
/// discarded or passed back, where on its track it is.
fn stage_detail(stage: &LeadStage) -> Option<String> {
    match stage {
        LeadStage::Won { rep } => Some(format!("won by {rep}")),
        LeadStage::Lost { rep, reason } => Some(format!("lost by {rep}: {reason}")),
        LeadStage::Recycled { reason } | LeadStage::Discarded { reason } => Some(reason.clone()),
        LeadStage::Nurturing { track, step } => Some(format!("track {track}, step {step}")),
        _ => None,
    }
}

/// The feedback sales may give from the lead's stage, as the lifecycle
/// allows it (accept once assigned; won or lost once accepted; pass back
/// while sales holds it).
fn feedback_forms(chrome: &Chrome, org: &str, record: &LeadRecord) -> Markup {
    let stage = record.stage.kind();
    let action = format!("/orgs/{org}/leads/{}/feedback", record.lead.id);
    if !matches!(
        stage,
        StageKind::Routed | StageKind::Assigned | StageKind::Accepted
    ) {
        return html! {};
    }
    html! {
        h2 { "Sales feedback" }
        @if stage == StageKind::Assigned {
            form.inline method="post" action=(action) {
                (csrf_field(chrome))
                input type="hidden" name="feedback" value="accept";
                button type="submit" { "Accept" }
            }
        }
        @if stage == StageKind::Accepted {
            form.inline method="post" action=(action) {
                (csrf_field(chrome))
                input type="hidden" name="feedback" value="won";
                button type="submit" { "Won" }
            }
            form.inline method="post" action=(action) {
                (csrf_field(chrome))
                input type="hidden" name="feedback" value="lost";
                label { "Lost because" input name="reason" required placeholder="price, timing, competitor…"; }
                button type="submit" { "Lost" }
            }
        }
        form.inline method="post" action=(action) {
            (csrf_field(chrome))
            input type="hidden" name="feedback" value="pass-back";
            label { "Pass back because" input name="reason" required placeholder="not ready, wrong person…"; }
            button.quiet type="submit" { "Pass back to marketing" }
        }
    }
}

fn entry_item(entry: &TimelineEntry, names: &Names) -> Markup {
    match &entry.item {
        TimelineItem::Activity(activity) => html! {
            li.activity {
                span.meta { (format::time(activity.at)) " · activity" }
                div { strong { (format::name(&activity.kind)) } " " (activity.detail) }
            }
        },
        TimelineItem::Event(event) => html! {
            li.event {
                span.meta { (format::time(event.at)) " · host" }
                div { (event_text(&event.kind)) }
            }
        },
        TimelineItem::Decision(decision) => decision_item(decision, names),
    }
}

fn event_text(kind: &EventKind) -> String {
    match kind {
        EventKind::Created { via } => format!("Created (via {via})"),
        EventKind::Merged { filled } if filled.is_empty() => {
            "Submitted again: merged, nothing new".into()
        }
        EventKind::Merged { filled } => {
            format!("Submitted again: merged, filled {}", filled.join(", "))
        }
        EventKind::Moved { from, to, cause } => {
            format!("Moved from {} to {} ({cause})", from.kind(), to.kind())
        }
        EventKind::OwnerNotified { rep, what } => format!("Owner {rep} told: {what}"),
        EventKind::RetryRequested => "Retry of the failed step asked for".into(),
        EventKind::DuplicateMerged {
            duplicate,
            email,
            confidence,
            by,
            ..
        } => format!(
            "Duplicate {duplicate} ({email}) merged in by the {by}, confidence {confidence:.2}"
        ),
        EventKind::DuplicateDismissed { candidate } => {
            format!("Not a duplicate of {candidate}, a reviewer said")
        }
        EventKind::SlaLapsed { rep, accept_by, .. } => {
            format!(
                "{rep} did not accept by {}: back to routing without them",
                format::time(*accept_by)
            )
        }
        EventKind::TouchSent {
            channel,
            content,
            question,
        } => match question {
            Some(question) => format!(
                "Touch sent: {content} by {channel}, asking “{}”",
                question.text
            ),
            None => format!("Touch sent: {content} by {channel}"),
        },
        EventKind::CallTaskCreated {
            task,
            assignee,
            reason,
        } => format!(
            "Call task {task} for {}: {reason}",
            assignee.as_deref().unwrap_or("the default queue")
        ),
    }
}

fn decision_item(decision: &Decision, names: &Names) -> Markup {
    html! {
        li.decision data-plugin-hash=(decision.plugin_hash.to_string()) {
            span.meta { (format::time(decision.at)) " · " (decision.slot.world()) }
            div {
                strong { (decision.plugin) } " "
                code.hash title=(decision.plugin_hash.to_string()) { (format::short_hash(&decision.plugin_hash.to_string())) }
                " · WIT " (decision.wit_version) " · " (format::micros(decision.duration_us))
            }
            @match &decision.outcome {
                Outcome::Decided { output } => div.output { "Answer: " (answer_text(output)) },
                Outcome::Failed { code, error } => div role="note" { "Failed (" (code) "): " (error) },
            }
            @if !decision.reasons.is_empty() {
                ul.reasons { @for reason in &decision.reasons { li { (reason) } } }
            }
            @if let Some(routing) = &decision.routing {
                details {
                    summary { "Why this rep: " (routing.eligible) " of " (routing.total) " reps could take it"
                        @if let Some(owner) = &routing.account_owner { "; account owner " (rep_name(names, owner)) } }
                    div.scroll { table {
                        thead { tr { th { "Rep" } th { "Team" } th.num { "Open leads" } th.num { "Capacity" } th.num { "Weight" } th { "Available" } } }
                        tbody { @for candidate in &routing.candidates { tr {
                            td { (rep_name(names, &candidate.id)) } td { (candidate.team.clone().unwrap_or_default()) }
                            td.num { (candidate.open_leads) } td.num { (candidate.capacity) }
                            td.num { (candidate.weight) } td { @if candidate.available { "yes" } @else { "no" } }
                        } } }
                    } }
                }
            }
        }
    }
}

/// A plug-in's answer as `key: value` pairs, not JSON.
fn answer_text(output: &serde_json::Value) -> String {
    match output {
        serde_json::Value::Object(fields) => fields
            .iter()
            .filter(|(key, value)| *key != "reasons" && !value.is_null())
            .map(|(key, value)| format!("{key}: {}", json_text(value)))
            .collect::<Vec<_>>()
            .join(", "),
        other => json_text(other),
    }
}

fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(json_text).collect::<Vec<_>>().join(", ")
        }
        serde_json::Value::Object(_) => answer_text(value),
        other => other.to_string(),
    }
}

/// The feedback form's fields.
#[derive(Debug, Deserialize)]
pub struct FeedbackForm {
    feedback: String,
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /orgs/{org}/leads/{id}/feedback`.
pub async fn feedback(
    State(state): State<UiState>,
    Path((_, id)): Path<(String, String)>,
    posted: Posted<FeedbackForm>,
) -> Result<Response, UiError> {
    let reason = || {
        posted
            .form
            .reason
            .clone()
            .map(|reason| reason.trim().to_string())
            .filter(|reason| !reason.is_empty())
            .ok_or_else(|| UiError::Invalid("`reason`: say why".into()))
    };
    let feedback = match posted.form.feedback.as_str() {
        "accept" => Feedback::Accept { rep: None },
        "won" => Feedback::Won,
        "lost" => Feedback::Lost { reason: reason()? },
        "pass-back" => Feedback::PassBack { reason: reason()? },
        other => {
            return Err(UiError::Invalid(format!(
                "`feedback`: there is no feedback `{other}`"
            )));
        }
    };
    let what = posted.form.feedback.clone();
    let org = posted.page.org.clone();
    let lead = id.clone();
    in_org(&state, &org, move |host, org| {
        host.engine.feedback(org, &lead, feedback)
    })
    .await?;
    let to = format!("/orgs/{}/leads/{id}", posted.page.org);
    Ok(done(
        &state,
        &posted.page.signed.id,
        to,
        format!("Feedback recorded: {what}."),
    ))
}
