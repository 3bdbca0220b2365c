//! Reading and running sample cases.

use super::*;
use serde_json::json;

#[test]
fn expectations_are_subsets_and_name_the_first_difference() {
    let answer = json!({"stage": "nurture", "score": 40, "reasons": ["weak"]});
    assert_eq!(difference(&json!({"stage": "nurture"}), &answer, ""), None);
    assert_eq!(difference(&json!({"score": 40.0}), &answer, ""), None);
    assert_eq!(
        difference(&json!({"stage": "sales-ready"}), &answer, "").unwrap(),
        "`stage`: expected \"sales-ready\", got \"nurture\""
    );
    assert!(
        difference(&json!({"track": "x"}), &answer, "")
            .unwrap()
            .contains("the answer has none")
    );
}

#[test]
fn a_list_mismatch_names_the_first_differing_element_not_both_lists() {
    let answer =
        json!({"reasons": ["budget 60000", "decision-maker", "need high", "timeline 30 days"]});
    assert_eq!(
        difference(
            &json!({"reasons": ["budget 60000", "decision maker", "need high", "timeline 30 days"]}),
            &answer,
            ""
        )
        .unwrap(),
        "`reasons[1]`: expected \"decision maker\", got \"decision-maker\""
    );
    assert_eq!(
        difference(
            &json!({"reasons": ["budget 60000", "decision-maker"]}),
            &answer,
            ""
        )
        .unwrap(),
        "`reasons[2]`: expected no more elements, got \"need high\" (expected 2 elements, got 4)"
    );
    let more = json!({"reasons": ["budget 60000", "decision-maker", "need high", "timeline 30 days", "fit"]});
    assert_eq!(
        difference(&more, &answer, "").unwrap(),
        "`reasons[4]`: expected \"fit\", the answer ends before it (expected 5 elements, got 4)"
    );
    assert_eq!(
        difference(&json!({"n": [1, 2.0]}), &json!({"n": [1.0, 2]}), ""),
        None
    );
}

#[test]
fn a_malformed_case_is_kept_by_name_and_the_others_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.cases.json");
    std::fs::write(
        &path,
        r#"[{"input": {}, "expect": {}}, {"name": "typo", "input": {}, "expec": {}}, {"name": "ok", "input": {}, "expect": {"stage": "discard"}}]"#,
    )
    .unwrap();
    let cases = read_cases(&path).unwrap();
    assert_eq!(cases.len(), 3);
    assert_eq!((cases[0].name.as_str(), &cases[0].malformed), ("", &None));
    assert_eq!(cases[1].name, "typo");
    let problem = cases[1].malformed.as_deref().unwrap();
    assert!(problem.contains("unknown field `expec`"), "{problem}");
    assert_eq!(cases[2].malformed, None);
    assert_eq!(case_label(3, "ok"), "case 3 \"ok\"");
    assert_eq!(case_label(1, ""), "case 1");
}

#[test]
fn the_cases_file_sits_beside_the_component() {
    assert_eq!(
        cases_path(Path::new("/d/orgs/acme/bant-qualifier.wasm")),
        Path::new("/d/orgs/acme/bant-qualifier.cases.json")
    );
}
