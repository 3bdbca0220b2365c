// leadhost's SDK helpers for JavaScript plug-ins: the Rust SDK's config and
// input helpers with the same names in camelCase and the same answers.
//
//   import { fields, time } from 'leadhost-sdk';
//   const minBudget = fields.numberOr(input.config, 'min-budget', 10000);  // "25000" counts
//   const domains = fields.list(input.config, 'competitor-domains');       // trimmed, lower-cased
//   const wakeAt = time.addDays(input.now, 1.5);
//
// A plug-in's build installs this folder as the package `leadhost-sdk`
// (node_modules/leadhost-sdk, git-ignored); nothing is copied into the
// plug-in's own source. sdk/tests/helper-cases.json holds this module, the
// Rust SDK and the Python one (sdk/python) to one answer.

export * as fields from './fields.js';
export * as time from './time.js';
export { FieldError } from './fields.js';
