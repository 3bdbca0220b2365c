//! Where two JSON answers differ, field by field.

use serde::Serialize;
use serde_json::Value;

/// One field that differs between the recorded answer and the replay's.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Difference {
    /// The field, as a path from the answer's root (`output.score`,
    /// `output.reasons[2]`, `outcome`); `null` on one side means the field
    /// is absent there.
    pub field: String,
    /// Its recorded value.
    #[schema(value_type = Object)]
    pub recorded: Value,
    /// Its value in the replay.
    #[schema(value_type = Object)]
    pub replayed: Value,
}

/// Most differences listed for one decision: the first few say what
/// changed; a rule that changed everything needs no thousand lines.
pub const DIFFERENCES_LISTED: usize = 20;

/// Where `replayed` differs from `recorded`, under the path `at`, in field
/// order, at most [`DIFFERENCES_LISTED`].
pub fn differences(at: &str, recorded: &Value, replayed: &Value) -> Vec<Difference> {
    let mut found = Vec::new();
    walk(at, recorded, replayed, &mut found);
    found
}

fn walk(at: &str, recorded: &Value, replayed: &Value, found: &mut Vec<Difference>) {
    if found.len() >= DIFFERENCES_LISTED || recorded == replayed {
        return;
    }
    match (recorded, replayed) {
        (Value::Object(left), Value::Object(right)) => {
            let mut keys: Vec<&String> = left.keys().chain(right.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (left, right) = (
                    left.get(key).unwrap_or(&Value::Null),
                    right.get(key).unwrap_or(&Value::Null),
                );
                walk(&format!("{at}.{key}"), left, right, found);
            }
        }
        (Value::Array(left), Value::Array(right)) => {
            for index in 0..left.len().max(right.len()) {
                let (left, right) = (
                    left.get(index).unwrap_or(&Value::Null),
                    right.get(index).unwrap_or(&Value::Null),
                );
                walk(&format!("{at}[{index}]"), left, right, found);
            }
        }
        _ => found.push(Difference {
            field: at.to_string(),
            recorded: recorded.clone(),
            replayed: replayed.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_changed_field_is_named_by_its_path() {
        let recorded = json!({"stage": "nurture", "score": 40, "reasons": ["a", "b"]});
        let replayed = json!({"stage": "sales-ready", "score": 40, "reasons": ["a"], "track": "x"});
        let found = differences("output", &recorded, &replayed);
        let fields: Vec<&str> = found.iter().map(|each| each.field.as_str()).collect();
        assert_eq!(
            fields,
            ["output.reasons[1]", "output.stage", "output.track"]
        );
        assert_eq!(found[0].recorded, json!("b"));
        assert_eq!(found[0].replayed, Value::Null);
        assert!(differences("output", &recorded, &recorded).is_empty());
    }

    #[test]
    fn a_long_list_of_changes_is_cut_at_the_limit() {
        let recorded = json!((0..100).collect::<Vec<_>>());
        let replayed = json!((1..101).collect::<Vec<_>>());
        assert_eq!(
            differences("output", &recorded, &replayed).len(),
            DIFFERENCES_LISTED
        );
    }
}
