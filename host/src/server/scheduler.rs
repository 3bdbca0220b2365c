//! The nurture wake-ups of a running server, served org by org: each org
//! with due steps gets its own task that runs at most [`ORG_QUOTA`] of them
//! within the org's share of the workers, then yields to the next org. An
//! org with a huge backlog, or whose track plug-in is slow, takes longer to
//! drain its own steps and holds up nobody else's.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, Semaphore, watch};

use crate::setup::Host;

/// How often due wake-ups are looked for when nothing is pending.
const WAKE_INTERVAL: Duration = Duration::from_secs(1);

/// Steps one org runs before it gives its place to the next: small enough
/// that an org with a backlog lets the others in between, large enough that
/// a backlog drains at the engine's full speed (~2,000 steps/s).
const ORG_QUOTA: usize = 100;

/// Orgs whose steps run at once, whatever the number of orgs.
const ORGS_AT_ONCE: usize = 8;

/// Runs due nurture wake-ups until `stopped`; then waits for the orgs' tasks
/// in flight (each is a bounded batch of bounded calls).
pub async fn run(host: Host, mut stopped: watch::Receiver<bool>) {
    let running: Arc<Mutex<HashSet<String>>> = Arc::default();
    let slots = Arc::new(Semaphore::new(ORGS_AT_ONCE));
    let more = Arc::new(Notify::new());
    let mut tasks = tokio::task::JoinSet::new();
    let mut tick = tokio::time::interval(WAKE_INTERVAL);
    // Where the next round starts, so that with every slot busy the orgs
    // further down the list are not always the ones left out.
    let mut next = 0;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = more.notified() => {}
            _ = stopped.wait_for(|stop| *stop) => break,
        }
        while tasks.try_join_next().is_some() {}
        let mut orgs: Vec<String> = match host.engine.store().orgs() {
            Ok(orgs) => orgs.into_iter().map(|org| org.id).collect(),
            Err(error) => {
                tracing::error!(%error, "cannot list the orgs; no wake-ups this round");
                continue;
            }
        };
        if orgs.is_empty() {
            continue;
        }
        next %= orgs.len();
        orgs.rotate_left(next);
        for org in orgs {
            next += 1;
            if *stopped.borrow() {
                break;
            }
            let Ok(slot) = slots.clone().try_acquire_owned() else {
                // Every slot is busy: the orgs not served now come first
                // when a slot frees (`more` wakes the loop).
                break;
            };
            if !lock(&running).insert(org.clone()) {
                continue;
            }
            let (engine, running, more) = (host.engine.clone(), running.clone(), more.clone());
            tasks.spawn(async move {
                let woken = tokio::task::spawn_blocking({
                    let (engine, org) = (engine.clone(), org.clone());
                    move || {
                        let _turn = engine.shares().turn_blocking(&org);
                        engine.run_due_in(&org, ORG_QUOTA)
                    }
                })
                .await;
                lock(&running).remove(&org);
                drop(slot);
                match woken {
                    Ok(Ok(woken)) if woken == ORG_QUOTA => more.notify_one(),
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

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
