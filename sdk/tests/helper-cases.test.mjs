// Runs sdk/tests/helper-cases.json, the helper cases the Rust SDK and the
// Python helpers pass too, against this package: one node test per case.
//
//   node --test sdk/tests/
//
// The table names helpers as Rust does; a JS helper has the camelCase name
// (`number_or` → `numberOr`), so a missing or misnamed helper fails its cases.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as fields from '../js/fields.js';
import * as time from '../js/time.js';

const table = JSON.parse(readFileSync(new URL('helper-cases.json', import.meta.url), 'utf8'));

/** A table field as componentize-qjs hands it over: `{ name, value: { tag, val } }`. */
function field(entry) {
  if ('text' in entry) return { name: entry.name, value: { tag: 'text', val: entry.text } };
  if ('number' in entry) return { name: entry.name, value: { tag: 'number', val: entry.number } };
  return { name: entry.name, value: { tag: 'boolean', val: entry.flag } };
}

const config = table.fields.map(field);
const camel = (name) => name.replace(/_(.)/g, (_, letter) => letter.toUpperCase());
const count = (value) => (typeof value === 'string' ? Number(value.replace('inf', 'Infinity')) : value);

/** An answer in the table's terms: none is null, non-finite numbers strings, scalars objects. */
function asJson(answer) {
  if (answer === undefined) return null;
  if (typeof answer === 'number' && !Number.isFinite(answer)) {
    return Number.isNaN(answer) ? 'NaN' : answer > 0 ? 'inf' : '-inf';
  }
  if (answer !== null && typeof answer === 'object' && 'tag' in answer) {
    return { [answer.tag === 'boolean' ? 'flag' : answer.tag]: answer.val };
  }
  return answer;
}

function run(testCase) {
  const { call, key } = testCase;
  if (call === 'custom_field') return fields.customField({ email: 'ada@example.com', custom: config }, key);
  if (call === 'email_domain') return fields.emailDomain({ email: testCase.email, custom: [] });
  const name = camel(call);
  if (name in fields) {
    const helper = fields[name];
    return call.endsWith('_or') ? helper(config, key, testCase.default) : helper(config, key);
  }
  assert.ok(name in time, `no helper ${name} in fields.js or time.js`);
  if ('count' in testCase) {
    return 'at' in testCase ? time[name](testCase.at, count(testCase.count)) : time[name](count(testCase.count));
  }
  return time[name](testCase.from, testCase.to);
}

for (const testCase of table.cases) {
  test(JSON.stringify(testCase), () => {
    let got;
    try {
      got = { expect: asJson(run(testCase)) };
    } catch (error) {
      if (!(error instanceof fields.FieldError)) throw error;
      got = { error: (testCase.within ? error.within(testCase.within) : error).message };
    }
    assert.deepEqual(got, 'error' in testCase ? { error: testCase.error } : { expect: testCase.expect });
  });
}

test('a FieldError is an Error, so throwing it refuses the call with its message', () => {
  const error = new fields.FieldError('k', fields.Expected.number, { tag: 'boolean', val: true });
  assert.ok(error instanceof Error);
  assert.equal(String(error.message), '`k` = Scalar::Boolean(true): expected a number');
});
