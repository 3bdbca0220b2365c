//! Checks on a component before it may run: is it a component at all, what
//! does it import, and which slot do its exports fill.

use wasmtime::Engine;
use wasmtime::component::Component;

use super::{Cause, Slot, WitVersion};

/// Interfaces a plug-in may import. WASI is granted because language
/// runtimes import it, but its context denies everything (see `sandbox`);
/// sockets and HTTP are not granted at all.
const GRANTED_WASI: [&str; 5] = [
    "wasi:cli/",
    "wasi:io/",
    "wasi:clocks/",
    "wasi:random/",
    "wasi:filesystem/",
];

/// Refuses bytes that cannot be a component, with the most useful reason.
pub fn check_header(bytes: &[u8]) -> Result<(), Cause> {
    const MAGIC: &[u8] = b"\0asm";
    const CORE_VERSION: [u8; 4] = [1, 0, 0, 0];
    if bytes.is_empty() {
        return Err(Cause::Empty);
    }
    if !bytes.starts_with(MAGIC) {
        return Err(Cause::NotWasm);
    }
    if bytes.get(4..8) == Some(&CORE_VERSION[..]) {
        return Err(Cause::CoreModule);
    }
    Ok(())
}

/// Whether the host grants the import named `name`.
pub fn is_granted(name: &str) -> bool {
    WitVersion::ALL
        .iter()
        .any(|version| version.granted_imports().contains(&name))
        || GRANTED_WASI.iter().any(|prefix| name.starts_with(prefix))
}

/// Names of everything `component` imports.
pub fn imports(component: &Component, engine: &Engine) -> Vec<String> {
    component
        .component_type()
        .imports(engine)
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Names of everything `component` exports.
pub fn exports(component: &Component, engine: &Engine) -> Vec<String> {
    component
        .component_type()
        .exports(engine)
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Refuses the first import the host does not grant, by name.
pub fn check_imports(component: &Component, engine: &Engine) -> Result<(), Cause> {
    match imports(component, engine)
        .into_iter()
        .find(|name| !is_granted(name))
    {
        Some(name) => Err(Cause::ForbiddenImport(name)),
        None => Ok(()),
    }
}

/// The slot `component` fills, from the function it exports.
pub fn slot_of(component: &Component, engine: &Engine) -> Result<Slot, Cause> {
    let exports = exports(component, engine);
    exports
        .iter()
        .find_map(|name| Slot::exporting(name))
        .ok_or_else(|| {
            Cause::NoSlotExport(if exports.is_empty() {
                "nothing".into()
            } else {
                exports.join(", ")
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_tells_empty_garbage_and_core_modules_apart() {
        assert!(matches!(check_header(b""), Err(Cause::Empty)));
        assert!(matches!(
            check_header(b"PK\x03\x04zip"),
            Err(Cause::NotWasm)
        ));
        assert!(matches!(
            check_header(b"\0asm\x01\0\0\0"),
            Err(Cause::CoreModule)
        ));
        assert!(check_header(b"\0asm\x0d\0\x01\0").is_ok());
    }

    #[test]
    fn only_log_and_deny_all_wasi_are_granted() {
        assert!(is_granted("leadhost:plugin/log@0.1.0"));
        assert!(is_granted("wasi:cli/stderr@0.2.6"));
        assert!(is_granted("wasi:filesystem/preopens@0.2.0"));
        assert!(!is_granted("wasi:sockets/tcp@0.2.0"));
        assert!(!is_granted("wasi:http/outgoing-handler@0.2.0"));
        assert!(!is_granted("leadhost:plugin/log@9.9.9"));
    }
}
