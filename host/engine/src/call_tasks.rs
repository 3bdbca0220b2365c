//! Call tasks: the phone calls nurture tracks ask a person to make, listed
//! and marked done.

use crate::store::CallTask;
use crate::{Engine, EngineError};

impl Engine {
    /// `org`'s call tasks, oldest first: only the open ones (`Some(true)`),
    /// only the done ones (`Some(false)`), or all.
    ///
    /// Errors: the store's failure.
    pub fn call_tasks(&self, org: &str, open: Option<bool>) -> Result<Vec<CallTask>, EngineError> {
        let tasks = self.store().call_tasks(org)?;
        Ok(tasks
            .into_iter()
            .filter(|task| open.is_none_or(|open| open == task.done_at.is_none()))
            .collect())
    }

    /// Marks `org`'s call task `id` done now, once: a task already done
    /// keeps its first time. Returns the task as stored.
    ///
    /// Errors: [`EngineError::UnknownTask`], or the store's failure.
    pub fn complete_call_task(&self, org: &str, id: &str) -> Result<CallTask, EngineError> {
        let store = self.store();
        let mut task = store
            .call_tasks(org)?
            .into_iter()
            .find(|task| task.id == id)
            .ok_or_else(|| EngineError::UnknownTask {
                org: org.into(),
                task: id.into(),
            })?;
        if task.done_at.is_none() {
            task.done_at = Some(self.now());
            store.put_call_task(org, &task)?;
        }
        Ok(task)
    }
}
