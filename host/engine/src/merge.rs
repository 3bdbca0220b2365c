//! A submission for a lead that already exists: what it adds, and whether
//! it says anything the lead has not heard.
//!
//! A client re-sends the same data all the time (an import run twice, a
//! form posted again by a retrying integration). Each distinct submission a
//! lead receives is remembered by its [`fingerprint`]; a submission whose
//! fingerprint is known changes nothing, while one with news counts once.

use sha2::{Digest, Sha256};

use crate::model::{Activity, Lead, Time};
use crate::store::{TimelineEntry, TimelineItem};

/// Bytes of the sha256 kept per fingerprint: 128 bits tell submissions of
/// one lead apart with no practical chance of a collision, at half the size.
const FINGERPRINT_BYTES: usize = 16;

/// The fingerprint of a normalized submission received at `now`, as
/// validation made it: its lead fields (source and campaign among them)
/// and activities, without what the host fills in (the lead's id, and any
/// time equal to `now`: a `created_at` or activity time the client did not
/// send). Hex, 32 characters.
///
/// Computed after validation, so spellings that normalize alike (an
/// e-mail's case, surrounding blanks, a domain's `https://www.`) count as
/// the same submission.
pub(super) fn fingerprint(lead: &Lead, activities: &[Activity], now: Time) -> String {
    let sent = |at: Time| (at != now).then_some(at);
    let created_at = sent(lead.created_at);
    let lead = Lead {
        id: String::new(),
        created_at: Time::UNIX_EPOCH,
        ..lead.clone()
    };
    let activities: Vec<_> = activities
        .iter()
        .map(|activity| {
            let sent_at = sent(activity.at);
            (activity.kind, &activity.detail, sent_at)
        })
        .collect();
    // JSON of these types is canonical: struct fields in declaration order,
    // custom fields in a BTreeMap, numbers in their shortest exact form.
    let bytes =
        serde_json::to_vec(&(lead, created_at, activities)).expect("leads serialize to JSON");
    hex::encode(&Sha256::digest(&bytes)[..FINGERPRINT_BYTES])
}

/// The submission's activities the lead does not already have on its
/// timeline (same kind, time and detail): a re-send that adds one activity
/// to those sent before records only the new one.
pub(super) fn new_activities(
    activities: Vec<Activity>,
    timeline: &[TimelineEntry],
) -> Vec<Activity> {
    activities
        .into_iter()
        .filter(|activity| {
            !timeline.iter().any(
                |entry| matches!(&entry.item, TimelineItem::Activity(known) if known == activity),
            )
        })
        .collect()
}

/// Fills the gaps of `into` from a duplicate submission; returns the fields filled.
pub(super) fn fill_gaps(into: &mut Lead, from: Lead) -> Vec<String> {
    let mut filled = Vec::new();
    macro_rules! fill {
        ($($field:ident),*) => {$(
            if into.$field.is_none() && from.$field.is_some() {
                into.$field = from.$field;
                filled.push(stringify!($field).to_string());
            }
        )*};
    }
    fill!(
        name,
        company,
        domain,
        phone,
        title,
        industry,
        company_size,
        country,
        source,
        campaign,
        budget,
        authority,
        need,
        timeline_days
    );
    // A creation date from another system (a CRM migration) that is older
    // than the one stored is the truer one: the lead existed since then.
    if from.created_at < into.created_at {
        into.created_at = from.created_at;
        filled.push("created_at".to_string());
    }
    for (name, value) in from.custom {
        if let std::collections::btree_map::Entry::Vacant(gap) = into.custom.entry(name) {
            filled.push(format!("custom.{}", gap.key()));
            gap.insert(value);
        }
    }
    filled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ActivityKind;

    fn at(text: &str) -> Time {
        text.parse().unwrap()
    }

    /// A lead as validation makes it on receipt at `now`.
    fn received(now: Time) -> Lead {
        let mut lead: Lead = serde_json::from_value(serde_json::json!({
            "email": "a@b.example", "budget": 80000.0,
            "custom": {"seats": 3, "plan": "pro"}, "created_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        lead.created_at = now;
        lead
    }

    fn form(at: Time) -> Activity {
        Activity {
            kind: ActivityKind::Form,
            at,
            detail: String::new(),
        }
    }

    #[test]
    fn a_fingerprint_leaves_out_what_the_host_fills_in() {
        let (first, later) = (at("2026-11-01T00:00:00Z"), at("2026-11-29T00:00:00Z"));
        let print = fingerprint(&received(first), &[], first);
        assert_eq!(print.len(), 2 * FINGERPRINT_BYTES);
        let stored = Lead {
            id: "ld-1".into(),
            ..received(later)
        };
        assert_eq!(
            print,
            fingerprint(&stored, &[], later),
            "id and receipt time"
        );
        assert_eq!(
            fingerprint(&received(first), &[form(first)], first),
            fingerprint(&received(later), &[form(later)], later),
            "an activity time filled in on receipt"
        );
        let sent_created = received(at("2025-06-01T00:00:00Z"));
        assert_ne!(
            fingerprint(&sent_created, &[], first),
            print,
            "a creation date the client sent is part of the submission"
        );
    }

    #[test]
    fn a_fingerprint_sees_every_field_and_activity() {
        let now = at("2026-11-01T00:00:00Z");
        let base = received(now);
        let mut custom = base.custom.clone();
        custom.insert("seats".into(), crate::model::Scalar::Number(4.0));
        let variants = [
            base.clone(),
            Lead {
                source: Some("fair".into()),
                ..base.clone()
            },
            Lead {
                campaign: Some("spring".into()),
                ..base.clone()
            },
            Lead {
                budget: Some(80001.0),
                ..base.clone()
            },
            Lead {
                custom,
                ..base.clone()
            },
        ];
        let mut prints: Vec<String> = variants
            .iter()
            .map(|lead| fingerprint(lead, &[], now))
            .collect();
        prints.push(fingerprint(&base, &[form(at("2026-10-01T00:00:00Z"))], now));
        prints.push(fingerprint(&base, &[form(at("2026-10-02T00:00:00Z"))], now));
        for (index, print) in prints.iter().enumerate() {
            assert!(!prints[index + 1..].contains(print), "variant {index}");
        }
    }
}
