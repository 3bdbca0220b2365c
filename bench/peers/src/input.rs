//! The one input every row qualifies — the strong sample lead with the
//! example org's config, as `tests/benches/languages.rs` builds it — and its
//! conversions into what each peer takes.

use std::path::Path;

use anyhow::{Context, Result, bail};
use leadhost_model::{ActivityKind, Authority, Config, Need, QualifyInput, Scalar};
use leadhost_sdk::types as wit;
use serde::Serialize;

/// Reads `examples/eval/qualify/<file>` (`strong-lead.json` is the timed
/// input) and replaces its config with the lead-definition config of
/// `examples/org-folder/org.toml`.
pub fn load(repo: &Path, file: &str) -> Result<QualifyInput> {
    let path = repo.join("examples/eval/qualify").join(file);
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    let mut input: QualifyInput =
        serde_json::from_str(&text).with_context(|| format!("parse {}", path.display()))?;
    let path = repo.join("examples/org-folder/org.toml");
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    let org: toml::Table = text
        .parse()
        .with_context(|| format!("parse {}", path.display()))?;
    let config = org
        .get("plugins")
        .and_then(|plugins| plugins.get("lead-definition"))
        .and_then(|slot| slot.get("config"))
        .and_then(toml::Value::as_table)
        .context("org.toml has no [plugins.lead-definition] config")?;
    input.config = config
        .iter()
        .map(|(name, value)| {
            let value = match value {
                toml::Value::Integer(number) => Scalar::Number(*number as f64),
                toml::Value::Float(number) => Scalar::Number(*number),
                toml::Value::Boolean(flag) => Scalar::Boolean(*flag),
                toml::Value::String(text) => Scalar::Text(text.clone()),
                other => bail!("config `{name}` = {other}: not a scalar"),
            };
            Ok((name.clone(), value))
        })
        .collect::<Result<Config>>()?;
    Ok(input)
}

/// The input as the SDK's (WIT) types: what the component receives, with
/// every lead field, so native Rust and native Rhai see what the guests see.
pub fn native(input: &QualifyInput) -> wit::QualifyInput {
    let lead = &input.lead;
    let lead = wit::Lead {
        id: lead.id.clone(),
        email: lead.email.clone(),
        name: lead.name.clone(),
        company: lead.company.clone(),
        domain: lead.domain.clone(),
        title: lead.title.clone(),
        industry: lead.industry.clone(),
        company_size: lead.company_size,
        country: lead.country.clone(),
        source: lead.source.clone(),
        campaign: lead.campaign.clone(),
        budget: lead.budget,
        authority: lead.authority.map(|authority| match authority {
            Authority::DecisionMaker => wit::Authority::DecisionMaker,
            Authority::Influencer => wit::Authority::Influencer,
            Authority::User => wit::Authority::User,
            Authority::None => wit::Authority::None,
        }),
        need: lead.need.map(|need| match need {
            Need::High => wit::Need::High,
            Need::Medium => wit::Need::Medium,
            Need::Low => wit::Need::Low,
            Need::None => wit::Need::None,
        }),
        timeline_days: lead.timeline_days,
        custom: fields(&lead.custom),
        created_at: lead.created_at.timestamp_millis(),
    };
    let activities = input
        .activities
        .iter()
        .map(|activity| wit::Activity {
            kind: wit_kind(activity.kind),
            at: activity.at.timestamp_millis(),
            detail: activity.detail.clone(),
        })
        .collect();
    wit::QualifyInput::new(lead, activities, input.now.timestamp_millis())
        .with_config(fields(&input.config))
}

fn fields(config: &Config) -> Vec<wit::Field> {
    config
        .iter()
        .map(|(name, value)| match value {
            Scalar::Number(number) => wit::Field::number(name.clone(), *number),
            Scalar::Text(text) => wit::Field::text(name.clone(), text.clone()),
            Scalar::Boolean(flag) => wit::Field::flag(name.clone(), *flag),
        })
        .collect()
}

fn wit_kind(kind: ActivityKind) -> wit::ActivityKind {
    match kind {
        ActivityKind::PageVisit => wit::ActivityKind::PageVisit,
        ActivityKind::Download => wit::ActivityKind::Download,
        ActivityKind::Webinar => wit::ActivityKind::Webinar,
        ActivityKind::EmailOpen => wit::ActivityKind::EmailOpen,
        ActivityKind::EmailClick => wit::ActivityKind::EmailClick,
        ActivityKind::EmailReply => wit::ActivityKind::EmailReply,
        ActivityKind::Form => wit::ActivityKind::Form,
        ActivityKind::Answer => wit::ActivityKind::Answer,
        ActivityKind::Meeting => wit::ActivityKind::Meeting,
        ActivityKind::Call => wit::ActivityKind::Call,
        ActivityKind::Other => wit::ActivityKind::Other,
    }
}

/// An activity kind's kebab-case name, as the host's JSON spells it.
pub fn kind_name(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::PageVisit => "page-visit",
        ActivityKind::Download => "download",
        ActivityKind::Webinar => "webinar",
        ActivityKind::EmailOpen => "email-open",
        ActivityKind::EmailClick => "email-click",
        ActivityKind::EmailReply => "email-reply",
        ActivityKind::Form => "form",
        ActivityKind::Answer => "answer",
        ActivityKind::Meeting => "meeting",
        ActivityKind::Call => "call",
        ActivityKind::Other => "other",
    }
}

/// An authority's kebab-case name.
pub fn authority_name(authority: Authority) -> &'static str {
    match authority {
        Authority::DecisionMaker => "decision-maker",
        Authority::Influencer => "influencer",
        Authority::User => "user",
        Authority::None => "none",
    }
}

/// A need's kebab-case name.
pub fn need_name(need: Need) -> &'static str {
    match need {
        Need::High => "high",
        Need::Medium => "medium",
        Need::Low => "low",
        Need::None => "none",
    }
}

/// The JSON the Extism plug-in reads (`extism-plugin/src/lib.rs`): the
/// fields the rule needs, times in milliseconds, enums by name.
#[derive(Serialize)]
pub struct Wire<'a> {
    lead: WireLead<'a>,
    activities: Vec<WireActivity>,
    config: &'a Config,
    now: i64,
}

#[derive(Serialize)]
struct WireLead<'a> {
    email: &'a str,
    domain: Option<&'a str>,
    budget: Option<f64>,
    authority: Option<&'static str>,
    need: Option<&'static str>,
    timeline_days: Option<u32>,
    created_at: i64,
}

#[derive(Serialize)]
struct WireActivity {
    kind: &'static str,
    at: i64,
}

impl<'a> Wire<'a> {
    /// The Extism plug-in's view of `input`.
    pub fn of(input: &'a QualifyInput) -> Self {
        let lead = &input.lead;
        Wire {
            lead: WireLead {
                email: &lead.email,
                domain: lead.domain.as_deref(),
                budget: lead.budget,
                authority: lead.authority.map(authority_name),
                need: lead.need.map(need_name),
                timeline_days: lead.timeline_days,
                created_at: lead.created_at.timestamp_millis(),
            },
            activities: input
                .activities
                .iter()
                .map(|activity| WireActivity {
                    kind: kind_name(activity.kind),
                    at: activity.at.timestamp_millis(),
                })
                .collect(),
            config: &input.config,
            now: input.now.timestamp_millis(),
        }
    }
}
