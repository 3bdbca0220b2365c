//! Webhook delivery to a real receiver on 127.0.0.1: retries through
//! failures and a restart, exactly one effective delivery per message for a
//! receiver that honours the idempotency key, dead letters and replay;
//! the reps' contact details in `lead-assigned` and `sla-escalation`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use leadhost::delivery::{Dispatcher, RetryPolicy, verify};
use leadhost::store::Activation;

use super::Nurture;

const SECRET: &str = "a-test-secret-of-some-length";

/// What the receiver saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    key: String,
    event: String,
    answered: u16,
    signed: bool,
    body: serde_json::Value,
}

#[derive(Clone, Default)]
struct Receiver {
    /// Requests per key answered 500 before the first 200.
    failures: Arc<Mutex<usize>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let key = header("idempotency-key");
    let timestamp: i64 = header("x-leadhost-timestamp").parse().unwrap_or(0);
    let signed = verify(SECRET, timestamp, &body, &header("x-leadhost-signature"));
    let mut seen = receiver.seen.lock().unwrap();
    let before = seen.iter().filter(|seen| seen.key == key).count();
    let failures = *receiver.failures.lock().unwrap();
    let answered = if before < failures { 500 } else { 200 };
    seen.push(Seen {
        key,
        event: header("x-leadhost-event"),
        answered,
        signed,
        body: serde_json::from_slice(&body).unwrap_or_default(),
    });
    StatusCode::from_u16(answered).unwrap()
}

/// Starts the receiver on the runtime; answers 500 `failures` times a key.
fn start(runtime: &tokio::runtime::Runtime, failures: usize) -> (SocketAddr, Receiver) {
    let receiver = Receiver::default();
    *receiver.failures.lock().unwrap() = failures;
    let app = axum::Router::new()
        .route("/hooks", axum::routing::post(receive))
        .with_state(receiver.clone());
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let address = listener.local_addr().unwrap();
    runtime.spawn(async move { axum::serve(listener, app).await });
    (address, receiver)
}

fn configure(nurture: &Nurture, address: SocketAddr) {
    append(
        nurture,
        &format!("\n[webhooks.touch]\nurl = \"http://{address}/hooks\"\nsecret = \"{SECRET}\"\n"),
    );
}

/// Adds `more` to acme's `org.toml` and reloads it; it must be accepted.
fn append(nurture: &Nurture, more: &str) {
    let path = nurture
        .host
        .plugins
        .folders()
        .org_dir("acme")
        .join("org.toml");
    let text = std::fs::read_to_string(&path).unwrap() + more;
    std::fs::write(&path, text).unwrap();
    let reload = nurture
        .host
        .plugins
        .reload("acme", Activation::File)
        .unwrap();
    assert!(reload.org_file.is_none(), "{:?}", reload.org_file);
}

fn policy(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        first: Duration::from_secs(60),
        max: Duration::from_secs(3600),
        attempts,
        timeout: Duration::from_secs(5),
    }
}

/// Rounds of delivery an hour of virtual time apart, until `done`.
fn deliver(runtime: &tokio::runtime::Runtime, nurture: &Nurture, attempts: u32, rounds: usize) {
    let dispatcher = Dispatcher::new(nurture.host.engine.clone(), policy(attempts));
    for _ in 0..rounds {
        runtime.block_on(dispatcher.run_once()).unwrap();
        nurture.clock.advance(chrono::Duration::hours(3));
    }
}

#[test]
fn a_touch_is_delivered_once_through_failures_and_a_restart() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (address, receiver) = start(&runtime, 3);
    let nurture = Nurture::new();
    configure(&nurture, address);
    nurture.researcher("ana@fjord.example");

    deliver(&runtime, &nurture, 10, 2);
    assert_eq!(
        receiver.seen.lock().unwrap().len(),
        2,
        "two failed attempts"
    );
    let nurture = nurture.restart();
    deliver(&runtime, &nurture, 10, 4);

    let seen = receiver.seen.lock().unwrap().clone();
    let answered: Vec<u16> = seen.iter().map(|seen| seen.answered).collect();
    assert_eq!(
        answered,
        [500, 500, 500, 200],
        "retried after the restart, then done"
    );
    let key = seen[0].key.clone();
    assert!(
        seen.iter().all(|each| each.key == key),
        "one key throughout"
    );
    assert!(
        seen.iter().all(|seen| seen.signed),
        "every delivery is signed"
    );
    assert!(seen.iter().all(|seen| seen.event == "touch"));
    let effective: HashMap<&str, usize> =
        seen.iter()
            .filter(|seen| seen.answered == 200)
            .fold(HashMap::new(), |mut count, seen| {
                *count.entry(seen.key.as_str()).or_default() += 1;
                count
            });
    assert_eq!(effective.len(), 1);
    assert!(effective.values().all(|count| *count == 1), "{effective:?}");
    let left = nurture
        .host
        .engine
        .store()
        .due_messages(leadhost::clock::Clock::now(&nurture.clock), 10)
        .unwrap();
    assert!(left.is_empty(), "the outbox is empty: {left:?}");
}

#[test]
fn a_message_out_of_attempts_is_a_dead_letter_until_replayed() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (address, receiver) = start(&runtime, usize::MAX);
    let nurture = Nurture::new();
    configure(&nurture, address);
    nurture.researcher("ben@fjord.example");

    deliver(&runtime, &nurture, 3, 5);
    assert_eq!(
        receiver.seen.lock().unwrap().len(),
        3,
        "three attempts, then no more"
    );
    let store = nurture.host.engine.store();
    let letters = store.dead_letters("acme").unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].attempts, 3);
    assert!(
        letters[0].last_error.contains("500"),
        "{}",
        letters[0].last_error
    );
    assert!(
        store.dead_letters("other").unwrap().is_empty(),
        "tenants walled off"
    );

    *receiver.failures.lock().unwrap() = 0;
    assert!(store.replay("acme", letters[0].id).unwrap());
    assert!(!store.replay("acme", letters[0].id).unwrap(), "only once");
    deliver(&runtime, &nurture, 3, 1);
    let seen = receiver.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[3].answered, 200);
    assert_eq!(
        seen[3].key, seen[0].key,
        "a replay keeps the idempotency key"
    );
    assert!(store.dead_letters("acme").unwrap().is_empty());
}

#[test]
fn assignment_and_sla_webhooks_carry_the_reps_contact_details() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (address, receiver) = start(&runtime, 0);
    let nurture = Nurture::new();
    let hook = |event: &str| {
        format!("\n[webhooks.{event}]\nurl = \"http://{address}/hooks\"\nsecret = \"{SECRET}\"\n")
    };
    append(
        &nurture,
        &format!(
            "{}{}\n[routing]\naccept_within = \"4h\"\n\n\
             [[reps]]\nid = \"ana\"\ncapacity = 5\nterritories = [\"DE\"]\n\
             display_name = \" Ana Lima \"\nemail = \"Ana.Lima@Acme.example\"\n\n\
             [[reps]]\nid = \"ben\"\ncapacity = 5\nterritories = [\"DE\"]\n\
             display_name = \"Ben Ode\"\nemail = \"ben@acme.example\"\n",
            hook("lead-assigned"),
            hook("sla-escalation"),
        ),
    );
    let ana = nurture.host.engine.reps("acme").unwrap();
    assert_eq!(ana[0].display_name.as_deref(), Some("Ana Lima"), "trimmed");
    assert_eq!(
        ana[0].email.as_deref(),
        Some("ana.lima@acme.example"),
        "normalized"
    );

    let submission = serde_json::from_value(serde_json::json!({
        "email": "buyer@firm.example", "country": "DE", "budget": 60000,
        "authority": "decision-maker", "need": "high", "timeline_days": 30
    }))
    .unwrap();
    nurture
        .host
        .engine
        .ingest("acme", submission, "test")
        .unwrap();
    deliver(&runtime, &nurture, 3, 1);
    // The SLA runs out (the clock moved 3 h a round): ben gets the lead.
    nurture.clock.advance(chrono::Duration::hours(2));
    assert_eq!(nurture.host.engine.run_due(100).unwrap(), 1);
    deliver(&runtime, &nurture, 3, 1);

    let seen = receiver.seen.lock().unwrap().clone();
    let data = |event: &str| {
        seen.iter()
            .filter(|seen| seen.event == event && seen.signed)
            .map(|seen| seen.body["data"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        data("lead-assigned"),
        [
            serde_json::json!({
                "kind": "lead-assigned", "rep": "ana",
                "rep_display_name": "Ana Lima", "rep_email": "ana.lima@acme.example",
            }),
            serde_json::json!({
                "kind": "lead-assigned", "rep": "ben",
                "rep_display_name": "Ben Ode", "rep_email": "ben@acme.example",
            }),
        ]
    );
    assert_eq!(
        data("sla-escalation"),
        [serde_json::json!({
            "kind": "sla-escalation", "stage": "assigned",
            "lapsed": "ana",
            "lapsed_display_name": "Ana Lima", "lapsed_email": "ana.lima@acme.example",
            "rep": "ben",
            "rep_display_name": "Ben Ode", "rep_email": "ben@acme.example",
        })]
    );
}
