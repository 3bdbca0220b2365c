//! One reload at a time per org: uploads, rollbacks and reloads of an org
//! hold its lock; other orgs never wait on it.

use std::sync::{Arc, Mutex};

use super::PluginLoader;

impl PluginLoader {
    /// `org`'s reload lock.
    fn org_lock(&self, org: &str) -> Arc<Mutex<()>> {
        self.locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(org.to_string())
            .or_default()
            .clone()
    }

    /// Holds `org`'s reload lock while `work` runs.
    pub(in crate::plugins) fn locked<T>(&self, org: &str, work: impl FnOnce() -> T) -> T {
        let lock = self.org_lock(org);
        let _guard = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        work()
    }

    /// Runs `work` holding `org`'s reload lock if no one else holds it;
    /// `None` when someone does (an upload or rollback of that org in
    /// progress): a reload worker then moves on to other orgs rather than
    /// wait on one org's long operation.
    pub(in crate::plugins) fn try_locked<T>(
        &self,
        org: &str,
        work: impl FnOnce() -> T,
    ) -> Option<T> {
        let lock = self.org_lock(org);
        let _guard = match lock.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        Some(work())
    }
}
