//! The SDK's config and input helpers against `helper-cases.json`, the one
//! table of cases the Python (`sdk/python`) and JavaScript (`sdk/js`)
//! helpers must pass too: same names, same answers, same error messages, so
//! a plug-in ported between languages reads its config the same way.

use leadhost_sdk::prelude::*;
use serde_json::{Value, json};

/// The table, parsed.
fn table() -> Value {
    let text = include_str!("helper-cases.json");
    serde_json::from_str(text).expect("helper-cases.json is JSON")
}

/// A table field (`{"name", "text" | "number" | "flag"}`) as a WIT field.
fn field(entry: &Value) -> Field {
    let name = entry["name"].as_str().expect("a field has a name");
    if let Some(text) = entry.get("text") {
        Field::text(name, text.as_str().expect("text is a string"))
    } else if let Some(number) = entry.get("number") {
        Field::number(name, number.as_f64().expect("number is a number"))
    } else {
        Field::flag(name, entry["flag"].as_bool().expect("flag is a bool"))
    }
}

/// A number that JSON cannot hold is written as a string.
fn float(value: &Value) -> f64 {
    match value {
        Value::String(text) => match text.as_str() {
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            "NaN" => f64::NAN,
            other => panic!("not a number: {other}"),
        },
        other => other.as_f64().expect("a number"),
    }
}

/// An `f64` answer in the table's terms, so NaN and the infinities compare.
fn number_json(number: f64) -> Value {
    if number.is_nan() {
        json!("NaN")
    } else if number.is_infinite() {
        json!(if number > 0.0 { "inf" } else { "-inf" })
    } else {
        json!(number)
    }
}

fn scalar_json(scalar: &Scalar) -> Value {
    match scalar {
        Scalar::Text(text) => json!({ "text": text }),
        Scalar::Number(number) => json!({ "number": number }),
        Scalar::Boolean(flag) => json!({ "flag": flag }),
    }
}

fn timestamp(value: &Value) -> Timestamp {
    value.as_i64().expect("a timestamp fits an i64")
}

/// Runs one case: `Ok(answer)` or `Err(message)` for a [`FieldError`].
fn run(case: &Value, fields: &[Field]) -> Result<Value, String> {
    let key = case["key"].as_str().unwrap_or_default();
    let default = &case["default"];
    // A FieldError's message, placed where the case says it was looked up.
    let place = |error: FieldError| match case["within"].as_str() {
        Some("config") => error.within("config").to_string(),
        Some("custom field") => error.within("custom field").to_string(),
        Some(other) => panic!("no place {other} in the table's vocabulary"),
        None => error.to_string(),
    };
    let strings = |value: &Value| -> Vec<String> {
        let items = value.as_array().expect("a list default is an array");
        items
            .iter()
            .map(|item| item.as_str().unwrap().to_string())
            .collect()
    };
    let answer = match case["call"].as_str().expect("a case names its call") {
        "number" => fields.number(key).map_or(Value::Null, number_json),
        "number_or" => number_json(fields.number_or(key, float(default)).map_err(place)?),
        "try_number" => fields
            .try_number(key)
            .map_err(place)?
            .map_or(Value::Null, number_json),
        "text" => json!(fields.text(key)),
        "text_or" => json!(
            fields
                .text_or(key, default.as_str().unwrap())
                .map_err(place)?
        ),
        "try_text" => json!(fields.try_text(key).map_err(place)?),
        "flag" => json!(fields.flag(key)),
        "flag_or" => json!(
            fields
                .flag_or(key, default.as_bool().unwrap())
                .map_err(place)?
        ),
        "try_flag" => json!(fields.try_flag(key).map_err(place)?),
        "list" => json!(fields.list(key)),
        "list_or" => {
            let default = strings(default);
            let default: Vec<&str> = default.iter().map(String::as_str).collect();
            json!(fields.list_or(key, &default).map_err(place)?)
        }
        "try_list" => json!(fields.try_list(key).map_err(place)?),
        "custom_field" => {
            let lead = fields
                .iter()
                .cloned()
                .fold(LeadBuilder::new("ada@example.com"), LeadBuilder::custom)
                .build();
            lead.custom_field(key).map_or(Value::Null, scalar_json)
        }
        "email_domain" => {
            let lead = LeadBuilder::new(case["email"].as_str().unwrap()).build();
            json!(lead.email_domain())
        }
        span @ ("days_between" | "hours_between") => {
            let (from, to) = (timestamp(&case["from"]), timestamp(&case["to"]));
            let between = if span == "days_between" {
                time::days_between
            } else {
                time::hours_between
            };
            number_json(between(from, to))
        }
        span @ ("whole_days_between" | "whole_hours_between" | "millis_between") => {
            let (from, to) = (timestamp(&case["from"]), timestamp(&case["to"]));
            json!(match span {
                "whole_days_between" => time::whole_days_between(from, to),
                "whole_hours_between" => time::whole_hours_between(from, to),
                _ => time::millis_between(from, to),
            })
        }
        "days" => json!(time::days(float(&case["count"]))),
        "hours" => json!(time::hours(float(&case["count"]))),
        "minutes" => json!(time::minutes(float(&case["count"]))),
        "add_days" => json!(time::add_days(
            timestamp(&case["at"]),
            float(&case["count"])
        )),
        "add_hours" => json!(time::add_hours(
            timestamp(&case["at"]),
            float(&case["count"])
        )),
        other => panic!("no helper named {other}"),
    };
    Ok(answer)
}

/// Whole numbers compare by value: the table writes `350`, the SDK answers `350.0`.
fn same(answer: &Value, expected: &Value) -> bool {
    match (answer.as_f64(), expected.as_f64()) {
        (Some(left), Some(right)) if answer.is_number() && expected.is_number() => {
            // i64 answers compare exactly; f64 answers as f64.
            match (answer.as_i64(), expected.as_i64()) {
                (Some(left), Some(right)) => left == right,
                _ => left == right,
            }
        }
        _ => match (answer, expected) {
            (Value::Object(left), Value::Object(right)) => {
                left.len() == right.len()
                    && left
                        .iter()
                        .all(|(key, value)| right.get(key).is_some_and(|other| same(value, other)))
            }
            _ => answer == expected,
        },
    }
}

#[test]
fn every_helper_case_in_the_shared_table_passes() {
    let table = table();
    let fields: Vec<Field> = table["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(field)
        .collect();
    let cases = table["cases"].as_array().unwrap();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let got = run(case, &fields);
            let ok = match (&got, case.get("error")) {
                (Err(message), Some(expected)) => expected == message.as_str(),
                (Ok(answer), None) => same(answer, &case["expect"]),
                _ => false,
            };
            (!ok).then(|| format!("{case}\n  got {got:?}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_covers_every_helper() {
    let table = table();
    let calls: std::collections::BTreeSet<&str> = table["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| case["call"].as_str().unwrap())
        .collect();
    let helpers = [
        "number",
        "number_or",
        "try_number",
        "text",
        "text_or",
        "try_text",
        "flag",
        "flag_or",
        "try_flag",
        "list",
        "list_or",
        "try_list",
        "custom_field",
        "email_domain",
        "days_between",
        "hours_between",
        "whole_days_between",
        "whole_hours_between",
        "millis_between",
        "days",
        "hours",
        "minutes",
        "add_days",
        "add_hours",
    ];
    let missing: Vec<_> = helpers
        .iter()
        .filter(|name| !calls.contains(*name))
        .collect();
    assert!(missing.is_empty(), "no case for {missing:?}");
}
