//! A guest's answer before the host accepts it.

/// What came back from a call that did not trap.
#[derive(Debug)]
pub enum Answer<T> {
    /// A decision that converts and validates.
    Decided(T),
    /// The guest's own error answer.
    Refused(String),
    /// The answer breaks the contract; says how.
    Invalid(String),
    /// The instance fills another slot (a host bug, not the guest's).
    WrongSlot,
}

impl<T> Answer<T> {
    /// Converts a guest's `result<T, string>` with `convert`, which checks the contract.
    pub fn from_guest<W>(
        answer: Result<W, String>,
        convert: impl FnOnce(W) -> Result<T, String>,
    ) -> Self {
        match answer {
            Ok(value) => match convert(value) {
                Ok(decided) => Answer::Decided(decided),
                Err(problem) => Answer::Invalid(problem),
            },
            Err(refusal) => Answer::Refused(refusal),
        }
    }
}

/// How big an answer is: the bytes of its strings plus a little per item,
/// about what its JSON would take. Checked against `Limits::output_bytes`.
pub trait AnswerSize {
    /// The answer's size in bytes.
    fn answer_size(&self) -> usize;
}

fn strings<'a>(items: impl IntoIterator<Item = &'a String>) -> usize {
    items.into_iter().map(|item| item.len() + 4).sum()
}

impl AnswerSize for leadhost_model::Qualification {
    fn answer_size(&self) -> usize {
        32 + strings(&self.reasons) + strings(&self.segment) + strings(&self.track)
    }
}

impl AnswerSize for leadhost_model::NurtureStep {
    fn answer_size(&self) -> usize {
        use leadhost_model::NurtureAction as A;
        let actions: usize = self
            .actions
            .iter()
            .map(|action| {
                16 + match action {
                    A::SendTouch {
                        channel,
                        content,
                        question,
                    } => {
                        channel.len()
                            + content.len()
                            + question.as_ref().map_or(0, |q| q.id.len() + q.text.len())
                    }
                    A::CreateCallTask { assignee, reason } => strings(assignee) + reason.len(),
                    A::Wait => 0,
                    A::MoveToTrack { track: text }
                    | A::HandToSales { reason: text }
                    | A::Discard { reason: text }
                    | A::Finish { reason: text } => text.len(),
                }
            })
            .sum();
        32 + actions + self.state.track.len() + self.state.data.len()
    }
}

impl AnswerSize for leadhost_model::RouteDecision {
    fn answer_size(&self) -> usize {
        use leadhost_model::RouteDecision as D;
        16 + match self {
            D::Assign { rep, reasons } => rep.len() + strings(reasons),
            D::Queue { queue, reason } => queue.len() + reason.len(),
            D::ReturnToMarketing { reason } => reason.len(),
        }
    }
}

impl AnswerSize for leadhost_model::Duplicates {
    fn answer_size(&self) -> usize {
        16 + self
            .duplicates
            .iter()
            .map(|duplicate| 16 + duplicate.candidate.len() + strings(&duplicate.reasons))
            .sum::<usize>()
    }
}
