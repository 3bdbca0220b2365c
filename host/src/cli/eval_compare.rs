//! `leadhost eval --compare`: where two answers to the same input differ,
//! field by field. An answer is the decision's own fields (provenance
//! such as the plug-in's hash, fuel and time is left out), or `{"error",
//! "code"}` when the call failed or the host would refuse the answer.

use serde::Serialize;
use serde_json::{Map, Value};

/// One field whose values differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct Difference {
    /// Where: `stage`, `reasons[2]`, `actions[0].touch.subject`; empty for
    /// the whole answer.
    pub(super) at: String,
    /// The value in `--plugin`'s answer; absent when it has none there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) a: Option<Value>,
    /// The value in `--compare`'s answer; absent when it has none there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) b: Option<Value>,
}

/// Every field where `a` and `b` differ, in order (object keys sorted,
/// list elements by index); numbers compare by value (`40` is `40.0`).
pub(super) fn differences(a: &Value, b: &Value) -> Vec<Difference> {
    let mut found = Vec::new();
    walk(Some(a), Some(b), String::new(), &mut found);
    found
}

fn walk(a: Option<&Value>, b: Option<&Value>, at: String, found: &mut Vec<Difference>) {
    match (a, b) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let path = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                walk(a.get(key), b.get(key), path, found);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for index in 0..a.len().max(b.len()) {
                walk(a.get(index), b.get(index), format!("{at}[{index}]"), found);
            }
        }
        (Some(Value::Number(x)), Some(Value::Number(y))) if x.as_f64() == y.as_f64() => {}
        (a, b) if a == b => {}
        (a, b) => found.push(Difference {
            at,
            a: a.cloned(),
            b: b.cloned(),
        }),
    }
}

/// An answer without its provenance, for comparing.
pub(super) fn decision_only(mut answer: Map<String, Value>) -> Value {
    for key in super::eval::PROVENANCE {
        answer.remove(*key);
    }
    Value::Object(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_name_each_field_and_element() {
        let a = json!({"stage": "nurture", "score": 40, "reasons": ["weak", "no budget"], "track": "education"});
        let b = json!({"stage": "sales-ready", "score": 40.0, "reasons": ["weak", "budget 60000", "fit"]});
        let found = differences(&a, &b);
        assert_eq!(
            found,
            [
                Difference {
                    at: "reasons[1]".into(),
                    a: Some(json!("no budget")),
                    b: Some(json!("budget 60000"))
                },
                Difference {
                    at: "reasons[2]".into(),
                    a: None,
                    b: Some(json!("fit"))
                },
                Difference {
                    at: "stage".into(),
                    a: Some(json!("nurture")),
                    b: Some(json!("sales-ready"))
                },
                Difference {
                    at: "track".into(),
                    a: Some(json!("education")),
                    b: None
                },
            ]
        );
        assert!(differences(&a, &a.clone()).is_empty());
        assert_eq!(
            serde_json::to_value(&found[1]).unwrap(),
            json!({"at": "reasons[2]", "b": "fit"})
        );
    }
}
