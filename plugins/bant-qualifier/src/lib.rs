//! `bant-qualifier`: a lead definition scoring budget, authority, need and
//! timeline, plus behaviour from recent activity, against thresholds the org
//! sets. Discards on agreed criteria (competitor or academic domains, no need,
//! long inactivity) and explains every verdict.
//!
//! Config keys and their defaults are listed in the crate README.

mod score;
mod settings;

use leadhost_sdk::prelude::*;

pub use settings::Settings;

/// The plug-in.
pub struct BantQualifier;

impl LeadDefinition for BantQualifier {
    fn qualify(input: QualifyInput) -> Result<Qualification, String> {
        let settings = Settings::from_config(&input.config)?;
        let lead = &input.lead;
        if let Some(reason) = discard_reason(lead, &input.activities, input.now, &settings) {
            return Ok(Qualification::discard(0).reason(reason));
        }

        let budget = score::budget(lead, &settings);
        let authority = score::authority(lead);
        let need = score::need(lead);
        let timeline = score::timeline(lead, &settings);
        let (behaviour, behaviour_reason) =
            score::behaviour(&input.activities, input.now, &settings);
        let criteria = [&budget, &authority, &need, &timeline];
        let met = criteria.iter().filter(|criterion| criterion.met).count();
        let score = (criteria
            .iter()
            .map(|criterion| criterion.points)
            .sum::<i32>()
            + behaviour)
            .min(100);

        let verdict = if score >= settings.sales_ready_score && met >= settings.required_criteria {
            Qualification::sales_ready(score).reason(format!(
                "sales-ready: score {score} of {} needed, {met} of 4 BANT criteria met",
                settings.sales_ready_score
            ))
        } else {
            let (segment, track, why) = if budget.met && !timeline.met {
                (
                    "budget-no-timing",
                    "trial-incentive",
                    "has budget but not the timing",
                )
            } else if !authority.met && (need.met || behaviour >= 10) {
                (
                    "researching-no-authority",
                    "find-decision-maker",
                    "researching without buying authority",
                )
            } else {
                ("early-interest", "education", "early interest")
            };
            Qualification::nurture(score)
                .segment(segment)
                .track(track)
                .reason(format!(
                    "nurture: {why}; score {score}, {met} of 4 BANT criteria met"
                ))
        };
        Ok(criteria
            .into_iter()
            .fold(verdict, |verdict, criterion| {
                verdict.reason(criterion.reason.clone())
            })
            .reason(behaviour_reason))
    }
}

/// The agreed reason to discard the lead, if one applies.
fn discard_reason(
    lead: &Lead,
    activities: &[Activity],
    now: Timestamp,
    settings: &Settings,
) -> Option<String> {
    let domain = lead
        .domain
        .as_deref()
        .map(str::to_lowercase)
        .or_else(|| lead.email_domain())
        .unwrap_or_default();
    let domain = domain.trim();
    if let Some(competitor) = settings.competitor_domains.iter().find(|competitor| {
        domain == competitor.as_str() || domain.ends_with(&format!(".{competitor}"))
    }) {
        return Some(format!(
            "discard: {domain} belongs to competitor {competitor}"
        ));
    }
    if let Some(suffix) = settings
        .discard_domain_suffixes
        .iter()
        .find(|suffix| !suffix.is_empty() && domain.ends_with(suffix.as_str()))
    {
        return Some(format!(
            "discard: {domain} is an academic or student domain ({suffix})"
        ));
    }
    if lead.need == Some(Need::None) {
        return Some("discard: the contact has no need".into());
    }
    let idle = score::idle_days(lead, activities, now);
    if idle > settings.inactive_days {
        return Some(format!(
            "discard: no activity for {} days (limit {})",
            idle.floor(),
            settings.inactive_days
        ));
    }
    None
}

leadhost_sdk::export_lead_definition!(crate::BantQualifier);

#[cfg(test)]
mod tests {
    use super::*;
    use leadhost_sdk::time::DAY_MS;

    const NOW: i64 = 1_000 * DAY_MS;

    fn input(lead: Lead, activities: Vec<Activity>, config: Vec<Field>) -> QualifyInput {
        QualifyInput::new(lead, activities, NOW).with_config(config)
    }

    fn recent(kind: ActivityKind) -> Activity {
        Activity {
            kind,
            at: NOW - DAY_MS,
            detail: String::new(),
        }
    }

    fn strong() -> LeadBuilder {
        LeadBuilder::new("dana@northwind.example")
            .budget(50_000.0)
            .authority(Authority::DecisionMaker)
            .need(Need::High)
            .timeline_days(30)
            .created_at(NOW - 10 * DAY_MS)
    }

    #[test]
    fn a_complete_bant_lead_is_sales_ready_with_a_reason_per_criterion() {
        let verdict = BantQualifier::qualify(input(
            strong().build(),
            vec![recent(ActivityKind::Webinar)],
            vec![],
        ))
        .unwrap();
        assert_eq!(verdict.stage, Stage::SalesReady);
        assert_eq!(verdict.score, 98);
        assert!(
            verdict.reasons[0].starts_with("sales-ready"),
            "{:?}",
            verdict.reasons
        );
        assert_eq!(verdict.reasons.len(), 6, "{:?}", verdict.reasons);
    }

    #[test]
    fn thresholds_come_from_config() {
        let lead = strong().build();
        let strict = vec![
            Field::number("min-budget", 100_000.0),
            Field::number("required-criteria", 4.0),
        ];
        let verdict = BantQualifier::qualify(input(lead.clone(), vec![], strict)).unwrap();
        assert_eq!(verdict.stage, Stage::Nurture, "{verdict:?}");
        let picky = vec![Field::number("sales-ready-score", 99.0)];
        assert_eq!(
            BantQualifier::qualify(input(lead, vec![], picky))
                .unwrap()
                .stage,
            Stage::Nurture
        );
    }

    #[test]
    fn budget_without_timing_gets_the_trial_incentive_track() {
        let lead = strong().timeline_days(365).build();
        let verdict = BantQualifier::qualify(input(
            lead,
            vec![],
            vec![Field::number("required-criteria", 4.0)],
        ))
        .unwrap();
        assert_eq!(verdict.stage, Stage::Nurture);
        assert_eq!(verdict.segment.as_deref(), Some("budget-no-timing"));
        assert_eq!(verdict.track.as_deref(), Some("trial-incentive"));
    }

    #[test]
    fn researching_without_authority_gets_the_decision_maker_track() {
        let lead = LeadBuilder::new("kim@fabrikam.example")
            .authority(Authority::User)
            .need(Need::High)
            .created_at(NOW - DAY_MS)
            .build();
        let verdict = BantQualifier::qualify(input(lead, vec![], vec![])).unwrap();
        assert_eq!(
            verdict.track.as_deref(),
            Some("find-decision-maker"),
            "{verdict:?}"
        );
    }

    #[test]
    fn little_known_means_education() {
        let lead = LeadBuilder::new("sam@contoso.example")
            .need(Need::Low)
            .created_at(NOW - DAY_MS)
            .build();
        let verdict =
            BantQualifier::qualify(input(lead, vec![recent(ActivityKind::PageVisit)], vec![]))
                .unwrap();
        assert_eq!(
            (verdict.stage, verdict.track.as_deref()),
            (Stage::Nurture, Some("education"))
        );
    }

    #[test]
    fn agreed_criteria_discard_with_their_reason() {
        let competitor = vec![Field::text("competitor-domains", "rival.example")];
        let lead = strong().domain("sales.rival.example").build();
        let verdict = BantQualifier::qualify(input(lead, vec![], competitor)).unwrap();
        assert_eq!(verdict.stage, Stage::Discard);
        assert!(
            verdict.reasons[0].contains("competitor rival.example"),
            "{verdict:?}"
        );

        let student = LeadBuilder::new("jo@uni.edu")
            .need(Need::High)
            .created_at(NOW)
            .build();
        assert!(
            BantQualifier::qualify(input(student, vec![], vec![]))
                .unwrap()
                .reasons[0]
                .contains(".edu")
        );

        let no_need = strong().need(Need::None).build();
        assert!(
            BantQualifier::qualify(input(no_need, vec![], vec![]))
                .unwrap()
                .reasons[0]
                .contains("no need")
        );

        let stale = strong().created_at(NOW - 400 * DAY_MS).build();
        let verdict = BantQualifier::qualify(input(
            stale,
            vec![],
            vec![Field::number("inactive-days", 30.0)],
        ))
        .unwrap();
        assert!(
            verdict.reasons[0].contains("no activity for 400 days"),
            "{verdict:?}"
        );
    }

    #[test]
    fn a_bad_config_value_is_refused_naming_the_key() {
        let error = BantQualifier::qualify(input(
            strong().build(),
            vec![],
            vec![Field::text("min-budget", "lots")],
        ))
        .unwrap_err();
        assert!(error.contains("min-budget"), "{error}");
    }
}
