//! The nurture engine over virtual time: a track's steps run when due, each
//! touch goes to the outbox and the timeline, a call becomes a task; the
//! schedule survives a restart; webhooks deliver each message once to a
//! receiver that honours the idempotency key, through failures, dead
//! letters and replay; a hot-reloaded track plug-in takes the next step.

mod fairness;
mod webhooks;

use std::path::Path;
use std::sync::Arc;

use leadhost::builtin::STANDARD_NURTURE;
use leadhost::clock::ManualClock;
use leadhost::engine::LeadSubmission;
use leadhost::runtime::{ContentHash, Slot};
use leadhost::setup::{Host, Options};
use leadhost::store::{EventKind, LeadStage, TimelineItem};

use super::reload::variant;
use super::support::start_time;

/// A data folder with org `acme` on a clock the test moves.
pub struct Nurture {
    /// The host.
    pub host: Host,
    /// Its clock.
    pub clock: ManualClock,
    dir: tempfile::TempDir,
}

impl Nurture {
    /// A fresh folder.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start_time());
        let host = open(dir.path(), &clock);
        host.create_org("acme", "Acme").unwrap();
        Nurture { host, clock, dir }
    }

    /// Closes the store and opens the folder again, same clock.
    pub fn restart(self) -> Self {
        let Nurture { host, clock, dir } = self;
        drop(host);
        let host = open(dir.path(), &clock);
        Nurture { host, clock, dir }
    }

    /// A lead researching without authority: the find-decision-maker track
    /// (touch, call, touch, a week apart).
    pub fn researcher(&self, email: &str) -> String {
        let submission: LeadSubmission = serde_json::from_value(serde_json::json!({
            "email": email, "country": "DE", "authority": "user", "need": "high"
        }))
        .unwrap();
        let record = self
            .host
            .engine
            .ingest("acme", submission, "test")
            .unwrap()
            .record;
        assert_eq!(
            record.track.as_ref().map(|state| state.track.as_str()),
            Some("find-decision-maker")
        );
        record.id().to_string()
    }

    /// Moves the clock by `days` and runs what is due; returns how many ran.
    pub fn days(&self, days: i64) -> usize {
        self.clock.advance(chrono::Duration::days(days));
        self.host.engine.run_due(1000).unwrap()
    }

    /// The lead's host events.
    pub fn events(&self, lead: &str) -> Vec<EventKind> {
        self.host
            .engine
            .timeline("acme", lead)
            .unwrap()
            .into_iter()
            .filter_map(|entry| match entry.item {
                TimelineItem::Event(event) => Some(event.kind),
                _ => None,
            })
            .collect()
    }

    /// How many touches the lead's timeline shows.
    pub fn touches(&self, lead: &str) -> usize {
        self.events(lead)
            .iter()
            .filter(|kind| matches!(kind, EventKind::TouchSent { .. }))
            .count()
    }
}

/// Opens the host on `path`. Right after a host on it was dropped, a
/// background thread of the old one may still be letting the store go:
/// the store says it is in use for that moment, so the test waits (at most
/// 5 s) as a restarted process would.
fn open(path: &Path, clock: &ManualClock) -> Host {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match Host::open_with_clock(path, Options::default(), Arc::new(clock.clone())) {
            Ok(host) => return host,
            Err(error)
                if error.to_string().contains("is open in another process")
                    && std::time::Instant::now() < until =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(error) => panic!("open the host: {error}"),
        }
    }
}

#[test]
fn a_track_runs_over_weeks_of_virtual_time_and_survives_a_restart() {
    let nurture = Nurture::new();
    let lead = nurture.researcher("kim@fjord.example");
    assert_eq!(
        nurture.touches(&lead),
        1,
        "the first touch goes out at once"
    );
    assert_eq!(nurture.days(3), 0, "nothing is due before the interval");

    assert_eq!(nurture.days(4), 1, "a week later: the call step");
    let tasks = nurture.host.engine.store().call_tasks("acme").unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].lead, lead);
    assert!(nurture.events(&lead).iter().any(
        |kind| matches!(kind, EventKind::CallTaskCreated { task, .. } if *task == tasks[0].id)
    ));

    // Restart between steps: the schedule is in the store.
    let nurture = nurture.restart();
    assert_eq!(nurture.days(7), 1, "the third step, after the restart");
    assert_eq!(nurture.touches(&lead), 2, "no touch skipped, none twice");
    assert_eq!(nurture.days(0), 0, "nothing runs twice");
    let record = nurture.host.engine.lead("acme", &lead).unwrap();
    assert!(matches!(record.stage, LeadStage::Nurturing { .. }));
    let now = leadhost::clock::Clock::now(&nurture.clock);
    let outbox = nurture.host.engine.store().due_messages(now, 100).unwrap();
    assert_eq!(
        outbox.len(),
        3,
        "two touches and a call task for the outside world"
    );
}

#[test]
fn a_hot_reloaded_track_plugin_takes_the_next_step() {
    let nurture = Nurture::new();
    let lead = nurture.researcher("lee@fjord.example");
    let rebuilt = variant(STANDARD_NURTURE.bytes, 5);
    nurture
        .host
        .plugins
        .install("acme", Slot::NurtureTrack, "standard-nurture-v2", &rebuilt)
        .unwrap();
    assert_eq!(nurture.days(7), 1);
    let hashes: Vec<ContentHash> = nurture
        .host
        .engine
        .timeline("acme", &lead)
        .unwrap()
        .into_iter()
        .filter_map(|entry| match entry.item {
            TimelineItem::Decision(decision) if decision.slot == Slot::NurtureTrack => {
                Some(decision.plugin_hash)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        hashes,
        [
            ContentHash::of(STANDARD_NURTURE.bytes),
            ContentHash::of(&rebuilt)
        ],
        "step one by the old version, step two by the new"
    );
}

#[test]
fn an_activity_moves_a_nurtured_lead_to_the_track_its_new_segment_needs() {
    use leadhost::model::{Activity, ActivityKind};
    let nurture = Nurture::new();
    let submission: LeadSubmission = serde_json::from_value(serde_json::json!({
        "email": "ola@fjord.example", "country": "NO", "need": "low"
    }))
    .unwrap();
    let lead = nurture
        .host
        .engine
        .ingest("acme", submission, "test")
        .unwrap()
        .record;
    assert_eq!(lead.track.as_ref().unwrap().track, "education");
    let now = leadhost::clock::Clock::now(&nurture.clock);
    let mut moved = lead.clone();
    for (n, kind) in [
        ActivityKind::Webinar,
        ActivityKind::Download,
        ActivityKind::EmailReply,
    ]
    .into_iter()
    .enumerate()
    {
        let activity = Activity {
            kind,
            at: now,
            detail: format!("engaged {n}"),
        };
        moved = nurture
            .host
            .engine
            .record_activity("acme", lead.id(), activity)
            .unwrap();
    }
    assert_eq!(
        moved.track.as_ref().map(|state| state.track.as_str()),
        Some("find-decision-maker"),
        "researching now, still without authority: {:?}",
        moved.qualification
    );
    assert!(matches!(moved.stage, LeadStage::Nurturing { .. }));
}

#[test]
fn after_the_hand_off_a_lead_stays_in_touch_without_competing_with_its_owner() {
    use leadhost::engine::Feedback;
    use leadhost::model::Rep;
    let nurture = Nurture::new();
    let rep: Rep = serde_json::from_value(serde_json::json!({
        "id": "ana", "territories": ["DE"], "capacity": 10
    }))
    .unwrap();
    nurture.host.engine.put_rep("acme", rep).unwrap();
    let strong = |email: &str| -> LeadSubmission {
        serde_json::from_value(serde_json::json!({
            "email": email, "country": "DE", "budget": 60000,
            "authority": "decision-maker", "need": "high", "timeline_days": 30
        }))
        .unwrap()
    };
    let before = nurture
        .host
        .engine
        .ingest("acme", strong("off@northwind.example"), "test")
        .unwrap()
        .record;
    assert_eq!(
        before.wake_at, None,
        "off by default: sales has the lead alone"
    );

    let path = nurture
        .host
        .plugins
        .folders()
        .org_dir("acme")
        .join("org.toml");
    let text = std::fs::read_to_string(&path).unwrap()
        + "\n[nurture]\nafter_hand_off = \"stay-in-touch\"\n";
    std::fs::write(&path, text).unwrap();
    nurture
        .host
        .plugins
        .reload("acme", leadhost::store::Activation::File)
        .unwrap();

    let lead = nurture
        .host
        .engine
        .ingest("acme", strong("on@northwind.example"), "test")
        .unwrap()
        .record;
    assert!(
        matches!(lead.stage, LeadStage::Assigned { .. }),
        "{:?}",
        lead.stage
    );
    assert_eq!(lead.track.as_ref().unwrap().track, "stay-in-touch");
    let id = lead.id().to_string();
    assert_eq!(nurture.days(13), 0, "the owner has it alone at first");
    assert_eq!(nurture.days(1), 1, "then a light touch");
    assert_eq!(nurture.touches(&id), 1);
    let after = nurture.host.engine.lead("acme", &id).unwrap();
    assert!(
        matches!(after.stage, LeadStage::Assigned { .. }),
        "the stage is the owner's: {:?}",
        after.stage
    );
    assert!(after.wake_at.is_some(), "and the track goes on");

    nurture
        .host
        .engine
        .feedback("acme", &id, Feedback::Accept { rep: None })
        .unwrap();
    nurture
        .host
        .engine
        .feedback("acme", &id, Feedback::Won)
        .unwrap();
    assert_eq!(nurture.days(90), 0, "a won deal stops the track");
    assert_eq!(nurture.touches(&id), 1);
}
