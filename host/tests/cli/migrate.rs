//! `leadhost migrate --from sled:DIR --to postgres://…` as a user runs it,
//! on a real PostgreSQL (`leadhost_store_postgres::test_server`): a seeded
//! history moves whole and reads back the same, a second run copies nothing
//! twice, an org the database made itself is refused, a store a server holds
//! is refused, and a host on the database serves the copied org.

use std::path::Path;
use std::process::{Command, Output};

use super::postgres::post_lead;
use super::serve::{log_of, sigterm, start_with, wait_exit};

fn leadhost(args: &[&str], data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("RUST_LOG")
        .env_remove("LEADHOST_STORE")
        .output()
        .expect("run leadhost")
}

fn migrate(from: &Path, url: &str, extra: &[&str]) -> Output {
    let from = format!("sled:{}", from.display());
    Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args(["migrate", "--from", &from, "--to", url])
        .args(extra)
        .env_remove("RUST_LOG")
        .output()
        .expect("run leadhost migrate")
}

fn stdout_json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{error}: stdout {} stderr {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn org<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["orgs"]
        .as_array()
        .and_then(|orgs| orgs.iter().find(|org| org["org"] == id))
        .unwrap_or_else(|| panic!("no org {id} in {report}"))
}

fn count(org: &serde_json::Value, kind: &str) -> (u64, u64) {
    let entry = org["counts"]
        .as_array()
        .and_then(|counts| counts.iter().find(|count| count["kind"] == kind))
        .unwrap_or_else(|| panic!("no {kind} in {org}"));
    (
        entry["sled"].as_u64().unwrap(),
        entry["postgres"].as_u64().unwrap(),
    )
}

#[test]
fn a_sled_store_moves_to_postgres_whole_and_a_second_run_copies_nothing_twice() {
    let url = leadhost_store_postgres::test_server::database();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let trade_show = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/leads/trade-show.csv");
    let trade_show = trade_show.to_str().unwrap();

    // A history on sled: the demo org's seeded weeks (decisions, recorded
    // inputs, plug-in versions, outcomes) and an imported org.
    let seeded = leadhost(
        &["seed-history", "--weeks", "2", "--leads-per-week", "20"],
        &data,
    );
    assert!(seeded.status.success(), "{seeded:?}");
    imported_with_its_rejects(&leadhost(&["import", trade_show, "--org", "acme"], &data));
    // An org of the same id made in the database itself.
    let elsewhere = dir.path().join("elsewhere");
    imported_with_its_rejects(&leadhost(
        &["import", trade_show, "--org", "acme", "--store", &url],
        &elsewhere,
    ));

    // A store a running server holds is refused, named.
    let mut serving = start_with(dir.path(), &[]);
    let refused = migrate(&data, &url, &[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("open in another process"), "{stderr}");
    // A version of its own, kept in the data folder only.
    let upgraded = super::serve::variant(leadhost::builtin::BANT_QUALIFIER.bytes);
    let upgraded_hash = leadhost::runtime::ContentHash::of(&upgraded).to_string();
    let uploaded = reqwest::blocking::Client::new()
        .put(format!(
            "{}/v1/orgs/demo/plugins/lead-definition?name=bant-v2",
            serving.url
        ))
        .bearer_auth(super::postgres::ADMIN)
        .header("content-type", "application/wasm")
        .body(upgraded)
        .send()
        .unwrap();
    assert_eq!(uploaded.status().as_u16(), 200);
    sigterm(&serving.child);
    assert!(wait_exit(&mut serving.child).success());
    let shown_on_sled = stdout_json(&leadhost(&["show", "ld-0000000007"], &data));

    // The copy: demo whole and verified; acme refused, the exit code says so.
    let first = migrate(&data, &url, &[]);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("acme (refused)"), "{stderr}");
    let report = stdout_json(&first);
    let demo = org(&report, "demo");
    assert_eq!(demo["outcome"], "copied", "{demo}");
    assert_eq!(demo["verified"], true, "{demo}");
    for kind in ["leads", "decisions", "inputs", "plugin_versions", "reps"] {
        let (sled, postgres) = count(demo, kind);
        assert!(sled > 0 && sled == postgres, "{kind}: {demo}");
    }
    assert_eq!(count(demo, "leads"), (40, 40));
    assert_eq!(org(&report, "acme")["outcome"], "refused");
    assert_eq!(
        report["plugin_files"]["missing"],
        serde_json::json!([]),
        "{report}"
    );
    assert!(
        report["plugin_files"]["copied"].as_u64().unwrap() >= 1,
        "{report}"
    );
    assert!(
        !report.to_string().contains("password"),
        "the URL is reported without secrets"
    );

    // Again: demo counted, not copied twice.
    let second = migrate(&data, &url, &["--org", "demo"]);
    assert!(second.status.success(), "{second:?}");
    let report = stdout_json(&second);
    let demo = org(&report, "demo");
    assert_eq!(demo["outcome"], "already-copied", "{demo}");
    assert_eq!(demo["verified"], serde_json::Value::Null, "{demo}");
    assert_eq!(count(demo, "leads"), (40, 40));

    // Another store holding the same org is refused: two stores never merge.
    let other = dir.path().join("other");
    let copied = Command::new("cp")
        .arg("-r")
        .arg(&data)
        .arg(&other)
        .status()
        .unwrap();
    assert!(copied.success());
    let third = migrate(&other, &url, &["--org", "demo"]);
    assert_eq!(third.status.code(), Some(1), "{third:?}");
    let demo = org(&stdout_json(&third), "demo").clone();
    assert_eq!(demo["outcome"], "refused", "{demo}");
    assert!(
        demo["note"].as_str().unwrap().contains("another store"),
        "{demo}"
    );

    // The lead reads back the same from the database.
    let shown_on_postgres = stdout_json(&leadhost(
        &["show", "ld-0000000007", "--store", &url],
        &data,
    ));
    assert_eq!(shown_on_postgres, shown_on_sled);

    // A host on the database, on a data folder of its own, serves the
    // copied org with its uploaded version, numbering after its leads.
    let fresh = tempfile::tempdir().unwrap();
    let host = start_with(fresh.path(), &[("LEADHOST_STORE", url.as_str())]);
    let client = reqwest::blocking::Client::new();
    let created = post_lead(&client, &host.url, "new.lead@fabrikam.example");
    assert_eq!(
        created["id"],
        "ld-0000000041",
        "{created}\n{}",
        log_of(fresh.path())
    );
    let lead = client
        .get(format!("{}/v1/orgs/demo/leads/ld-0000000041", host.url))
        .bearer_auth(super::postgres::ADMIN)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        lead.contains(&upgraded_hash),
        "{lead}\n{}",
        log_of(fresh.path())
    );
}

#[test]
fn a_source_that_is_not_a_sled_store_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args(["migrate", "--from", "postgres://x@127.0.0.1:1/db", "--to"])
        .arg("postgres://x@127.0.0.1:1/db")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("expected `sled:DIR`"));
    let output = migrate(dir.path(), "postgres://x@127.0.0.1:1/db", &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no leadhost store there"), "{stderr}");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing created in the folder"
    );
}

/// trade-show.csv holds two bad rows on purpose: the import exits 1 for
/// them and keeps the rest.
fn imported_with_its_rejects(imported: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&imported.stderr);
    assert_eq!(imported.status.code(), Some(1), "{imported:?}");
    assert!(
        stderr.contains("3 new, 0 merged, 0 unchanged, 2 rejected"),
        "{stderr}"
    );
}
