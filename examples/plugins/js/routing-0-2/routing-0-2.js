// js-routing-0-2: the js-routing example ported to WIT leadhost:plugin@0.2.0.
// The rule is js-routing's (imported, not copied): the account owner when
// they can take the lead, else the rep covering its territory who has
// waited longest. What 0.2.0 adds is read here: an assignment names the
// campaign that first brought the lead in and the ones coming that target
// it, so the rep knows why the lead is hot and what lands on it next.
//
// 0.2.0's `route-input` has `campaigns` (each with `id`, `name`, `channel`,
// `offer`, `launchAt`, `endAt`, and `touches`: `first`, `latest`,
// `targeted`); everything else is as 0.1.0.

import { route as route01 } from '../routing/routing.js';

export function route(input) {
  const decision = route01(input);
  if (decision.tag !== 'assign') {
    return decision;
  }
  const campaigns = input.campaigns ?? [];
  const named = (touch) => campaigns.filter((campaign) => campaign.touches.includes(touch));
  const notes = [
    ...named('first').map((campaign) => `came in through campaign ${campaign.name}`),
    ...named('targeted')
      .filter((campaign) => campaign.launchAt > input.now)
      .map((campaign) => `campaign ${campaign.name} targets this lead next`),
  ];
  return { tag: 'assign', val: { rep: decision.val.rep, reasons: [...decision.val.reasons, ...notes] } };
}
