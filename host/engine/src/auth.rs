//! API tokens: random secrets handed out once and stored only as their
//! sha256, so a copy of the store holds no usable token.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::model::Time;
use crate::store::{Store, StoreError, TokenRecord};
use crate::{Engine, EngineError};

/// Who a request speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The operator: may create orgs and issue tokens.
    Admin,
    /// One org: reaches only that org's resources.
    Org(String),
}

/// A request could not be authenticated.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization: Bearer` header.
    #[error("no bearer token: send `Authorization: Bearer <token>`")]
    Missing,
    /// The token is unknown or revoked.
    #[error("the token is not valid")]
    Invalid,
    /// The endpoint takes only particular tokens (`/metrics`: the metrics
    /// or the admin token), and the request sent none of them; says which.
    #[error("{0}")]
    NotAccepted(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A token just issued: the secret is shown once and never stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Issued {
    /// Its public id, to revoke it by.
    pub id: String,
    /// The secret to send as `Authorization: Bearer <token>`.
    pub token: String,
}

/// The fewest characters an admin token given in `LEADHOST_ADMIN_TOKEN`
/// may have: it opens every org, so it must not be guessable (the tokens
/// the host makes itself are 32 hex digits of randomness and more).
pub const ADMIN_TOKEN_MIN_CHARS: usize = 24;

/// The id admin tokens given in `LEADHOST_ADMIN_TOKEN` are stored under.
const ENV_ADMIN_ID: &str = "tok-env-admin";

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("the operating system provides randomness");
    hex::encode(buffer)
}

/// The sha256 of a secret, as stored.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Issues a token for `org` (an admin token when `None`).
pub fn issue(store: &dyn Store, org: Option<&str>, now: Time) -> Result<Issued, StoreError> {
    let secret = format!("lh_{}", random_hex(24));
    let record = TokenRecord {
        id: format!("tok-{}", random_hex(6)),
        org: org.map(str::to_string),
        created_at: now,
        revoked_at: None,
    };
    store.put_token(&hash(&secret), &record)?;
    Ok(Issued {
        id: record.id,
        token: secret,
    })
}

/// Who `secret` speaks for.
pub fn authenticate(store: &dyn Store, secret: Option<&str>) -> Result<Principal, AuthError> {
    let secret = secret.ok_or(AuthError::Missing)?;
    authenticate_digest(store, &hash(secret))
}

/// Who the token whose sha256 is `digest` ([`hash`]) speaks for: how a
/// dashboard session, which keeps only that digest, finds out on each
/// request that its token was revoked.
pub fn authenticate_digest(store: &dyn Store, digest: &str) -> Result<Principal, AuthError> {
    match store.token(digest)? {
        Some(TokenRecord {
            revoked_at: None,
            org,
            ..
        }) => Ok(org.map_or(Principal::Admin, Principal::Org)),
        _ => Err(AuthError::Invalid),
    }
}

/// Revokes `org`'s token `id`; `false` if the org has no such live token.
pub fn revoke(store: &dyn Store, org: &str, id: &str, now: Time) -> Result<bool, StoreError> {
    for (hash, mut token) in store.tokens()? {
        if token.id == id && token.org.as_deref() == Some(org) && token.revoked_at.is_none() {
            token.revoked_at = Some(now);
            store.put_token(&hash, &token)?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// Why a host cannot take its `LEADHOST_ADMIN_TOKEN`.
#[derive(Debug, thiserror::Error)]
pub enum AdminTokenError {
    /// On a database several hosts share, this value was replaced: a
    /// host started later with another one. Starting with it again would
    /// retire the newer value on every host.
    #[error(
        "LEADHOST_ADMIN_TOKEN was replaced on this database at {retired_at}, when a host started with another value; start every host with the current value (or a new one, to rotate it again)"
    )]
    Retired {
        /// When it was retired.
        retired_at: Time,
    },
    /// The tokens cannot be read or stored.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Makes sure an admin token exists. With `from_env` (the value of
/// `LEADHOST_ADMIN_TOKEN`), that secret becomes the admin token, retiring
/// the value it replaces; otherwise one is issued on first start. Returns
/// a token issued now, to be shown.
///
/// On a store several hosts share, a value seen before and retired is
/// refused: the host that starts with a new value rotates it for every
/// host, and a host restarted with the old one would take it back.
///
/// Errors: [`AdminTokenError::Retired`]; the store failing.
pub fn ensure_admin(
    store: &dyn Store,
    from_env: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Issued>, AdminTokenError> {
    if let Some(secret) = from_env {
        // Read whole, as stored now (not as a cache may still hold it).
        let tokens = store.tokens()?;
        let retired_at = tokens
            .iter()
            .find(|(stored, token)| *stored == hash(secret) && token.id == ENV_ADMIN_ID)
            .and_then(|(_, token)| token.revoked_at);
        if let Some(retired_at) = retired_at
            && store.shared()
        {
            return Err(AdminTokenError::Retired { retired_at });
        }
        // A changed LEADHOST_ADMIN_TOKEN retires the one it replaces.
        let mut retired = 0;
        for (stored, mut token) in tokens {
            if token.id == ENV_ADMIN_ID && stored != hash(secret) && token.revoked_at.is_none() {
                token.revoked_at = Some(now);
                store.put_token(&stored, &token)?;
                retired += 1;
            }
        }
        if retired > 0 && store.shared() {
            tracing::warn!(
                retired,
                "LEADHOST_ADMIN_TOKEN is new to this database: it replaces the value the other hosts were started with, which no longer opens anything on any host"
            );
        }
        let record = TokenRecord {
            id: ENV_ADMIN_ID.into(),
            org: None,
            created_at: now,
            revoked_at: None,
        };
        if store
            .token(&hash(secret))?
            .is_none_or(|known| known.revoked_at.is_some())
        {
            store.put_token(&hash(secret), &record)?;
        }
        return Ok(None);
    }
    let has_admin = store.tokens()?.iter().any(|(_, token)| {
        token.org.is_none() && token.id != ENV_ADMIN_ID && token.revoked_at.is_none()
    });
    if has_admin {
        Ok(None)
    } else {
        Ok(Some(issue(store, None, now)?))
    }
}

/// Whether `org` has a live token (the demo org gets one on first start).
pub fn has_token(store: &dyn Store, org: &str) -> Result<bool, StoreError> {
    Ok(store
        .tokens()?
        .iter()
        .any(|(_, token)| token.org.as_deref() == Some(org) && token.revoked_at.is_none()))
}

/// The token operations the API offers, over the engine's store.
impl Engine {
    /// Who `secret` (a bearer token, if the request sent one) speaks for.
    ///
    /// Errors: [`AuthError::Missing`], [`AuthError::Invalid`] (unknown or
    /// revoked), or the store's failure.
    pub fn authenticate(&self, secret: Option<&str>) -> Result<Principal, AuthError> {
        authenticate(self.store().as_ref(), secret)
    }

    /// Who the token with sha256 `digest` speaks for, while it is live.
    ///
    /// Errors: [`AuthError::Invalid`] (unknown or revoked), or the store's
    /// failure.
    pub fn authenticate_digest(&self, digest: &str) -> Result<Principal, AuthError> {
        authenticate_digest(self.store().as_ref(), digest)
    }

    /// Issues a new token for `org` (an admin token for `None`).
    ///
    /// Errors: [`EngineError::UnknownOrg`] when `org` does not exist.
    pub fn issue_token(&self, org: Option<&str>) -> Result<Issued, EngineError> {
        if let Some(org) = org {
            self.known_org(org)?;
        }
        Ok(issue(self.store().as_ref(), org, self.now())?)
    }

    /// Revokes `org`'s token `id`; requests with it are refused from now on.
    ///
    /// Errors: [`EngineError::UnknownToken`] when `org` has no live token
    /// with that id (an unknown org included, so the answer tells nothing of
    /// which orgs exist).
    pub fn revoke_token(&self, org: &str, id: &str) -> Result<(), EngineError> {
        if revoke(self.store().as_ref(), org, id, self.now())? {
            Ok(())
        } else {
            Err(EngineError::UnknownToken {
                org: org.into(),
                token: id.into(),
            })
        }
    }
}

#[cfg(test)]
mod tests;
