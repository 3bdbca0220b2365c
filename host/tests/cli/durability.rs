//! Nothing acknowledged is lost: `leadhost ingest` runs as a child process,
//! takes leads continuously, and is killed with SIGKILL at random moments;
//! after each restart on the same data folder every lead it acknowledged is
//! there, with its whole timeline, and the store opens cleanly.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::runtime::{ContentHash, Slot};
use leadhost::store::{Durability, SledStore, Store, TimelineItem};

/// Kill-and-restart rounds.
const ROUNDS: usize = 24;

/// What the child acknowledged for one e-mail.
#[derive(Debug, Clone)]
struct Ack {
    id: String,
    seq: u64,
}

fn start(data: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args(["ingest", "--org", "acme", "--workers", "4", "--data-dir"])
        .arg(data)
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start leadhost ingest")
}

/// A submission: strong, nurture or discard by turns; every fifth one
/// repeats an earlier e-mail.
fn submission(n: usize, rng: &mut fastrand::Rng) -> String {
    let k = if n > 10 && n.is_multiple_of(5) {
        rng.usize(0..n)
    } else {
        n
    };
    let email = match k % 3 {
        0 => format!("lead{k}@northwind.example"),
        1 => format!("lead{k}@fjord.example"),
        _ => format!("lead{k}@uni-hamburg.edu"),
    };
    let lead = match k % 3 {
        0 => {
            serde_json::json!({"email": email, "country": "DE", "budget": 50000, "authority": "decision-maker", "need": "high", "timeline_days": 30})
        }
        1 => {
            serde_json::json!({"email": email, "country": "DE", "need": "medium", "source": "content"})
        }
        _ => serde_json::json!({"email": email, "title": "Student"}),
    };
    lead.to_string()
}

/// Runs one round: starts the child, feeds it, kills it once it has
/// acknowledged something and a random moment has passed. Returns the acks.
fn round(data: &Path, next: &mut usize, rng: &mut fastrand::Rng) -> Vec<(String, Ack)> {
    let mut child = start(data);
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (send, acks) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // A line cut short by the kill was never acknowledged.
            let Ok(ack) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if let (Some(email), Some(id), Some(seq)) = (
                ack["email"].as_str(),
                ack["id"].as_str(),
                ack["seq"].as_u64(),
            ) {
                let _ = send.send((email.to_string(), Ack { id: id.into(), seq }));
            }
        }
    });
    let lines: Vec<String> = (0..2000).map(|i| submission(*next + i, rng)).collect();
    *next += lines.len();
    let writer = std::thread::spawn(move || {
        for line in lines {
            if writeln!(stdin, "{line}").is_err() {
                break; // killed
            }
        }
        // Keep the pipe open: the child must die by the kill, not by EOF.
        std::thread::sleep(Duration::from_secs(30));
    });
    let mut got = vec![
        acks.recv_timeout(Duration::from_secs(60))
            .expect("the child acknowledges a lead"),
    ];
    std::thread::sleep(Duration::from_millis(rng.u64(0..250)));
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    reader.join().unwrap();
    got.extend(acks.try_iter());
    drop(writer);
    got
}

#[test]
fn acknowledged_leads_and_decisions_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let seed = fastrand::u64(..);
    println!("seed {seed}");
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut acked: HashMap<String, Ack> = HashMap::new();
    let mut next = 0;
    let mut total = 0;
    for _ in 0..ROUNDS {
        for (email, ack) in round(&data, &mut next, &mut rng) {
            total += 1;
            if let Some(known) = acked.get(&email) {
                assert_eq!(
                    known.id, ack.id,
                    "{email} got a second lead after a restart"
                );
            }
            let entry = acked.entry(email).or_insert_with(|| ack.clone());
            entry.seq = entry.seq.max(ack.seq);
        }
    }
    assert!(
        total > ROUNDS,
        "only {total} acknowledgements in {ROUNDS} rounds"
    );
    println!(
        "{total} acknowledgements of {} leads over {ROUNDS} kills",
        acked.len()
    );

    let store =
        SledStore::open(&data.join("store"), Durability::Flush).expect("the store opens cleanly");
    let bant = ContentHash::of(BANT_QUALIFIER.bytes);
    let mut ids = std::collections::HashSet::new();
    for (email, ack) in &acked {
        let id = store
            .lead_by_email("acme", email)
            .unwrap()
            .unwrap_or_else(|| panic!("{email} was acknowledged but is gone"));
        assert_eq!(id, ack.id);
        assert!(ids.insert(id.clone()), "lead id {id} was handed out twice");
        let record = store.lead("acme", &id).unwrap().expect("the lead record");
        assert!(
            record.next_seq >= ack.seq,
            "{email}: timeline shrank from {} to {}",
            ack.seq,
            record.next_seq
        );
        let timeline = store.timeline("acme", &id).unwrap();
        let seqs: Vec<u64> = timeline.iter().map(|entry| entry.seq).collect();
        assert_eq!(
            seqs,
            (0..record.next_seq).collect::<Vec<_>>(),
            "{email}: a torn timeline"
        );
        assert!(
            timeline.iter().any(|entry| matches!(&entry.item, TimelineItem::Decision(d) if d.slot == Slot::LeadDefinition && d.plugin_hash == bant)),
            "{email}: its qualification decision is gone"
        );
    }
    drop(store);
    // And the host itself starts again on the folder and finishes cleanly.
    let status = Command::new(env!("CARGO_BIN_EXE_leadhost"))
        .args(["ingest", "--org", "acme", "--data-dir"])
        .arg(&data)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}
