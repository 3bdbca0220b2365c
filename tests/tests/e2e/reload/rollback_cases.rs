//! A rollback brings a version back with the sample cases it passed: a
//! later build's cases under the same name, which the old build never
//! passed, do not refuse it, and rolling forward brings the later cases
//! back. A version that had no cases goes back without the cases file a
//! later one left.

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::runtime::{ContentHash, Slot};
use leadhost_tests::fixtures;

use super::{Folder, variant};

/// One case: the example strong lead, expecting `expect`.
fn cases(expect: serde_json::Value) -> Vec<u8> {
    let input: serde_json::Value = leadhost_tests::example("eval/qualify/strong-lead.json");
    serde_json::to_vec(&serde_json::json!([{
        "name": "the strong lead", "input": input, "expect": expect
    }]))
    .unwrap()
}

#[test]
fn a_rollback_is_checked_against_its_own_cases_and_brings_them_back() {
    let folder = Folder::new();
    let plugins = &folder.host.plugins;
    let cases_file = folder.org_dir.join("acme-fit.cases.json");
    let (v1, v1_cases) = (
        variant(BANT_QUALIFIER.bytes, 21),
        cases(serde_json::json!({"stage": "sales-ready"})),
    );
    // v2 nurtures every lead with score 42: v1 fails v2's cases.
    let (v2, v2_cases) = (
        std::fs::read(fixtures::FIXTURE_WIT_0_1_1_PATH).unwrap(),
        cases(serde_json::json!({"stage": "nurture", "score": 42})),
    );
    let first = plugins
        .install_with_cases(
            "acme",
            Slot::LeadDefinition,
            "acme-fit",
            &v1,
            Some(&v1_cases),
            &Default::default(),
        )
        .unwrap();
    assert_eq!(
        first.cases_digest.as_deref(),
        Some(ContentHash::of(&v1_cases).to_string().as_str())
    );
    plugins
        .install_with_cases(
            "acme",
            Slot::LeadDefinition,
            "acme-fit",
            &v2,
            Some(&v2_cases),
            &Default::default(),
        )
        .unwrap();
    assert_eq!(std::fs::read(&cases_file).unwrap(), v2_cases);

    let back = plugins
        .rollback("acme", Slot::LeadDefinition, &ContentHash::of(&v1).short())
        .expect("v1 is checked against its own cases, not v2's");
    assert_eq!(back.hash, ContentHash::of(&v1));
    assert_eq!(std::fs::read(&cases_file).unwrap(), v1_cases);
    assert_eq!(folder.qualify_one(1), ContentHash::of(&v1).to_string());
    let forward = plugins
        .rollback("acme", Slot::LeadDefinition, &ContentHash::of(&v2).short())
        .unwrap();
    assert_eq!(forward.hash, ContentHash::of(&v2));
    assert_eq!(std::fs::read(&cases_file).unwrap(), v2_cases);

    // A version without cases; then a cases file it fails, left beside it.
    let plain = variant(BANT_QUALIFIER.bytes, 22);
    let version = plugins
        .install("acme", Slot::LeadDefinition, "plain", &plain)
        .unwrap();
    assert_eq!(version.cases_digest.as_deref(), Some(""));
    let stale = folder.org_dir.join("plain.cases.json");
    std::fs::write(&stale, &v2_cases).unwrap();
    plugins
        .rollback("acme", Slot::LeadDefinition, &ContentHash::of(&v2).short())
        .unwrap();
    let again = plugins
        .rollback(
            "acme",
            Slot::LeadDefinition,
            &ContentHash::of(&plain).short(),
        )
        .expect("checked without the cases it never had");
    assert_eq!(again.hash, ContentHash::of(&plain));
    assert!(!stale.exists(), "the cases file it never passed is gone");
}
