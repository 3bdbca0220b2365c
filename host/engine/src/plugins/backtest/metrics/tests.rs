use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::model::Stage::{Discard as D, Nurture as N, SalesReady as SR};

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
        .single()
        .expect("valid test time")
}

fn row(lead: &str, day: u32, live: Stage, candidate: Result<Stage, &str>, outcome: Outcome) -> Row {
    Row {
        lead: lead.to_string(),
        at: at(day, 12),
        live,
        candidate: candidate.map_err(str::to_string),
        outcome,
    }
}

fn monday(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).expect("valid test date")
}

/// Twelve leads over weeks of Mon 2 Nov, 9 Nov and 23 Nov 2026 (16 Nov has
/// none). `h` and `k` fail on the candidate.
fn rows() -> Vec<Row> {
    use Outcome::{Lost, Open, Won};
    vec![
        row("a", 2, SR, Ok(SR), Won),
        row("b", 4, SR, Ok(N), Lost),
        row("c", 5, SR, Ok(SR), Lost),
        row("d", 8, N, Ok(SR), Won), // Sunday: still the week of 2 Nov
        row("e", 9, N, Ok(SR), Open),
        row("f", 10, D, Ok(D), Won),
        row("g", 11, D, Ok(SR), Open),
        row("h", 12, SR, Err("trap: unreachable"), Won),
        row("i", 23, N, Ok(D), Lost),
        row("j", 24, SR, Ok(SR), Open),
        row("k", 25, N, Err("limit: fuel exhausted"), Lost),
        row("l", 26, D, Ok(N), Won),
    ]
}

#[test]
fn counts_changes_and_failures() {
    let s = summarize(&rows());
    assert_eq!(s.total, 12);
    // Changed: b SR→N, d N→SR, e N→SR, g D→SR, i N→D, l D→N.
    assert_eq!(s.changed, 6);
    assert_eq!(s.failed, 2);
    assert_eq!(
        s.first_errors,
        vec![
            ("h".to_string(), "trap: unreachable".to_string()),
            ("k".to_string(), "limit: fuel exhausted".to_string()),
        ]
    );
}

#[test]
fn matrix_counts_answered_rows_only() {
    let m = summarize(&rows()).matrix;
    // SR→SR: a, c, j; SR→N: b; N→SR: d, e; N→D: i; D→SR: g; D→N: l; D→D: f.
    let expected = [
        (SR, SR, 3),
        (SR, N, 1),
        (SR, D, 0),
        (N, SR, 2),
        (N, N, 0),
        (N, D, 1),
        (D, SR, 1),
        (D, N, 1),
        (D, D, 1),
    ];
    for (live, candidate, count) in expected {
        assert_eq!(m.count(live, candidate), count, "{live:?} -> {candidate:?}");
    }
    // 12 rows less the two failures (h, k).
    assert_eq!(m.cells().iter().map(|c| c.count).sum::<u64>(), 10);
    let cells: Vec<_> = m
        .cells()
        .iter()
        .map(|c| (c.live, c.candidate, c.count))
        .collect();
    assert_eq!(cells, expected);
}

#[test]
fn live_quality_by_hand() {
    let q = summarize(&rows()).live;
    // With an outcome (all but e, g, j): a W SR, b L SR, c L SR, d W N,
    // f W D, h W SR, i L N, k L N, l W D.
    // won = a d f h l = 5; lost = b c i k = 4.
    // sales-ready = a b c h = 4, of which won = a h = 2.
    // precision = 2/4 = 0.5; recall = 2/5 = 0.4.
    // discarded but won = f l = 2; sales-ready but lost = b c = 2.
    assert_eq!(
        q,
        Quality {
            sales_ready_with_outcome: 4,
            won_sales_ready: 2,
            won: 5,
            lost: 4,
            precision: Some(0.5),
            recall: Some(0.4),
            discarded_but_won: 2,
            sales_ready_but_lost: 2,
            failed_with_outcome: 0,
        }
    );
}

#[test]
fn candidate_quality_counts_a_failure_as_not_sales_ready() {
    let q = summarize(&rows()).candidate;
    // With an outcome (not e, g, j): a W SR, b L N, c L SR, d W SR, f W D,
    // h W failed, i L D, k L failed, l W N — the leads live is judged on.
    // won = a d f h l = 5; lost = b c i k = 4 (as live's).
    // sales-ready = a c d = 3, of which won = a d = 2.
    // precision = 2/3; recall = 2/5 = 0.4: h, won, failed, is a miss.
    // discarded but won = f = 1; sales-ready but lost = c = 1.
    assert_eq!(
        q,
        Quality {
            sales_ready_with_outcome: 3,
            won_sales_ready: 2,
            won: 5,
            lost: 4,
            precision: Some(2.0 / 3.0),
            recall: Some(0.4),
            discarded_but_won: 1,
            sales_ready_but_lost: 1,
            failed_with_outcome: 2,
        }
    );
    let live = summarize(&rows()).live;
    assert_eq!((q.won, q.lost), (live.won, live.lost));
}

#[test]
fn quality_ratios_are_null_without_a_base() {
    // Only a lost nurture lead: nothing sales-ready, nothing won.
    let s = summarize(&[row("x", 2, N, Ok(N), Outcome::Lost)]);
    assert_eq!(s.live.precision, None);
    assert_eq!(s.live.recall, None);
    let json = serde_json::to_value(&s.live).expect("serializes");
    assert_eq!(json["precision"], serde_json::Value::Null);
    assert_eq!(json["recall"], serde_json::Value::Null);
    assert_eq!(json["lost"], 1);
}

#[test]
fn weekly_volume_fills_the_gap_week() {
    let weekly = summarize(&rows()).weekly;
    // Week of 2 Nov: live a b c = 3, candidate a c d = 3.
    // Week of 9 Nov: live h = 1 (its candidate failed), candidate e g = 2.
    // Week of 16 Nov: no rows.
    // Week of 23 Nov: live j = 1, candidate j = 1.
    let expected = vec![
        WeekVolume {
            week: monday(2),
            live: 3,
            candidate: 3,
        },
        WeekVolume {
            week: monday(9),
            live: 1,
            candidate: 2,
        },
        WeekVolume {
            week: monday(16),
            live: 0,
            candidate: 0,
        },
        WeekVolume {
            week: monday(23),
            live: 1,
            candidate: 1,
        },
    ];
    assert_eq!(weekly, expected);
}

#[test]
fn week_starts_monday_utc() {
    let sunday_late = Utc
        .with_ymd_and_hms(2026, 11, 8, 23, 59, 59)
        .single()
        .expect("valid");
    let monday_early = Utc
        .with_ymd_and_hms(2026, 11, 9, 0, 0, 0)
        .single()
        .expect("valid");
    assert_eq!(week_of(sunday_late), monday(2));
    assert_eq!(week_of(monday_early), monday(9));
}

#[test]
fn empty_input_gives_empty_summary() {
    assert_eq!(summarize(&[]), Summary::default());
}

#[test]
fn merged_tallies_equal_one_tally() {
    let rows = rows();
    let whole = summarize(&rows);
    let (first, second) = rows.split_at(6);

    let mut a = Tally::new();
    first.iter().for_each(|r| a.add(r));
    let mut b = Tally::new();
    second.iter().rev().for_each(|r| b.add(r));

    let mut ab = a.clone();
    ab.merge(b.clone());
    let mut ba = b;
    ba.merge(a);
    assert_eq!(ab.finish(), whole);
    assert_eq!(ba.finish(), whole);
}

#[test]
fn first_errors_are_the_five_earliest_whatever_the_split() {
    // Seven failures; "p" and "q" share a time, so the lead breaks the tie.
    let fail =
        |lead: &str, day: u32| row(lead, day, N, Err(&format!("boom {lead}")), Outcome::Open);
    let rows = vec![
        fail("z", 20),
        fail("q", 3),
        fail("y", 19),
        fail("p", 3),
        fail("m", 5),
        fail("n", 2),
        fail("o", 4),
    ];
    let expected: Vec<(String, String)> = ["n", "p", "q", "o", "m"]
        .iter()
        .map(|l| (l.to_string(), format!("boom {l}")))
        .collect();

    let whole = summarize(&rows);
    assert_eq!(whole.failed, 7);
    assert_eq!(whole.first_errors, expected);

    let mut late = Tally::new();
    late.extend(rows[..3].iter().rev());
    let mut early = Tally::new();
    early.extend(&rows[3..]);
    late.merge(early);
    assert_eq!(late.finish().first_errors, expected);
}

#[test]
fn summary_json_shape() {
    let json = serde_json::to_value(summarize(&rows())).expect("serializes");
    let cells = json["matrix"].as_array().expect("matrix is a list");
    assert_eq!(cells.len(), 9);
    assert_eq!(
        cells[0],
        serde_json::json!({ "live": "sales-ready", "candidate": "sales-ready", "count": 3 })
    );
    assert_eq!(
        cells[2],
        serde_json::json!({ "live": "sales-ready", "candidate": "discard", "count": 0 })
    );
    assert_eq!(
        json["first_errors"][0],
        serde_json::json!(["h", "trap: unreachable"])
    );
    assert_eq!(
        json["weekly"][2],
        serde_json::json!({ "week": "2026-11-16", "live": 0, "candidate": 0 })
    );
    assert_eq!(json["live"]["precision"], 0.5);
    assert_eq!(json["candidate"]["discarded_but_won"], 1);
}
