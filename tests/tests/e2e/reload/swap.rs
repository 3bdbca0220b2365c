//! Swap under load: leads are qualified from two threads without pause
//! while the lead definition is replaced 50 times. No call fails, no lead
//! lands in needs-review, and every decision names exactly one of the
//! versions that were active.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::runtime::{ContentHash, Slot};
use leadhost::store::LeadStage;

use super::{Folder, variant, wait_for};

const SWAPS: usize = 50;
const MIN_LEADS: usize = 2_000;

#[test]
fn fifty_swaps_under_load_fail_no_call_and_every_decision_names_one_version() {
    let folder = Folder::new();
    let mut versions: Vec<ContentHash> = vec![ContentHash::of(BANT_QUALIFIER.bytes)];
    let next = AtomicUsize::new(0);
    let swapping = AtomicBool::new(true);
    let decided: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut hashes = Vec::new();
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if !swapping.load(Ordering::Relaxed) && n >= MIN_LEADS {
                            break hashes;
                        }
                        hashes.push(folder.qualify_one(n));
                    }
                })
            })
            .collect();
        for swap in 1..=SWAPS {
            let bytes = variant(BANT_QUALIFIER.bytes, swap);
            let hash = ContentHash::of(&bytes);
            folder.drop_file("bant-qualifier.wasm", &bytes);
            wait_for("the swap", || folder.active(Slot::LeadDefinition) == hash);
            versions.push(hash);
        }
        swapping.store(false, Ordering::Relaxed);
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("no call failed"))
            .collect()
    });

    let known: HashSet<String> = versions.iter().map(ToString::to_string).collect();
    assert_eq!(known.len(), SWAPS + 1, "every version has its own hash");
    let mut by_version: BTreeMap<&str, usize> = BTreeMap::new();
    for hash in &decided {
        assert!(
            known.contains(hash),
            "a decision by an unknown version {hash}"
        );
        *by_version.entry(hash.as_str()).or_default() += 1;
    }
    assert!(decided.len() >= MIN_LEADS);
    assert!(
        by_version.len() > SWAPS / 2,
        "the load saw most versions: {} of {}",
        by_version.len(),
        SWAPS + 1
    );
    let mut in_review = 0;
    folder
        .host
        .engine
        .store()
        .scan_leads("acme", &mut |record| {
            in_review += usize::from(matches!(record.stage, LeadStage::NeedsReview { .. }));
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(in_review, 0, "no lead met a half-swapped slot");
    let history = folder.host.engine.store().plugin_versions("acme").unwrap();
    let definitions = history
        .iter()
        .filter(|version| version.slot == Slot::LeadDefinition)
        .count();
    assert_eq!(
        definitions,
        SWAPS + 1,
        "each version is in the history once"
    );
}
