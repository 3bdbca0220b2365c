// The BANT criteria and the behaviour score, each with the words that explain
// it. Points, thresholds and wording follow the Rust `bant-qualifier`
// (plugins/bant-qualifier/src/score.rs) exactly: orgs read these reasons, and
// a JS and a Rust build of the rule must be interchangeable.

import { f64 } from '../shared/rust.js';

const DAY_MS = 86_400_000;
/** `i64::MAX` as the nearest double. */
const I64_MAX = 2 ** 63;

/** The most behaviour adds to the score. */
export const BEHAVIOUR_CAP = 30;

/** Budget: met when at least `min-budget`; 25 points. */
export function budget({ budget }, { minBudget }) {
  if (budget == null) return { met: false, points: 0, reason: 'budget unknown' };
  return budget >= minBudget
    ? { met: true, points: 25, reason: `budget ${f64(budget)} meets the minimum ${f64(minBudget)}` }
    : { met: false, points: 0, reason: `budget ${f64(budget)} is below the minimum ${f64(minBudget)}` };
}

const AUTHORITY = {
  'decision-maker': [true, 25, 'a decision-maker'],
  influencer: [true, 15, 'an influencer'],
  user: [false, 5, 'a user without buying authority'],
  none: [false, 0, 'without a part in the purchase'],
};

/** Authority: met for a decision-maker (25 points) or influencer (15). */
export function authority({ authority }) {
  if (authority == null) return { met: false, points: 0, reason: 'authority unknown' };
  const [met, points, word] = AUTHORITY[authority];
  return { met, points, reason: `contact is ${word}` };
}

const NEED = {
  high: [true, 25],
  medium: [true, 15],
  low: [false, 5],
  none: [false, 0],
};

/** Need: met when high (25 points) or medium (15). */
export function need({ need }) {
  if (need == null) return { met: false, points: 0, reason: 'need unknown' };
  const [met, points] = NEED[need];
  return { met, points, reason: `need is ${need}` };
}

/** Timeline: met when buying within `max-timeline-days`; 15 points. */
export function timeline({ timelineDays: days }, { maxTimelineDays: max }) {
  if (days == null) return { met: false, points: 0, reason: 'timeline unknown' };
  return days <= max
    ? { met: true, points: 15, reason: `buying in ${days} days, within ${f64(max)}` }
    : { met: false, points: 0, reason: `buying in ${days} days, later than ${f64(max)}` };
}

/** Points for one activity: more for what takes more intent. */
const ACTIVITY_POINTS = {
  'page-visit': 1,
  'email-open': 1,
  'email-click': 2,
  download: 5,
  form: 5,
  answer: 5,
  webinar: 8,
  'email-reply': 8,
  call: 10,
  meeting: 15,
  other: 0,
};

/** Behaviour: points for activity within `behaviour-window-days` of `now`, capped. */
export function behaviour(activities, now, { behaviourWindowDays: windowDays }) {
  // Rust casts the window to i64, which truncates and saturates.
  const since = now - Math.min(Math.trunc(windowDays * DAY_MS), I64_MAX);
  const recent = activities.filter(({ at }) => at >= since && at <= now);
  const raw = recent.reduce((sum, { kind }) => sum + ACTIVITY_POINTS[kind], 0);
  const points = Math.min(raw, BEHAVIOUR_CAP);
  const capped = raw > BEHAVIOUR_CAP ? ` (capped from ${raw})` : '';
  return {
    points,
    reason: `behaviour ${points} points from ${recent.length} activities in the last ${f64(windowDays)} days${capped}`,
  };
}

/** Days since the lead last did anything (or was created, if it never did). */
export function idleDays(lead, activities, now) {
  const last = activities.reduce((latest, { at }) => Math.max(latest, at), lead.createdAt);
  return (now - last) / DAY_MS;
}
