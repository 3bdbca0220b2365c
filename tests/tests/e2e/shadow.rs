//! Shadow versions: a candidate named in `org.toml` runs beside the live
//! version on every call, is recorded and never acted on, cannot hurt the
//! live path, and is promoted through the one activation path.

use std::time::{Duration, Instant};

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::engine::{LeadSubmission, ShadowReport};
use leadhost::model::Stage;
use leadhost::plugins::InstallError;
use leadhost::runtime::{ContentHash, Slot};
use leadhost::setup::{Host, Options};
use leadhost::store::{Activation, StageKind, TimelineItem};
use leadhost_tests::fixtures;

use super::reload::variant;

/// Org `acme` whose lead definition is shadowed by `file` (holding
/// `bytes`), with `shadow_config` laid over the slot's config.
fn shadowed(dir: &std::path::Path, file: &str, bytes: &[u8], shadow_config: &str) -> Host {
    let host = Host::open(dir, Options::default()).unwrap();
    host.create_org("acme", "Acme").unwrap();
    let folder = host.plugins.folders().org_dir("acme");
    std::fs::write(folder.join(file), bytes).unwrap();
    let org_file = std::fs::read_to_string(folder.join("org.toml")).unwrap();
    let edited = org_file.replace(
        "component = \"bant-qualifier.wasm\"",
        &format!("component = \"bant-qualifier.wasm\"\nshadow = \"{file}\"\nshadow_config = {{ {shadow_config} }}"),
    );
    assert_ne!(edited, org_file);
    std::fs::write(folder.join("org.toml"), edited).unwrap();
    host.plugins.reload("acme", Activation::File).unwrap();
    host
}

fn lead(host: &Host, email: &str, authority: &str) -> String {
    let submission: LeadSubmission = serde_json::from_value(serde_json::json!({
        "email": email, "country": "DE", "budget": 60000,
        "authority": authority, "need": "high", "timeline_days": 30
    }))
    .unwrap();
    let ingested = host.engine.ingest("acme", submission, "test").unwrap();
    ingested.record.id().to_string()
}

/// The report once it counts `total` shadow decisions (the shadow runs
/// after the live call, on a worker of its own).
fn report_with(host: &Host, total: u64) -> ShadowReport {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let report = host
            .engine
            .shadow_report("acme", Slot::LeadDefinition)
            .unwrap();
        if report.total >= total || Instant::now() > deadline {
            return report;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_shadow_answers_beside_the_live_version_and_is_never_acted_on() {
    let dir = tempfile::tempdir().unwrap();
    let strict = variant(BANT_QUALIFIER.bytes, 21);
    let host = shadowed(dir.path(), "strict.wasm", &strict, "sales-ready-score = 85");
    let buyer = lead(&host, "buyer@kranwerk.example", "decision-maker");
    let influencer = lead(&host, "influencer@kranwerk.example", "influencer");

    let report = report_with(&host, 2);
    assert_eq!(
        (report.total, report.agree, report.failed),
        (2, 1, 0),
        "{report:?}"
    );
    assert_eq!(report.agreement, Some(0.5));
    let shadow = report.shadow.as_ref().expect("running");
    assert_eq!(shadow.hash, ContentHash::of(&strict).to_string());
    assert_eq!(shadow.file, "strict.wasm");
    let cell = |live: &str, candidate: &str| {
        report
            .matrix
            .iter()
            .find(|cell| cell.live == live && cell.shadow == candidate)
            .map_or(0, |cell| cell.count)
    };
    assert_eq!(cell("sales-ready", "sales-ready"), 1);
    assert_eq!(cell("sales-ready", "nurture"), 1);
    let disagreement = &report.disagreements[0];
    assert_eq!(disagreement.lead, influencer);
    assert!(
        disagreement.live_reasons[0].contains("score 80 of 70"),
        "{disagreement:?}"
    );
    assert!(
        disagreement.shadow_reasons[0].starts_with("nurture"),
        "{disagreement:?}"
    );
    assert_eq!(disagreement.shadow_hash, ContentHash::of(&strict));
    assert_eq!(
        disagreement.live_hash,
        ContentHash::of(BANT_QUALIFIER.bytes)
    );

    // Other shadow config is another candidate: its count starts anew.
    let folder = host.plugins.folders().org_dir("acme");
    let text = std::fs::read_to_string(folder.join("org.toml")).unwrap();
    std::fs::write(
        folder.join("org.toml"),
        text.replace("sales-ready-score = 85", "sales-ready-score = 95"),
    )
    .unwrap();
    host.plugins.reload("acme", Activation::File).unwrap();
    let fresh = host
        .engine
        .shadow_report("acme", Slot::LeadDefinition)
        .unwrap();
    assert_eq!(fresh.total, 0, "{fresh:?}");

    // Acted on: the live verdict only, and the timeline shows only it.
    for id in [&buyer, &influencer] {
        let record = host.engine.lead("acme", id).unwrap();
        assert_eq!(record.qualification.unwrap().stage, Stage::SalesReady);
        let timeline = host.engine.timeline("acme", id).unwrap();
        assert!(timeline.iter().all(|entry| match &entry.item {
            TimelineItem::Decision(decision) => decision.plugin != "strict",
            _ => true,
        }));
    }
}

#[test]
fn a_shadow_that_traps_or_is_missing_changes_nothing_live() {
    let dir = tempfile::tempdir().unwrap();
    let panic = std::fs::read(fixtures::FIXTURE_PANIC_PATH).unwrap();
    let host = shadowed(dir.path(), "boom.wasm", &panic, "");
    let id = lead(&host, "buyer@kranwerk.example", "decision-maker");
    let report = report_with(&host, 1);
    assert_eq!(
        (report.total, report.failed, report.agree),
        (1, 1, 0),
        "{report:?}"
    );
    assert!(
        report.matrix[0].shadow.starts_with("failed: trap"),
        "{report:?}"
    );
    // The lead went on as if no shadow ran: sales-ready, routed (to the
    // queue: acme has no reps), never in review.
    let record = host.engine.lead("acme", &id).unwrap();
    assert_eq!(record.qualification.unwrap().stage, Stage::SalesReady);
    assert_eq!(record.stage.kind(), StageKind::Routed);

    // A shadow file that goes missing is refused; the live version serves.
    let folder = host.plugins.folders().org_dir("acme");
    std::fs::remove_file(folder.join("boom.wasm")).unwrap();
    host.plugins.reload("acme", Activation::File).unwrap();
    let report = host
        .engine
        .shadow_report("acme", Slot::LeadDefinition)
        .unwrap();
    assert!(report.shadow.is_none());
    assert!(
        report.refused.as_deref().unwrap().contains("boom.wasm"),
        "{report:?}"
    );
    lead(&host, "next@kranwerk.example", "decision-maker");
}

#[test]
fn every_shadow_call_of_a_busy_org_runs_or_is_dropped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let spin = std::fs::read(fixtures::FIXTURE_INFINITE_LOOP_PATH).unwrap();
    let host = shadowed(dir.path(), "spin.wasm", &spin, "");
    for n in 0..150 {
        lead(
            &host,
            &format!("lead{n}@kranwerk.example"),
            "decision-maker",
        );
    }
    // Each shadow call runs to its limit; whatever the machine's speed,
    // none is lost without a count once the queue drains.
    let deadline = Instant::now() + Duration::from_secs(120);
    let report = loop {
        let report = host
            .engine
            .shadow_report("acme", Slot::LeadDefinition)
            .unwrap();
        if report.total + report.dropped >= 150 || Instant::now() > deadline {
            break report;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(report.total + report.dropped, 150, "{report:?}");
    assert_eq!(
        report.failed, report.total,
        "the spinning shadow never answers"
    );
}

#[test]
fn promote_makes_the_shadow_live_through_the_history_and_a_rollback_undoes_it() {
    let dir = tempfile::tempdir().unwrap();
    let strict = variant(BANT_QUALIFIER.bytes, 22);
    let host = shadowed(dir.path(), "strict.wasm", &strict, "sales-ready-score = 85");
    // A file replaced after it started shadowing is not what was reported.
    let folder = host.plugins.folders().org_dir("acme");
    std::fs::write(
        folder.join("strict.wasm"),
        variant(BANT_QUALIFIER.bytes, 23),
    )
    .unwrap();
    assert!(matches!(
        host.plugins.promote_shadow("acme", Slot::LeadDefinition),
        Err(InstallError::ShadowChanged { .. })
    ));
    std::fs::write(folder.join("strict.wasm"), &strict).unwrap();
    let version = host
        .plugins
        .promote_shadow("acme", Slot::LeadDefinition)
        .unwrap();
    assert_eq!(version.how, Activation::Promote);
    assert_eq!(version.hash, ContentHash::of(&strict));
    assert_eq!(version.name, "strict");
    let active = host
        .engine
        .plugins()
        .active("acme", Slot::LeadDefinition)
        .unwrap();
    assert_eq!(active.plugin.id().hash, ContentHash::of(&strict));
    assert_eq!(
        active.config.get("sales-ready-score"),
        Some(&leadhost::model::Scalar::Number(85.0)),
        "the shadow's config came with it"
    );
    let org_file =
        std::fs::read_to_string(host.plugins.folders().org_dir("acme").join("org.toml")).unwrap();
    assert!(
        org_file.contains("component = \"strict.wasm\""),
        "{org_file}"
    );
    assert!(
        !org_file.contains("shadow"),
        "the shadow entry is gone: {org_file}"
    );
    let report = host
        .engine
        .shadow_report("acme", Slot::LeadDefinition)
        .unwrap();
    assert!(report.shadow.is_none());
    // The influencer now goes to nurture under the promoted rule.
    let id = lead(&host, "influencer@kranwerk.example", "influencer");
    assert_eq!(
        host.engine
            .lead("acme", &id)
            .unwrap()
            .qualification
            .unwrap()
            .stage,
        Stage::Nurture
    );

    let back = host
        .plugins
        .rollback(
            "acme",
            Slot::LeadDefinition,
            &ContentHash::of(BANT_QUALIFIER.bytes).to_string(),
        )
        .unwrap();
    assert_eq!(back.how, Activation::Rollback);
    assert!(matches!(
        host.plugins.promote_shadow("acme", Slot::LeadDefinition),
        Err(InstallError::NoShadow(Slot::LeadDefinition))
    ));
}
