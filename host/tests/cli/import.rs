//! `leadhost import`: a CSV export with its own header names goes into an
//! org; bad rows are named by line and field, the rest is committed, and a
//! re-run of the same file creates no duplicates.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use leadhost::store::{Durability, ImportJobStore, SledStore, Store};

fn trade_show() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/leads/trade-show.csv")
}

fn import(data: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .arg("import")
        .arg(trade_show())
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
        stderr.contains("imported: 3 new, 0 merged, 2 rejected"),
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
        stderr.contains("imported: 0 new, 3 merged, 2 rejected"),
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

#[test]
fn import_runs_as_a_job_whose_record_has_the_counts_it_printed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.csv");
    let mut csv = String::from("Email,Company,Employees\n");
    for n in 0..3_000 {
        match n + 2 {
            5 | 2_500 => csv.push_str("nobody,Bad,1\n"),
            _ => csv.push_str(&format!(
                "p{n}@firm{}.example,Firm,{}\n",
                n % 50,
                10 + n % 90
            )),
        }
    }
    std::fs::write(&file, csv).unwrap();
    let data = dir.path().join("data");
    let output = Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .arg("import")
        .arg(&file)
        .args(["--org", "acme", "--data-dir"])
        .arg(&data)
        .env_remove("RUST_LOG")
        .output()
        .expect("run leadhost import");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "rows were rejected: {stderr}"
    );
    assert!(stderr.contains("big.csv:5: email"), "{stderr}");
    assert!(stderr.contains("big.csv:2500: email"), "{stderr}");
    assert!(
        stderr.contains("imported: 2998 new, 0 merged, 2 rejected (job imp-"),
        "{stderr}"
    );
    let job = stderr
        .split("(job ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("the job's id");

    let store = SledStore::open(&data.join("store"), Durability::Flush).expect("open the store");
    let record = store
        .import_job("acme", job)
        .unwrap()
        .expect("the job is in the store, as the API lists it");
    assert_eq!(record.state, leadhost::store::JobState::Done);
    assert_eq!(
        (
            record.rows,
            record.done,
            record.created,
            record.merged,
            record.rejected
        ),
        (3_000, 3_000, 2_998, 0, 2)
    );
    let lines: Vec<usize> = record.rejected_rows.iter().map(|row| row.line).collect();
    assert_eq!(lines, [5, 2_500]);
}
