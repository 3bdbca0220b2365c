//! The tracks and their steps: what each touch sends and what it asks.

/// One step of a track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Send content and ask a question.
    Touch {
        /// Template or content id.
        content: &'static str,
        /// Stable question id, echoed in the answer.
        question_id: &'static str,
        /// The question.
        question: &'static str,
    },
    /// Ask a person to call the lead.
    Call {
        /// What the call is for.
        reason: &'static str,
    },
}

const fn touch(content: &'static str, question_id: &'static str, question: &'static str) -> Step {
    Step::Touch {
        content,
        question_id,
        question,
    }
}

/// A named track.
#[derive(Debug)]
pub struct Track {
    /// The name a lead definition suggests and the host stores.
    pub name: &'static str,
    /// Its steps, in order.
    pub steps: &'static [Step],
    /// Days between steps unless config says otherwise.
    pub interval_days: f64,
    /// Whether the track starts over when done (newsletter-style) instead of finishing.
    pub loops: bool,
    /// Whether the lead stays here once sales has it (never handed to sales again).
    pub after_hand_off: bool,
}

/// Every track this plug-in runs.
pub const TRACKS: [Track; 4] = [
    Track {
        name: "trial-incentive",
        steps: &[
            touch(
                "trial-offer",
                "timing-1",
                "When would you want a solution in place?",
            ),
            touch(
                "roi-calculator",
                "timing-2",
                "What would move this up your list?",
            ),
            touch(
                "trial-extension-offer",
                "budget-1",
                "Is the budget you mentioned still set aside for this?",
            ),
        ],
        interval_days: 7.0,
        loops: false,
        after_hand_off: false,
    },
    Track {
        name: "find-decision-maker",
        steps: &[
            touch(
                "buying-committee-guide",
                "authority-1",
                "Who else would be involved in choosing a solution like this?",
            ),
            Step::Call {
                reason: "find the decision makers and introduce ourselves",
            },
            touch(
                "executive-brief",
                "authority-2",
                "Would a short briefing for your manager help?",
            ),
        ],
        interval_days: 7.0,
        loops: false,
        after_hand_off: false,
    },
    Track {
        name: "education",
        steps: &[
            touch(
                "education-why-lead-scoring",
                "need-1",
                "What is the biggest problem with your leads today?",
            ),
            touch(
                "education-case-study",
                "budget-2",
                "Have you set aside a budget to fix it?",
            ),
            touch(
                "education-buyers-guide",
                "timing-3",
                "When do you plan to decide?",
            ),
        ],
        interval_days: 14.0,
        loops: false,
        after_hand_off: false,
    },
    Track {
        name: "stay-in-touch",
        steps: &[
            touch(
                "newsletter",
                "feedback-1",
                "Anything we could do better for your team?",
            ),
            touch(
                "newsletter",
                "news-1",
                "Which topic should our next issue cover?",
            ),
        ],
        interval_days: 30.0,
        loops: true,
        after_hand_off: true,
    },
];

/// The track named `name`.
pub fn find(name: &str) -> Option<&'static Track> {
    TRACKS.iter().find(|track| track.name == name)
}

/// The names of every track, for error messages.
pub fn names() -> String {
    TRACKS
        .iter()
        .map(|track| track.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_ids_are_unique_within_each_track() {
        for track in &TRACKS {
            let mut ids: Vec<_> = track
                .steps
                .iter()
                .filter_map(|step| match step {
                    Step::Touch { question_id, .. } => Some(*question_id),
                    Step::Call { .. } => None,
                })
                .collect();
            let count = ids.len();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), count, "{}", track.name);
        }
    }
}
