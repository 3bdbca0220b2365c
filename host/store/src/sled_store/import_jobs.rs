//! Import jobs on sled: `org \0 job-id` → the job's record.

use super::{IMPORT_JOBS, SledStore, encode, keys};
use crate::StoreError;
use crate::import_job::{ImportJobRecord, ImportJobStore};

impl ImportJobStore for SledStore {
    fn put_import_job(&self, org: &str, job: &ImportJobRecord) -> Result<(), StoreError> {
        let key = keys::scoped(org, &job.id);
        self.write_durably(&[(IMPORT_JOBS, key, Some(encode(job)))])
    }

    fn import_job(&self, org: &str, id: &str) -> Result<Option<ImportJobRecord>, StoreError> {
        self.get(IMPORT_JOBS, &keys::scoped(org, id))
    }

    fn import_jobs(&self, org: &str) -> Result<Vec<ImportJobRecord>, StoreError> {
        Ok(self
            .scan(IMPORT_JOBS, &keys::org_prefix(org))?
            .into_iter()
            .map(|(_, job)| job)
            .collect())
    }

    fn remove_import_job(&self, org: &str, id: &str) -> Result<(), StoreError> {
        self.write_durably(&[(IMPORT_JOBS, keys::scoped(org, id), None)])
    }
}
