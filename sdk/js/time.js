// Arithmetic on WIT timestamps (milliseconds since the Unix epoch, UTC), as
// the Rust SDK's `leadhost_sdk::time` does it, in camelCase
// (`days_between` is `daysBetween`). A plug-in has no clock: it reads the
// time of the call from `input.now` and schedules with `wakeAt`.
//
// Spans are exact fractions, negative backwards; the `whole` spans and the
// conversions round toward zero (-47 hours is -1 whole day); results stay in
// the i64 range as doubles (a huge interval saturates at ±2^63, "never"). JS
// numbers hold timestamps exactly up to 2^53 ms (the year 285,616).

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
/** 24 hours: timestamps are UTC, so there is no daylight saving. */
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** i64::MIN and i64::MAX as doubles (i64::MAX rounds up to 2^63). */
const I64_MIN = -(2 ** 63);
const I64_MAX = 2 ** 63;

const saturate = (ms) => Math.min(I64_MAX, Math.max(I64_MIN, ms));

/** Rust's `x as i64`: toward zero, saturating, NaN is 0. */
const asI64 = (x) => (Number.isNaN(x) ? 0 : Math.trunc(saturate(x)));

/**
 * Rust's i64 `/`: toward zero. Below 2^53 the quotient's rounding cannot
 * reach the next whole unit (a day's 1/86,400,000 is wider than its error).
 */
const towardZero = (ms, unit) => Math.trunc(ms / unit);

/** `count` days in milliseconds, toward zero, saturating. */
export const days = (count) => asI64(count * DAY_MS);
/** `count` hours in milliseconds, toward zero, saturating. */
export const hours = (count) => asI64(count * HOUR_MS);
/** `count` minutes in milliseconds, toward zero, saturating. */
export const minutes = (count) => asI64(count * MINUTE_MS);

/** Milliseconds from `from` to `to`, negative when `to` is earlier; saturating. */
export const millisBetween = (from, to) => saturate(to - from);
/** Days from `from` to `to` with the fraction: 36 hours is 1.5. */
export const daysBetween = (from, to) => millisBetween(from, to) / DAY_MS;
/** Hours from `from` to `to` with the fraction; negative when `to` is earlier. */
export const hoursBetween = (from, to) => millisBetween(from, to) / HOUR_MS;
/** Complete days from `from` to `to`, toward zero: 47 hours is 1, -47 hours is -1. */
export const wholeDaysBetween = (from, to) => towardZero(millisBetween(from, to), DAY_MS);
/** Complete hours from `from` to `to`, toward zero. */
export const wholeHoursBetween = (from, to) => towardZero(millisBetween(from, to), HOUR_MS);

/** `at` moved by `count` days (negative moves back), saturating. */
export const addDays = (at, count) => saturate(at + days(count));
/** `at` moved by `count` hours (negative moves back), saturating. */
export const addHours = (at, count) => saturate(at + hours(count));
