#!/usr/bin/env node
// Differential test: random inputs, each given to a JS plug-in and to the
// first-party Rust plug-in it ports, through the real host. Any difference
// in the answer (stage, score, segment, track, every reason word for word,
// the chosen rep) or in the refusal text is reported with its input.
//
// Usage:
//   node test/differential.mjs <qualify|route> --plugin X.wasm --against REF.wasm
//        [--count N] [--seed S] [--leadhost BIN] [--cache-dir DIR]
//
// Inputs are drawn from small pools on purpose (a few domains, times and
// ids), so edge cases such as ties, subdomains and thresholds come up often.

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { evaluator, sameOutcome } from './eval.mjs';

const { values: options, positionals: [slot] } = parseArgs({
  allowPositionals: true,
  options: {
    plugin: { type: 'string' },
    against: { type: 'string' },
    count: { type: 'string', default: '150' },
    seed: { type: 'string', default: '20261124' },
    leadhost: { type: 'string', default: process.env.LEADHOST },
    'cache-dir': { type: 'string' },
  },
});
if (!['qualify', 'route'].includes(slot) || !options.plugin || !options.against) {
  console.error('usage: node test/differential.mjs <qualify|route> --plugin X.wasm --against REF.wasm [--count N] [--seed S]');
  process.exit(2);
}

// mulberry32: a tiny seeded generator, so a failing run can be repeated.
let state = Number(options.seed) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const pick = (items) => items[Math.floor(random() * items.length)];
const maybe = (value, chance = 0.7) => (random() < chance ? value : undefined);
const times = (count, make) => Array.from({ length: count }, make);

const NOW = Date.parse('2026-11-24T12:00:00Z');
const DAY = 86_400_000;
const iso = (ms) => new Date(ms).toISOString();
const daysAgo = (days) => iso(NOW - days * DAY);

function lead() {
  return {
    id: 'lead-9000',
    // Ordinary addresses most of the time: discards end the rule early.
    email: random() < 0.6 ? 'dana@northwind.example' : pick(['jo@uni.edu', 'kim@Sales.Rival.Example', 'a@b@rival.example', 'no-at-sign', 'sam@cam.ac.uk']),
    domain: maybe(random() < 0.5 ? 'northwind.example' : pick(['Rival.Example', 'eu.rival.example', 'notrival.example', 'x.ac.uk', 'school.EDU', ' padded.example ', '']), 0.5),
    country: maybe(pick(['DE', 'de', 'US', 'FR', 'AT', ''])),
    budget: maybe(pick([0, 5000, 9999.99, 10_000, 20_000, 25_000.5, 1e21, 60_000])),
    authority: maybe(pick(['decision-maker', 'influencer', 'user', 'none'])),
    need: maybe(pick(['high', 'high', 'medium', 'low', 'none']), 0.8),
    timeline_days: maybe(pick([0, 30, 89, 90, 91, 120, 200, 365])),
    created_at: daysAgo(pick([0, 1, 10, 30, 100, 179, 181, 400])),
  };
}

function activities() {
  const kinds = ['page-visit', 'download', 'webinar', 'email-open', 'email-click', 'email-reply', 'form', 'answer', 'meeting', 'call', 'other'];
  return times(Math.floor(random() * 8), () => ({
    kind: pick(kinds),
    at: daysAgo(pick([-2, 0, 0.5, 3, 30, 89.9, 90, 91, 200])),
    detail: '',
  }));
}

/** A config of a few keys, each valid, quoted, odd or wrong. */
function qualifyConfig() {
  const values = {
    'min-budget': [0, 20_000, ' 25000 ', '1e4', 'lots', -1, true],
    'max-timeline-days': [30, 120, '90', 44.5, 'soon'],
    'sales-ready-score': [0, 60, 70.9, 99, 'inf', '-0'],
    'required-criteria': [0, 2, 4, 4.5, '3', 5],
    'competitor-domains': ['rival.example', ' RIVAL.example, other.example ,,', '', 7],
    'discard-domain-suffixes': ['.edu', '', '.ac.uk, .EDU', false],
    'inactive-days': [30, 180, '200.5', 'NaN', -3],
    'behaviour-window-days': [0, 0.5, 30, 90, 'nan'],
  };
  const config = {};
  for (const [key, options] of Object.entries(values)) {
    // Mostly valid keys: a refusal hides the rest of the rule.
    if (random() < 0.25) config[key] = pick(random() < 0.8 ? options.slice(0, 4) : options);
  }
  // An empty config would be replaced by nothing in eval; keep one key so defaults apply.
  config.note = 'differential';
  return config;
}

function routeInput() {
  // Non-ASCII ids: Rust orders strings by code point, JS `<` by UTF-16 unit.
  const ids = ['amy', 'ben', 'zed', 'Éva', '\u{ff21}mi', '\u{1d49c}da'];
  const candidates = times(Math.floor(random() * 6), (_, index) => ({
    id: random() < 0.1 ? pick(ids) : ids[index],
    territories: times(Math.floor(random() * 3), () => pick(['DE', 'de', 'AT', 'US', 'FR', ''])),
    capacity: pick([0, 1, 5, 10]),
    open_leads: pick([0, 1, 4, 5, 10]),
    available: random() < 0.85,
    last_assigned_at: maybe(daysAgo(pick([0.01, 0.5, 1, 1, 3.25, 30, -1])), 0.6),
  }));
  return {
    lead: lead(),
    qualification: { stage: 'sales-ready', score: 80, reasons: [] },
    candidates,
    account_owner: maybe(pick([...ids, 'nobody']), 0.4),
    config: { note: 'differential', ...(random() < 0.4 ? { 'fallback-queue': pick(['inside-sales', ' emea ', '', 7]) } : {}) },
    now: iso(NOW),
  };
}

const makeInput = slot === 'qualify'
  ? () => ({ lead: lead(), activities: activities(), config: qualifyConfig(), now: iso(NOW) })
  : routeInput;

const host = evaluator({ slot, leadhost: options.leadhost, cacheDir: options['cache-dir'] });
const count = Number(options.count);
const outcomes = new Map();
let failed = 0;
for (let index = 0; index < count; index += 1) {
  // JSON drops `undefined`, so optional fields are simply absent.
  const input = JSON.parse(JSON.stringify(makeInput()));
  const mine = host.call(options.plugin, input);
  const reference = host.call(options.against, input);
  const kind = reference.error !== undefined ? 'refused' : (reference.answer.stage ?? reference.answer.decision);
  outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
  if (!sameOutcome(mine, reference)) {
    failed += 1;
    const file = join(tmpdir(), `leadhost-differential-${slot}-${index}.json`);
    writeFileSync(file, JSON.stringify(input, null, 2));
    console.log(`  FAIL  input ${index} (${file})\n      this:      ${JSON.stringify(mine.answer ?? mine.error)}\n      reference: ${JSON.stringify(reference.answer ?? reference.error)}`);
  }
}
host.close();
console.log(`  ${slot}: ${count} random inputs, seed ${options.seed}; reference outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
console.log(`${count - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
