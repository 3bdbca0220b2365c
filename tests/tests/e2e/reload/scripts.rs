//! Admin scripts in the org folder, through the real watcher: a `.rhai`
//! rule named in `org.toml` decides the next lead with its own hash on the
//! decision; a broken edit is refused naming the line while the last good
//! version serves; a restart serves the same version from its kept copy.

use leadhost::runtime::{ContentHash, Slot};
use leadhost::store::{Activation, TimelineItem};

use super::{Folder, wait_for};

/// A rule an admin would write: budget decides, and says so.
const RULE: &str = r#"
// Sales-ready with a budget of at least `min-budget`, else nurture.
fn qualify(input) {
    let budget = input.lead.budget ?? 0;
    let minimum = input.config["min-budget"] ?? 50000;
    if budget >= minimum {
        #{ stage: "sales-ready", score: 85, reasons: [`budget ${budget} meets ${minimum}`] }
    } else {
        #{ stage: "nurture", score: 30, track: "education", reasons: [`budget ${budget} is short of ${minimum}`] }
    }
}
"#;

fn name_in_org_file(folder: &Folder, component: &str) {
    let path = folder.org_dir.join("org.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "component = \"bant-qualifier.wasm\"",
        &format!("component = \"{component}\"\nconfig = {{ min-budget = 50000 }}"),
    );
    std::fs::write(path, text).unwrap();
}

fn reasons_of(folder: &Folder, email: &str) -> (String, Vec<String>) {
    let engine = &folder.host.engine;
    let id = engine
        .store()
        .lead_by_email("acme", email)
        .unwrap()
        .expect("the lead");
    let timeline = engine.timeline("acme", &id).unwrap();
    timeline
        .iter()
        .find_map(|entry| match &entry.item {
            TimelineItem::Decision(decision) if decision.slot == Slot::LeadDefinition => Some((
                format!("{}@{}", decision.plugin, decision.plugin_hash),
                decision.reasons.clone(),
            )),
            _ => None,
        })
        .expect("a qualification")
}

#[test]
fn a_script_dropped_while_serving_decides_the_next_lead_and_is_versioned_by_hash() {
    let folder = Folder::new();
    let hash = ContentHash::of(RULE.as_bytes());
    folder.drop_file("qualify.rhai", RULE.as_bytes());
    name_in_org_file(&folder, "qualify.rhai");
    wait_for("the script", || folder.active(Slot::LeadDefinition) == hash);

    assert_eq!(folder.qualify_one(1), hash.to_string());
    let (plugin, reasons) = reasons_of(&folder, "lead1@northwind.example");
    assert_eq!(plugin, format!("qualify.rhai@{hash}"));
    assert_eq!(reasons, ["budget 60000 meets 50000"]);

    // A broken edit: refused with the line, the good version keeps serving.
    let broken = RULE.replace("let minimum =", "let minimum = = ");
    folder.drop_file("qualify.rhai", broken.as_bytes());
    let refusal = folder.refusal_of("the broken script", broken.as_bytes());
    assert!(
        refusal.reason.contains("qualify.rhai line 5"),
        "{}",
        refusal.reason
    );
    assert_eq!(folder.active(Slot::LeadDefinition), hash);
    assert_eq!(folder.qualify_one(2), hash.to_string());

    // The history knows the script's version; a restart with the broken
    // file in the folder serves it again from the kept copy.
    let history = folder.host.engine.store().plugin_versions("acme").unwrap();
    let version = history
        .iter()
        .rev()
        .find(|v| v.slot == Slot::LeadDefinition)
        .unwrap();
    assert_eq!(
        (version.name.as_str(), version.how),
        ("qualify.rhai", Activation::File)
    );
    assert_eq!(version.hash, hash);
    let folder = folder.restart();
    assert_eq!(folder.active(Slot::LeadDefinition), hash);
    assert_eq!(folder.qualify_one(3), hash.to_string());
}

#[test]
fn a_script_without_its_function_or_failing_its_cases_is_refused() {
    let folder = Folder::new();
    let before = folder.active(Slot::LeadDefinition);
    let wrong = "fn qualfy(input) { #{ stage: \"nurture\", score: 1 } }\n";
    folder.drop_file("qualify.rhai", wrong.as_bytes());
    name_in_org_file(&folder, "qualify.rhai");
    let refusal = folder.refusal_of("the script without qualify", wrong.as_bytes());
    assert!(
        refusal
            .reason
            .contains("no function `qualify`: define `fn qualify(input) { ... }` (the script defines `qualfy`)"),
        "{}",
        refusal.reason
    );
    assert_eq!(folder.active(Slot::LeadDefinition), before);

    // Sample cases beside a script are checked like a component's.
    let cases = serde_json::json!([{
        "name": "a 60000 budget is sales-ready",
        "input": {"lead": {"id": "ld-1", "email": "a@b.example", "budget": 60000,
                  "created_at": "2026-11-24T09:00:00Z"}, "activities": [],
                  "now": "2026-11-24T09:00:00Z"},
        "expect": {"stage": "discard"}
    }]);
    std::fs::write(folder.org_dir.join("qualify.cases.json"), cases.to_string()).unwrap();
    folder.drop_file("qualify.rhai", RULE.as_bytes());
    let refusal = folder.refusal_of("the script failing its case", RULE.as_bytes());
    assert!(
        refusal
            .reason
            .contains("sample case 1 \"a 60000 budget is sales-ready\" failed"),
        "{}",
        refusal.reason
    );
    assert_eq!(folder.active(Slot::LeadDefinition), before);
}

/// A routing policy that always returns leads to marketing and a nurture
/// track that always hands them to sales would pass a lead back and forth
/// for ever inside one operation (before `moves.rs`, until the host's stack
/// ran out and the whole process died). The engine stops after its limit of
/// moves and leaves the lead in needs-review, saying why.
#[test]
fn plug_ins_that_pass_a_lead_back_and_forth_leave_it_in_review_not_in_a_loop() {
    const BACK: &str = r#"
fn route(input) { #{ decision: "return-to-marketing", reason: "not ours" } }
"#;
    const FORTH: &str = r#"
fn next_step(input) { #{ actions: [#{ action: "hand-to-sales", reason: "ready now" }] } }
"#;
    let folder = Folder::new();
    folder.drop_file("back.rhai", BACK.as_bytes());
    folder.drop_file("forth.rhai", FORTH.as_bytes());
    let path = folder.org_dir.join("org.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(
            "component = \"round-robin.wasm\"",
            "component = \"back.rhai\"",
        )
        .replace(
            "component = \"standard-nurture.wasm\"",
            "component = \"forth.rhai\"",
        );
    std::fs::write(path, text).unwrap();
    wait_for("both scripts", || {
        folder.active(Slot::RoutingPolicy) == ContentHash::of(BACK.as_bytes())
            && folder.active(Slot::NurtureTrack) == ContentHash::of(FORTH.as_bytes())
    });

    folder.qualify_one(1);
    let engine = &folder.host.engine;
    let id = engine
        .store()
        .lead_by_email("acme", "lead1@northwind.example")
        .unwrap()
        .expect("the lead");
    let record = engine.lead("acme", &id).unwrap();
    match &record.stage {
        leadhost::store::LeadStage::NeedsReview { code, error, .. } => {
            assert_eq!(code, "moves-exceeded");
            assert!(error.contains("back and forth"), "{error}");
        }
        other => panic!("expected needs-review, got {other:?}"),
    }
    let recycled = record
        .path
        .iter()
        .filter(|entry| entry.stage == leadhost::store::StageKind::Recycled)
        .count();
    assert!(recycled >= 2, "it did go round: {:?}", record.path);
}
