//! One round of delivery: the due messages, each to its webhook, and the
//! store told what came of it before the next round.

use std::sync::Arc;

use serde_json::json;

use super::retry::RetryPolicy;
use super::signature::sign;
use crate::Engine;
use crate::model::NurtureAction;
use crate::store::{Attempts, DeadLetter, OutboxKind, OutboxMessage, Pending, Store, StoreError};

/// Most messages taken in one round, unless set with
/// [`Dispatcher::with_round_size`] (`[delivery] round_size`).
pub const ROUND_SIZE: usize = 200;

/// Most messages one claim takes: a claim's lease covers each one's full
/// timeout, so a host that dies mid-round leaves at most this many
/// messages for the others to take over after the lease (8 × 10 s + 30 s
/// with the default policy).
pub const CLAIM_SIZE: usize = 8;

/// Added to a claim's lease beyond its messages' timeouts: signing and
/// recording each outcome.
const CLAIM_MARGIN: std::time::Duration = std::time::Duration::from_secs(30);

/// The event kind of a message, as webhooks and headers name it.
pub fn event_name(message: &OutboxMessage) -> &'static str {
    match &message.kind {
        OutboxKind::LeadAssigned { .. } => "lead-assigned",
        OutboxKind::OwnerActivity { .. } => "owner-activity",
        OutboxKind::SlaEscalation { .. } => "sla-escalation",
        OutboxKind::CampaignLaunch { .. } => "campaign-launch",
        OutboxKind::Touch {
            action: NurtureAction::CreateCallTask { .. },
        } => "call-task",
        OutboxKind::Touch { .. } => "touch",
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Answered 2xx by their webhook.
    pub delivered: usize,
    /// For events the org has no webhook for: done, nothing sent.
    pub unrouted: usize,
    /// Failed, to be tried again later.
    pub retried: usize,
    /// Failed for the last time: now dead letters.
    pub buried: usize,
}

/// Delivers the outbox of every org. Cheap to clone.
#[derive(Clone)]
pub struct Dispatcher {
    engine: Engine,
    client: reqwest::Client,
    policy: RetryPolicy,
    round_size: usize,
}

enum Outcome {
    Delivered,
    Unrouted,
    Failed(String),
}

impl Dispatcher {
    /// A dispatcher for `engine`'s store, with `policy`.
    pub fn new(engine: Engine, policy: RetryPolicy) -> Self {
        let client = reqwest::Client::builder()
            .timeout(policy.timeout)
            .user_agent(concat!("leadhost/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("an HTTP client with default TLS roots");
        Dispatcher {
            engine,
            client,
            policy,
            round_size: ROUND_SIZE,
        }
    }

    /// Takes at most `round_size` messages a round (default [`ROUND_SIZE`]).
    pub fn with_round_size(mut self, round_size: usize) -> Self {
        self.round_size = round_size;
        self
    }

    /// Delivers each message due now once, in order, and records what came
    /// of it (durably) before returning.
    pub async fn run_once(&self) -> Result<Round, StoreError> {
        let store = self.engine.store().clone();
        let mut round = Round::default();
        let mut taken = 0;
        // On a shared database, claimed a few at a time (each host takes
        // its own; a lease covers only what one claim can send in time),
        // until the round is full or nothing is left due. A store one
        // process holds is read once a round: its scan passes every
        // message waiting out a retry, so reading it per few messages
        // would repeat that scan for each.
        let claim = if store.shared() {
            CLAIM_SIZE
        } else {
            self.round_size
        };
        while taken < self.round_size {
            let now = self.engine.now();
            let size = claim.min(self.round_size - taken);
            let lease = self.policy.timeout * size as u32 + CLAIM_MARGIN;
            let claimed =
                blocking(&store, move |store| store.claim_messages(now, lease, size)).await?;
            if claimed.is_empty() {
                break;
            }
            taken += claimed.len();
            self.deliver(&store, now, claimed, &mut round).await?;
        }
        Ok(round)
    }

    /// Sends each claimed message and records its outcome.
    async fn deliver(
        &self,
        store: &Arc<dyn Store>,
        now: leadhost_model::Time,
        claimed: Vec<Pending>,
        round: &mut Round,
    ) -> Result<(), StoreError> {
        // Removed together once the claim is gone through: sent nowhere,
        // so a crash before that only means passing them over again.
        let mut unrouted = Vec::new();
        for pending in claimed {
            let outcome = self.send(&pending).await;
            let event = event_name(&pending.message);
            let label = match &outcome {
                Outcome::Delivered => "delivered",
                Outcome::Unrouted => "unrouted",
                Outcome::Failed(_) if pending.attempts + 1 >= self.policy.attempts => "dead",
                Outcome::Failed(_) => "failed",
            };
            metrics::counter!("leadhost_webhook_deliveries_total", "org" => pending.message.org.clone(), "event" => event, "outcome" => label)
                .increment(1);
            let id = pending.id;
            match outcome {
                Outcome::Delivered => {
                    blocking(store, move |store| store.delivered(id)).await?;
                    round.delivered += 1;
                }
                Outcome::Unrouted => {
                    unrouted.push(id);
                    round.unrouted += 1;
                }
                Outcome::Failed(error) => {
                    let failures = pending.attempts + 1;
                    tracing::warn!(org = %pending.message.org, event, id, failures, %error, "webhook delivery failed");
                    if failures >= self.policy.attempts {
                        let letter = DeadLetter {
                            id,
                            message: pending.message,
                            attempts: failures,
                            last_error: error,
                            dead_at: now,
                        };
                        blocking(store, move |store| store.bury(&letter)).await?;
                        round.buried += 1;
                    } else {
                        let wait = self.policy.delay(failures, fastrand::f64());
                        let attempts = Attempts {
                            attempts: failures,
                            next_at: now
                                + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX),
                            last_error: error,
                        };
                        blocking(store, move |store| store.retry_later(id, &attempts)).await?;
                        round.retried += 1;
                    }
                }
            }
        }
        if !unrouted.is_empty() {
            blocking(store, move |store| store.delivered_all(&unrouted)).await?;
        }
        Ok(())
    }

    async fn send(&self, pending: &Pending) -> Outcome {
        let message = &pending.message;
        let event = event_name(message);
        let webhooks = self.engine.settings().webhooks(&message.org);
        let Some(hook) = webhooks.get(event) else {
            return Outcome::Unrouted;
        };
        let key = format!("{}:{}", message.org, pending.id);
        let body = json!({
            "id": key,
            "event": event,
            "org": message.org,
            // `null` for a message about no one lead (a campaign launch).
            "lead": (!message.lead.is_empty()).then_some(&message.lead),
            "at": message.at,
            "attempt": pending.attempts + 1,
            "data": message.kind,
        })
        .to_string();
        let timestamp = self.engine.now().timestamp();
        let response = self
            .client
            .post(&hook.url)
            .header("content-type", "application/json")
            .header("idempotency-key", &key)
            .header("x-leadhost-event", event)
            .header("x-leadhost-timestamp", timestamp.to_string())
            .header(
                "x-leadhost-signature",
                sign(&hook.secret, timestamp, body.as_bytes()),
            )
            .body(body)
            .send()
            .await;
        match response {
            Ok(response) if response.status().is_success() => Outcome::Delivered,
            Ok(response) => Outcome::Failed(format!("the webhook answered {}", response.status())),
            Err(error) => Outcome::Failed(format!("the webhook could not be reached: {error}")),
        }
    }
}

/// Runs a store call off the async threads (it may wait for a flush).
async fn blocking<T: Send + 'static>(
    store: &Arc<dyn Store>,
    work: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || work(store.as_ref()))
        .await
        .map_err(|error| StoreError::Backend(Box::new(error)))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Webhook, Webhooks};

    #[test]
    fn every_outbox_kind_has_an_org_toml_webhook_of_its_name() {
        let hook = Webhook {
            url: "http://127.0.0.1:9/hook".into(),
            secret: "0123456789abcdef".into(),
        };
        let all = Webhooks {
            touch: Some(hook.clone()),
            call_task: Some(hook.clone()),
            lead_assigned: Some(hook.clone()),
            owner_activity: Some(hook.clone()),
            sla_escalation: Some(hook.clone()),
            campaign_launch: Some(hook),
        };
        let kinds = [
            OutboxKind::LeadAssigned {
                rep: "ana".into(),
                rep_display_name: None,
                rep_email: None,
            },
            OutboxKind::OwnerActivity {
                rep: "ana".into(),
                what: "webinar activity".into(),
            },
            OutboxKind::SlaEscalation {
                lapsed: "ana".into(),
                lapsed_display_name: None,
                lapsed_email: None,
                rep: Some("ben".into()),
                rep_display_name: None,
                rep_email: None,
                stage: "assigned".into(),
            },
            OutboxKind::CampaignLaunch {
                campaign: serde_json::from_value(serde_json::json!({
                    "id": "webinar", "name": "Webinar", "launch_at": "2026-12-10T09:00:00Z"
                }))
                .map(Box::new)
                .unwrap(),
                leads: 0,
                reps: Default::default(),
            },
            OutboxKind::Touch {
                action: NurtureAction::Wait,
            },
        ];
        let mut names = Vec::new();
        for kind in kinds {
            let message = OutboxMessage {
                org: "acme".into(),
                lead: "ld-0000000001".into(),
                at: chrono::Utc::now(),
                kind,
            };
            let name = event_name(&message);
            assert!(all.get(name).is_some(), "no [webhooks.{name}]");
            names.push(name);
        }
        assert_eq!(
            names,
            [
                "lead-assigned",
                "owner-activity",
                "sla-escalation",
                "campaign-launch",
                "touch"
            ]
        );
    }
}
