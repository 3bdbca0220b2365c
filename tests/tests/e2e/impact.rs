//! The impact check on activation: a new version (or config) runs on the
//! slot's latest recorded inputs, its history entry says what it would
//! change, and `max_change` refuses one that changes too much — after its
//! sample cases.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use leadhost::engine::LeadSubmission;
use leadhost::model::{Config, Scalar};
use leadhost::plugins::{Reload, SlotOutcome};
use leadhost::runtime::Slot;
use leadhost::setup::{Host, Options};
use leadhost::store::{Activation, PluginVersion};

/// Org `acme` with 20 decision-makers (score 90) and 20 influencers
/// (score 80) qualified by the first-party lead definition (70 needed).
fn history(dir: &std::path::Path) -> Host {
    let host = Host::open(dir, Options::default()).unwrap();
    host.create_org("acme", "Acme").unwrap();
    for n in 0..40 {
        let authority = if n % 2 == 0 {
            "decision-maker"
        } else {
            "influencer"
        };
        let submission: LeadSubmission = serde_json::from_value(serde_json::json!({
            "email": format!("lead{n}@kranwerk.example"), "country": "DE", "budget": 60000,
            "authority": authority, "need": "high", "timeline_days": 30
        }))
        .unwrap();
        host.engine.ingest("acme", submission, "test").unwrap();
    }
    host
}

fn org_file(host: &Host) -> std::path::PathBuf {
    host.plugins.folders().org_dir("acme").join("org.toml")
}

/// `org.toml` with the lead definition's entry given `extra` lines.
fn with_entry(host: &Host, extra: &str) {
    let text = std::fs::read_to_string(org_file(host)).unwrap();
    let start = text.find("component = \"bant-qualifier.wasm\"").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    let edited = format!("{}\n{extra}{}", &text[..end], &text[end..]);
    std::fs::write(org_file(host), edited).unwrap();
}

/// What serves `acme`'s lead definition now.
fn serving(host: &Host) -> leadhost::engine::registry::Active {
    host.engine
        .plugins()
        .active("acme", Slot::LeadDefinition)
        .expect("a lead definition serves")
}

/// The lead definition's version a reload activated.
fn activated(reload: &Reload) -> &PluginVersion {
    match reload.slot(Slot::LeadDefinition) {
        Some(SlotOutcome::Activated(version)) => version,
        other => panic!("not activated: {other:?}"),
    }
}

#[test]
fn a_new_config_records_what_it_would_change_on_its_history_entry() {
    let dir = tempfile::tempdir().unwrap();
    let host = history(dir.path());
    let strict = Config::from([("sales-ready-score".to_string(), Scalar::Number(85.0))]);
    let version = host
        .plugins
        .set_config("acme", Slot::LeadDefinition, strict)
        .unwrap();
    assert_eq!(version.how, Activation::Config);
    let impact = version.impact.as_ref().expect("measured");
    assert_eq!(
        (impact.inputs, impact.changed, impact.failed),
        (40, 20, 0),
        "{impact:?}"
    );
    assert_eq!(impact.changes.len(), 1);
    assert_eq!(impact.changes[0].from, "sales-ready");
    assert_eq!(impact.changes[0].to, "nurture");
    assert_eq!(impact.summary, "20 of 40: 20 sales-ready → nurture");
    // The history keeps it.
    let kept = host
        .engine
        .plugin_versions("acme", Slot::LeadDefinition)
        .unwrap();
    assert_eq!(kept.last().unwrap().impact.as_ref(), Some(impact));
}

#[test]
fn a_file_change_without_a_bound_is_measured_after_it_serves_against_the_version_before() {
    let dir = tempfile::tempdir().unwrap();
    let host = history(dir.path());
    // No `max_change`: the new config serves first, then its impact is
    // measured, against the version it replaced (against itself, nothing
    // would change).
    with_entry(&host, "config = { sales-ready-score = 85 }");
    let reload = host.plugins.reload("acme", Activation::File).unwrap();
    let version = activated(&reload);
    let impact = version.impact.as_ref().expect("measured");
    assert_eq!(
        impact.summary, "20 of 40: 20 sales-ready → nurture",
        "{impact:?}"
    );
    let kept = host
        .engine
        .plugin_versions("acme", Slot::LeadDefinition)
        .unwrap();
    assert_eq!(kept.last(), Some(version), "the history entry has it");
    assert_eq!(
        kept.iter().filter(|entry| entry.at == version.at).count(),
        1,
        "written on the entry, not as another"
    );
    let active = serving(&host);
    assert_eq!(
        active.config.get("sales-ready-score"),
        Some(&Scalar::Number(85.0))
    );
}

#[test]
fn an_impact_measured_after_activation_stops_for_a_newer_reload_and_counts_what_ran() {
    let dir = tempfile::tempdir().unwrap();
    let host = history(dir.path());
    // A newer reload of the org is waiting from the sixth input on.
    let asked = Arc::new(AtomicUsize::new(0));
    let loader = host.plugins.clone().with_newer_reload(Arc::new({
        let asked = asked.clone();
        move |org: &str| org == "acme" && asked.fetch_add(1, Ordering::Relaxed) >= 5
    }));
    with_entry(&host, "config = { sales-ready-score = 85 }");
    let reload = loader.reload("acme", Activation::File).unwrap();
    let version = activated(&reload);
    let impact = version.impact.as_ref().expect("what ran counts");
    assert_eq!(impact.inputs, 5, "{impact:?}");
    assert!(
        impact
            .summary
            .ends_with("; stopped after 5: a newer version arrived"),
        "{}",
        impact.summary
    );
    let kept = host
        .engine
        .plugin_versions("acme", Slot::LeadDefinition)
        .unwrap();
    assert_eq!(kept.last(), Some(version));

    // A bound to pass is measured in full, whatever waits.
    let text = std::fs::read_to_string(org_file(&host)).unwrap();
    std::fs::write(
        org_file(&host),
        text.replace("sales-ready-score = 85", "sales-ready-score = 80")
            .replace("config = {", "max_change = 0.9\nconfig = {"),
    )
    .unwrap();
    let reload = loader.reload("acme", Activation::File).unwrap();
    let version = activated(&reload);
    let impact = version.impact.as_ref().expect("measured");
    assert_eq!(impact.inputs, 40, "{impact:?}");
}

#[test]
fn a_version_over_max_change_is_refused_naming_the_counts_until_the_bound_is_raised() {
    let dir = tempfile::tempdir().unwrap();
    let host = history(dir.path());
    let before = serving(&host);
    with_entry(
        &host,
        "config = { sales-ready-score = 85 }\nmax_change = 0.1",
    );
    host.plugins.reload("acme", Activation::File).unwrap();
    let refusal = host
        .engine
        .plugins()
        .last_refusal("acme", Slot::LeadDefinition)
        .expect("refused");
    assert!(
        refusal.reason.contains(
            "it would change 20 of the latest 40 verdicts (50.0%: 20 sales-ready → nurture), more than max_change 10.0% allows"
        ),
        "{}",
        refusal.reason
    );
    let active = serving(&host);
    assert_eq!(active.config, before.config, "the live version serves on");

    // Raising the bound is a change: checked again, and it passes.
    let text = std::fs::read_to_string(org_file(&host)).unwrap();
    std::fs::write(
        org_file(&host),
        text.replace("max_change = 0.1", "max_change = 0.6"),
    )
    .unwrap();
    host.plugins.reload("acme", Activation::File).unwrap();
    let active = serving(&host);
    assert_eq!(
        active.config.get("sales-ready-score"),
        Some(&Scalar::Number(85.0))
    );
}

#[test]
fn sample_cases_come_before_the_impact_and_a_bad_bound_refuses_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let host = history(dir.path());
    let folder = host.plugins.folders().org_dir("acme");
    let cases = serde_json::json!([{
        "name": "a strong lead is discarded",
        "input": {
            "lead": {"id": "c1", "email": "c@n.example", "country": "DE", "budget": 60000,
                "authority": "decision-maker", "need": "high", "timeline_days": 30,
                "created_at": "2026-11-24T09:00:00Z"},
            "activities": [], "now": "2026-11-24T09:00:00Z"
        },
        "expect": {"stage": "discard"}
    }]);
    std::fs::write(folder.join("bant-qualifier.cases.json"), cases.to_string()).unwrap();
    with_entry(
        &host,
        "config = { sales-ready-score = 85 }\nmax_change = 0.0",
    );
    host.plugins.reload("acme", Activation::File).unwrap();
    let refusal = host
        .engine
        .plugins()
        .last_refusal("acme", Slot::LeadDefinition)
        .expect("refused");
    assert!(
        refusal.reason.contains("a strong lead is discarded"),
        "{}",
        refusal.reason
    );
    assert!(
        !refusal.reason.contains("max_change"),
        "cases first: {}",
        refusal.reason
    );

    let text = std::fs::read_to_string(org_file(&host)).unwrap();
    std::fs::write(
        org_file(&host),
        text.replace("max_change = 0.0", "max_change = 1.5"),
    )
    .unwrap();
    let reload = host.plugins.reload("acme", Activation::File).unwrap();
    let error = reload.org_file.expect("refused").to_string();
    assert!(
        error.contains("plugins.lead-definition.max_change = 1.5: a share from 0 to 1"),
        "{error}"
    );
}

#[test]
fn impact_is_against_the_version_serving_now_and_a_refused_change_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let host = history(dir.path());
    let score =
        |value: f64| Config::from([("sales-ready-score".to_string(), Scalar::Number(value))]);
    host.plugins
        .set_config("acme", Slot::LeadDefinition, score(85.0))
        .unwrap();
    // Back to 80 from 85: the influencers come back, whatever was recorded.
    let version = host
        .plugins
        .set_config("acme", Slot::LeadDefinition, score(80.0))
        .unwrap();
    let impact = version.impact.unwrap();
    assert_eq!(
        impact.summary, "20 of 40: 20 nurture → sales-ready",
        "{impact:?}"
    );

    with_entry(&host, "max_change = 0.1");
    host.plugins.reload("acme", Activation::File).unwrap();
    let before = std::fs::read_to_string(org_file(&host)).unwrap();
    let refused = host
        .plugins
        .set_config("acme", Slot::LeadDefinition, score(85.0))
        .unwrap_err();
    assert!(
        refused.to_string().contains("it would change 20 of the latest 40 verdicts (50.0%: 20 sales-ready → nurture), more than max_change 10.0% allows"),
        "{refused}"
    );
    assert_eq!(
        std::fs::read_to_string(org_file(&host)).unwrap(),
        before,
        "org.toml as it was"
    );
    let active = serving(&host);
    assert_eq!(active.config, score(80.0));
}

#[test]
fn a_version_that_fails_on_every_input_counts_every_failure_as_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let host = history(dir.path());
    with_entry(&host, "max_change = 0.5");
    host.plugins.reload("acme", Activation::File).unwrap();
    let panic = std::fs::read(leadhost_tests::fixtures::FIXTURE_PANIC_PATH).unwrap();
    let refused = host
        .plugins
        .install("acme", Slot::LeadDefinition, "boom", &panic)
        .unwrap_err();
    let text = refused.to_string();
    assert!(
        text.contains("it would change 40 of the latest 40 verdicts (100.0%"),
        "{text}"
    );
    assert!(text.contains("failed: trap"), "{text}");
}
