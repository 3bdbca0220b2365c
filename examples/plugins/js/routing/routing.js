// js-routing: a routing policy (world `routing-policy`) written in
// JavaScript. It is the same rule as the first-party Rust `round-robin`: the
// account owner gets the lead when they can take it; otherwise, among
// available reps under capacity, those covering the lead's territory come
// first, and the one who has waited longest since their last assignment
// wins (ties: fewer open leads, then the smaller id).
//
// Config: `fallback-queue` (text, default `unassigned`): the queue a lead
// goes to when no rep can take it.
//
// The WIT variant `route-decision` is returned as `{ tag, val }`; `s64`
// timestamps arrive as plain numbers (exact up to 2^53, far past any date).

import { emailDomain, text } from '../shared/fields.js';
import { compareStr, trim } from '../shared/rust.js';

const HOUR_MS = 3_600_000;

export function route({ lead, candidates, accountOwner, config, now }) {
  const fallback = trim(text(config, 'fallback-queue') ?? 'unassigned');
  if (fallback === '') {
    throw 'config `fallback-queue` is empty: name the queue for leads no rep can take';
  }
  // Why the obvious choice was passed over; appended after the winner's reasons.
  const notes = [];

  if (accountOwner != null) {
    const owner = candidates.find((rep) => rep.id === accountOwner);
    if (owner && eligible(owner)) {
      const domain = lead.domain ?? emailDomain(lead) ?? '';
      return assign(owner.id, [`account owner of ${domain}`, load(owner)]);
    }
    notes.push(owner
      ? `account owner ${owner.id} cannot take it: ${whyNot(owner)}`
      : `account owner ${accountOwner} is not among the candidates`);
  }

  const eligibleReps = candidates.filter(eligible);
  if (eligibleReps.length === 0) {
    return {
      tag: 'queue',
      val: { name: fallback, reason: `no rep is available with room among ${candidates.length} candidates` },
    };
  }

  const country = lead.country?.toLowerCase();
  const covering = country === undefined
    ? []
    : eligibleReps.filter((rep) => rep.territories.some((territory) => territory.toLowerCase() === country));
  const pool = covering.length > 0 ? covering : eligibleReps;
  if (covering.length > 0) {
    notes.push(`${covering.length} available reps cover territory ${lead.country}`);
  } else if (lead.country != null) {
    notes.push(`no available rep covers territory ${lead.country}; choosing among all`);
  } else {
    notes.push('lead has no country; choosing among all available reps');
  }

  // Never assigned sorts before any time. Assignments in the same
  // millisecond (a batch) tie on time: fewer open leads goes first, then the
  // smaller id, so bursts stay fair and the choice stable. `reduce` keeps the
  // first of equals, as Rust's `min_by` does.
  const chosen = pool.reduce((best, rep) => (byWaitThenLoad(rep, best) < 0 ? rep : best));
  const waited = chosen.lastAssignedAt == null
    ? 'never assigned a lead yet'
    : `longest wait since last assignment (${wholeHours(Math.max(now - chosen.lastAssignedAt, 0))} hours)`;
  return assign(chosen.id, [waited, load(chosen), ...notes]);
}

const assign = (rep, reasons) => ({ tag: 'assign', val: { rep, reasons } });

const eligible = (rep) => rep.available && rep.openLeads < rep.capacity;

const whyNot = (rep) => (rep.available ? `at capacity (${rep.openLeads}/${rep.capacity})` : 'unavailable');

const load = (rep) => `${rep.id} has ${rep.openLeads}/${rep.capacity} open leads`;

function byWaitThenLoad(a, b) {
  const never = (rep) => rep.lastAssignedAt == null;
  if (never(a) !== never(b)) return never(a) ? -1 : 1;
  return Math.sign((a.lastAssignedAt ?? 0) - (b.lastAssignedAt ?? 0))
    || a.openLeads - b.openLeads
    || compareStr(a.id, b.id);
}

/** Whole hours in `ms` milliseconds, rounded down without a float division that could round up. */
const wholeHours = (ms) => (ms - (ms % HOUR_MS)) / HOUR_MS;
