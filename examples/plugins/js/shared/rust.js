// Rust's number formatting and parsing, str Debug, trim and string order:
// the SDK's (sdk/js/rust.js), so the plug-ins here print and parse exactly
// as the first-party Rust ones and as the SDK's helpers do.

export { compareStr, debugStr, f64, parseF64, trim } from '../../../../sdk/js/rust.js';
