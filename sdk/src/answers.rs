//! Builders for what plug-ins return and take, so a verdict reads as one line.

use crate::types::{
    Activity, Assignment, CallTask, Field, Lead, NurtureAction, NurtureStep, Qualification,
    QualifyInput, Question, Queued, RouteDecision, Scalar, Stage, Timestamp, Touch, TrackState,
};

impl Qualification {
    fn with_stage(stage: Stage, score: i32) -> Self {
        Qualification {
            stage,
            score,
            segment: None,
            track: None,
            reasons: Vec::new(),
        }
    }

    /// A sales-ready verdict with `score`; add reasons with [`Qualification::reason`].
    pub fn sales_ready(score: i32) -> Self {
        Self::with_stage(Stage::SalesReady, score)
    }

    /// A nurture verdict with `score`.
    pub fn nurture(score: i32) -> Self {
        Self::with_stage(Stage::Nurture, score)
    }

    /// A discard verdict with `score`.
    pub fn discard(score: i32) -> Self {
        Self::with_stage(Stage::Discard, score)
    }

    /// Adds a human-readable reason.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reasons.push(reason.into());
        self
    }

    /// Sets the segment.
    pub fn segment(mut self, segment: impl Into<String>) -> Self {
        self.segment = Some(segment.into());
        self
    }

    /// Suggests a nurture track.
    pub fn track(mut self, track: impl Into<String>) -> Self {
        self.track = Some(track.into());
        self
    }
}

impl QualifyInput {
    /// An input with no config, as a unit test usually wants it.
    pub fn new(lead: Lead, activities: Vec<Activity>, now: Timestamp) -> Self {
        QualifyInput {
            lead,
            activities,
            #[cfg(feature = "wit-0-2")]
            campaigns: Vec::new(),
            #[cfg(feature = "wit-0-2")]
            previous: None,
            config: Vec::new(),
            now,
        }
    }

    /// Replaces the config.
    pub fn with_config(mut self, config: Vec<Field>) -> Self {
        self.config = config;
        self
    }
}

impl Field {
    /// A numeric field.
    pub fn number(name: impl Into<String>, value: f64) -> Self {
        Field {
            name: name.into(),
            value: Scalar::Number(value),
        }
    }

    /// A text field.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Self {
        Field {
            name: name.into(),
            value: Scalar::Text(value.into()),
        }
    }

    /// A yes/no field.
    pub fn flag(name: impl Into<String>, value: bool) -> Self {
        Field {
            name: name.into(),
            value: Scalar::Boolean(value),
        }
    }
}

impl Touch {
    /// A touch on `channel` with the template or content id `content`.
    pub fn new(channel: impl Into<String>, content: impl Into<String>) -> Self {
        Touch {
            channel: channel.into(),
            content: content.into(),
            question: None,
        }
    }

    /// Asks a question in the touch; its answer comes back as an `answer` activity.
    pub fn asking(mut self, id: impl Into<String>, text: impl Into<String>) -> Self {
        self.question = Some(Question {
            id: id.into(),
            text: text.into(),
        });
        self
    }
}

impl From<Touch> for NurtureAction {
    fn from(touch: Touch) -> Self {
        NurtureAction::SendTouch(touch)
    }
}

impl From<CallTask> for NurtureAction {
    fn from(task: CallTask) -> Self {
        NurtureAction::CreateCallTask(task)
    }
}

impl NurtureStep {
    /// A step that leaves the lead in `state` and takes no action yet.
    pub fn new(state: TrackState) -> Self {
        NurtureStep {
            actions: Vec::new(),
            state,
            wake_at: None,
        }
    }

    /// Adds an action; actions run in the order they were added.
    pub fn action(mut self, action: impl Into<NurtureAction>) -> Self {
        self.actions.push(action.into());
        self
    }

    /// Wakes the track again at `at`.
    pub fn wake_at(mut self, at: Timestamp) -> Self {
        self.wake_at = Some(at);
        self
    }
}

impl Assignment {
    /// An assignment to `rep`; add reasons with [`Assignment::reason`].
    pub fn to(rep: impl Into<String>) -> Self {
        Assignment {
            rep: rep.into(),
            reasons: Vec::new(),
        }
    }

    /// Adds a reason.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reasons.push(reason.into());
        self
    }
}

impl From<Assignment> for RouteDecision {
    fn from(assignment: Assignment) -> Self {
        RouteDecision::Assign(assignment)
    }
}

impl RouteDecision {
    /// Puts the lead in the queue `name`.
    pub fn queue(name: impl Into<String>, reason: impl Into<String>) -> Self {
        RouteDecision::Queue(Queued {
            name: name.into(),
            reason: reason.into(),
        })
    }

    /// Passes the lead back to marketing.
    pub fn return_to_marketing(reason: impl Into<String>) -> Self {
        RouteDecision::ReturnToMarketing(reason.into())
    }
}
