//! A slot's input as the Rhai map a script receives.
//!
//! Keys are the host's JSON keys (snake_case): `lead.company_size`,
//! `activities[0].kind`, `candidates[0].open_leads`. Every key of a record is
//! always present; what is unknown is `()`. Enums are their kebab-case names
//! (`"decision-maker"`, `"page-visit"`, `"sales-ready"`). Times are whole
//! milliseconds since the Unix epoch. A number that is whole (up to 2^53) is
//! an integer, any other a decimal, so `60000` reads back as `60000`, not
//! `60000.0`. Config and custom fields are maps from the org's names to
//! their values.

use leadhost_sdk::types::{
    Activity, ActivityKind, Authority, Field, Lead, Need, NurtureInput, Qualification,
    QualifyInput, Rep, RouteInput, Scalar, Stage, TrackState,
};
use rhai::{Array, Dynamic, Engine, FLOAT, INT, Map};

/// Config keys the host fills for the script host itself; a script does not see them.
pub const RESERVED_CONFIG: [&str; 2] = ["script", "script-name"];

/// The map `qualify(input)` receives: `lead`, `activities`, `config`, `now`.
pub fn qualify(input: &QualifyInput) -> Map {
    map([
        ("lead", lead(&input.lead)),
        ("activities", activities(&input.activities)),
        ("config", config(&input.config)),
        ("now", input.now.into()),
    ])
}

/// The map `next_step(input)` receives: `lead`, `activities`, `qualification`,
/// `state`, `config`, `now`.
pub fn nurture(engine: &Engine, input: &NurtureInput) -> Map {
    map([
        ("lead", lead(&input.lead)),
        ("activities", activities(&input.activities)),
        ("qualification", qualification(&input.qualification)),
        ("state", state(engine, &input.state)),
        ("config", config(&input.config)),
        ("now", input.now.into()),
    ])
}

/// The map `route(input)` receives: `lead`, `qualification`, `candidates`,
/// `account_owner`, `config`, `now`.
pub fn route(input: &RouteInput) -> Map {
    map([
        ("lead", lead(&input.lead)),
        ("qualification", qualification(&input.qualification)),
        (
            "candidates",
            Dynamic::from_array(input.candidates.iter().map(rep).collect()),
        ),
        ("account_owner", text(&input.account_owner)),
        ("config", config(&input.config)),
        ("now", input.now.into()),
    ])
}

fn map<const N: usize>(entries: [(&str, Dynamic); N]) -> Map {
    entries
        .into_iter()
        .map(|(key, value)| (key.into(), value))
        .collect()
}

fn object<const N: usize>(entries: [(&str, Dynamic); N]) -> Dynamic {
    Dynamic::from_map(map(entries))
}

fn text(value: &Option<String>) -> Dynamic {
    value.clone().map_or(Dynamic::UNIT, Dynamic::from)
}

fn whole(value: Option<u32>) -> Dynamic {
    value.map_or(Dynamic::UNIT, |value| Dynamic::from(INT::from(value)))
}

/// A whole number up to 2^53 as an integer, anything else as a decimal.
pub fn number(value: f64) -> Dynamic {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() <= EXACT {
        Dynamic::from(value as INT)
    } else {
        Dynamic::from(value as FLOAT)
    }
}

fn scalar(value: &Scalar) -> Dynamic {
    match value {
        Scalar::Text(text) => text.clone().into(),
        Scalar::Number(value) => number(*value),
        Scalar::Boolean(flag) => (*flag).into(),
    }
}

fn fields<'a>(fields: impl IntoIterator<Item = &'a Field>) -> Dynamic {
    Dynamic::from_map(
        fields
            .into_iter()
            .map(|field| (field.name.as_str().into(), scalar(&field.value)))
            .collect(),
    )
}

/// The org's config for the script: every field but the script's own.
fn config(config: &[Field]) -> Dynamic {
    fields(
        config
            .iter()
            .filter(|field| !RESERVED_CONFIG.contains(&field.name.as_str())),
    )
}

fn lead(lead: &Lead) -> Dynamic {
    object([
        ("id", lead.id.clone().into()),
        ("email", lead.email.clone().into()),
        ("name", text(&lead.name)),
        ("company", text(&lead.company)),
        ("domain", text(&lead.domain)),
        ("title", text(&lead.title)),
        ("industry", text(&lead.industry)),
        ("company_size", whole(lead.company_size)),
        ("country", text(&lead.country)),
        ("source", text(&lead.source)),
        ("campaign", text(&lead.campaign)),
        ("budget", lead.budget.map_or(Dynamic::UNIT, number)),
        (
            "authority",
            lead.authority
                .map_or(Dynamic::UNIT, |a| authority(a).into()),
        ),
        ("need", lead.need.map_or(Dynamic::UNIT, |n| need(n).into())),
        ("timeline_days", whole(lead.timeline_days)),
        ("custom", fields(&lead.custom)),
        ("created_at", lead.created_at.into()),
    ])
}

fn authority(authority: Authority) -> &'static str {
    match authority {
        Authority::DecisionMaker => "decision-maker",
        Authority::Influencer => "influencer",
        Authority::User => "user",
        Authority::None => "none",
    }
}

fn need(need: Need) -> &'static str {
    match need {
        Need::High => "high",
        Need::Medium => "medium",
        Need::Low => "low",
        Need::None => "none",
    }
}

/// The kebab-case name of an activity kind, as in the host's JSON.
pub fn activity_kind(kind: ActivityKind) -> &'static str {
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

fn activities(activities: &[Activity]) -> Dynamic {
    Dynamic::from_array(
        activities
            .iter()
            .map(|activity| {
                object([
                    ("kind", activity_kind(activity.kind).into()),
                    ("at", activity.at.into()),
                    ("detail", activity.detail.clone().into()),
                ])
            })
            .collect::<Array>(),
    )
}

/// The kebab-case name of a stage, as in the host's JSON.
pub fn stage(stage: Stage) -> &'static str {
    match stage {
        Stage::SalesReady => "sales-ready",
        Stage::Nurture => "nurture",
        Stage::Discard => "discard",
    }
}

fn qualification(qualification: &Qualification) -> Dynamic {
    object([
        ("stage", stage(qualification.stage).into()),
        ("score", INT::from(qualification.score).into()),
        ("segment", text(&qualification.segment)),
        ("track", text(&qualification.track)),
        ("reasons", strings(&qualification.reasons)),
    ])
}

fn strings(items: &[String]) -> Dynamic {
    Dynamic::from_array(items.iter().cloned().map(Dynamic::from).collect())
}

/// `state.data` is a map when the stored text is empty or a JSON object
/// (what a script's map is stored as), else the text as it is.
fn state(engine: &Engine, state: &TrackState) -> Dynamic {
    let data = if state.data.trim().is_empty() {
        Dynamic::from_map(Map::new())
    } else {
        match engine.parse_json(&state.data, true) {
            Ok(map) => Dynamic::from_map(map),
            Err(_) => state.data.clone().into(),
        }
    };
    object([
        ("track", state.track.clone().into()),
        ("step", INT::from(state.step).into()),
        ("data", data),
    ])
}

fn rep(rep: &Rep) -> Dynamic {
    object([
        ("id", rep.id.clone().into()),
        ("team", text(&rep.team)),
        ("territories", strings(&rep.territories)),
        ("segments", strings(&rep.segments)),
        ("capacity", INT::from(rep.capacity).into()),
        ("open_leads", INT::from(rep.open_leads).into()),
        ("weight", INT::from(rep.weight).into()),
        ("available", rep.available.into()),
        (
            "last_assigned_at",
            rep.last_assigned_at.map_or(Dynamic::UNIT, Dynamic::from),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use leadhost_sdk::LeadBuilder;

    #[test]
    fn a_lead_has_every_key_with_unknowns_as_unit() {
        let lead = LeadBuilder::new("dana@northwind.example")
            .budget(60_000.0)
            .authority(Authority::DecisionMaker)
            .custom(Field::number("seats", 35.0))
            .custom(Field::number("discount", 0.5))
            .created_at(7)
            .build();
        let input = qualify(&QualifyInput::new(lead, vec![], 9).with_config(vec![
            Field::text("script", "fn qualify(input) {}"),
            Field::text("script-name", "qualify.rhai"),
            Field::flag("strict", true),
        ]));
        let lead = input["lead"].clone_cast::<Map>();
        assert_eq!(lead.len(), 17);
        assert!(lead["title"].is_unit());
        assert_eq!(lead["budget"].as_int(), Ok(60_000));
        assert_eq!(
            lead["authority"].clone().into_string().unwrap(),
            "decision-maker"
        );
        assert_eq!(lead["created_at"].as_int(), Ok(7));
        let custom = lead["custom"].clone_cast::<Map>();
        assert_eq!(custom["seats"].as_int(), Ok(35));
        assert_eq!(custom["discount"].as_float(), Ok(0.5));
        let config = input["config"].clone_cast::<Map>();
        assert_eq!(config.len(), 1, "the script's own fields are not config");
        assert_eq!(config["strict"].as_bool(), Ok(true));
        assert_eq!(input["now"].as_int(), Ok(9));
    }

    #[test]
    fn state_data_is_a_map_when_it_is_json() {
        let engine = Engine::new_raw();
        let state = |data: &str| {
            super::state(
                &engine,
                &TrackState {
                    track: "t".into(),
                    step: 2,
                    data: data.into(),
                },
            )
            .cast::<Map>()
        };
        assert!(state("")["data"].clone_cast::<Map>().is_empty());
        let parsed = state(r#"{"asked":["q1"],"n":2}"#)["data"].clone_cast::<Map>();
        assert_eq!(parsed["n"].as_int(), Ok(2));
        assert_eq!(
            state("q1,q2")["data"].clone().into_string().unwrap(),
            "q1,q2"
        );
        assert_eq!(state("")["step"].as_int(), Ok(2));
    }

    #[test]
    fn numbers_are_integers_when_whole() {
        assert!(number(3.0).is_int());
        assert!(number(3.5).is_float());
        assert!(number(1e300).is_float());
        assert!(number(f64::NAN).is_float());
    }
}
