// {{name}}: a routing policy (`route`).
//
// Gives the lead to the least-loaded rep who can take it (available and
// under capacity), so work spreads evenly; ties go to the smaller id so the
// choice is stable. When nobody can take it, the lead waits in the queue
// named by `fallback-queue` (config, text; default `unassigned`) instead of
// being forced on a full rep.
//
// componentize-qjs maps the WIT export `route` to this module's export of
// the same name: records are objects with camelCase keys, options are
// `null`, variants `{ tag, val }`; the `result`'s error is a thrown string
// or Error. Config is read with the leadhost SDK's helpers (the package
// `leadhost-sdk`; see README.md), as the Rust SDK reads it.

import { fields } from 'leadhost-sdk';

export function route({ candidates, config }) {
  let queue;
  try {
    queue = fields.textOr(config, 'fallback-queue', 'unassigned');
  } catch (error) {
    throw error instanceof fields.FieldError ? error.within('config') : error;
  }
  if (queue === '') throw 'config `fallback-queue` must name a queue';

  const open = candidates.filter((rep) => rep.available && rep.openLeads < rep.capacity);
  if (open.length === 0) {
    const reason = `none of ${candidates.length} candidates is available with room`;
    return { tag: 'queue', val: { name: queue, reason } };
  }
  const rep = open.reduce((best, rep) =>
    rep.openLeads < best.openLeads || (rep.openLeads === best.openLeads && rep.id < best.id) ? rep : best);
  return {
    tag: 'assign',
    val: {
      rep: rep.id,
      reasons: [
        `fewest open leads: ${rep.openLeads} of ${rep.capacity}`,
        `${open.length} of ${candidates.length} candidates available with room`,
      ],
    },
  };
}
