use super::*;

fn rep(id: &str, territory: &str, open: u32, capacity: u32, weight: u32, waited: i64) -> Rep {
    serde_json::from_value(serde_json::json!({
        "id": id, "territories": [territory], "capacity": capacity,
        "open_leads": open, "weight": weight,
        "last_assigned_at": (now() - chrono::Duration::hours(waited)).to_rfc3339(),
    }))
    .unwrap()
}

fn now() -> Time {
    "2026-11-30T12:00:00Z".parse().unwrap()
}

fn wanted<'a>(country: Option<&'a str>, owner: Option<&'a str>, most: usize) -> Wanted<'a> {
    Wanted {
        country,
        account_owner: owner,
        lapsed: &[],
        now: now(),
        most,
    }
}

fn ids(list: &Shortlist) -> Vec<&str> {
    list.candidates.iter().map(|rep| rep.id.as_str()).collect()
}

#[test]
fn a_roster_within_the_limit_is_shown_whole_but_for_lapsed_reps() {
    let mut away = rep("away", "DE", 0, 10, 1, 1);
    away.available = false;
    let roster = vec![
        rep("ana", "DE", 3, 10, 1, 5),
        away,
        rep("full", "DE", 10, 10, 1, 9),
    ];
    let lapsed = vec!["ana".to_string()];
    let list = shortlist(
        &roster,
        &Wanted {
            lapsed: &lapsed,
            ..wanted(Some("DE"), None, 2)
        },
    );
    assert_eq!(ids(&list), ["away", "full"]);
    assert_eq!(list.narrowed, None);
    assert!(!list.candidates[0].available);
}

#[test]
fn a_large_roster_keeps_the_best_by_every_criterion_and_the_owner() {
    let mut roster: Vec<Rep> = (0..200)
        .map(|n| rep(&format!("r{n:03}"), "FR", 5, 10, 1, 1))
        .collect();
    // Longest wait in the lead's territory.
    roster.push(rep("waited-de", "DE", 5, 10, 1, 500));
    // Longest wait overall, elsewhere: not round-robin's pick while DE is covered.
    roster.push(rep("waited-us", "US", 5, 10, 1, 900));
    // Least loaded.
    roster.push(rep("light", "FR", 1, 100, 1, 1));
    // Furthest below its weighted share.
    roster.push(rep("heavy-weight", "FR", 5, 10, 40, 1));
    // The owner, full: shown to explain why it cannot take the lead.
    roster.push(rep("owner", "FR", 10, 10, 1, 1));
    // Away: never shown.
    let mut away = rep("away", "DE", 0, 10, 9, 999);
    away.out_of_office = vec![
        serde_json::from_value(serde_json::json!({
            "from": "2026-11-29T00:00:00Z", "until": "2026-12-02T00:00:00Z"
        }))
        .unwrap(),
    ];
    roster.push(away);

    let list = shortlist(&roster, &wanted(Some("de"), Some("owner"), 6));
    let shown = ids(&list);
    assert_eq!(shown.len(), 6, "{shown:?}");
    for expected in ["waited-de", "light", "heavy-weight", "owner"] {
        assert!(
            shown.contains(&expected),
            "{expected} missing from {shown:?}"
        );
    }
    assert!(!shown.contains(&"away"), "{shown:?}");
    assert_eq!(
        list.narrowed,
        Some(Narrowed {
            reps: 206,
            eligible: 204
        })
    );
    // Roster order is kept.
    let at = |id: &str| shown.iter().position(|shown| *shown == id).unwrap();
    assert!(at("waited-de") < at("light") && at("light") < at("owner"));
}

#[test]
fn without_a_covering_rep_the_longest_wait_overall_is_kept() {
    let mut roster: Vec<Rep> = (0..50)
        .map(|n| rep(&format!("r{n:02}"), "FR", 0, 10, 1, 1))
        .collect();
    roster.push(rep("waited-us", "US", 0, 10, 1, 900));
    let list = shortlist(&roster, &wanted(Some("JP"), None, 4));
    assert!(ids(&list).contains(&"waited-us"), "{:?}", ids(&list));
    assert_eq!(list.candidates.len(), 4);
}

#[test]
fn zero_shows_every_rep() {
    let roster: Vec<Rep> = (0..40)
        .map(|n| rep(&format!("r{n:02}"), "FR", 0, 10, 1, 1))
        .collect();
    let list = shortlist(&roster, &wanted(None, None, 0));
    assert_eq!(list.candidates.len(), 40);
    assert_eq!(list.narrowed, None);
}

#[test]
fn fractions_compare_exactly() {
    assert!(fraction(1, 3) < fraction(34, 100));
    assert_eq!(fraction(2, 4).cmp(&fraction(1, 2)), Ordering::Equal);
    assert!(fraction(u32::MAX, 1) > fraction(u32::MAX - 1, 1));
}

#[test]
fn territories_match_the_country_in_any_case_and_ids_rank_in_any_order() {
    assert!(lowercase_equals("De", "de"));
    assert!(lowercase_equals("ÖSTERREICH", "österreich"));
    assert!(!lowercase_equals("DE", "at"));
    let reps = [
        rep("cai", "DE", 0, 1, 1, 1),
        rep("ana", "DE", 0, 1, 1, 1),
        rep("ben", "DE", 0, 1, 1, 1),
    ];
    let shown: Vec<&Rep> = reps.iter().collect();
    assert_eq!(id_ranks(&shown), [2, 0, 1]);
    let sorted: Vec<&Rep> = [&reps[1], &reps[2], &reps[0]].into();
    assert_eq!(id_ranks(&sorted), [0, 1, 2]);
}
