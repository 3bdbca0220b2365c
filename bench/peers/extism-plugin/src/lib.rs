//! The BANT rule of `bant-qualifier` as an Extism plug-in: `qualify` takes
//! the lead as JSON (times in milliseconds since the Unix epoch, enums as
//! their kebab-case names, config as the org's names and values) and
//! answers `{stage, score, segment, track, reasons}` as JSON, word for word
//! as the leadhost component does.

use std::collections::BTreeMap;

use extism_pdk::{FnResult, Json, WithReturnCode, plugin_fn};
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 86_400_000;
const BEHAVIOUR_CAP: i32 = 30;

/// The lead's fields the rule reads.
#[derive(Deserialize)]
struct Lead {
    email: String,
    domain: Option<String>,
    budget: Option<f64>,
    authority: Option<String>,
    need: Option<String>,
    timeline_days: Option<u32>,
    created_at: i64,
}

/// One activity: its kind and when.
#[derive(Deserialize)]
struct Activity {
    kind: String,
    at: i64,
}

/// What the host sends.
#[derive(Deserialize)]
pub struct Input {
    lead: Lead,
    activities: Vec<Activity>,
    config: BTreeMap<String, serde_json::Value>,
    now: i64,
}

/// What the plug-in answers.
#[derive(Serialize)]
pub struct Verdict {
    stage: &'static str,
    score: i32,
    segment: Option<&'static str>,
    track: Option<&'static str>,
    reasons: Vec<String>,
}

/// One BANT criterion's verdict.
struct Criterion {
    met: bool,
    points: i32,
    reason: String,
}

/// The org's thresholds and lists, with the component's defaults.
struct Settings {
    min_budget: f64,
    max_timeline_days: f64,
    sales_ready_score: i32,
    required_criteria: usize,
    competitor_domains: Vec<String>,
    discard_domain_suffixes: Vec<String>,
    inactive_days: f64,
    behaviour_window_days: f64,
}

fn number(
    config: &BTreeMap<String, serde_json::Value>,
    key: &str,
    default: f64,
) -> Result<f64, String> {
    let value = match config.get(key) {
        None => default,
        Some(serde_json::Value::Number(number)) => number.as_f64().unwrap_or(f64::NAN),
        Some(serde_json::Value::String(text)) => text
            .trim()
            .parse()
            .map_err(|_| format!("config `{key}` = {text:?}: expected a number"))?,
        Some(other) => return Err(format!("config `{key}` = {other}: expected a number")),
    };
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(format!(
            "config `{key}` = {value}: expected a non-negative number"
        ))
    }
}

fn list(config: &BTreeMap<String, serde_json::Value>, key: &str, default: &[&str]) -> Vec<String> {
    match config.get(key) {
        Some(serde_json::Value::String(text)) => text
            .split(',')
            .map(|item| item.trim().to_lowercase())
            .filter(|item| !item.is_empty())
            .collect(),
        Some(_) => Vec::new(),
        None => default.iter().map(|item| item.to_string()).collect(),
    }
}

impl Settings {
    fn read(config: &BTreeMap<String, serde_json::Value>) -> Result<Self, String> {
        let required = number(config, "required-criteria", 3.0)?;
        if required > 4.0 || required.fract() != 0.0 {
            return Err(format!(
                "config `required-criteria` = {required}: expected a whole number from 0 to 4"
            ));
        }
        Ok(Settings {
            min_budget: number(config, "min-budget", 10_000.0)?,
            max_timeline_days: number(config, "max-timeline-days", 90.0)?,
            sales_ready_score: number(config, "sales-ready-score", 70.0)? as i32,
            required_criteria: required as usize,
            competitor_domains: list(config, "competitor-domains", &[]),
            discard_domain_suffixes: list(config, "discard-domain-suffixes", &[".edu", ".ac.uk"]),
            inactive_days: number(config, "inactive-days", 180.0)?,
            behaviour_window_days: number(config, "behaviour-window-days", 90.0)?,
        })
    }
}

fn criterion(met: bool, points: i32, reason: String) -> Criterion {
    Criterion {
        met,
        points,
        reason,
    }
}

fn activity_points(kind: &str) -> i32 {
    match kind {
        "page-visit" | "email-open" => 1,
        "email-click" => 2,
        "download" | "form" | "answer" => 5,
        "webinar" | "email-reply" => 8,
        "call" => 10,
        "meeting" => 15,
        _ => 0,
    }
}

fn discard(reason: String) -> Verdict {
    Verdict {
        stage: "discard",
        score: 0,
        segment: None,
        track: None,
        reasons: vec![reason],
    }
}

/// The rule itself, as `bant_qualifier::BantQualifier::qualify`.
fn rule(input: &Input) -> Result<Verdict, String> {
    let settings = Settings::read(&input.config)?;
    let lead = &input.lead;
    let domain = match &lead.domain {
        Some(domain) => domain.to_lowercase(),
        None => lead
            .email
            .rsplit_once('@')
            .map(|(_, d)| d.to_lowercase())
            .unwrap_or_default(),
    };
    let domain = domain.trim();
    if let Some(competitor) = settings.competitor_domains.iter().find(|competitor| {
        domain == competitor.as_str() || domain.ends_with(&format!(".{competitor}"))
    }) {
        return Ok(discard(format!(
            "discard: {domain} belongs to competitor {competitor}"
        )));
    }
    if let Some(suffix) = settings
        .discard_domain_suffixes
        .iter()
        .find(|s| domain.ends_with(s.as_str()))
    {
        return Ok(discard(format!(
            "discard: {domain} is an academic or student domain ({suffix})"
        )));
    }
    if lead.need.as_deref() == Some("none") {
        return Ok(discard("discard: the contact has no need".into()));
    }
    let last = input
        .activities
        .iter()
        .map(|a| a.at)
        .max()
        .unwrap_or(lead.created_at)
        .max(lead.created_at);
    let idle = (input.now - last) as f64 / DAY_MS as f64;
    if idle > settings.inactive_days {
        return Ok(discard(format!(
            "discard: no activity for {} days (limit {})",
            idle.floor(),
            settings.inactive_days
        )));
    }

    let budget = match lead.budget {
        Some(b) if b >= settings.min_budget => criterion(
            true,
            25,
            format!("budget {b} meets the minimum {}", settings.min_budget),
        ),
        Some(b) => criterion(
            false,
            0,
            format!("budget {b} is below the minimum {}", settings.min_budget),
        ),
        None => criterion(false, 0, "budget unknown".into()),
    };
    let authority = match lead.authority.as_deref() {
        Some("decision-maker") => criterion(true, 25, "contact is a decision-maker".into()),
        Some("influencer") => criterion(true, 15, "contact is an influencer".into()),
        Some("user") => criterion(
            false,
            5,
            "contact is a user without buying authority".into(),
        ),
        Some("none") => criterion(false, 0, "contact is without a part in the purchase".into()),
        _ => criterion(false, 0, "authority unknown".into()),
    };
    let need = match lead.need.as_deref() {
        Some("high") => criterion(true, 25, "need is high".into()),
        Some("medium") => criterion(true, 15, "need is medium".into()),
        Some("low") => criterion(false, 5, "need is low".into()),
        Some("none") => criterion(false, 0, "need is none".into()),
        _ => criterion(false, 0, "need unknown".into()),
    };
    let max_days = settings.max_timeline_days;
    let timeline = match lead.timeline_days {
        Some(d) if f64::from(d) <= max_days => {
            criterion(true, 15, format!("buying in {d} days, within {max_days}"))
        }
        Some(d) => criterion(
            false,
            0,
            format!("buying in {d} days, later than {max_days}"),
        ),
        None => criterion(false, 0, "timeline unknown".into()),
    };
    let since = input
        .now
        .saturating_sub((settings.behaviour_window_days * DAY_MS as f64) as i64);
    let recent: Vec<_> = input
        .activities
        .iter()
        .filter(|a| a.at >= since && a.at <= input.now)
        .collect();
    let raw: i32 = recent.iter().map(|a| activity_points(&a.kind)).sum();
    let behaviour = raw.min(BEHAVIOUR_CAP);
    let capped = if raw > BEHAVIOUR_CAP {
        format!(" (capped from {raw})")
    } else {
        String::new()
    };
    let behaviour_reason = format!(
        "behaviour {behaviour} points from {} activities in the last {} days{capped}",
        recent.len(),
        settings.behaviour_window_days
    );

    let criteria = [budget, authority, need, timeline];
    let met = criteria.iter().filter(|c| c.met).count();
    let score = (criteria.iter().map(|c| c.points).sum::<i32>() + behaviour).min(100);
    let mut verdict = if score >= settings.sales_ready_score && met >= settings.required_criteria {
        let why = format!(
            "sales-ready: score {score} of {} needed, {met} of 4 BANT criteria met",
            settings.sales_ready_score
        );
        Verdict {
            stage: "sales-ready",
            score,
            segment: None,
            track: None,
            reasons: vec![why],
        }
    } else {
        let (segment, track, why) = if criteria[0].met && !criteria[3].met {
            (
                "budget-no-timing",
                "trial-incentive",
                "has budget but not the timing",
            )
        } else if !criteria[1].met && (criteria[2].met || behaviour >= 10) {
            (
                "researching-no-authority",
                "find-decision-maker",
                "researching without buying authority",
            )
        } else {
            ("early-interest", "education", "early interest")
        };
        let why = format!("nurture: {why}; score {score}, {met} of 4 BANT criteria met");
        Verdict {
            stage: "nurture",
            score,
            segment: Some(segment),
            track: Some(track),
            reasons: vec![why],
        }
    };
    verdict
        .reasons
        .extend(criteria.into_iter().map(|c| c.reason));
    verdict.reasons.push(behaviour_reason);
    Ok(verdict)
}

/// Qualifies the lead in the JSON input; a refusal is an error with code 1.
#[plugin_fn]
pub fn qualify(Json(input): Json<Input>) -> FnResult<Json<Verdict>> {
    match rule(&input) {
        Ok(verdict) => Ok(Json(verdict)),
        Err(message) => Err(WithReturnCode::new(extism_pdk::Error::msg(message), 1)),
    }
}
