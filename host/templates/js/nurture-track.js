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
// variants `{ tag, val }`; the `result`'s error is a thrown string.

const TOUCHES = 3;
const DAY_MS = 86_400_000;

export function nextStep({ state, config, now }) {
  const days = config.find((entry) => entry.name === 'interval-days')?.value ?? { tag: 'number', val: 7 };
  // A present but unusable value is refused (the host records why).
  if (days.tag !== 'number' || !(days.val > 0)) throw 'config `interval-days` must be a number above 0';
  const channel = config.find((entry) => entry.name === 'channel')?.value;
  const channelName = channel?.tag === 'text' ? channel.val : 'email';

  if (state.step >= TOUCHES) {
    // No wake time: the host calls again only on new activity.
    return { actions: [{ tag: 'finish', val: `sent all ${TOUCHES} touches` }], state, wakeAt: null };
  }
  const step = state.step + 1;
  // The content id names a template the org's sending tool knows.
  const touch = { channel: channelName, content: `${state.track}-touch-${step}`, question: null };
  return {
    actions: [{ tag: 'send-touch', val: touch }],
    state: { ...state, step },
    wakeAt: now + Math.trunc(days.val * DAY_MS),
  };
}
