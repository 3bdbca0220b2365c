//! Dashboard sessions: a token, checked once at sign-in, exchanged for a
//! random session id that lives only in an `HttpOnly`, `SameSite=Strict`
//! cookie. The table keeps the sha256 of each session id and of its token
//! (never the token), so every request re-checks the token: revoking it
//! ends its sessions at once.
//!
//! Bounded for a hostile tenant: each principal (an org, or the admin)
//! holds at most [`SessionLimits::per_principal`] sessions, its oldest
//! ending first, and the whole table at most [`SessionLimits::total`].
//! Sessions live in this process's memory: a restart signs everyone out.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use sha2::{Digest, Sha256};

use crate::engine::auth::Principal;

/// The cookie that carries the session id.
pub const COOKIE: &str = "leadhost_session";

/// How many sessions may live, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// Sessions one principal (an org's tokens, or the admin's) may hold;
    /// a new sign-in beyond it ends that principal's least recently used
    /// one. 16: a team's browsers, not a script's loop.
    pub per_principal: usize,
    /// Sessions in all; beyond it the least recently used one of all ends.
    /// 4,096 sessions take about 1 MiB.
    pub total: usize,
    /// A session unused this long ends (8 h: a working day).
    pub idle: Duration,
    /// A session ends this long after sign-in, however busy (24 h).
    pub lifetime: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        SessionLimits {
            per_principal: 16,
            total: 4096,
            idle: Duration::from_secs(8 * 3600),
            lifetime: Duration::from_secs(24 * 3600),
        }
    }
}

/// A short message for the next page a session shows (after a form post
/// and its redirect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// `true` for a success, `false` for a failure.
    pub ok: bool,
    /// What happened.
    pub text: String,
}

/// What a signed-in request knows of its session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Whom the session's token speaks for.
    pub principal: Principal,
    /// The sha256 of the token, hex, to re-check it on each request.
    pub token_digest: String,
    /// The secret every form of this session carries (`csrf`).
    pub csrf: String,
    created: Instant,
    last_seen: Instant,
    notice: Option<Notice>,
}

/// The sessions of this host. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    table: Arc<Mutex<HashMap<String, Session>>>,
    limits: SessionLimits,
}

impl Sessions {
    /// An empty table with these limits.
    pub fn new(limits: SessionLimits) -> Self {
        Sessions {
            table: Arc::default(),
            limits,
        }
    }

    /// Starts a session for `principal`, whose token has sha256
    /// `token_digest`; returns the session id for the cookie (64 hex
    /// digits, 256 random bits).
    pub fn start(&self, principal: Principal, token_digest: String, now: Instant) -> String {
        let id = random_hex(32);
        let session = Session {
            principal,
            token_digest,
            csrf: random_hex(32),
            created: now,
            last_seen: now,
            notice: None,
        };
        let mut table = self.table.lock();
        table.retain(|_, session| self.live(session, now));
        let owner = session.principal.clone();
        let mut own: Vec<(Instant, String)> = table
            .iter()
            .filter(|(_, held)| held.principal == owner)
            .map(|(key, held)| (held.last_seen, key.clone()))
            .collect();
        own.sort();
        let over = (own.len() + 1).saturating_sub(self.limits.per_principal);
        for (_, key) in own.into_iter().take(over) {
            table.remove(&key);
        }
        if table.len() >= self.limits.total
            && let Some(oldest) = table
                .iter()
                .min_by_key(|(_, held)| held.last_seen)
                .map(|(key, _)| key.clone())
        {
            table.remove(&oldest);
        }
        table.insert(digest(&id), session);
        id
    }

    /// The live session with this id, marked used at `now`, with its
    /// notice taken out (each is shown once); `None` when unknown, idle too
    /// long or too old.
    pub fn find(&self, id: &str, now: Instant) -> Option<(Session, Option<Notice>)> {
        let key = digest(id);
        let mut table = self.table.lock();
        let session = table.get_mut(&key)?;
        if !self.live(session, now) {
            table.remove(&key);
            return None;
        }
        session.last_seen = now;
        let notice = session.notice.take();
        Some((session.clone(), notice))
    }

    /// Leaves `notice` for the session's next page.
    pub fn notify(&self, id: &str, notice: Notice) {
        if let Some(session) = self.table.lock().get_mut(&digest(id)) {
            session.notice = Some(notice);
        }
    }

    /// Ends the session (sign-out, or its token found revoked).
    pub fn end(&self, id: &str) {
        self.table.lock().remove(&digest(id));
    }

    /// How many sessions the table holds, expired ones included until the
    /// next sign-in sweeps them.
    pub fn len(&self) -> usize {
        self.table.lock().len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn live(&self, session: &Session, now: Instant) -> bool {
        now.saturating_duration_since(session.last_seen) < self.limits.idle
            && now.saturating_duration_since(session.created) < self.limits.lifetime
    }
}

/// Whether `given` is the session's CSRF secret, compared in time that does
/// not depend on where they differ.
pub fn csrf_matches(session: &Session, given: &str) -> bool {
    let (want, given) = (session.csrf.as_bytes(), given.as_bytes());
    want.len() == given.len() && want.iter().zip(given).fold(0, |acc, (a, b)| acc | (a ^ b)) == 0
}

fn digest(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("the operating system provides randomness");
    hex::encode(buffer)
}

#[cfg(test)]
mod tests;
