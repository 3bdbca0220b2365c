// The org's config for the qualifier, read once per call with defaults.
// Keys, defaults and error texts are those of the Rust `bant-qualifier`
// (plugins/bant-qualifier/src/settings.rs), so the two are interchangeable
// in an org folder.

import { debugScalar, list, number, value } from '../shared/fields.js';
import { f64 } from '../shared/rust.js';

/**
 * Reads the settings from `config`; throws a refusal naming the key of an
 * unusable value. Keys are read in the Rust order, so with several bad
 * values both name the same one.
 */
export function readSettings(config) {
  const minBudget = nonNegative(config, 'min-budget', 10_000);
  const maxTimelineDays = nonNegative(config, 'max-timeline-days', 90);
  // Rust's `as i32` truncates and saturates.
  const salesReadyScore = Math.min(Math.trunc(nonNegative(config, 'sales-ready-score', 70)), 2 ** 31 - 1);
  const requiredCriteria = nonNegative(config, 'required-criteria', 3);
  if (requiredCriteria > 4 || !Number.isInteger(requiredCriteria)) {
    throw `config \`required-criteria\` = ${f64(requiredCriteria)}: expected a whole number from 0 to 4`;
  }
  return {
    minBudget,
    maxTimelineDays,
    salesReadyScore,
    requiredCriteria,
    competitorDomains: list(config, 'competitor-domains'),
    // Present but empty (or not text) turns the student rule off; absent means the defaults.
    discardDomainSuffixes: value(config, 'discard-domain-suffixes') === undefined
      ? ['.edu', '.ac.uk']
      : list(config, 'discard-domain-suffixes'),
    inactiveDays: nonNegative(config, 'inactive-days', 180),
    behaviourWindowDays: nonNegative(config, 'behaviour-window-days', 90),
  };
}

/**
 * The number named `key`, `fallback` if absent. Text that is not a number, a
 * flag, or a negative or non-finite value is refused, naming the key.
 */
function nonNegative(config, key, fallback) {
  const scalar = value(config, key);
  if (scalar === undefined) return fallback;
  const found = number(config, key);
  if (found === undefined) throw `config \`${key}\` = ${debugScalar(scalar)}: expected a number`;
  if (!Number.isFinite(found) || found < 0) {
    throw `config \`${key}\` = ${f64(found)}: expected a non-negative number`;
  }
  return found;
}
