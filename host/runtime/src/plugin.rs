//! A loaded plug-in version and its calls: a fresh instance per call from a
//! pre-linked template, inside the call's own limits (the script host may
//! keep instances between calls, giving the answers a fresh one would:
//! `idle`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::{Store, Trap};

use super::answer::{Answer, AnswerSize};
use super::sandbox::{CallContext, CallState};
use super::{
    CacheSource, Cause, ContentHash, PluginError, PluginId, Runtime, Slot, WitVersion, v0_1_0,
};
use leadhost_model::{self as model, PluginInput};

mod idle;
mod reusable;
mod reuse;
mod slot_input;

pub use idle::{
    CALLS_PER_INSTANCE, FUEL_MARGIN, IDLE_EVICTABLE_AFTER, IDLE_PER_ORG, IdleBudget,
    KEPT_MEMORY_MAX, idle_total,
};

pub use reusable::ReusableInstance;
pub use slot_input::{InstanceRef, SlotInput};

/// A plug-in version ready to call. Cheap to clone; calls may run
/// concurrently from any thread, each in its own `Store`.
#[derive(Clone)]
pub struct Plugin {
    /// Shared, immutable parts.
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("id", &self.inner.id.to_string())
            .field("slot", &self.inner.slot)
            .field("wit_version", &self.wit_version())
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
struct Inner {
    /// `name@hash`.
    id: PluginId,
    /// The slot it fills.
    slot: Slot,
    /// The pre-linked component, by WIT version.
    prepared: Prepared,
    /// Where its compiled code came from when it was loaded.
    source: CacheSource,
    /// The runtime it was loaded into (engine and limits).
    runtime: Runtime,
    /// Config entries every call sees over its caller's (empty unless set
    /// by [`Plugin::with_fixed_config`]).
    fixed_config: model::Config,
    /// The content hash the compiled component is cached under (the
    /// component's own, whatever [`Plugin::with_identity`] says).
    compiled_hash: ContentHash,
    /// Instances kept between calls (see [`Plugin::with_instance_reuse`]);
    /// `None`: a fresh instance per call.
    idle: Option<Arc<idle::IdleInstances>>,
}

/// A pre-linked component, by the WIT version it was built against.
#[derive(Clone)]
pub(super) enum Prepared {
    /// `leadhost:plugin@0.1.0`.
    V0_1_0(v0_1_0::Prepared),
    /// Built against `leadhost:plugin@0.2.0`.
    V0_2_0(super::v0_2_0::Prepared),
    /// `leadhost:plugin@0.1.1` (test-only).
    #[cfg(feature = "test-wit-0-1-1")]
    V0_1_1(super::v0_1_1::Prepared),
}

/// A live instance, by WIT version.
enum Instance {
    /// `leadhost:plugin@0.1.0`.
    V0_1_0(v0_1_0::Instance),
    /// Of a component built against `leadhost:plugin@0.2.0`.
    V0_2_0(super::v0_2_0::Instance),
    /// `leadhost:plugin@0.1.1` (test-only).
    #[cfg(feature = "test-wit-0-1-1")]
    V0_1_1(super::v0_1_1::Instance),
}

impl Prepared {
    fn instantiate(&self, store: &mut Store<CallState>) -> wasmtime::Result<Instance> {
        match self {
            Prepared::V0_1_0(prepared) => prepared.instantiate(store).map(Instance::V0_1_0),
            Prepared::V0_2_0(prepared) => prepared.instantiate(store).map(Instance::V0_2_0),
            #[cfg(feature = "test-wit-0-1-1")]
            Prepared::V0_1_1(prepared) => prepared.instantiate(store).map(Instance::V0_1_1),
        }
    }

    fn version(&self) -> WitVersion {
        match self {
            Prepared::V0_1_0(_) => WitVersion::V0_1_0,
            Prepared::V0_2_0(_) => WitVersion::V0_2_0,
            #[cfg(feature = "test-wit-0-1-1")]
            Prepared::V0_1_1(_) => WitVersion::V0_1_1,
        }
    }

    fn component(&self) -> &wasmtime::component::Component {
        match self {
            Prepared::V0_1_0(prepared) => prepared.component(),
            Prepared::V0_2_0(prepared) => prepared.component(),
            #[cfg(feature = "test-wit-0-1-1")]
            Prepared::V0_1_1(prepared) => prepared.component(),
        }
    }
}

/// A decision and what it cost.
#[derive(Debug, Clone)]
pub struct Called<T> {
    /// The plug-in's answer, checked against the contract.
    pub value: T,
    /// Wall-clock time of the call, instantiation included.
    pub duration: Duration,
    /// Fuel (roughly, Wasm instructions) the call used.
    pub fuel_used: u64,
}

impl Plugin {
    pub(super) fn new(
        id: PluginId,
        slot: Slot,
        prepared: Prepared,
        source: CacheSource,
        runtime: Runtime,
    ) -> Self {
        let compiled_hash = id.hash;
        Plugin {
            inner: Arc::new(Inner {
                id,
                slot,
                prepared,
                source,
                runtime,
                fixed_config: model::Config::new(),
                compiled_hash,
                idle: None,
            }),
        }
    }

    /// The same compiled component, known by `id` in decisions, errors
    /// and logs. For a component that interprets what its config carries
    /// (the script host runs an admin's script): the version that decides
    /// is then the carried text, not the interpreter. The compiled code is
    /// still cached under the component's own hash.
    pub fn with_identity(&self, id: PluginId) -> Plugin {
        self.derive(|inner| inner.id = id)
    }

    /// The same plug-in, whose every call sees `fixed` laid over the config
    /// its caller passes (an entry of the same name is replaced). The
    /// entries are merged while the input is converted for the guest, so a
    /// call copies nothing for them beyond what the guest receives.
    pub fn with_fixed_config(&self, fixed: model::Config) -> Plugin {
        self.derive(|inner| inner.fixed_config = fixed)
    }

    /// The config entries every call sees over its caller's.
    pub fn fixed_config(&self) -> &model::Config {
        &self.inner.fixed_config
    }

    fn derive(&self, change: impl FnOnce(&mut Inner)) -> Plugin {
        let mut inner = Inner::clone(&self.inner);
        change(&mut inner);
        Plugin {
            inner: Arc::new(inner),
        }
    }

    /// `name@hash`.
    pub fn id(&self) -> &PluginId {
        &self.inner.id
    }

    /// The slot it fills.
    pub fn slot(&self) -> Slot {
        self.inner.slot
    }

    /// The WIT version it was built against (e.g. `0.1.0`).
    pub fn wit_version(&self) -> &'static str {
        self.inner.prepared.version().number()
    }

    /// The WIT version it was built against.
    pub fn wit(&self) -> WitVersion {
        self.inner.prepared.version()
    }

    /// Where its compiled code came from when it was loaded.
    pub fn cache_source(&self) -> CacheSource {
        self.inner.source
    }

    /// The compiled component and the hash it is cached under (the
    /// component's own, whatever its identity).
    pub(super) fn compiled(&self) -> (ContentHash, &wasmtime::component::Component) {
        let component = self.inner.prepared.component();
        (self.inner.compiled_hash, component)
    }

    /// Qualifies a lead (lead-definition plug-ins).
    pub fn qualify(
        &self,
        context: &CallContext,
        input: &model::QualifyInput,
    ) -> Result<Called<model::Qualification>, PluginError> {
        self.call(context, input)
    }

    /// Decides a lead's next nurture step (nurture-track plug-ins).
    pub fn next_step(
        &self,
        context: &CallContext,
        input: &model::NurtureInput,
    ) -> Result<Called<model::NurtureStep>, PluginError> {
        self.call(context, input)
    }

    /// Routes a sales-ready lead (routing-policy plug-ins).
    pub fn route(
        &self,
        context: &CallContext,
        input: &model::RouteInput,
    ) -> Result<Called<model::RouteDecision>, PluginError> {
        self.call(context, input)
    }

    /// Calls the plug-in on a fresh instance: nothing is shared with any
    /// other call (or, for a plug-in [`Plugin::with_instance_reuse`], on an
    /// instance that answers as a fresh one would).
    pub fn call<I: SlotInput>(
        &self,
        context: &CallContext,
        input: &I,
    ) -> Result<Called<I::Output>, PluginError> {
        self.check_slot::<I>()?;
        if let Some(idle) = &self.inner.idle {
            return self.call_reusing(idle, context, input);
        }
        let started = Instant::now();
        let mut store = self.new_store(context, input);
        let result = match self.inner.prepared.instantiate(&mut store) {
            Ok(instance) => self.invoke(
                &instance,
                &mut store,
                input,
                started,
                self.inner.runtime.limits().fuel,
            ),
            Err(error) => Err(self.classify(error, &store)),
        };
        store.data().flush_stdio();
        result
    }

    fn check_slot<I: SlotInput>(&self) -> Result<(), PluginError> {
        if self.inner.slot == I::SLOT {
            Ok(())
        } else {
            Err(self.error(Cause::WrongWorld {
                expected: I::SLOT,
                found: self.inner.slot,
            }))
        }
    }

    fn new_store(&self, context: &CallContext, input: &impl PluginInput) -> Store<CallState> {
        let runtime = &self.inner.runtime;
        let limits = runtime.limits();
        let state = CallState::new(
            &self.inner.id,
            context,
            input.lead_id(),
            input.now(),
            limits,
        );
        let mut store = Store::new(runtime.engine(), state);
        store.limiter(|state| &mut state.limiter);
        // What the guest may move to the host in one transfer (an answer
        // being lifted, a host call's arguments) is checked before the
        // copy: twice the output limit leaves room for the lists' own
        // bookkeeping, and the exact answer size is checked after.
        store.set_hostcall_fuel(limits.output_bytes.saturating_mul(2));
        super::wasi::charge(&mut store);
        arm(&mut store, limits);
        store
    }

    fn invoke<I: SlotInput>(
        &self,
        instance: &Instance,
        store: &mut Store<CallState>,
        input: &I,
        started: Instant,
        armed: u64,
    ) -> Result<Called<I::Output>, PluginError> {
        let limits = self.inner.runtime.limits();
        let answer = I::call(
            &InstanceRef(instance),
            store,
            input,
            &self.inner.fixed_config,
        )
        .map_err(|error| self.classify(error, store))?;
        let fuel_used = armed.saturating_sub(store.get_fuel().unwrap_or(0));
        let value = match answer {
            Answer::Decided(value) => value,
            Answer::Refused(reason) if reason.len() > limits.output_bytes => {
                return Err(self.error(Cause::OutputTooLarge {
                    size: Some(reason.len()),
                    limit: limits.output_bytes,
                }));
            }
            Answer::Refused(reason) => return Err(self.error(Cause::Refused(reason))),
            Answer::Invalid(problem) => return Err(self.error(Cause::InvalidAnswer(problem))),
            Answer::WrongSlot => {
                return Err(self.error(Cause::WrongWorld {
                    expected: I::SLOT,
                    found: self.inner.slot,
                }));
            }
        };
        let size = value.answer_size();
        if size > limits.output_bytes {
            return Err(self.error(Cause::OutputTooLarge {
                size: Some(size),
                limit: limits.output_bytes,
            }));
        }
        Ok(Called {
            value,
            duration: started.elapsed(),
            fuel_used,
        })
    }

    fn error(&self, cause: Cause) -> PluginError {
        PluginError {
            plugin: self.inner.id.clone(),
            cause,
        }
    }

    /// Names what stopped a call: a limit, an exhausted pool or a trap.
    fn classify(&self, error: wasmtime::Error, store: &Store<CallState>) -> PluginError {
        let limits = self.inner.runtime.limits();
        let state = store.data();
        let cause = match error.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => Cause::OutOfFuel(limits.fuel),
            Some(Trap::Interrupt) => Cause::Deadline(limits.deadline),
            _ if error
                .downcast_ref::<wasmtime::PoolConcurrencyLimitError>()
                .is_some() =>
            {
                Cause::Busy(error.to_string())
            }
            _ if transfer_refused(&error) => Cause::OutputTooLarge {
                size: None,
                limit: limits.output_bytes,
            },
            _ => match state.limiter.refused {
                Some(requested) => Cause::MemoryLimit {
                    requested,
                    limit: state.limiter.limit,
                    stderr: state.stderr(),
                },
                None => Cause::Trap {
                    message: error
                        .downcast_ref::<Trap>()
                        .map_or_else(|| format!("{error:#}"), Trap::to_string)
                        .into(),
                    stderr: state.stderr(),
                    log: state.logged_problems().into(),
                },
            },
        };
        self.error(cause)
    }
}

/// Whether wasmtime stopped a transfer from the guest at the store's
/// hostcall fuel (its error type is private, so it is known by its message;
/// the runtime tests pin it for the wasmtime version in use).
fn transfer_refused(error: &wasmtime::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .to_string()
            .contains("fuel allocated for hostcalls has been exhausted")
    })
}

/// Sets a call's fuel and deadline.
fn arm(store: &mut Store<CallState>, limits: &super::Limits) {
    arm_with(store, limits, limits.fuel);
}

/// Sets a call's deadline and `fuel` (at most the limit).
fn arm_with(store: &mut Store<CallState>, limits: &super::Limits, fuel: u64) {
    store
        .set_fuel(fuel.min(limits.fuel))
        .expect("the engine consumes fuel");
    store.set_epoch_deadline(limits.deadline_ticks());
    store.epoch_deadline_trap();
}
