//! Campaign writes that must not cross another host's: an id taken once,
//! an edit applied to the campaign as it was read, a launch announced
//! once (its outbox message in the same transaction).

use crate::{Check, PostgresStore, Statement, param};
use leadhost_model::Campaign;
use leadhost_store::codec::{decode, encode};
use leadhost_store::{OutboxMessage, StoreError};

impl PostgresStore {
    /// [`leadhost_store::Store::put_campaign_as_read`]: one transaction,
    /// its check judged by the server under the campaign's row lock; a
    /// second creator of one id fails on the key.
    pub(crate) fn campaign_as_read(
        &self,
        org: &str,
        campaign: &Campaign,
        read: Option<&Campaign>,
        outbox: &[OutboxMessage],
    ) -> Result<bool, StoreError> {
        let (org, id) = (org.to_string(), campaign.id.clone());
        let mut statements: Vec<Statement> = vec![(
            if read.is_none() {
                // Fails on the key if another host created it meanwhile.
                "INSERT INTO campaigns (org, id, value) VALUES ($1, $2, $3)"
            } else {
                "UPDATE campaigns SET value = $3 WHERE org = $1 AND id = $2"
            },
            vec![
                param(org.clone()),
                param(id.clone()),
                param(encode(campaign)),
            ],
        )];
        for message in outbox {
            statements.push((
                "INSERT INTO outbox (id, org, value) VALUES (nextval('outbox_ids'), $1, $2)",
                vec![param(message.org.clone()), param(encode(message))],
            ));
        }
        let checks = read
            .map(|read| as_read(&org, read.clone()))
            .into_iter()
            .collect();
        match self.transaction(checks, statements) {
            Ok(_) => Ok(true),
            Err(StoreError::CampaignChanged { .. }) => Ok(false),
            Err(StoreError::Backend(error))
                if error
                    .downcast_ref::<tokio_postgres::Error>()
                    .is_some_and(crate::schema::is_unique_violation) =>
            {
                Ok(false)
            }
            Err(error) => Err(error),
        }
    }
}

/// The check that `org`'s campaign is stored as `read`, its row locked.
fn as_read(org: &str, read: Campaign) -> Check {
    let org = org.to_string();
    Check {
        sql: "SELECT value FROM campaigns WHERE org = $1 AND id = $2 FOR UPDATE",
        params: vec![param(org.clone()), param(read.id.clone())],
        guard: (
            "SELECT leadhost_expect((SELECT value FROM campaigns \
             WHERE org = $1 AND id = $2 FOR UPDATE) = $3)",
            vec![
                param(org.clone()),
                param(read.id.clone()),
                param(encode(&read)),
            ],
        ),
        holds: Box::new(move |rows| {
            let stored = rows
                .first()
                .map(|row| decode::<Campaign>("campaigns", row.get::<_, &[u8]>(0)))
                .transpose()?;
            if stored.as_ref() == Some(&read) {
                Ok(())
            } else {
                Err(StoreError::CampaignChanged {
                    org: org.clone(),
                    campaign: read.id.clone(),
                })
            }
        }),
    }
}
