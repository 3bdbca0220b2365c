//! `leadhost import`: a CSV export with its own header names goes into an
//! org; bad rows are named by line and field, the rest is committed, and a
//! re-run of the same file creates no duplicates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use leadhost::store::{Durability, SledStore, Store};

fn trade_show() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/leads/trade-show.csv")
}

fn import(data: &Path, extra: &[&str]) -> Output {
    import_file(&trade_show(), data, extra)
}

fn import_file(file: &Path, data: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .arg("import")
        .arg(file)
        .args(["--org", "acme", "--batch", "2", "--data-dir"])
        .arg(data)
        .args(extra)
        .env_remove("RUST_LOG")
        .output()
        .expect("run leadhost import")
}

fn leads(data: &Path) -> Vec<serde_json::Value> {
    let store = SledStore::open(&data.join("store"), Durability::Flush).expect("open the store");
    let mut leads = Vec::new();
    store
        .scan_leads("acme", &mut |record| {
            leads.push(serde_json::to_value(&record.lead).unwrap());
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    leads
}

#[test]
fn import_maps_headers_names_bad_rows_and_reruns_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let first = import(dir.path(), &["--map", "Booth=custom.booth_id"]);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(1), "rows were rejected: {stderr}");
    assert!(stderr.contains("trade-show.csv:4: email"), "{stderr}");
    assert!(
        stderr.contains("trade-show.csv:6: budget") && stderr.contains("`many`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("imported: 3 new, 0 merged, 0 unchanged, 2 rejected"),
        "{stderr}"
    );

    let stored = leads(dir.path());
    assert_eq!(stored.len(), 3);
    let jo = stored
        .iter()
        .find(|lead| lead["email"] == "jo.weber@alpenbahn.example")
        .expect("the first row");
    assert_eq!(
        jo["title"], "Head of Sales Ops",
        "`Job Title` → title: {jo}"
    );
    assert_eq!(jo["company_size"], 1200, "`Employees` → company_size: {jo}");
    assert_eq!(jo["timeline_days"], 30, "`Timeline` → timeline_days: {jo}");
    assert_eq!(jo["custom"]["booth_id"], "B12", "--map wins: {jo}");

    let again = import(dir.path(), &["--map", "Booth=custom.booth_id"]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("imported: 0 new, 0 merged, 3 unchanged, 2 rejected"),
        "{stderr}"
    );
    assert_eq!(leads(dir.path()).len(), 3, "no duplicates on a re-run");

    let unknown = import(dir.path(), &["--map", "Stand=custom.booth_id"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("the file has no column `Stand`"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
}

/// Each lead of `acme` by e-mail: its stage, score, timeline length and
/// last change, as the store holds them.
fn standing(data: &Path) -> BTreeMap<String, (String, Option<i32>, usize, String)> {
    let store = SledStore::open(&data.join("store"), Durability::Flush).expect("open the store");
    let mut records = Vec::new();
    store
        .scan_leads("acme", &mut |record| {
            records.push(record);
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    records
        .into_iter()
        .map(|record| {
            let timeline = store.timeline("acme", record.id()).unwrap().len();
            let standing = (
                record.stage.kind().to_string(),
                record.qualification.as_ref().map(|q| q.score),
                timeline,
                record.updated_at.to_rfc3339(),
            );
            (record.lead.email, standing)
        })
        .collect()
}

#[test]
fn importing_the_same_file_again_changes_no_lead_and_new_information_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = |output: &Output| String::from_utf8_lossy(&output.stderr).to_string();
    let first = import(dir.path(), &[]);
    assert!(stderr(&first).contains("3 new"), "{}", stderr(&first));
    let after_first = standing(dir.path());
    assert_eq!(after_first.len(), 3);
    // Each run is a new process on the same data folder: a restart.
    for run in 2..=5 {
        let again = import(dir.path(), &[]);
        assert!(
            stderr(&again).contains("imported: 0 new, 0 merged, 3 unchanged, 2 rejected"),
            "run {run}: {}",
            stderr(&again)
        );
        assert_eq!(standing(dir.path()), after_first, "run {run}");
    }

    // Priya's row with the budget she did not give before: one merge.
    let text = std::fs::read_to_string(trade_show()).unwrap();
    let richer = text.replace(
        "Marketing Manager,300,GB,trade-show,,",
        "Marketing Manager,300,GB,trade-show,25000,",
    );
    assert_ne!(richer, text);
    let file = dir.path().join("richer.csv");
    std::fs::write(&file, richer).unwrap();
    let merged = import_file(&file, dir.path(), &[]);
    assert!(
        stderr(&merged).contains("imported: 0 new, 1 merged, 2 unchanged, 2 rejected"),
        "{}",
        stderr(&merged)
    );
    let after_merge = standing(dir.path());
    let priya = "priya.n@harbourline.example";
    assert!(
        after_merge[priya].2 > after_first[priya].2,
        "the merge is on the timeline: {after_merge:?}"
    );
    for other in after_first.keys().filter(|email| *email != priya) {
        assert_eq!(after_merge[other], after_first[other], "{other}");
    }
    for run in 1..=2 {
        let again = import_file(&file, dir.path(), &[]);
        assert!(
            stderr(&again).contains("imported: 0 new, 0 merged, 3 unchanged, 2 rejected"),
            "re-run {run} of the richer file: {}",
            stderr(&again)
        );
        assert_eq!(standing(dir.path()), after_merge, "re-run {run}");
    }
    // The first file again: Priya has had that submission too.
    let original = import(dir.path(), &[]);
    assert!(
        stderr(&original).contains("3 unchanged"),
        "{}",
        stderr(&original)
    );
    assert_eq!(standing(dir.path()), after_merge);
}

#[test]
fn an_org_that_cannot_be_an_id_is_blamed_as_the_org_given() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .arg("import")
        .arg(trade_show())
        .args(["--org", "ÄÖÜ", "--data-dir"])
        .arg(dir.path())
        .env_remove("RUST_LOG")
        .output()
        .expect("run leadhost import");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("invalid input: org: `ÄÖÜ` must be 1 to 40"),
        "{stderr}"
    );
}
