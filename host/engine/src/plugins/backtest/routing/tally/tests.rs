use chrono::{TimeZone, Utc};

use super::*;

fn rep(id: &str) -> Destination {
    Destination::Rep(id.into())
}

fn row(
    n: u32,
    live: Destination,
    candidate: Result<Destination, &str>,
    outcome: Outcome,
) -> RoutingRow {
    RoutingRow {
        lead: format!("lead-{n:03}"),
        at: Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap()
            + chrono::Duration::hours(i64::from(n)),
        live,
        candidate: candidate.map_err(str::to_string),
        outcome,
    }
}

fn rows() -> Vec<RoutingRow> {
    vec![
        row(1, rep("ana"), Ok(rep("ben")), Outcome::Won),
        row(2, rep("ana"), Ok(rep("ana")), Outcome::Lost),
        row(3, rep("ben"), Ok(rep("ben")), Outcome::Open),
        row(
            4,
            Destination::Queue("unassigned".into()),
            Ok(rep("ben")),
            Outcome::Open,
        ),
        row(5, rep("ana"), Ok(Destination::Refused), Outcome::Won),
        row(6, rep("ben"), Err("trap: boom"), Outcome::Lost),
        row(
            7,
            Destination::ReturnToMarketing,
            Ok(Destination::ReturnToMarketing),
            Outcome::Open,
        ),
    ]
}

fn summarize(rows: &[RoutingRow]) -> RoutingSummary {
    let mut tally = RoutingTally::default();
    rows.iter().for_each(|row| tally.add(row));
    tally.finish()
}

#[test]
fn each_side_the_table_and_the_load_per_rep_are_counted_by_hand() {
    let summary = summarize(&rows());
    assert_eq!((summary.total, summary.changed, summary.failed), (7, 3, 1));
    assert_eq!(
        summary.first_errors,
        vec![("lead-006".to_string(), "trap: boom".to_string())]
    );
    assert_eq!(
        summary.live,
        RoutingSide {
            assigned: 5,
            queued: 1,
            returned_to_marketing: 1,
            refused: 0,
            failed: 0
        }
    );
    assert_eq!(
        summary.candidate,
        RoutingSide {
            assigned: 4,
            queued: 0,
            returned_to_marketing: 1,
            refused: 1,
            failed: 1
        }
    );
    let load: Vec<_> = summary
        .load
        .iter()
        .map(|load| {
            (
                load.rep.as_str(),
                load.live,
                load.candidate,
                load.won,
                load.lost,
            )
        })
        .collect();
    // ana: live 1, 2, 5 (won, lost, won); candidate only 2. ben: live 3, 6
    // (6 lost); candidate 1, 3, 4.
    assert_eq!(load, vec![("ana", 3, 1, 2, 1), ("ben", 2, 3, 0, 1)]);
    let cells: Vec<_> = summary
        .matrix
        .iter()
        .map(|cell| {
            (
                cell.live.to_string(),
                cell.candidate.to_string(),
                cell.count,
            )
        })
        .collect();
    assert_eq!(
        cells,
        vec![
            ("rep:ana".to_string(), "rep:ana".to_string(), 1),
            ("rep:ana".into(), "rep:ben".into(), 1),
            ("rep:ana".into(), "refused".into(), 1),
            ("rep:ben".into(), "rep:ben".into(), 1),
            ("queue:unassigned".into(), "rep:ben".into(), 1),
            (
                "return-to-marketing".into(),
                "return-to-marketing".into(),
                1
            ),
        ],
        "failed rows are not cells; ties in a fixed order"
    );
}

#[test]
fn workers_merged_in_any_split_give_one_tally_over_all_rows() {
    let rows = rows();
    let whole = summarize(&rows);
    for split in 0..=rows.len() {
        let (mut first, mut second) = (RoutingTally::default(), RoutingTally::default());
        rows[..split].iter().for_each(|row| first.add(row));
        rows[split..].iter().for_each(|row| second.add(row));
        second.merge(first);
        assert_eq!(second.finish(), whole, "split at {split}");
    }
}

#[test]
fn destinations_past_the_bound_are_counted_as_other() {
    let rows: Vec<_> = (0..DESTINATIONS_KEPT as u32 + 10)
        .map(|n| {
            row(
                n,
                rep("ana"),
                Ok(Destination::Queue(format!("q{n}"))),
                Outcome::Open,
            )
        })
        .collect();
    let summary = summarize(&rows);
    assert_eq!(summary.matrix.len(), DESTINATIONS_KEPT + 1);
    let other = summary
        .matrix
        .iter()
        .find(|cell| cell.candidate == Destination::Other)
        .unwrap();
    assert_eq!(
        other.count, 10,
        "q00..q09 are the ties that lose by name? no: the last by name"
    );
    assert_eq!(
        summary.candidate.queued,
        DESTINATIONS_KEPT as u64 + 10,
        "totals count every row"
    );
}
