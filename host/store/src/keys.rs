//! Key layout. Everything an org owns is prefixed by `org \0`, so one org's
//! keys are a contiguous range and never mix with another's; sequence
//! numbers and times are big-endian so byte order is time order.

use leadhost_model::Time;

/// `org \0`: the prefix of everything `org` owns in a tree.
pub fn org_prefix(org: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(org.len() + 1);
    key.extend_from_slice(org.as_bytes());
    key.push(0);
    key
}

/// `org \0 name`: a lead, an e-mail, a rep or a domain of `org`.
pub fn scoped(org: &str, name: &str) -> Vec<u8> {
    let mut key = org_prefix(org);
    key.extend_from_slice(name.as_bytes());
    key
}

/// `org \0 lead \0`: the prefix of a lead's activities, events and decisions.
pub fn lead_prefix(org: &str, lead: &str) -> Vec<u8> {
    let mut key = scoped(org, lead);
    key.push(0);
    key
}

/// `org \0 lead \0 seq`: one timeline entry.
pub fn sequenced(org: &str, lead: &str, seq: u64) -> Vec<u8> {
    let mut key = lead_prefix(org, lead);
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

/// The sequence number at the end of a [`sequenced`] key.
pub fn seq_of(key: &[u8]) -> u64 {
    let tail: [u8; 8] = key[key.len() - 8..].try_into().expect("8-byte suffix");
    u64::from_be_bytes(tail)
}

/// `time org \0 lead`: a nurture wake-up, ordered by time across orgs.
pub fn wake(at: Time, org: &str, lead: &str) -> Vec<u8> {
    let mut key = time_bytes(at).to_vec();
    key.extend_from_slice(&scoped(org, lead));
    key
}

/// Splits a [`wake`] key into its time, org and lead.
pub fn split_wake(key: &[u8]) -> Option<(Time, String, String)> {
    let (time, rest) = key.split_at_checked(8)?;
    let millis = (u64::from_be_bytes(time.try_into().ok()?) ^ (1 << 63)) as i64;
    let at = chrono::DateTime::from_timestamp_millis(millis)?;
    let split = rest.iter().position(|&byte| byte == 0)?;
    let org = std::str::from_utf8(&rest[..split]).ok()?;
    let lead = std::str::from_utf8(&rest[split + 1..]).ok()?;
    Some((at, org.to_string(), lead.to_string()))
}

/// `org \0 time lead`: a nurture wake-up, ordered by time within its org.
pub fn org_wake(at: Time, org: &str, lead: &str) -> Vec<u8> {
    let mut key = org_prefix(org);
    key.extend_from_slice(&time_bytes(at));
    key.extend_from_slice(lead.as_bytes());
    key
}

/// Splits an [`org_wake`] key of `org` into its time and lead.
pub fn split_org_wake(org: &str, key: &[u8]) -> Option<(Time, String)> {
    let rest = key.strip_prefix(org_prefix(org).as_slice())?;
    let (time, lead) = rest.split_at_checked(8)?;
    let millis = (u64::from_be_bytes(time.try_into().ok()?) ^ (1 << 63)) as i64;
    let at = chrono::DateTime::from_timestamp_millis(millis)?;
    Some((at, std::str::from_utf8(lead).ok()?.to_string()))
}

/// A time as 8 bytes whose byte order is time order (sign bit flipped).
pub fn time_bytes(at: Time) -> [u8; 8] {
    ((at.timestamp_millis() as u64) ^ (1 << 63)).to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wake_keys_sort_by_time_and_split_back() {
        let early: Time = "1969-12-31T23:59:59Z".parse().unwrap();
        let late: Time = "2026-03-02T09:00:00Z".parse().unwrap();
        assert!(wake(early, "zeta", "ld-9") < wake(late, "acme", "ld-1"));
        assert_eq!(
            split_wake(&wake(late, "acme", "ld-1")),
            Some((late, "acme".to_string(), "ld-1".to_string()))
        );
    }

    #[test]
    fn org_wake_keys_sort_by_time_within_an_org_and_split_back() {
        let early: Time = "2026-03-01T09:00:00Z".parse().unwrap();
        let late: Time = "2026-03-02T09:00:00Z".parse().unwrap();
        assert!(org_wake(early, "acme", "ld-9") < org_wake(late, "acme", "ld-1"));
        assert!(org_wake(late, "acme", "ld-1").starts_with(&org_prefix("acme")));
        assert!(!org_wake(late, "acme-2", "ld-1").starts_with(&org_prefix("acme")));
        assert_eq!(
            split_org_wake("acme", &org_wake(late, "acme", "ld-1")),
            Some((late, "ld-1".to_string()))
        );
    }

    #[test]
    fn one_orgs_keys_never_fall_in_anothers_range() {
        // "acme" is a prefix of "acme-2", but the separator keeps them apart.
        assert!(!scoped("acme-2", "ld-1").starts_with(&org_prefix("acme")));
        assert_eq!(seq_of(&sequenced("acme", "ld-1", 42)), 42);
    }
}
