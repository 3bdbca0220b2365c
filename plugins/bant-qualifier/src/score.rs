//! The BANT criteria and the behaviour score, each with the words that explain it.

use leadhost_sdk::prelude::*;

use crate::settings::Settings;

/// One BANT criterion's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    /// Whether the criterion is met.
    pub met: bool,
    /// Points it adds to the score.
    pub points: i32,
    /// Why, in words.
    pub reason: String,
}

/// Budget: met when at least `min-budget`; 25 points.
pub fn budget(lead: &Lead, settings: &Settings) -> Criterion {
    match lead.budget {
        Some(budget) if budget >= settings.min_budget => Criterion {
            met: true,
            points: 25,
            reason: format!("budget {budget} meets the minimum {}", settings.min_budget),
        },
        Some(budget) => Criterion {
            met: false,
            points: 0,
            reason: format!(
                "budget {budget} is below the minimum {}",
                settings.min_budget
            ),
        },
        None => Criterion {
            met: false,
            points: 0,
            reason: "budget unknown".into(),
        },
    }
}

/// Authority: met for a decision-maker (25 points) or influencer (15).
pub fn authority(lead: &Lead) -> Criterion {
    let (met, points, word) = match lead.authority {
        Some(Authority::DecisionMaker) => (true, 25, "a decision-maker"),
        Some(Authority::Influencer) => (true, 15, "an influencer"),
        Some(Authority::User) => (false, 5, "a user without buying authority"),
        Some(Authority::None) => (false, 0, "without a part in the purchase"),
        None => {
            return Criterion {
                met: false,
                points: 0,
                reason: "authority unknown".into(),
            };
        }
    };
    Criterion {
        met,
        points,
        reason: format!("contact is {word}"),
    }
}

/// Need: met when high (25 points) or medium (15).
pub fn need(lead: &Lead) -> Criterion {
    let (met, points, word) = match lead.need {
        Some(Need::High) => (true, 25, "high"),
        Some(Need::Medium) => (true, 15, "medium"),
        Some(Need::Low) => (false, 5, "low"),
        Some(Need::None) => (false, 0, "none"),
        None => {
            return Criterion {
                met: false,
                points: 0,
                reason: "need unknown".into(),
            };
        }
    };
    Criterion {
        met,
        points,
        reason: format!("need is {word}"),
    }
}

/// Timeline: met when buying within `max-timeline-days`; 15 points.
pub fn timeline(lead: &Lead, settings: &Settings) -> Criterion {
    match lead.timeline_days {
        Some(days) if f64::from(days) <= settings.max_timeline_days => Criterion {
            met: true,
            points: 15,
            reason: format!(
                "buying in {days} days, within {}",
                settings.max_timeline_days
            ),
        },
        Some(days) => Criterion {
            met: false,
            points: 0,
            reason: format!(
                "buying in {days} days, later than {}",
                settings.max_timeline_days
            ),
        },
        None => Criterion {
            met: false,
            points: 0,
            reason: "timeline unknown".into(),
        },
    }
}

/// The most behaviour adds to the score.
pub const BEHAVIOUR_CAP: i32 = 30;

/// Points for one activity: more for what takes more intent.
fn activity_points(kind: ActivityKind) -> i32 {
    match kind {
        ActivityKind::PageVisit | ActivityKind::EmailOpen => 1,
        ActivityKind::EmailClick => 2,
        ActivityKind::Download | ActivityKind::Form | ActivityKind::Answer => 5,
        ActivityKind::Webinar | ActivityKind::EmailReply => 8,
        ActivityKind::Call => 10,
        ActivityKind::Meeting => 15,
        ActivityKind::Other => 0,
    }
}

/// Behaviour: points for activity within `behaviour-window-days` of `now`, capped.
pub fn behaviour(activities: &[Activity], now: Timestamp, settings: &Settings) -> (i32, String) {
    let since = now.saturating_sub(time::days(settings.behaviour_window_days));
    let recent: Vec<_> = activities
        .iter()
        .filter(|activity| activity.at >= since && activity.at <= now)
        .collect();
    let raw: i32 = recent
        .iter()
        .map(|activity| activity_points(activity.kind))
        .sum();
    let points = raw.min(BEHAVIOUR_CAP);
    let reason = format!(
        "behaviour {points} points from {} activities in the last {} days{}",
        recent.len(),
        settings.behaviour_window_days,
        if raw > BEHAVIOUR_CAP {
            format!(" (capped from {raw})")
        } else {
            String::new()
        }
    );
    (points, reason)
}

/// Days since the lead last did anything (or was created, if it never did).
pub fn idle_days(lead: &Lead, activities: &[Activity], now: Timestamp) -> f64 {
    let last = activities
        .iter()
        .map(|activity| activity.at)
        .max()
        .unwrap_or(lead.created_at)
        .max(lead.created_at);
    time::days_between(last, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(days_ago: i64) -> Timestamp {
        1_000 * time::DAY_MS - days_ago * time::DAY_MS
    }

    #[test]
    fn behaviour_counts_recent_intent_and_is_capped() {
        let settings = Settings::from_config(&[]).unwrap();
        let now = at(0);
        let activity = |kind, days_ago| Activity {
            kind,
            at: at(days_ago),
            detail: String::new(),
        };
        let (points, _) = behaviour(
            &[
                activity(ActivityKind::Webinar, 5),
                activity(ActivityKind::PageVisit, 200),
            ],
            now,
            &settings,
        );
        assert_eq!(points, 8, "only the recent webinar counts");
        let meetings: Vec<_> = (0..5)
            .map(|day| activity(ActivityKind::Meeting, day))
            .collect();
        let (points, reason) = behaviour(&meetings, now, &settings);
        assert_eq!(points, BEHAVIOUR_CAP);
        assert!(reason.contains("capped from 75"), "{reason}");
    }

    #[test]
    fn criteria_explain_unknowns_and_misses() {
        let settings = Settings::from_config(&[]).unwrap();
        let lead = LeadBuilder::new("a@b.example").budget(500.0).build();
        assert_eq!(
            budget(&lead, &settings).reason,
            "budget 500 is below the minimum 10000"
        );
        assert_eq!(timeline(&lead, &settings).reason, "timeline unknown");
        assert!(!authority(&lead).met);
    }
}
