//! A running server compiles uploads in a `compile-worker` process within
//! their CPU-time budget: a component that takes longer is stopped and
//! refused (leaving nothing in the compile cache), one within it is taken,
//! and a rebuilt component reuses the functions compiled before.

use std::path::Path;

use leadhost::runtime::Slot;

use super::serve::{Serving, sigterm, start_with, wait_exit};

/// The `.cwasm` files in the data folder's compile cache, by name.
fn cached(data: &Path) -> std::collections::BTreeSet<String> {
    let Ok(folders) = std::fs::read_dir(data.join("cache")) else {
        return Default::default();
    };
    folders
        .flatten()
        .flat_map(|folder| std::fs::read_dir(folder.path()).into_iter().flatten())
        .flatten()
        .filter(|file| file.path().extension().is_some_and(|ext| ext == "cwasm"))
        .map(|file| file.file_name().to_string_lossy().into_owned())
        .collect()
}

/// The demo org's token, printed on a server's first start.
fn demo_token(serving: &Serving) -> String {
    serving
        .line("demo org token:")
        .split_whitespace()
        .find(|word| word.starts_with("lh_"))
        .expect("the demo token is printed on first start")
        .to_string()
}

/// Uploads `bytes` as the demo org's lead definition `name`: the status
/// and body of the answer.
fn upload(serving: &Serving, token: &str, name: &str, bytes: &[u8]) -> (u16, String) {
    let response = reqwest::blocking::Client::new()
        .put(format!(
            "{}/v1/orgs/demo/plugins/lead-definition?name={name}",
            serving.url
        ))
        .bearer_auth(token)
        .header("content-type", "application/wasm")
        .body(bytes.to_vec())
        .send()
        .unwrap();
    (response.status().as_u16(), response.text().unwrap())
}

#[test]
fn a_compile_over_its_cpu_budget_is_stopped_and_refused_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut serving = start_with(dir.path(), &[("LEADHOST_LIMITS_COMPILE_CPU_MS", "1000")]);
    let token = demo_token(&serving);
    let data = dir.path().join("data");
    let before = cached(&data);
    let functions_before = functions(&data);
    let upload = |name: &str, bytes: &[u8]| upload(&serving, &token, name, bytes);
    // The script runner (an interpreter, ~2.6 MB) takes seconds of CPU to
    // compile; a rule plug-in (below) about half a second, engine set-up included.
    let runner = leadhost::builtin::script_runner(Slot::LeadDefinition)
        .unwrap()
        .bytes;
    let (status, body) = upload("big-interpreter", runner);
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("compiling it took more than 1000 ms of CPU time"),
        "{body}"
    );
    assert_eq!(
        cached(&data),
        before,
        "a refused compile leaves no cached code"
    );
    assert!(
        functions(&data) == functions_before,
        "nor any function it compiled before it was stopped (a retry starts over)"
    );
    // A rule plug-in compiles well within the budget, in the worker, and is kept.
    let bant = super::serve::variant(leadhost::builtin::BANT_QUALIFIER.bytes);
    let (status, body) = upload("bant-variant", &bant);
    assert_eq!(status, 200, "{body}");
    let after = cached(&data);
    assert_eq!(after.len(), before.len() + 1, "{before:?} → {after:?}");
    assert!(after.is_superset(&before));
    sigterm(&serving.child);
    assert!(wait_exit(&mut serving.child).success());
}

/// The entries of the data folder's per-function cache, by name.
fn functions(data: &Path) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(data.join("cache").join("functions"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|file| file.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_rebuilt_component_reuses_the_functions_compiled_before_in_the_worker() {
    let dir = tempfile::tempdir().unwrap();
    let mut serving = start_with(dir.path(), &[]);
    let token = demo_token(&serving);
    let data = dir.path().join("data");
    let upload = |name: &str, bytes: &[u8]| upload(&serving, &token, name, bytes);
    // Start-up compiled the first-party plug-ins, keeping their functions;
    // each is marked unused (its time set to 1970), so an entry with a
    // later time was read by a compile since.
    let dir = data.join("cache").join("functions");
    let started = functions(&data);
    assert!(
        started.len() > 100,
        "{} functions kept at start-up",
        started.len()
    );
    let unused = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1);
    for name in &started {
        let file = std::fs::File::options()
            .write(true)
            .open(dir.join(name))
            .unwrap();
        file.set_modified(unused).unwrap();
    }
    // A rebuild of the lead definition: a new hash, the same functions.
    let compiled = cached(&data);
    let bant = super::serve::variant(leadhost::builtin::BANT_QUALIFIER.bytes);
    let (status, body) = upload("bant-rebuilt", &bant);
    assert_eq!(status, 200, "{body}");
    assert_eq!(cached(&data).len(), compiled.len() + 1, "it was compiled");
    let reused = started
        .iter()
        .filter(|name| {
            let modified = std::fs::metadata(dir.join(name))
                .unwrap()
                .modified()
                .unwrap();
            modified > unused
        })
        .count();
    let new = functions(&data).difference(&started).count();
    // Most of its functions came from the cache (some, e.g. the
    // component's glue, differ between builds and are compiled: 21–40 of
    // ~330 in runs here). Without the cache none would be reused.
    assert!(
        reused >= 3 * (reused + new) / 4,
        "the worker reused {reused} of {} kept functions and compiled {new}",
        started.len()
    );
    sigterm(&serving.child);
    assert!(wait_exit(&mut serving.child).success());
}
