//! `leadhost import`: a CSV export with its own header names goes into an
//! org; bad rows are named by line and field, the rest is committed, and a
//! re-run of the same file creates no duplicates. Real CRM exports
//! (Salesforce leads, HubSpot contacts) import every row with its fields.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use leadhost::store::{Durability, ImportJobStore, SledStore, Store};

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

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/imports")
        .join(name)
}

/// Imports an example export; every row must be stored, no column skipped.
fn import_all(name: &str, data: &Path) -> Vec<serde_json::Value> {
    let output = import_file(&example(name), data, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("imported: 12 new, 0 merged, 0 unchanged, 0 rejected"),
        "{stderr}"
    );
    assert!(!stderr.contains("column `"), "no column skipped: {stderr}");
    let stored = leads(data);
    assert_eq!(stored.len(), 12);
    for lead in &stored {
        assert!(
            lead["name"].as_str().is_some_and(|name| name.contains(' ')),
            "{lead}"
        );
        assert!(
            lead["country"].as_str().is_some_and(|code| code.len() == 2),
            "{lead}"
        );
        assert!(
            lead["created_at"].as_str().unwrap().starts_with("2024-"),
            "{lead}"
        );
    }
    stored
}

fn by_email<'a>(stored: &'a [serde_json::Value], email: &str) -> &'a serde_json::Value {
    stored
        .iter()
        .find(|lead| lead["email"] == email)
        .unwrap_or_else(|| panic!("{email} is stored"))
}

#[test]
fn a_salesforce_lead_export_imports_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let stored = import_all("salesforce-leads.csv", dir.path());
    let jo = by_email(&stored, "jo.weber@alpenbahn.example");
    assert_eq!(jo["name"], "Jo Weber", "First Name + Last Name: {jo}");
    assert_eq!(jo["company"], "Alpenbahn AG", "Company / Account: {jo}");
    assert_eq!(jo["title"], "Head of Sales Operations");
    assert_eq!(jo["domain"], "alpenbahn.example", "Website: {jo}");
    assert_eq!(jo["company_size"], 1200, "No. of Employees: {jo}");
    assert_eq!(jo["country"], "DE", "Germany: {jo}");
    assert_eq!(jo["source"], "Trade Show", "Lead Source: {jo}");
    assert_eq!(
        jo["created_at"], "2024-01-15T09:05:00Z",
        "Created Date: {jo}"
    );
    assert_eq!(jo["custom"]["lead_owner"], "Dana Fischer");
    assert_eq!(
        jo["custom"]["description"],
        "Met at the Hannover booth.\nWants a demo for the whole sales ops team.\nBudget approved for Q2."
    );
    let marta = by_email(&stored, "m.kowalska@wisla-energia.example");
    assert_eq!(marta["company_size"], 2400, "`2,400` employees: {marta}");
    assert_eq!(
        marta["created_at"], "2024-03-05T14:22:00Z",
        "3/5/2024 2:22 PM, month first: {marta}"
    );
    let priya = by_email(&stored, "priya.nair@harbourline.example");
    assert_eq!(
        (&priya["country"], &priya["created_at"]),
        (&"GB".into(), &"2024-02-03T11:47:00Z".into())
    );
    assert_eq!(
        by_email(&stored, "tom.hughes@kestrel-freight.example")["country"],
        "GB",
        "UK"
    );
    assert_eq!(
        by_email(&stored, "sarah.miller@brightpath.example")["country"],
        "US"
    );
    let kenji = by_email(&stored, "kenji.ito@gmail.com");
    assert!(
        kenji.get("domain").is_none_or(|domain| domain.is_null()),
        "free mail: {kenji}"
    );
}

#[test]
fn a_hubspot_contact_export_imports_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let stored = import_all("hubspot-contacts.csv", dir.path());
    let anna = by_email(&stored, "anna@kranwerk.example");
    assert_eq!(anna["name"], "Anna Kranz");
    assert_eq!(anna["company"], "Kranwerk GmbH", "Company Name: {anna}");
    assert_eq!(anna["title"], "Head of Operations", "Job Title: {anna}");
    assert_eq!(anna["domain"], "kranwerk.example", "Website URL: {anna}");
    assert_eq!(anna["country"], "DE", "Country/Region: {anna}");
    assert_eq!(anna["source"], "Organic Search", "Original Source: {anna}");
    assert_eq!(
        anna["company_size"], 100,
        "Number of Employees `100-500`: {anna}"
    );
    assert_eq!(
        anna["created_at"], "2024-03-05T14:22:00Z",
        "Create Date: {anna}"
    );
    assert_eq!(anna["phone"], "+49 30 555 0101", "Phone Number: {anna}");
    assert_eq!(anna["custom"]["record_id"], 51234567801.0);
    let james = by_email(&stored, "j.wright@northgate-retail.example");
    assert_eq!(
        james["custom"]["message"],
        "Saw you at the London expo.\tWants a call in May."
    );
    assert_eq!(
        by_email(&stored, "grace.oconnor@lumen-health.example")["company_size"],
        1000,
        "1000+"
    );
    let maria = by_email(&stored, "maria.santos@gmail.com");
    assert_eq!(maria["country"], "PT");
    assert!(
        maria.get("domain").is_none_or(|domain| domain.is_null()),
        "free mail: {maria}"
    );
    assert_eq!(
        by_email(&stored, "carl@kranwerk.example")["domain"],
        "kranwerk.example"
    );
}

#[test]
fn decimal_comma_and_header_warnings_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("eu.csv");
    std::fs::write(
        &file,
        "E-Mail,Budget,Größe\neu@alpenbahn.example,\"80.000,00\",x\nzwei@alpenbahn.example,\"1.500\",y\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let refused = import_file(&file, &data, &[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "eu.csv:3: budget: `1.500` could be 1.5 (decimal point) or 1500 (decimal comma)"
        ),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("column `Größe`").count(),
        1,
        "said once: {stderr}"
    );
    let again = import_file(&file, &data, &["--decimal-comma"]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(0), "{stderr}");
    let stored = leads(&data);
    assert_eq!(by_email(&stored, "eu@alpenbahn.example")["budget"], 80000.0);
    assert_eq!(
        by_email(&stored, "zwei@alpenbahn.example")["budget"],
        1500.0
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
        stderr.contains("imported: 2998 new, 0 merged, 0 unchanged, 2 rejected (job imp-"),
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
            record.unchanged,
            record.rejected
        ),
        (3_000, 3_000, 2_998, 0, 0, 2)
    );
    let lines: Vec<usize> = record.rejected_rows.iter().map(|row| row.line).collect();
    assert_eq!(lines, [5, 2_500]);
}

#[test]
fn importing_into_a_store_another_process_holds_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let first = import(dir.path(), &[]);
    assert!(first.status.code().is_some());
    // This test process holds the store, as a running `leadhost serve` would.
    let _held = SledStore::open(&dir.path().join("store"), Durability::Flush).unwrap();
    let second = import(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "{stderr}");
    assert!(
        stderr.contains("is open in another process") && stderr.contains("leadhost serve"),
        "{stderr}"
    );
}
