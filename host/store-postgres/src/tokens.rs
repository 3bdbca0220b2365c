//! Tokens kept for a second: every request presents one, and reading it
//! from the database was a round trip of each request's own. A token this
//! host writes (issued, revoked) is current at once here; one revoked on
//! another host is refused here within [`TOKEN_FRESH`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::{PostgresStore, param};
use leadhost_store::codec::{decode, encode};
use leadhost_store::{StoreError, TokenRecord};

/// How long a token read from the database is taken as current: the
/// longest a token revoked on another host still passes on this one.
pub const TOKEN_FRESH: Duration = Duration::from_secs(1);

/// At most this many tokens kept (a host's live clients); past it the
/// stale ones go, and if none is stale, all of them. Only tokens the
/// database holds are kept: made-up ones never take a place.
pub const TOKENS_KEPT: usize = 4_096;

/// Tokens by sha256, each with when it was read.
#[derive(Default)]
pub(crate) struct TokenCache {
    tokens: Mutex<HashMap<String, (TokenRecord, Instant)>>,
}

impl TokenCache {
    /// The token with `hash`, if read within [`TOKEN_FRESH`].
    pub fn fresh(&self, hash: &str) -> Option<TokenRecord> {
        let tokens = self.lock();
        let (token, read) = tokens.get(hash)?;
        (read.elapsed() < TOKEN_FRESH).then(|| token.clone())
    }

    /// Keeps `token` as written now.
    pub fn keep(&self, hash: &str, token: &TokenRecord) {
        self.keep_read(hash, token, Instant::now());
    }

    /// Keeps `token` as a read that began at `began` found it, unless this
    /// host wrote the token since (a revocation racing a read in flight:
    /// the read's older record must not put the token back).
    pub fn keep_read(&self, hash: &str, token: &TokenRecord, began: Instant) {
        let mut tokens = self.lock();
        if tokens.get(hash).is_some_and(|(_, kept)| *kept > began) {
            return;
        }
        if tokens.len() >= TOKENS_KEPT && !tokens.contains_key(hash) {
            tokens.retain(|_, (_, read)| read.elapsed() < TOKEN_FRESH);
            if tokens.len() >= TOKENS_KEPT {
                tokens.clear();
            }
        }
        tokens.insert(hash.to_string(), (token.clone(), began));
    }

    /// Forgets the token with `hash` (a write whose outcome is unknown).
    pub fn forget(&self, hash: &str) {
        self.lock().remove(hash);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (TokenRecord, Instant)>> {
        self.tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl PostgresStore {
    /// Stores a token and keeps it here as written (a revocation is
    /// current on this host at once).
    pub(crate) fn write_token(&self, hash: &str, token: &TokenRecord) -> Result<(), StoreError> {
        let written = self.transaction(
            Vec::new(),
            vec![(
                "INSERT INTO tokens (hash, value) VALUES ($1, $2) \
                 ON CONFLICT (hash) DO UPDATE SET value = EXCLUDED.value",
                vec![param(hash.to_string()), param(encode(token))],
            )],
        );
        match &written {
            Ok(_) => self.shared.tokens.keep(hash, token),
            Err(_) => self.shared.tokens.forget(hash),
        }
        written.map(drop)
    }

    /// The token with `hash`: as kept, if read within [`TOKEN_FRESH`],
    /// else from the database (and kept).
    pub(crate) fn read_token(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        if let Some(token) = self.shared.tokens.fresh(hash) {
            return Ok(Some(token));
        }
        let began = Instant::now();
        let rows = self.rows(
            "SELECT value FROM tokens WHERE hash = $1",
            vec![param(hash.to_string())],
        )?;
        let token: Option<TokenRecord> = rows
            .first()
            .map(|row| decode("tokens", row.get::<_, &[u8]>(0)))
            .transpose()?;
        if let Some(token) = &token {
            self.shared.tokens.keep_read(hash, token, began);
        }
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(id: &str) -> TokenRecord {
        TokenRecord {
            id: id.into(),
            org: Some("acme".into()),
            created_at: "2026-12-02T09:00:00Z".parse().unwrap(),
            revoked_at: None,
        }
    }

    #[test]
    fn a_token_is_fresh_for_a_second_then_read_again() {
        let cache = TokenCache::default();
        assert_eq!(cache.fresh("h"), None);
        cache.keep("h", &token("t1"));
        assert_eq!(cache.fresh("h"), Some(token("t1")));
        cache.forget("h");
        assert_eq!(cache.fresh("h"), None);
        cache
            .tokens
            .lock()
            .unwrap()
            .insert("old".into(), (token("t2"), Instant::now() - TOKEN_FRESH));
        assert_eq!(
            cache.fresh("old"),
            None,
            "a token read a second ago is stale"
        );
    }

    #[test]
    fn a_read_begun_before_a_write_does_not_undo_it() {
        let cache = TokenCache::default();
        let began = Instant::now();
        let mut revoked = token("t1");
        revoked.revoked_at = Some("2026-12-02T09:00:01Z".parse().unwrap());
        std::thread::sleep(std::time::Duration::from_millis(2));
        cache.keep("h", &revoked);
        cache.keep_read("h", &token("t1"), began);
        assert_eq!(cache.fresh("h"), Some(revoked));
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = TokenCache::default();
        for n in 0..TOKENS_KEPT + 10 {
            cache.keep(&format!("h{n}"), &token("t"));
        }
        assert!(cache.tokens.lock().unwrap().len() <= TOKENS_KEPT);
        assert!(cache.fresh(&format!("h{}", TOKENS_KEPT + 9)).is_some());
    }
}
