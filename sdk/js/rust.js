// How Rust reads and prints the values plug-ins handle, so a JS plug-in
// that stands in for a Rust one accepts the same config text and gives
// byte-identical reasons and errors. Where JS and Rust agree (string
// equality, `endsWith`, `toLowerCase`), plain JS is used.

/** Unicode White_Space, which Rust's `str::trim` strips (JS `trim` differs on U+0085 and U+FEFF). */
const WHITE_SPACE = '[\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const TRIM = new RegExp(`^${WHITE_SPACE}+|${WHITE_SPACE}+$`, 'gu');

/** Rust's `str::trim`. */
export const trim = (text) => text.replace(TRIM, '');

/** The grammar `f64::from_str` accepts: no hex, no `_`, `inf`/`infinity`/`nan` in any case. */
const RUST_F64 = /^[+-]?(?:inf|infinity|nan|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i;

/**
 * Rust's `text.parse::<f64>()`: the number, or `undefined` where Rust gives an
 * error. `Number()` alone would accept `0x1f`, `Infinity` and `""`.
 */
export function parseF64(text) {
  if (!RUST_F64.test(text)) return undefined;
  const unsigned = text.replace(/^[+-]/, '').toLowerCase();
  const sign = text.startsWith('-') ? -1 : 1;
  if (unsigned.startsWith('inf')) return sign * Infinity;
  if (unsigned === 'nan') return NaN;
  return Number(text);
}

/**
 * Rust's `Display` for `f64`: the same shortest round-trip digits as JS, but
 * never in exponent form (`1e21` prints as `1000000000000000000000`), `-0`
 * keeps its sign, and the non-finite values are `NaN`, `inf` and `-inf`.
 */
export function f64(value) {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Object.is(value, -0)) return '-0';
  const text = String(value);
  const exponentAt = text.indexOf('e');
  if (exponentAt < 0) return text;

  const sign = text.startsWith('-') ? '-' : '';
  const mantissa = text.slice(sign.length, exponentAt);
  const exponent = Number(text.slice(exponentAt + 1));
  const digits = mantissa.replace('.', '');
  // Where the decimal point falls, counted in digits from the left.
  const point = (mantissa.indexOf('.') < 0 ? mantissa.length : mantissa.indexOf('.')) + exponent;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * Rust's `Debug` for `f64`: `30.0`, `-0.5`, `1e16`, `1e-5`, `NaN`, `inf`. Whole
 * numbers keep `.0`; an exponent is used below 1e-4 and from 1e16 on, with
 * the same shortest digits as JS.
 */
export function debugF64(value) {
  const magnitude = Math.abs(value);
  if (Number.isFinite(value) && magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e16)) {
    const [mantissa, exponent] = value.toExponential().split('e');
    return `${mantissa}e${Number(exponent)}`;
  }
  const text = f64(value);
  return Number.isInteger(value) ? `${text}.0` : text;
}

/**
 * Characters Rust's `Debug` for `str` escapes as `\u{..}`: control, format,
 * private-use, unassigned and separator characters other than the space, and
 * grapheme extenders. The Unicode tables of QuickJS and Rust may differ by a
 * version; this only shapes error text for malformed config.
 */
const DEBUG_ESCAPED = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}\p{Grapheme_Extend}]/u;
const DEBUG_NAMED = { '\0': '\\0', '\t': '\\t', '\r': '\\r', '\n': '\\n', '\\': '\\\\', '"': '\\"' };

/** Rust's `Debug` for `str`: quoted and escaped, as in `"lots"`. */
export function debugStr(text) {
  let out = '"';
  for (const char of text) {
    if (char in DEBUG_NAMED) out += DEBUG_NAMED[char];
    else if (char !== ' ' && DEBUG_ESCAPED.test(char)) out += `\\u{${char.codePointAt(0).toString(16)}}`;
    else out += char;
  }
  return `${out}"`;
}

/**
 * Rust's `Ord` for `String`: byte-wise over UTF-8, which is code point order.
 * JS `<` compares UTF-16 code units and puts U+E000..U+FFFF after astral characters.
 */
export function compareStr(a, b) {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const diff = x.value.codePointAt(0) - y.value.codePointAt(0);
    if (diff !== 0) return Math.sign(diff);
  }
}
