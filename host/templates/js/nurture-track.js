// {{name}}: a nurture track (`next-step`).
//
// Sends one touch per step on the lead's track, then sleeps `interval-days`
// (config, a number > 0; default 7) so the lead is not flooded; after 3
// touches the track is done with the lead. The step count lives in the
// track state the host keeps between calls, so the plug-in stays a pure
// function of its input (it has no clock: `Date.now()` traps; the time is
// `now`, in milliseconds since the epoch).
//
// Config: `interval-days` (default 7), `channel` (text; default `email`).
//
// componentize-qjs maps the WIT export `next-step` to this module's export
// `nextStep`: records are objects with camelCase keys, options are `null`,
// variants `{ tag, val }`; the `result`'s error is a thrown string or Error.
// Config and time are handled by the leadhost SDK's helpers (the package
// `leadhost-sdk`; see README.md), as the Rust SDK handles them.

import { fields, time } from 'leadhost-sdk';
import { f64 } from 'leadhost-sdk/rust.js';

const TOUCHES = 3;

export function nextStep({ state, config, now }) {
  // Missing: the default; set but of the wrong kind: a FieldError, which
  // refuses the call naming the key (the host records why).
  let days;
  let channel;
  try {
    days = fields.numberOr(config, 'interval-days', 7);
    channel = fields.textOr(config, 'channel', 'email');
  } catch (error) {
    throw error instanceof fields.FieldError ? error.within('config') : error;
  }
  if (!Number.isFinite(days) || days <= 0) {
    throw `config \`interval-days\` = ${f64(days)}: expected a finite number above 0`;
  }

  if (state.step >= TOUCHES) {
    // No wake time: the host calls again only on new activity.
    return { actions: [{ tag: 'finish', val: `sent all ${TOUCHES} touches` }], state, wakeAt: null };
  }
  const step = state.step + 1;
  // The content id names a template the org's sending tool knows.
  const touch = { channel, content: `${state.track}-touch-${step}`, question: null };
  return {
    actions: [{ tag: 'send-touch', val: touch }],
    state: { ...state, step },
    // Timestamps are milliseconds since the epoch; `time` does the units.
    wakeAt: time.addDays(now, days),
  };
}
