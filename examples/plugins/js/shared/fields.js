// Typed look-ups in config and custom fields: the SDK's helpers (sdk/js, the
// package `leadhost-sdk`), which read fields as the Rust SDK's `Fields` does
// and are held to its answers by the shared cases in
// sdk/tests/helper-cases.json. Re-exported here under the names these
// plug-ins import; build.sh's --module-root (the repository) lets the
// component reach them.

export { debugScalar, emailDomain, list, number, text, value } from '../../../../sdk/js/fields.js';
