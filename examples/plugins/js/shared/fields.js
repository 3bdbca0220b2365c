// Typed look-ups in a list of WIT `field`s (a plug-in's config or a lead's
// custom fields), with the same leniency as the Rust SDK's `Fields` trait:
// org config files and CSV imports often quote numbers and flags, so text
// that parses is accepted.
//
// A WIT `scalar` arrives as `{ tag: 'text' | 'number' | 'boolean', val }`.

import { debugStr, parseF64, trim } from './rust.js';

/** The scalar named `name`, or `undefined`. The first entry wins, as in the SDK. */
export const value = (fields, name) => fields.find((field) => field.name === name)?.value;

/** The number named `name`, if present and numeric (numeric text counts). */
export function number(fields, name) {
  const scalar = value(fields, name);
  switch (scalar?.tag) {
    case 'number': return scalar.val;
    case 'text': return parseF64(trim(scalar.val));
    default: return undefined;
  }
}

/** The text named `name`, if present and textual. */
export function text(fields, name) {
  const scalar = value(fields, name);
  return scalar?.tag === 'text' ? scalar.val : undefined;
}

/** The comma-separated list named `name`, trimmed and lower-cased; empty if absent or not text. */
export function list(fields, name) {
  return (text(fields, name) ?? '')
    .split(',')
    .map((item) => trim(item).toLowerCase())
    .filter((item) => item !== '');
}

/**
 * A scalar as the Rust plug-ins show it in errors (wit-bindgen's `Debug`),
 * e.g. `Scalar::Text("lots")`, so refusals read the same in either language.
 */
export function debugScalar({ tag, val }) {
  switch (tag) {
    case 'text': return `Scalar::Text(${debugStr(val)})`;
    case 'boolean': return `Scalar::Boolean(${val})`;
    // Unreached by the plug-ins here: a number always reads as a number.
    default: return `Scalar::Number(${val})`;
  }
}

/** The part of an e-mail address after the last `@`, lower-cased, or `undefined`. */
export function emailDomain(email) {
  const at = email.lastIndexOf('@');
  return at < 0 ? undefined : email.slice(at + 1).toLowerCase();
}
