// Typed look-ups in a list of WIT `field`s (a plug-in's config or a lead's
// custom fields), as the Rust SDK's `Fields` trait does them: the same
// names in camelCase (`number_or` is `numberOr`), the same rules, the same
// messages. sdk/tests/helper-cases.json holds all three languages to that.
//
// - `number`, `text`, `flag`, `list`: the value if present and of the right
//   kind, else `undefined` (an empty list); missing and wrong kind look alike.
// - `numberOr`, `textOr`, `flagOr`, `listOr`: the fallback when the key is
//   missing; a thrown `FieldError` naming the key when it is present but of
//   the wrong kind. What a plug-in usually wants for its config.
// - `tryNumber`, `tryText`, `tryFlag`, `tryList`: `undefined` when missing,
//   so a caller can fall back through several keys; a `FieldError` as above.
//
// Numbers and flags given as text (`"25000"`, `" true "`) count, since org
// config files and CSV imports often quote them: text is trimmed and read as
// Rust reads an f64 (`1e3`, `inf` and `NaN` included: check the range
// yourself) or a bool (`true`/`false` only). Lists are comma-separated text,
// each item trimmed and lower-cased, empty items dropped.
//
// A WIT `scalar` arrives as `{ tag: 'text' | 'number' | 'boolean', val }`.

import { debugF64, debugStr, parseF64, trim } from './rust.js';

/** What a look-up expected, worded as the Rust SDK's `Expected`. */
export const Expected = Object.freeze({
  number: 'a number',
  text: 'text',
  flag: 'a flag (true or false)',
  list: 'a comma-separated list',
});

/** A scalar as Rust's `Debug` shows it, e.g. `Scalar::Text("lots")`, `Scalar::Number(30.0)`. */
export function debugScalar({ tag, val }) {
  switch (tag) {
    case 'text': return `Scalar::Text(${debugStr(val)})`;
    case 'boolean': return `Scalar::Boolean(${val})`;
    default: return `Scalar::Number(${debugF64(val)})`;
  }
}

/**
 * A named value present but of the wrong kind, e.g. config `min-budget` given
 * as the text `"lots"`. A missing value is never an error: only a value the
 * org did set, wrongly, is worth refusing the call for, so the host records
 * why instead of the plug-in silently using its default. Thrown from an
 * export it is the call's refusal, worded as Rust's:
 * `` `min-budget` = Scalar::Text("lots"): expected a number ``.
 */
export class FieldError extends Error {
  constructor(key, expected, found, place = undefined) {
    const message = `\`${key}\` = ${debugScalar(found)}: expected ${expected}`;
    super(place === undefined ? message : `${place} ${message}`);
    this.name = 'FieldError';
    this.key = key;
    this.expected = expected;
    this.found = found;
    this.place = place;
  }

  /** The same error saying where the field was looked up (`config`). */
  within(place) {
    return new FieldError(this.key, this.expected, this.found, place);
  }
}

/** The scalar named `name` (the first, if repeated), or `undefined`. */
export const value = (fields, name) => fields.find((field) => field.name === name)?.value;

/** The number named `key`: `undefined` if missing; throws a FieldError for a flag or text that is no number. */
export function tryNumber(fields, key) {
  const found = value(fields, key);
  if (found === undefined) return undefined;
  if (found.tag === 'number') return found.val;
  const number = found.tag === 'text' ? parseF64(trim(found.val)) : undefined;
  if (number === undefined) throw new FieldError(key, Expected.number, found);
  return number;
}

/** The text named `key`, as given (not trimmed): `undefined` if missing; throws a FieldError for a number or flag. */
export function tryText(fields, key) {
  const found = value(fields, key);
  if (found === undefined) return undefined;
  if (found.tag !== 'text') throw new FieldError(key, Expected.text, found);
  return found.val;
}

/** The flag named `key`: `undefined` if missing; throws a FieldError unless a flag or the text `true`/`false` (trimmed). */
export function tryFlag(fields, key) {
  const found = value(fields, key);
  if (found === undefined) return undefined;
  if (found.tag === 'boolean') return found.val;
  const word = found.tag === 'text' ? trim(found.val) : undefined;
  if (word !== 'true' && word !== 'false') throw new FieldError(key, Expected.flag, found);
  return word === 'true';
}

/** The comma-separated list named `key`, trimmed, lower-cased, blanks dropped: `undefined` if missing; throws for a number or flag. */
export function tryList(fields, key) {
  const found = value(fields, key);
  if (found === undefined) return undefined;
  if (found.tag !== 'text') throw new FieldError(key, Expected.list, found);
  return found.val
    .split(',')
    .map((item) => trim(item).toLowerCase())
    .filter((item) => item !== '');
}

/** `lookUp(fields, name)`, with a FieldError read as "not there". */
function lenient(lookUp, fields, name) {
  try {
    return lookUp(fields, name);
  } catch (error) {
    if (error instanceof FieldError) return undefined;
    throw error;
  }
}

/** The number named `name`, if present and numeric (numeric text counts). */
export const number = (fields, name) => lenient(tryNumber, fields, name);
/** The text named `name`, if present and textual. */
export const text = (fields, name) => lenient(tryText, fields, name);
/** The flag named `name`, if present and a yes/no value. */
export const flag = (fields, name) => lenient(tryFlag, fields, name);
/** The comma-separated list named `name`, trimmed and lower-cased; empty if absent or not text. */
export const list = (fields, name) => lenient(tryList, fields, name) ?? [];

/** The number named `key`, `fallback` if missing; see `tryNumber`. */
export const numberOr = (fields, key, fallback) => tryNumber(fields, key) ?? fallback;
/** The text named `key`, `fallback` if missing; see `tryText`. */
export const textOr = (fields, key, fallback) => tryText(fields, key) ?? fallback;
/** The flag named `key`, `fallback` if missing; see `tryFlag`. */
export const flagOr = (fields, key, fallback) => tryFlag(fields, key) ?? fallback;
/** The list named `key`, `fallback` (as given) if missing; see `tryList`. */
export const listOr = (fields, key, fallback) => tryList(fields, key) ?? [...fallback];

/** The lead's custom field named `name`, or `undefined` (Rust: `lead.custom_field(name)`). */
export const customField = (lead, name) => value(lead.custom, name);

/** The part of the lead's e-mail address after the last `@`, lower-cased, not trimmed; `undefined` without an `@` (Rust: `lead.email_domain()`). */
export function emailDomain(lead) {
  const at = lead.email.lastIndexOf('@');
  return at < 0 ? undefined : lead.email.slice(at + 1).toLowerCase();
}
