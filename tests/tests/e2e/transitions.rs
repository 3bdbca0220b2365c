//! Every engine operation from every stage a lead can rest in: the legal
//! ones move it as the lifecycle says, the illegal ones are refused with a
//! clear error and write nothing.

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::engine::{EngineError, Feedback};
use leadhost::runtime::Slot;
use leadhost::store::StageKind::{self, *};

use super::support::{TestOrg, almost, strong, student};

/// An operation a client can ask for on one lead.
#[derive(Debug, Clone, Copy)]
enum Op {
    Accept,
    Won,
    Lost,
    PassBack,
    Retry,
}

const OPS: [Op; 5] = [Op::Accept, Op::Won, Op::Lost, Op::PassBack, Op::Retry];

/// Puts a new lead (e-mail from `n`) in `stage`; returns its id.
fn lead_in(org: &TestOrg, stage: StageKind, n: usize) -> String {
    let email = format!("lead{n}@northwind.example");
    let feedback = |id: &str, feedback| org.engine.feedback(org.org, id, feedback).unwrap();
    let id = match stage {
        Assigned | Accepted | Won | Lost => org.ingest(strong(&email)).record.id().to_string(),
        Routed => {
            // No rep can take it: round robin queues it.
            for rep in ["ana", "ben", "dev"] {
                let mut record = org.rep(rep);
                record.available = false;
                org.engine.put_rep(org.org, record).unwrap();
            }
            let id = org.ingest(strong(&email)).record.id().to_string();
            for rep in ["ana", "ben", "dev"] {
                let mut record = org.rep(rep);
                record.available = true;
                org.engine.put_rep(org.org, record).unwrap();
            }
            id
        }
        Nurturing => org.ingest(almost(&email)).record.id().to_string(),
        Discarded => org
            .ingest(student(&format!("lead{n}")))
            .record
            .id()
            .to_string(),
        NeedsReview => {
            org.engine
                .plugins()
                .deactivate(org.org, Slot::LeadDefinition);
            let id = org.ingest(strong(&email)).record.id().to_string();
            org.activate_builtin(BANT_QUALIFIER);
            id
        }
        other => panic!("{other} is not a resting stage"),
    };
    match stage {
        Accepted => drop(feedback(&id, Feedback::Accept { rep: None })),
        Won | Lost => {
            feedback(&id, Feedback::Accept { rep: None });
            let last = if stage == Won {
                Feedback::Won
            } else {
                Feedback::Lost {
                    reason: "timing".into(),
                }
            };
            feedback(&id, last);
        }
        _ => {}
    }
    assert_eq!(org.lead(&id).stage.kind(), stage, "set-up of {stage}");
    id
}

fn run(org: &TestOrg, id: &str, op: Op) -> Result<StageKind, EngineError> {
    let feedback = |feedback| org.engine.feedback(org.org, id, feedback);
    let record = match op {
        Op::Accept => feedback(Feedback::Accept { rep: None }),
        Op::Won => feedback(Feedback::Won),
        Op::Lost => feedback(Feedback::Lost {
            reason: "budget cut".into(),
        }),
        Op::PassBack => feedback(Feedback::PassBack {
            reason: "not yet".into(),
        }),
        Op::Retry => org.engine.retry(org.org, id),
    }?;
    Ok(record.stage.kind())
}

/// Where each legal operation takes a lead; `None` for an illegal one.
fn expected(stage: StageKind, op: Op) -> Option<StageKind> {
    match (stage, op) {
        (Assigned, Op::Accept) => Some(Accepted),
        (Accepted, Op::Won) => Some(Won),
        (Accepted, Op::Lost) => Some(Lost),
        (Assigned | Accepted | Routed, Op::PassBack) => Some(Nurturing),
        (NeedsReview, Op::Retry) => Some(Assigned),
        _ => None,
    }
}

#[test]
fn every_operation_from_every_resting_stage() {
    let org = TestOrg::new();
    let stages = [
        Assigned,
        Accepted,
        Won,
        Lost,
        Routed,
        Nurturing,
        Discarded,
        NeedsReview,
    ];
    let mut n = 0;
    for stage in stages {
        for op in OPS {
            n += 1;
            let id = lead_in(&org, stage, n);
            let before = (org.lead(&id), org.timeline(&id).len());
            let result = run(&org, &id, op);
            match (expected(stage, op), result) {
                (Some(to), Ok(reached)) => assert_eq!(reached, to, "{op:?} from {stage}"),
                (None, Err(EngineError::Illegal(error))) => {
                    assert_eq!(error.from, stage, "{op:?} from {stage}");
                    assert!(
                        error
                            .to_string()
                            .contains(&format!("is {stage}; it cannot become")),
                        "{error}"
                    );
                }
                (None, Err(EngineError::NotInReview { stage: found, .. })) => {
                    assert!(matches!(op, Op::Retry));
                    assert_eq!(found, stage);
                }
                (want, got) => panic!("{op:?} from {stage}: expected {want:?}, got {got:?}"),
            }
            if expected(stage, op).is_none() {
                assert_eq!(
                    (org.lead(&id), org.timeline(&id).len()),
                    before,
                    "a refused {op:?} wrote nothing"
                );
            }
        }
    }
}
