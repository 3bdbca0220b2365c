//! The WIT versions this host loads plug-ins for, and which one a component
//! was built against. Each version is a module with its own `bindgen!` and
//! `VERSION` (`v0_1_0`, …); [`WitVersion`] is the one list of them, so the
//! linker, the granted imports, the dispatch of calls and
//! [`supported_wit_versions`] all come from it.
//!
//! A component names its version in the contract's interfaces it imports
//! or exports (`leadhost:plugin/types@0.1.0`, `leadhost:plugin/log@0.1.0`;
//! a world that exports an interface names it too). One that names none is
//! type-checked against each supported version, newest first.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use wasmtime::Engine;
use wasmtime::component::{Component, InstancePre, Linker};

use crate::plugin::Prepared;
use crate::sandbox::CallState;
use crate::{Cause, Slot, inspect, v0_1_0, v0_2_0};

/// The package every version of the contract belongs to.
const PACKAGE: &str = "leadhost:plugin";

/// A version of the WIT contract the host loads plug-ins for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WitVersion {
    /// `leadhost:plugin@0.1.0`, `wit/v0.1.0`.
    V0_1_0,
    /// `leadhost:plugin@0.2.0`, `wit/v0.2.0`: campaign context and the
    /// previous qualification in the inputs.
    V0_2_0,
    /// `leadhost:plugin@0.1.1`: test-only (`tests/wit/v0.1.1`), with the
    /// `test-wit-0-1-1` feature.
    #[cfg(feature = "test-wit-0-1-1")]
    V0_1_1,
}

impl WitVersion {
    /// Every supported version, newest first.
    pub const ALL: &[WitVersion] = &[
        WitVersion::V0_2_0,
        #[cfg(feature = "test-wit-0-1-1")]
        WitVersion::V0_1_1,
        WitVersion::V0_1_0,
    ];

    /// Whether its inputs carry the lead's campaign context and previous
    /// qualification (0.2.0 on): the engine fills them only for those.
    pub fn sees_campaigns(self) -> bool {
        matches!(self, WitVersion::V0_2_0)
    }

    /// The version number, e.g. `0.1.0`.
    pub fn number(self) -> &'static str {
        match self {
            WitVersion::V0_1_0 => v0_1_0::VERSION,
            WitVersion::V0_2_0 => v0_2_0::VERSION,
            #[cfg(feature = "test-wit-0-1-1")]
            WitVersion::V0_1_1 => crate::v0_1_1::VERSION,
        }
    }

    /// The supported version numbered `number`, if any.
    pub fn from_number(number: &str) -> Option<WitVersion> {
        Self::ALL
            .iter()
            .copied()
            .find(|version| version.number() == number)
    }

    /// The host interfaces of this version a plug-in may import.
    pub(crate) fn granted_imports(self) -> &'static [&'static str] {
        match self {
            WitVersion::V0_1_0 => &v0_1_0::GRANTED_IMPORTS,
            WitVersion::V0_2_0 => &v0_2_0::GRANTED_IMPORTS,
            #[cfg(feature = "test-wit-0-1-1")]
            WitVersion::V0_1_1 => &crate::v0_1_1::GRANTED_IMPORTS,
        }
    }

    /// Adds this version's host functions to `linker`.
    fn add_to_linker(self, linker: &mut Linker<CallState>) -> wasmtime::Result<()> {
        match self {
            WitVersion::V0_1_0 => v0_1_0::add_to_linker(linker),
            WitVersion::V0_2_0 => v0_2_0::add_to_linker(linker),
            #[cfg(feature = "test-wit-0-1-1")]
            WitVersion::V0_1_1 => crate::v0_1_1::add_to_linker(linker),
        }
    }

    /// Type-checks `pre`'s exports against `slot`'s world of this version.
    pub(crate) fn prepare(
        self,
        slot: Slot,
        pre: InstancePre<CallState>,
    ) -> wasmtime::Result<Prepared> {
        Ok(match self {
            WitVersion::V0_1_0 => Prepared::V0_1_0(v0_1_0::Prepared::new(slot, pre)?),
            WitVersion::V0_2_0 => Prepared::V0_2_0(v0_2_0::Prepared::new(slot, pre)?),
            #[cfg(feature = "test-wit-0-1-1")]
            WitVersion::V0_1_1 => Prepared::V0_1_1(crate::v0_1_1::Prepared::new(slot, pre)?),
        })
    }
}

impl std::fmt::Display for WitVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.number())
    }
}

/// The supported versions, newest first, comma-separated (e.g. `0.1.0`):
/// for messages and `leadhost plugin check`.
pub fn supported_wit_versions() -> &'static str {
    static LIST: OnceLock<String> = OnceLock::new();
    LIST.get_or_init(|| {
        WitVersion::ALL
            .iter()
            .map(|version| version.number())
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// Adds the host functions of every supported version to `linker`.
pub(crate) fn add_to_linker(linker: &mut Linker<CallState>) -> wasmtime::Result<()> {
    WitVersion::ALL
        .iter()
        .try_for_each(|version| version.add_to_linker(linker))
}

/// The version `component` names in the contract's interfaces it imports
/// and exports; `None` if it names none. A version the host does not
/// support, or more than one, is refused naming the interfaces.
pub(crate) fn named_by(
    component: &Component,
    engine: &Engine,
) -> Result<Option<WitVersion>, Cause> {
    let names: Vec<String> = inspect::imports(component, engine)
        .into_iter()
        .chain(inspect::exports(component, engine))
        .filter(|name| name.starts_with(&format!("{PACKAGE}/")))
        .collect();
    let numbers: BTreeSet<&str> = names
        .iter()
        .map(|name| name.rsplit_once('@').map_or("(none)", |(_, number)| number))
        .collect();
    let unsupported = || Cause::UnsupportedVersion {
        uses: names.join(", "),
        supported: supported_wit_versions(),
    };
    match numbers.into_iter().collect::<Vec<_>>()[..] {
        [] => Ok(None),
        [number] => WitVersion::from_number(number)
            .map(Some)
            .ok_or_else(unsupported),
        _ => Err(unsupported()),
    }
}

/// `pre` prepared for `slot` with `version`, or, when the component names
/// no version, with the newest supported one its exports type-check
/// against. Refused with each version's type-check message.
pub(crate) fn prepare(
    version: Option<WitVersion>,
    slot: Slot,
    pre: InstancePre<CallState>,
) -> Result<(WitVersion, Prepared), Cause> {
    let candidates = version.map_or_else(|| WitVersion::ALL.to_vec(), |version| vec![version]);
    let mut details = Vec::new();
    for &candidate in &candidates {
        match candidate.prepare(slot, pre.clone()) {
            Ok(prepared) => return Ok((candidate, prepared)),
            Err(error) => details.push(format!("{candidate}: {error:#}")),
        }
    }
    Err(Cause::ExportMismatch {
        export: slot.export(),
        tried: candidates
            .iter()
            .map(|version| version.number())
            .collect::<Vec<_>>()
            .join(", "),
        detail: details.join("; "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Runtime, RuntimeConfig};

    /// A component that imports each of `interfaces` as an empty instance.
    fn component_using(interfaces: &[&str]) -> Vec<u8> {
        use wasm_encoder::{
            Component, ComponentImportSection, ComponentTypeRef, ComponentTypeSection, InstanceType,
        };
        let mut types = ComponentTypeSection::new();
        types.instance(&InstanceType::new());
        let mut imports = ComponentImportSection::new();
        for interface in interfaces {
            imports.import(*interface, ComponentTypeRef::Instance(0));
        }
        let mut component = Component::new();
        component.section(&types).section(&imports);
        component.finish()
    }

    #[test]
    fn the_supported_list_is_the_versions_newest_first() {
        let numbers: Vec<&str> = WitVersion::ALL.iter().map(|v| v.number()).collect();
        assert_eq!(supported_wit_versions(), numbers.join(", "));
        assert_eq!(WitVersion::ALL.last(), Some(&WitVersion::V0_1_0));
        assert_eq!(WitVersion::from_number("0.1.0"), Some(WitVersion::V0_1_0));
        assert_eq!(WitVersion::from_number("9.9.9"), None);
    }

    #[test]
    fn a_component_built_against_an_unsupported_version_is_refused_naming_it() {
        let runtime = Runtime::new(RuntimeConfig::default()).expect("runtime");
        let bytes = component_using(&["leadhost:plugin/types@9.9.9"]);
        let error = runtime.load("future", &bytes, None).unwrap_err();
        assert_eq!(error.cause.code(), "unsupported-version");
        assert_eq!(
            error.cause.to_string(),
            format!(
                "is built against a WIT version this host does not load: it uses \
                 leadhost:plugin/types@9.9.9; supported: leadhost:plugin {}",
                supported_wit_versions()
            )
        );
        let mixed = component_using(&["leadhost:plugin/types@0.1.0", "leadhost:plugin/log@9.9.9"]);
        let error = runtime.load("mixed", &mixed, None).unwrap_err();
        assert!(
            error
                .cause
                .to_string()
                .contains("it uses leadhost:plugin/types@0.1.0, leadhost:plugin/log@9.9.9;"),
            "{error}"
        );
    }

    #[test]
    fn a_supported_version_is_read_from_the_interface_names() {
        let runtime = Runtime::new(RuntimeConfig::default()).expect("runtime");
        let engine = runtime.engine();
        let named = |interfaces: &[&str]| {
            let component = Component::new(engine, component_using(interfaces)).expect("valid");
            named_by(&component, engine)
        };
        assert_eq!(
            named(&["leadhost:plugin/types@0.1.0"]).ok(),
            Some(Some(WitVersion::V0_1_0))
        );
        assert_eq!(named(&["wasi:cli/stdout@0.2.0"]).ok(), Some(None));
    }
}
