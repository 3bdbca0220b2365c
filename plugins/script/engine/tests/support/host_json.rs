//! The host's JSON shapes, read into the SDK's types.

use leadhost_sdk::prelude::*;
use serde_json::Value;

/// `2026-11-24T12:00:00Z` as ms since the epoch (whole seconds, UTC).
pub fn time(value: &Value) -> i64 {
    let text = value.as_str().expect("a time");
    let number = |range: std::ops::Range<usize>| text[range].parse::<i64>().unwrap();
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    ((days * 24 + number(11..13)) * 60 + number(14..16)) * 60_000 + number(17..19) * 1000
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

fn whole(value: &Value, key: &str) -> Option<u32> {
    value.get(key).and_then(Value::as_u64).map(|n| n as u32)
}

fn kebab<T: Copy>(value: &Value, key: &str, names: &[(&str, T)]) -> Option<T> {
    let name = value.get(key)?.as_str()?;
    Some(
        names
            .iter()
            .find(|(n, _)| *n == name)
            .expect("a known name")
            .1,
    )
}

pub fn fields(value: Option<&Value>) -> Vec<Field> {
    let Some(Value::Object(map)) = value else {
        return Vec::new();
    };
    map.iter()
        .map(|(name, value)| match value {
            Value::Bool(flag) => Field::flag(name, *flag),
            Value::Number(n) => Field::number(name, n.as_f64().unwrap()),
            other => Field::text(name, other.as_str().unwrap()),
        })
        .collect()
}

pub fn lead(value: &Value) -> Lead {
    use Authority as A;
    use Need as N;
    Lead {
        id: text(value, "id").unwrap_or_default(),
        email: text(value, "email").unwrap(),
        name: text(value, "name"),
        company: text(value, "company"),
        domain: text(value, "domain"),
        title: text(value, "title"),
        industry: text(value, "industry"),
        company_size: whole(value, "company_size"),
        country: text(value, "country"),
        source: text(value, "source"),
        campaign: text(value, "campaign"),
        budget: value.get("budget").and_then(Value::as_f64),
        authority: kebab(
            value,
            "authority",
            &[
                ("decision-maker", A::DecisionMaker),
                ("influencer", A::Influencer),
                ("user", A::User),
                ("none", A::None),
            ],
        ),
        need: kebab(
            value,
            "need",
            &[
                ("high", N::High),
                ("medium", N::Medium),
                ("low", N::Low),
                ("none", N::None),
            ],
        ),
        timeline_days: whole(value, "timeline_days"),
        custom: fields(value.get("custom")),
        created_at: time(&value["created_at"]),
    }
}

pub fn activities(value: Option<&Value>) -> Vec<Activity> {
    use ActivityKind as K;
    let kinds = [
        ("page-visit", K::PageVisit),
        ("download", K::Download),
        ("webinar", K::Webinar),
        ("email-open", K::EmailOpen),
        ("email-click", K::EmailClick),
        ("email-reply", K::EmailReply),
        ("form", K::Form),
        ("answer", K::Answer),
        ("meeting", K::Meeting),
        ("call", K::Call),
        ("other", K::Other),
    ];
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|item| Activity {
                    kind: kebab(item, "kind", &kinds).unwrap(),
                    at: time(&item["at"]),
                    detail: text(item, "detail").unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn qualification(value: &Value) -> Qualification {
    let stages = [
        ("sales-ready", Stage::SalesReady),
        ("nurture", Stage::Nurture),
        ("discard", Stage::Discard),
    ];
    Qualification {
        stage: kebab(value, "stage", &stages).unwrap(),
        score: value["score"].as_i64().unwrap() as i32,
        segment: text(value, "segment"),
        track: text(value, "track"),
        reasons: value["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect(),
    }
}

pub fn qualify_input(value: &Value) -> QualifyInput {
    QualifyInput {
        lead: lead(&value["lead"]),
        activities: activities(value.get("activities")),
        config: fields(value.get("config")),
        now: time(&value["now"]),
    }
}

pub fn nurture_input(value: &Value) -> NurtureInput {
    NurtureInput {
        lead: lead(&value["lead"]),
        activities: activities(value.get("activities")),
        qualification: qualification(&value["qualification"]),
        state: TrackState {
            track: text(&value["state"], "track").unwrap(),
            step: whole(&value["state"], "step").unwrap_or(0),
            data: text(&value["state"], "data").unwrap_or_default(),
        },
        config: fields(value.get("config")),
        now: time(&value["now"]),
    }
}

pub fn route_input(value: &Value) -> RouteInput {
    let strings = |rep: &Value, key: &str| -> Vec<String> {
        rep.get(key)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|i| i.as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    RouteInput {
        lead: lead(&value["lead"]),
        qualification: qualification(&value["qualification"]),
        candidates: value["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|rep| Rep {
                id: text(rep, "id").unwrap(),
                team: text(rep, "team"),
                territories: strings(rep, "territories"),
                segments: strings(rep, "segments"),
                capacity: whole(rep, "capacity").unwrap(),
                open_leads: whole(rep, "open_leads").unwrap_or(0),
                weight: whole(rep, "weight").unwrap_or(1),
                available: rep
                    .get("available")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
                last_assigned_at: rep.get("last_assigned_at").map(time),
            })
            .collect(),
        account_owner: text(value, "account_owner"),
        config: fields(value.get("config")),
        now: time(&value["now"]),
    }
}
