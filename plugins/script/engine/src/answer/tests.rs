//! Unit tests of reading answers back.

use super::*;
use rhai::Engine;

fn eval(script: &str) -> Dynamic {
    Engine::new_raw().eval(script).unwrap()
}

fn reader() -> Reader<'static> {
    Reader {
        script: "t.rhai",
        function: "f",
    }
}

#[test]
fn a_qualification_reads_with_defaults() {
    let answer = reader()
        .qualification(eval(
            r#"#{ stage: "nurture", score: 41.6, reasons: ["a", 2] }"#,
        ))
        .unwrap();
    assert_eq!(answer, Qualification::nurture(42).reason("a").reason("2"));
    let answer = reader()
        .qualification(eval(
            r#"#{ stage: "discard", score: 0, reasons: "only", track: () }"#,
        ))
        .unwrap();
    assert_eq!(answer.reasons, vec!["only"]);
}

#[test]
fn shape_errors_name_the_key() {
    let error = |script: &str| {
        reader()
            .qualification(eval(script))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        error("#{ score: 1 }"),
        "t.rhai: `f` returned a map without `stage`"
    );
    assert!(error("42").contains("returned 42 (a number), not a map like"));
    assert!(error(r#"#{ stage: "ready", score: 1 }"#).contains("`stage` = \"ready\": expected"));
    assert!(
        error(r#"#{ stage: "nurture", score: "hi" }"#)
            .contains("`score` = \"hi\" (text): expected a number")
    );
    assert!(
        error(r#"#{ stage: "nurture", score: 1, reason: "x" }"#).contains(
            "an unknown key `reason` (known keys: stage, score, segment, track, reasons)"
        )
    );
    assert!(
        error(r#"#{ stage: "nurture", score: 1, reasons: [#{}] }"#)
            .contains("`reasons[0]` = a map")
    );
}

#[test]
fn nurture_actions_and_state_read_back() {
    let unchanged = TrackState {
        track: "t".into(),
        step: 0,
        data: "old".into(),
    };
    let step = reader()
        .nurture_step(
            eval(
                r#"#{ actions: [
                    #{ action: "send-touch", channel: "email", content: "guide", question: #{ id: "q1", text: "When?" } },
                    #{ action: "create-call-task", reason: "find the decision maker" },
                    #{ action: "wait" }, #{ action: "finish", reason: "done" }
                ], state: #{ track: "t", step: 1, data: #{ asked: ["q1"] } }, wake_at: 5 }"#,
            ),
            &unchanged,
        )
        .unwrap();
    assert_eq!(step.actions.len(), 4);
    assert_eq!(step.state.data, r#"{"asked":["q1"]}"#);
    assert_eq!(step.wake_at, Some(5));
    let kept = reader()
        .nurture_step(eval("#{ actions: [] }"), &unchanged)
        .unwrap();
    assert_eq!((kept.state, kept.wake_at), (unchanged.clone(), None));

    let error = reader()
        .nurture_step(
            eval(r#"#{ actions: [#{ action: "send-touch", channel: "email" }] }"#),
            &unchanged,
        )
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "t.rhai: `f` returned `actions[0]` without `content`"
    );
    let error = reader()
        .nurture_step(eval(r#"#{ actions: [#{ action: "call" }] }"#), &unchanged)
        .unwrap_err();
    assert!(
        error.to_string().contains("`actions[0].action` = \"call\""),
        "{error}"
    );
    let error = reader()
        .nurture_step(
            eval(r#"#{ actions: [], state: #{ track: "t", step: -1 } }"#),
            &unchanged,
        )
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`state.step` = -1 (a number): expected a whole number"),
        "{error}"
    );
    let error = reader()
        .nurture_step(eval(r#"#{ actions: [], wake_at: "tomorrow" }"#), &unchanged)
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`wake_at` = \"tomorrow\" (text)"),
        "{error}"
    );
}

#[test]
fn route_decisions_read_back() {
    assert_eq!(
        reader()
            .route_decision(eval(
                r#"#{ decision: "assign", rep: "ana", reasons: ["x"] }"#
            ))
            .unwrap(),
        RouteDecision::from(Assignment::to("ana").reason("x"))
    );
    assert_eq!(
        reader()
            .route_decision(eval(
                r#"#{ decision: "queue", queue: "inside", reason: "none free" }"#
            ))
            .unwrap(),
        RouteDecision::queue("inside", "none free")
    );
    let error = reader()
        .route_decision(eval(r#"#{ decision: "queue", name: "inside" }"#))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "t.rhai: `f` returned a map without `queue`"
    );
}
