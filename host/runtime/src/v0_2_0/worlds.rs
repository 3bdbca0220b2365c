//! 0.2.0's four worlds as one: 0.1.0's three, through their shared typed
//! calls (`calls.rs`), and `duplicate-rule`, new in this version.

use wasmtime::Store;
use wasmtime::component::InstancePre;

use super::calls;
use super::generated::duplicate_rule::{DuplicateRule, DuplicateRulePre};
use crate::Slot;
use crate::answer::Answer;
use crate::sandbox::CallState;
use leadhost_model as model;

/// A component pre-linked for one world of this version.
#[derive(Clone)]
pub enum Prepared {
    /// A world 0.1.0 has too.
    Shared(calls::Prepared),
    /// A duplicate rule.
    DuplicateRule(DuplicateRulePre<CallState>),
}

impl Prepared {
    /// Type-checks `pre`'s exports against `slot`'s world of this version.
    pub fn new(slot: Slot, pre: InstancePre<CallState>) -> wasmtime::Result<Self> {
        Ok(match slot {
            Slot::DuplicateRule => Prepared::DuplicateRule(DuplicateRulePre::new(pre)?),
            _ => Prepared::Shared(calls::Prepared::new(slot, pre)?),
        })
    }

    /// The compiled component.
    pub fn component(&self) -> &wasmtime::component::Component {
        match self {
            Prepared::Shared(prepared) => prepared.component(),
            Prepared::DuplicateRule(pre) => pre.instance_pre().component(),
        }
    }

    /// A new instance in `store`.
    pub fn instantiate(&self, store: &mut Store<CallState>) -> wasmtime::Result<Instance> {
        Ok(match self {
            Prepared::Shared(prepared) => Instance::Shared(prepared.instantiate(store)?),
            Prepared::DuplicateRule(pre) => Instance::DuplicateRule(pre.instantiate(store)?),
        })
    }
}

/// A live instance of one world of this version.
pub enum Instance {
    /// Of a world 0.1.0 has too.
    Shared(calls::Instance),
    /// A duplicate rule.
    DuplicateRule(DuplicateRule),
}

impl Instance {
    /// Calls `qualify` (see [`calls::Instance::qualify`]).
    pub fn qualify(
        &self,
        store: &mut Store<CallState>,
        input: &model::QualifyInput,
        fixed: &model::Config,
    ) -> wasmtime::Result<Answer<model::Qualification>> {
        match self {
            Instance::Shared(instance) => instance.qualify(store, input, fixed),
            Instance::DuplicateRule(_) => Ok(Answer::WrongSlot),
        }
    }

    /// Calls `next-step`.
    pub fn next_step(
        &self,
        store: &mut Store<CallState>,
        input: &model::NurtureInput,
        fixed: &model::Config,
    ) -> wasmtime::Result<Answer<model::NurtureStep>> {
        match self {
            Instance::Shared(instance) => instance.next_step(store, input, fixed),
            Instance::DuplicateRule(_) => Ok(Answer::WrongSlot),
        }
    }

    /// Calls `route`.
    pub fn route(
        &self,
        store: &mut Store<CallState>,
        input: &model::RouteInput,
        fixed: &model::Config,
    ) -> wasmtime::Result<Answer<model::RouteDecision>> {
        match self {
            Instance::Shared(instance) => instance.route(store, input, fixed),
            Instance::DuplicateRule(_) => Ok(Answer::WrongSlot),
        }
    }

    /// Calls `match-lead`, with the plug-in's `fixed` config laid over the
    /// input's.
    pub fn matches(
        &self,
        store: &mut Store<CallState>,
        input: &model::MatchInput,
        fixed: &model::Config,
    ) -> wasmtime::Result<Answer<model::Duplicates>> {
        let Instance::DuplicateRule(bindings) = self else {
            return Ok(Answer::WrongSlot);
        };
        let answer =
            bindings.call_match_lead(store, &super::matching::match_input(input, fixed))?;
        Ok(Answer::from_guest(answer, super::matching::duplicates))
    }
}
