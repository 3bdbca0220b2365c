// Calls a plug-in through the real host, `leadhost eval`, as the test
// scripts here need it: the decision without the call's provenance, or the
// text of the refusal or failure.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Fields `eval` adds about the call, not part of the decision. */
const PROVENANCE = ['plugin', 'hash', 'wit_version', 'duration_us', 'fuel_used'];

/**
 * An `eval` runner for one slot (`qualify`, `route`). Precompiled code is
 * cached (`cacheDir`) so each call skips the ~1 s compile of a QuickJS component.
 */
export function evaluator({ slot, leadhost = join(repo, 'target/release/leadhost'), cacheDir, config = [] }) {
  const scratch = mkdtempSync(join(tmpdir(), 'leadhost-eval-'));
  const inputFile = join(scratch, 'input.json');
  const cache = cacheDir ?? process.env.LEADHOST_CACHE_DIR ?? join(tmpdir(), 'leadhost-js-plugins-cache');

  /** One call: `{answer, duration, fuel}` or `{error}`. */
  function call(plugin, input) {
    writeFileSync(inputFile, JSON.stringify(input));
    const args = ['eval', slot, '--plugin', plugin, '--input', inputFile, '--cache-dir', cache];
    for (const entry of config) args.push('--config', entry);
    try {
      const output = JSON.parse(execFileSync(leadhost, args, { encoding: 'utf8', stdio: 'pipe' }));
      const answer = Object.fromEntries(Object.entries(output).filter(([key]) => !PROVENANCE.includes(key)));
      return { answer, duration: output.duration_us, fuel: output.fuel_used };
    } catch (failure) {
      if (failure.code === 'ENOENT') throw new Error(`no leadhost binary at ${leadhost}`);
      const text = String(failure.stderr || failure.message).trim();
      // `error: plug-in NAME@HASH: refused to decide: TEXT` -> TEXT; other failures stay whole.
      return { error: text.match(/refused to decide: ([\s\S]*)$/)?.[1] ?? text };
    }
  }

  return { call, close: () => rmSync(scratch, { recursive: true, force: true }) };
}

/** Same answer (the host serializes both, so key order agrees) or same refusal. */
export const sameOutcome = (a, b) =>
  a.error === b.error && JSON.stringify(a.answer) === JSON.stringify(b.answer);

/** `median, min, max` of a list of numbers, for the figures the scripts print. */
export function spread(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1) };
}
