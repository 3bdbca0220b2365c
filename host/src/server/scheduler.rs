//! The nurture wake-ups of a running server, served org by org: each org
//! with due steps gets its own task that runs at most `wake_batch` of them
//! within the org's share of the workers, then yields to the next org. An
//! org with a huge backlog, or whose track plug-in is slow, takes longer to
//! drain its own steps and holds up nobody else's.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, Semaphore, watch};

use crate::setup::Host;

/// `[scheduler]`: how the nurture wake-ups are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchedulerConfig {
    /// How often due wake-ups are looked for when nothing is pending, in
    /// ms. Default 1,000: a wake-up runs at most a second late.
    pub wake_interval_ms: u64,
    /// Steps one org runs before it gives its place to the next: small
    /// enough that an org with a backlog lets the others in between, large
    /// enough that a backlog drains at the engine's full speed (~2,000
    /// steps/s). Default 100.
    pub wake_batch: usize,
    /// Orgs whose steps run at once, whatever the number of orgs. Default 8.
    pub orgs_at_once: usize,
    /// How often campaigns are looked at for a launch to announce, in ms.
    /// Default 60,000: an announcement days ahead may be a minute late,
    /// and each look reads every org's campaigns.
    pub launch_check_ms: u64,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            wake_interval_ms: 1000,
            wake_batch: 100,
            orgs_at_once: 8,
            launch_check_ms: 60_000,
        }
    }
}

/// Runs due nurture wake-ups until `stopped`; then waits for the orgs' tasks
/// in flight (each is a bounded batch of bounded calls).
pub async fn run(host: Host, config: SchedulerConfig, mut stopped: watch::Receiver<bool>) {
    let running: Arc<Mutex<HashSet<String>>> = Arc::default();
    let slots = Arc::new(Semaphore::new(config.orgs_at_once));
    let more = Arc::new(Notify::new());
    let mut tasks = tokio::task::JoinSet::new();
    let quota = config.wake_batch;
    let mut tick = tokio::time::interval(Duration::from_millis(config.wake_interval_ms));
    // The org the next round starts at (see `round`).
    let mut resume: Option<String> = None;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = more.notified() => {}
            _ = stopped.wait_for(|stop| *stop) => break,
        }
        while tasks.try_join_next().is_some() {}
        let orgs = match due_orgs(&host) {
            Ok(orgs) => orgs,
            Err(error) => {
                tracing::error!(%error, "cannot list the orgs; no wake-ups this round");
                continue;
            }
        };
        let free = slots.available_permits();
        let (serve, next) = round(&orgs, resume.as_deref(), free, &lock(&running));
        // Orgs left out go as soon as a slot frees, not at the next tick.
        let left_out = next.is_some();
        resume = next;
        for org in serve {
            if *stopped.borrow() {
                break;
            }
            let Ok(slot) = slots.clone().try_acquire_owned() else {
                break;
            };
            lock(&running).insert(org.clone());
            let (engine, running, more) = (host.engine.clone(), running.clone(), more.clone());
            tasks.spawn(async move {
                let woken = tokio::task::spawn_blocking({
                    let (engine, org) = (engine.clone(), org.clone());
                    move || {
                        let _turn = engine.shares().turn_blocking(&org);
                        engine.run_due_in(&org, quota)
                    }
                })
                .await;
                lock(&running).remove(&org);
                drop(slot);
                // Only after real work: an org whose due entries change
                // nothing must not make the loop spin.
                if left_out && matches!(woken, Ok(Ok(woken)) if woken > 0) {
                    more.notify_one();
                }
                match woken {
                    Ok(Ok(woken)) if woken == quota => more.notify_one(),
                    Ok(Ok(0)) => {}
                    Ok(Ok(woken)) => tracing::debug!(org, woken, "nurture wake-ups run"),
                    Ok(Err(error)) => tracing::error!(org, %error, "nurture wake-ups failed"),
                    Err(error) => tracing::error!(org, %error, "the wake-up task failed"),
                }
            });
        }
    }
    while tasks.join_next().await.is_some() {}
}

/// The orgs one round serves, in order, and the org the next round starts
/// at: going round `orgs` (sorted) from the first at or after `resume`,
/// skipping orgs whose task is still `running`, taking at most `free`. The
/// next round starts at the first org this one could not take, so with
/// every slot busy the orgs further down the list are not always the ones
/// left out: each org with work is served within `orgs.len() / free`
/// rounds, rounded up, however the list changes in between.
fn round(
    orgs: &[String],
    resume: Option<&str>,
    free: usize,
    running: &HashSet<String>,
) -> (Vec<String>, Option<String>) {
    let start = resume.map_or(0, |resume| {
        orgs.partition_point(|org| org.as_str() < resume) % orgs.len().max(1)
    });
    let mut serve = Vec::new();
    for org in orgs[start..].iter().chain(&orgs[..start]) {
        if running.contains(org) {
            continue;
        }
        if serve.len() == free {
            return (serve, Some(org.clone()));
        }
        serve.push(org.clone());
    }
    (serve, None)
}

/// The orgs with a wake-up due now, sorted by id: one short range read of
/// the store each, so orgs with nothing due take no slot.
fn due_orgs(host: &Host) -> Result<Vec<String>, crate::store::StoreError> {
    let store = host.engine.store();
    let now = host.engine.now();
    let mut due = Vec::new();
    for org in store.orgs()? {
        if !store.due_in(&org.id, now, 1)?.is_empty() {
            due.push(org.id);
        }
    }
    due.sort();
    Ok(due)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orgs(count: usize) -> Vec<String> {
        (0..count).map(|n| format!("org-{n:02}")).collect()
    }

    #[test]
    fn with_every_slot_busy_each_round_starts_where_the_last_one_stopped() {
        let orgs = orgs(20);
        let running = HashSet::new();
        let mut served = Vec::new();
        let mut resume = None;
        // Three rounds of eight free slots each: 24 places for 20 orgs.
        for _ in 0..3 {
            let (serve, next) = round(
                &orgs,
                resume.as_deref(),
                SchedulerConfig::default().orgs_at_once,
                &running,
            );
            served.extend(serve);
            resume = next;
        }
        let mut once: Vec<_> = served[..20].to_vec();
        once.sort();
        assert_eq!(once, orgs, "every org served before any twice: {served:?}");
        assert_eq!(served[20..], orgs[..4], "then round again from the top");
    }

    #[test]
    fn an_org_still_running_is_skipped_and_not_counted() {
        let orgs = orgs(5);
        let running: HashSet<String> = [orgs[1].clone(), orgs[2].clone()].into();
        let (serve, next) = round(&orgs, None, 2, &running);
        assert_eq!(serve, [orgs[0].clone(), orgs[3].clone()]);
        assert_eq!(next.as_deref(), Some("org-04"), "first next time");
        let (serve, next) = round(&orgs, next.as_deref(), 8, &running);
        assert_eq!(serve, [orgs[4].clone(), orgs[0].clone(), orgs[3].clone()]);
        assert_eq!(next, None, "nobody left out");
    }

    #[test]
    fn the_place_is_kept_by_name_when_orgs_come_and_go() {
        let mut orgs = orgs(6);
        let (_, next) = round(&orgs, None, 3, &HashSet::new());
        assert_eq!(next.as_deref(), Some("org-03"));
        // org-03 has no work any more and org-00 is gone: org-04 is next.
        orgs.retain(|org| org != "org-03" && org != "org-00");
        let (serve, _) = round(&orgs, next.as_deref(), 1, &HashSet::new());
        assert_eq!(serve, ["org-04"]);
        // Past the end of the list: round again from the top.
        let (serve, _) = round(&orgs, Some("zzz"), 1, &HashSet::new());
        assert_eq!(serve, ["org-01"]);
    }

    #[test]
    fn no_free_slot_serves_nobody_and_keeps_the_place() {
        let (serve, next) = round(&orgs(5), Some("org-03"), 0, &HashSet::new());
        assert!(serve.is_empty());
        assert_eq!(next.as_deref(), Some("org-03"));
        assert_eq!(
            round(&[], Some("org-01"), 8, &HashSet::new()),
            (Vec::new(), None)
        );
    }
}
