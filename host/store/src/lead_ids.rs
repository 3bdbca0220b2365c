//! Lead ids: `ld-` and the lead's number in its org, fixed width so ids
//! sort as numbers. sled's own id generator is not used: it counts across
//! orgs (an id would tell one tenant another's volume) and skips a million
//! on every restart.

use std::collections::HashMap;
use std::sync::Mutex;

/// Every lead id starts with this.
pub const PREFIX: &str = "ld-";

/// The id of an org's `number`th lead; sorts as a number up to ten billion
/// leads an org.
pub fn lead_id(number: u64) -> String {
    format!("{PREFIX}{number:010}")
}

/// The number in a lead id, if it is one of ours.
pub fn number_of(id: &str) -> Option<u64> {
    id.strip_prefix(PREFIX)?.parse().ok()
}

/// The last number handed out per org, learnt from the store the first
/// time an org asks. One per store; the store is single-process.
#[derive(Debug, Default)]
pub struct LeadNumbers {
    /// org → last number handed out.
    last: Mutex<HashMap<String, u64>>,
}

impl LeadNumbers {
    /// The next id for `org`; `stored_last` reads the highest number the
    /// store holds, and is called once per org.
    pub fn next<E>(
        &self,
        org: &str,
        stored_last: impl FnOnce() -> Result<u64, E>,
    ) -> Result<String, E> {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let number = match last.get(org) {
            Some(number) => *number + 1,
            None => stored_last()? + 1,
        };
        last.insert(org.to_string(), number);
        Ok(lead_id(number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_as_numbers_and_count_per_org() {
        assert!(lead_id(9) < lead_id(10) && lead_id(99_999_999) < lead_id(100_000_000));
        assert_eq!(number_of(&lead_id(42)), Some(42));
        assert_eq!(number_of("x-1"), None);
        let numbers = LeadNumbers::default();
        let next = |org| numbers.next(org, || Ok::<_, ()>(7)).unwrap();
        assert_eq!(next("acme"), "ld-0000000008", "after the stored 7th");
        assert_eq!(next("acme"), "ld-0000000009");
        assert_eq!(next("beta"), "ld-0000000008", "each org counts on its own");
    }
}
