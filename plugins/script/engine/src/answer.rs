//! The map a script returns, read back into the slot's answer.
//!
//! Keys are the host's JSON keys. A missing required key, a value of the
//! wrong type and an unknown key (usually a misspelling) are each an error
//! naming the key, e.g. "qualify.rhai: `qualify` returned a map without `stage`".

use leadhost_sdk::types::{
    Assignment, CallTask, NurtureAction, NurtureStep, Qualification, Question, Queued,
    RouteDecision, Stage, Touch, TrackState,
};
use rhai::{Dynamic, Map};

use crate::error::ScriptError;
use crate::json;

/// Reads what the slot function `function` of `script` returned.
pub struct Reader<'a> {
    /// The script's name.
    pub script: &'a str,
    /// The slot's function.
    pub function: &'static str,
}

impl Reader<'_> {
    fn fail(&self, problem: impl Into<String>) -> ScriptError {
        ScriptError::Shape {
            script: self.script.to_string(),
            function: self.function,
            problem: problem.into(),
        }
    }

    /// The top-level map, or an error showing what a good answer looks like.
    fn top(&self, value: Dynamic, example: &str) -> Result<Object<'_>, ScriptError> {
        match value.try_cast_result::<Map>() {
            Ok(map) => Ok(Object {
                reader: self,
                path: String::new(),
                map,
            }),
            Err(value) => Err(self.fail(format!("{}, not a map like {example}", describe(&value)))),
        }
    }

    /// A `qualify` answer: `stage`, `score`, and optional `segment`, `track`, `reasons`.
    pub fn qualification(&self, value: Dynamic) -> Result<Qualification, ScriptError> {
        let mut answer = self.top(value, r#"#{ stage: "nurture", score: 40 }"#)?;
        let stage = match answer.text("stage")?.as_str() {
            "sales-ready" => Stage::SalesReady,
            "nurture" => Stage::Nurture,
            "discard" => Stage::Discard,
            other => {
                return Err(self.fail(format!(
                    "`stage` = \"{other}\": expected \"sales-ready\", \"nurture\" or \"discard\""
                )));
            }
        };
        let qualification = Qualification {
            stage,
            score: answer.score("score")?,
            segment: answer.optional_text("segment")?,
            track: answer.optional_text("track")?,
            reasons: answer.texts("reasons")?,
        };
        answer.finish(&["stage", "score", "segment", "track", "reasons"])?;
        Ok(qualification)
    }

    /// A `next_step` answer: `actions`, and optional `state` (else `unchanged`) and `wake_at`.
    pub fn nurture_step(
        &self,
        value: Dynamic,
        unchanged: &TrackState,
    ) -> Result<NurtureStep, ScriptError> {
        let mut answer = self.top(
            value,
            r#"#{ actions: [#{ action: "wait" }], wake_at: input.now + days(7) }"#,
        )?;
        let actions = answer
            .list("actions")?
            .into_iter()
            .enumerate()
            .map(|(index, action)| self.action(index, action))
            .collect::<Result<_, _>>()?;
        let state = match answer.optional("state") {
            None => unchanged.clone(),
            Some(state) => {
                let mut state = answer.nested("state", state)?;
                let track = state.text("track")?;
                let step = state.whole("step", u32::MAX.into())? as u32;
                let data = match state.optional("data") {
                    None => String::new(),
                    Some(data) if data.is_map() || data.is_array() => {
                        json::write(&data, "state.data").map_err(|problem| self.fail(problem))?
                    }
                    Some(data) => match data.into_string() {
                        Ok(text) => text,
                        Err(_) => {
                            return Err(self
                                .fail("`state.data` that is neither a map nor text".to_string()));
                        }
                    },
                };
                state.finish(&["track", "step", "data"])?;
                TrackState { track, step, data }
            }
        };
        let wake_at = match answer.optional("wake_at") {
            None => None,
            Some(value) => Some(value.as_int().map_err(|_| {
                answer.wrong(
                    "wake_at",
                    &value,
                    "a time in milliseconds (e.g. `input.now + days(7)`) or ()",
                )
            })?),
        };
        answer.finish(&["actions", "state", "wake_at"])?;
        Ok(NurtureStep {
            actions,
            state,
            wake_at,
        })
    }

    fn action(&self, index: usize, value: Dynamic) -> Result<NurtureAction, ScriptError> {
        let mut action = Object {
            reader: self,
            path: format!("actions[{index}]"),
            map: value.try_cast_result::<Map>().map_err(|value| {
                self.fail(format!(
                    "`actions[{index}]` = {}: expected a map like #{{ action: \"send-touch\", channel: \"email\", content: \"guide\" }}",
                    describe(&value)
                ))
            })?,
        };
        let (decoded, keys): (NurtureAction, &[&str]) = match action.text("action")?.as_str() {
            "send-touch" => {
                let question = match action.optional("question") {
                    None => None,
                    Some(question) => {
                        let mut question = action.nested("question", question)?;
                        let decoded = Question {
                            id: question.text("id")?,
                            text: question.text("text")?,
                        };
                        question.finish(&["id", "text"])?;
                        Some(decoded)
                    }
                };
                let touch = Touch {
                    channel: action.text("channel")?,
                    content: action.text("content")?,
                    question,
                };
                (
                    NurtureAction::SendTouch(touch),
                    &["action", "channel", "content", "question"],
                )
            }
            "create-call-task" => (
                NurtureAction::CreateCallTask(CallTask {
                    assignee: action.optional_text("assignee")?,
                    reason: action.text("reason")?,
                }),
                &["action", "assignee", "reason"],
            ),
            "wait" => (NurtureAction::Wait, &["action"]),
            "move-to-track" => (
                NurtureAction::MoveToTrack(action.text("track")?),
                &["action", "track"],
            ),
            "hand-to-sales" => (
                NurtureAction::HandToSales(action.text("reason")?),
                &["action", "reason"],
            ),
            "discard" => (
                NurtureAction::Discard(action.text("reason")?),
                &["action", "reason"],
            ),
            "finish" => (
                NurtureAction::Finish(action.text("reason")?),
                &["action", "reason"],
            ),
            other => {
                return Err(self.fail(format!(
                    "`actions[{index}].action` = \"{other}\": expected one of send-touch, \
                     create-call-task, wait, move-to-track, hand-to-sales, discard, finish"
                )));
            }
        };
        action.finish(keys)?;
        Ok(decoded)
    }

    /// A `route` answer: `decision` with `rep` and `reasons`, `queue` and
    /// `reason`, or `reason`.
    pub fn route_decision(&self, value: Dynamic) -> Result<RouteDecision, ScriptError> {
        let mut answer = self.top(
            value,
            r#"#{ decision: "assign", rep: "ana", reasons: ["..."] }"#,
        )?;
        let (decision, keys): (RouteDecision, &[&str]) = match answer.text("decision")?.as_str() {
            "assign" => (
                RouteDecision::Assign(Assignment {
                    rep: answer.text("rep")?,
                    reasons: answer.texts("reasons")?,
                }),
                &["decision", "rep", "reasons"],
            ),
            "queue" => (
                RouteDecision::Queue(Queued {
                    name: answer.text("queue")?,
                    reason: answer.text("reason")?,
                }),
                &["decision", "queue", "reason"],
            ),
            "return-to-marketing" => (
                RouteDecision::ReturnToMarketing(answer.text("reason")?),
                &["decision", "reason"],
            ),
            other => {
                return Err(self.fail(format!(
                    "`decision` = \"{other}\": expected \"assign\", \"queue\" or \"return-to-marketing\""
                )));
            }
        };
        answer.finish(keys)?;
        Ok(decision)
    }
}

/// A map being read, with the path of its keys for messages.
struct Object<'r> {
    reader: &'r Reader<'r>,
    /// Where the map is in the answer: "" at the top, else `actions[1]`.
    path: String,
    map: Map,
}

impl<'r> Object<'r> {
    fn key(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn whose(&self) -> String {
        if self.path.is_empty() {
            "a map".to_string()
        } else {
            format!("`{}`", self.path)
        }
    }

    /// The value of `key`, taken out; `()` counts as absent.
    fn optional(&mut self, key: &str) -> Option<Dynamic> {
        self.map.remove(key).filter(|value| !value.is_unit())
    }

    fn required(&mut self, key: &str) -> Result<Dynamic, ScriptError> {
        self.optional(key).ok_or_else(|| {
            self.reader
                .fail(format!("{} without `{key}`", self.whose()))
        })
    }

    fn wrong(&self, key: &str, value: &Dynamic, expected: &str) -> ScriptError {
        self.reader.fail(format!(
            "`{}` = {}: expected {expected}",
            self.key(key),
            describe(value)
        ))
    }

    fn text(&mut self, key: &str) -> Result<String, ScriptError> {
        let value = self.required(key)?;
        value
            .clone()
            .into_string()
            .map_err(|_| self.wrong(key, &value, "text"))
    }

    fn optional_text(&mut self, key: &str) -> Result<Option<String>, ScriptError> {
        match self.optional(key) {
            None => Ok(None),
            Some(value) => value
                .clone()
                .into_string()
                .map(Some)
                .map_err(|_| self.wrong(key, &value, "text or ()")),
        }
    }

    /// A list of texts; a single text counts as a list of one, absent as empty.
    /// Numbers and yes/no in the list are written as text.
    fn texts(&mut self, key: &str) -> Result<Vec<String>, ScriptError> {
        let Some(value) = self.optional(key) else {
            return Ok(Vec::new());
        };
        if value.is_string() {
            return Ok(vec![value.into_string().expect("a string")]);
        }
        let items = value
            .clone()
            .try_cast_result::<rhai::Array>()
            .map_err(|_| self.wrong(key, &value, "a list of texts"))?;
        items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                if item.is_string() || item.is_int() || item.is_float() || item.is_bool() {
                    Ok(item.to_string())
                } else {
                    Err(self.wrong(&format!("{key}[{index}]"), &item, "text"))
                }
            })
            .collect()
    }

    fn list(&mut self, key: &str) -> Result<rhai::Array, ScriptError> {
        let value = self.required(key)?;
        value
            .clone()
            .try_cast_result::<rhai::Array>()
            .map_err(|_| self.wrong(key, &value, "a list"))
    }

    fn nested(&self, key: &str, value: Dynamic) -> Result<Object<'r>, ScriptError> {
        match value.clone().try_cast_result::<Map>() {
            Ok(map) => Ok(Object {
                reader: self.reader,
                path: self.key(key),
                map,
            }),
            Err(_) => Err(self.wrong(key, &value, "a map")),
        }
    }

    /// The score: a number in the range of a 32-bit integer; decimals are rounded.
    fn score(&mut self, key: &str) -> Result<i32, ScriptError> {
        let value = self.required(key)?;
        let number = match (value.as_int(), value.as_float()) {
            (Ok(number), _) => number as f64,
            (_, Ok(number)) => number.round(),
            _ => return Err(self.wrong(key, &value, "a number")),
        };
        if number.is_finite() && number >= i32::MIN.into() && number <= i32::MAX.into() {
            Ok(number as i32)
        } else {
            Err(self.wrong(key, &value, "a number within ±2147483647"))
        }
    }

    /// A whole number from 0 to `max`.
    fn whole(&mut self, key: &str, max: i64) -> Result<i64, ScriptError> {
        let value = self.required(key)?;
        match value.as_int() {
            Ok(number) if (0..=max).contains(&number) => Ok(number),
            _ => Err(self.wrong(key, &value, &format!("a whole number from 0 to {max}"))),
        }
    }

    /// Errors on any key left over: not one this answer has.
    fn finish(self, known: &[&str]) -> Result<(), ScriptError> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(extra) => {
                let place = if self.path.is_empty() {
                    String::new()
                } else {
                    format!(" in `{}`", self.path)
                };
                Err(self.reader.fail(format!(
                    "an unknown key `{extra}`{place} (known keys: {})",
                    known.join(", ")
                )))
            }
        }
    }
}

/// A value as an admin would name it: `"high" (text)`, `42 (number)`, `a list`.
pub fn describe(value: &Dynamic) -> String {
    if value.is_unit() {
        "()".to_string()
    } else if value.is_string() {
        let text = value.to_string();
        let short: String = text.chars().take(40).collect();
        let ellipsis = if short.len() < text.len() { "…" } else { "" };
        format!("\"{short}{ellipsis}\" (text)")
    } else if value.is_int() || value.is_float() {
        format!("{value} (a number)")
    } else if value.is_bool() {
        format!("{value} (yes/no)")
    } else if value.is_array() {
        "a list".to_string()
    } else if value.is_map() {
        "a map".to_string()
    } else {
        format!("a {}", value.type_name())
    }
}

#[cfg(test)]
mod tests;
