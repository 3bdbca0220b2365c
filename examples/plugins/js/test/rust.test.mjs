// Unit tests of the Rust look-alike helpers, run by node directly (no Wasm):
//   node --test test/
// Expected strings are what Rust 1.95 prints for the same values.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compareStr, debugStr, f64, parseF64, trim } from '../shared/rust.js';

test('f64 prints as Rust Display does', () => {
  const cases = [
    [60000, '60000'], [19999.5, '19999.5'], [0.1, '0.1'], [1e21, '1000000000000000000000'],
    [1.5e22, '15000000000000000000000'], [1e-7, '0.0000001'], [1.25e-7, '0.000000125'],
    [-3, '-3'], [-0, '-0'], [NaN, 'NaN'], [Infinity, 'inf'], [-Infinity, '-inf'],
  ];
  for (const [value, printed] of cases) assert.equal(f64(value), printed, `f64(${value})`);
});

test('parseF64 accepts what f64::from_str accepts, and nothing more', () => {
  assert.equal(parseF64('25000'), 25000);
  assert.equal(parseF64('+1e4'), 10000);
  assert.equal(parseF64('5.'), 5);
  assert.equal(parseF64('.5'), 0.5);
  assert.equal(parseF64('-inf'), -Infinity);
  assert.equal(parseF64('Infinity'), Infinity);
  assert.ok(Number.isNaN(parseF64('NaN')));
  for (const text of ['', ' 1', '0x10', '1_000', '1e', 'e5', '.', 'lots', '1,5']) {
    assert.equal(parseF64(text), undefined, JSON.stringify(text));
  }
});

test('trim strips Unicode White_Space like str::trim', () => {
  assert.equal(trim(' \t\u0085x y\u3000\n'), 'x y');
  assert.equal(trim('\ufeffx'), '\ufeffx');
});

test('debugStr escapes like Debug for str', () => {
  assert.equal(debugStr('lots'), '"lots"');
  assert.equal(debugStr('say "ten"\tk\\'), '"say \\"ten\\"\\tk\\\\"');
  assert.equal(debugStr('a\u0007b\u00a0c é'), '"a\\u{7}b\\u{a0}c é"');
});

test('compareStr orders by code point, as Rust orders String', () => {
  assert.equal(compareStr('amy', 'zed'), -1);
  assert.equal(compareStr('am', 'amy'), -1);
  assert.equal(compareStr('amy', 'amy'), 0);
  // U+FF21 before U+1D49C by code point; UTF-16 `<` says the opposite.
  assert.equal(compareStr('\u{ff21}', '\u{1d49c}'), -1);
  assert.ok('\u{1d49c}' < '\u{ff21}');
});
