//! Which orgs a host takes up, and when.

use std::time::{Duration, Instant};

use super::{RETRY_AFTER, SharedVersions};
use crate::plugins::InstallError;

fn marks(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs
        .iter()
        .map(|(org, mark)| (org.to_string(), *mark))
        .collect()
}

#[test]
fn an_org_is_taken_up_when_its_history_moves_and_once_at_a_time() {
    let mut versions = SharedVersions::default();
    let now = Instant::now();
    // The first poll: every org with a history.
    assert_eq!(
        versions.due(marks(&[("acme", 3), ("globex", 5)]), now),
        ["acme", "globex"]
    );
    versions.finished("acme", &Ok(1), now);
    // globex still running: not again, however its mark moves meanwhile.
    assert!(
        versions
            .due(marks(&[("acme", 3), ("globex", 9)]), now)
            .is_empty()
    );
    versions.finished("globex", &Ok(0), now);
    // Its move while it ran is taken up after; acme, unchanged, is not.
    assert_eq!(
        versions.due(marks(&[("acme", 3), ("globex", 9)]), now),
        ["globex"]
    );
    versions.finished("globex", &Ok(0), now);
    assert!(
        versions
            .due(marks(&[("acme", 3), ("globex", 9)]), now)
            .is_empty()
    );
    assert_eq!(
        versions.due(marks(&[("acme", 4), ("globex", 9)]), now),
        ["acme"]
    );
}

#[test]
fn an_org_that_failed_is_tried_again_after_its_wait_only() {
    let mut versions = SharedVersions::default();
    let now = Instant::now();
    assert_eq!(versions.due(marks(&[("acme", 3)]), now), ["acme"]);
    versions.finished("acme", &Err(InstallError::BadName("x".into())), now);
    let soon = now + RETRY_AFTER - Duration::from_millis(1);
    assert!(versions.due(marks(&[("acme", 3)]), soon).is_empty());
    assert!(
        versions.due(marks(&[("acme", 4)]), soon).is_empty(),
        "a move waits too"
    );
    assert_eq!(
        versions.due(marks(&[("acme", 4)]), now + RETRY_AFTER),
        ["acme"]
    );
    versions.finished("acme", &Ok(1), now + RETRY_AFTER);
    assert!(
        versions
            .due(marks(&[("acme", 4)]), now + RETRY_AFTER * 2)
            .is_empty()
    );
}
