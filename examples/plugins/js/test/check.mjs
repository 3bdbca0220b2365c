#!/usr/bin/env node
// Runs sample cases through the real host, one `leadhost eval` per case, as
// an org's plug-in would be called. With `--against`, also calls a
// reference plug-in (the first-party Rust one) on every case and demands the
// same answer, word for word, or the same refusal.
//
// Usage:
//   node test/check.mjs <qualify|route> --plugin X.wasm --cases FILE.json
//        [--against REF.wasm] [--config KEY=VALUE]... [--leadhost BIN] [--cache-dir DIR]
//
// A case is `{name, input, expect}` as in the host's `<stem>.cases.json`:
// `expect` must match as a subset (objects recursively, arrays and scalars
// exactly). This script also takes `expect_error` instead: the exact text of
// the plug-in's refusal (the host's cases format cannot say that).
// `--config` is passed on to `eval`, where it fills in for an input without
// config as an org's config would.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { evaluator, sameOutcome, spread } from './eval.mjs';

const { values: options, positionals: [slot] } = parseArgs({
  allowPositionals: true,
  options: {
    plugin: { type: 'string' },
    cases: { type: 'string' },
    against: { type: 'string' },
    config: { type: 'string', multiple: true, default: [] },
    leadhost: { type: 'string', default: process.env.LEADHOST },
    'cache-dir': { type: 'string' },
  },
});
if (!['qualify', 'route'].includes(slot) || !options.plugin || !options.cases) {
  console.error('usage: node test/check.mjs <qualify|route> --plugin X.wasm --cases FILE.json [--against REF.wasm] [--config K=V]...');
  process.exit(2);
}

/** The first place `actual` departs from the subset `expected`, or `undefined`. */
function difference(expected, actual, path = '') {
  const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isObject(expected)) {
    if (!isObject(actual)) return `${path || '/'}: expected an object, got ${JSON.stringify(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) return `${path}/${key}: missing`;
      const found = difference(value, actual[key], `${path}/${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return JSON.stringify(expected) === JSON.stringify(actual)
    ? undefined
    : `${path || '/'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

const host = evaluator({
  slot,
  leadhost: options.leadhost,
  cacheDir: options['cache-dir'],
  config: options.config,
});
const cases = JSON.parse(readFileSync(options.cases, 'utf8'));
const durations = [];
const fuel = [];
let passed = 0;
let failed = 0;
for (const { name, input, expect, expect_error: expectError } of cases) {
  const got = host.call(options.plugin, input);
  if (got.duration !== undefined) {
    durations.push(got.duration);
    fuel.push(got.fuel);
  }
  const problems = [];
  if (expectError !== undefined) {
    if (got.error !== expectError) {
      problems.push(`expected the refusal ${JSON.stringify(expectError)}, got ${JSON.stringify(got.error ?? got.answer)}`);
    }
  } else if (got.error !== undefined) {
    problems.push(`the call failed: ${got.error}`);
  } else {
    const found = difference(expect ?? {}, got.answer);
    if (found) problems.push(found);
  }
  if (options.against) {
    const reference = host.call(options.against, input);
    if (!sameOutcome(got, reference)) {
      problems.push(`differs from the reference:\n      this:      ${JSON.stringify(got.answer ?? got.error)}\n      reference: ${JSON.stringify(reference.answer ?? reference.error)}`);
    }
  }
  if (problems.length === 0) {
    passed += 1;
    console.log(`  ok    ${name}`);
  } else {
    failed += 1;
    console.log(`  FAIL  ${name}\n    ${problems.join('\n    ')}`);
  }
}
host.close();

if (durations.length > 0) {
  const time = spread(durations);
  console.log(`  per call (eval's duration_us, fresh instance): median ${time.median} µs, min ${time.min}, max ${time.max}; fuel median ${spread(fuel).median}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
