// js-qualifier: a lead definition (world `lead-definition`) written in
// JavaScript. It is the same rule as the first-party Rust `bant-qualifier`:
// budget, authority, need and timeline (BANT) plus recent behaviour scored
// against the org's thresholds, discards on agreed criteria, and a reason
// for every verdict. Config keys and defaults: plugins/bant-qualifier/README.md.
//
// componentize-qjs maps the WIT export `qualify` to this module's export of
// the same name: records arrive as objects with camelCase keys, options as
// `null`, enums as their case names, and `result<qualification, string>` is
// the return value or a thrown string.

import { emailDomain } from '../shared/fields.js';
import { f64, trim } from '../shared/rust.js';
import { authority, behaviour, budget, idleDays, need, timeline } from './score.js';
import { readSettings } from './settings.js';

export function qualify({ lead, activities, config, now }) {
  const settings = readSettings(config);

  const discard = discardReason(lead, activities, now, settings);
  if (discard) return verdict('discard', 0, null, null, [discard]);

  const criteria = [budget(lead, settings), authority(lead), need(lead), timeline(lead, settings)];
  const [budgetMet, authorityMet, needMet, timelineMet] = criteria.map(({ met }) => met);
  const recent = behaviour(activities, now, settings);
  const met = criteria.filter((criterion) => criterion.met).length;
  const score = Math.min(criteria.reduce((sum, { points }) => sum + points, recent.points), 100);
  // The decisive reason first, then one line per criterion, then behaviour.
  const details = [...criteria.map(({ reason }) => reason), recent.reason];

  if (score >= settings.salesReadyScore && met >= settings.requiredCriteria) {
    return verdict('sales-ready', score, null, null, [
      `sales-ready: score ${score} of ${settings.salesReadyScore} needed, ${met} of 4 BANT criteria met`,
      ...details,
    ]);
  }

  // Which nurture track fits depends on what is missing.
  const [segment, track, why] =
    budgetMet && !timelineMet
      ? ['budget-no-timing', 'trial-incentive', 'has budget but not the timing']
      : !authorityMet && (needMet || recent.points >= 10)
        ? ['researching-no-authority', 'find-decision-maker', 'researching without buying authority']
        : ['early-interest', 'education', 'early interest'];
  return verdict('nurture', score, segment, track, [
    `nurture: ${why}; score ${score}, ${met} of 4 BANT criteria met`,
    ...details,
  ]);
}

const verdict = (stage, score, segment, track, reasons) => ({ stage, score, segment, track, reasons });

/** The agreed reason to discard the lead, if one applies. */
function discardReason(lead, activities, now, settings) {
  // An empty `domain` is still the lead's domain: no fallback to the e-mail's.
  const domain = trim(lead.domain != null ? lead.domain.toLowerCase() : (emailDomain(lead) ?? ''));

  const competitor = settings.competitorDomains.find(
    (competitor) => domain === competitor || domain.endsWith(`.${competitor}`),
  );
  if (competitor !== undefined) return `discard: ${domain} belongs to competitor ${competitor}`;

  const suffix = settings.discardDomainSuffixes.find((suffix) => domain.endsWith(suffix));
  if (suffix !== undefined) return `discard: ${domain} is an academic or student domain (${suffix})`;

  if (lead.need === 'none') return 'discard: the contact has no need';

  const idle = idleDays(lead, activities, now);
  if (idle > settings.inactiveDays) {
    return `discard: no activity for ${f64(Math.floor(idle))} days (limit ${f64(settings.inactiveDays)})`;
  }
  return undefined;
}
