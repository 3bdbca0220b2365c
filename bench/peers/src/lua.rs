//! The rule in Lua 5.4 (`lua/qualify.lua`) through mlua, Lua vendored.

use anyhow::{Result, anyhow};
use leadhost_model::{QualifyInput, Scalar};
use mlua::{Function, Lua, Table, Value};

use crate::input::{authority_name, kind_name, need_name};
use crate::verdict::{Verdict, stage};

/// A Lua state with `qualify` loaded.
pub struct LuaRule {
    /// The state (its function below lives in it).
    lua: Lua,
    /// The rule's `qualify`.
    qualify: Function,
}

impl LuaRule {
    /// Runs `source` (which defines the global `qualify`) in a new state.
    pub fn new(source: &str) -> Result<Self> {
        let lua = Lua::new();
        lua.load(source)
            .set_name("qualify.lua")
            .exec()
            .map_err(lua_error)?;
        let qualify = lua.globals().get("qualify").map_err(lua_error)?;
        Ok(LuaRule { lua, qualify })
    }

    /// `input` as the table the rule reads.
    pub fn table(&self, input: &QualifyInput) -> Result<Table> {
        self.build(input).map_err(lua_error)
    }

    fn build(&self, input: &QualifyInput) -> mlua::Result<Table> {
        let source = &input.lead;
        let lead = self.lua.create_table()?;
        lead.set("email", source.email.as_str())?;
        lead.set("domain", source.domain.as_deref())?;
        lead.set("budget", source.budget)?;
        lead.set("authority", source.authority.map(authority_name))?;
        lead.set("need", source.need.map(need_name))?;
        lead.set("timeline_days", source.timeline_days)?;
        lead.set("created_at", source.created_at.timestamp_millis())?;
        let activities = self
            .lua
            .create_table_with_capacity(input.activities.len(), 0)?;
        for (at, activity) in input.activities.iter().enumerate() {
            let item = self.lua.create_table_with_capacity(0, 2)?;
            item.set("kind", kind_name(activity.kind))?;
            item.set("at", activity.at.timestamp_millis())?;
            activities.raw_set(at + 1, item)?;
        }
        let config = self.lua.create_table()?;
        for (name, value) in &input.config {
            match value {
                Scalar::Number(number) => config.set(name.as_str(), *number)?,
                Scalar::Text(text) => config.set(name.as_str(), text.as_str())?,
                Scalar::Boolean(flag) => config.set(name.as_str(), *flag)?,
            }
        }
        let table = self.lua.create_table_with_capacity(0, 4)?;
        table.set("lead", lead)?;
        table.set("activities", activities)?;
        table.set("config", config)?;
        table.set("now", input.now.timestamp_millis())?;
        Ok(table)
    }

    /// Calls the rule with `table` and reads its answer.
    pub fn call(&self, table: &Table) -> Result<Verdict> {
        let answer = self.answer(table).map_err(lua_error)?;
        let stage_name = answer
            .stage
            .ok_or_else(|| anyhow!("the answer has no stage"))?;
        Ok(Verdict {
            stage: stage(&stage_name)?,
            score: answer.score,
            segment: answer.segment,
            track: answer.track,
            reasons: answer.reasons,
        })
    }

    /// Calls the rule and reads its answer table into Rust values.
    fn answer(&self, table: &Table) -> mlua::Result<Answer> {
        let answer: Table = self.qualify.call(table)?;
        let text = |key: &str| -> mlua::Result<Option<String>> {
            Ok(match answer.get::<Value>(key)? {
                Value::Nil => None,
                Value::String(text) => Some(String::from(&*text.to_str()?)),
                other => {
                    return Err(mlua::Error::runtime(format!(
                        "`{key}` is a {}",
                        other.type_name()
                    )));
                }
            })
        };
        let reasons: Table = answer.get("reasons")?;
        Ok(Answer {
            stage: text("stage")?,
            score: answer.get("score")?,
            segment: text("segment")?,
            track: text("track")?,
            reasons: reasons
                .sequence_values::<String>()
                .collect::<mlua::Result<_>>()?,
        })
    }

    /// Converts `input` and calls the rule (the per-call conversion row).
    pub fn convert_and_call(&self, input: &QualifyInput) -> Result<Verdict> {
        self.call(&self.table(input)?)
    }
}

/// The rule's answer as read from its table, the stage still a name.
struct Answer {
    stage: Option<String>,
    score: i32,
    segment: Option<String>,
    track: Option<String>,
    reasons: Vec<String>,
}

/// mlua's errors are neither `Send` nor `Sync` (no `send` feature): kept as text.
fn lua_error(error: mlua::Error) -> anyhow::Error {
    anyhow!("{error}")
}
