//! An import job over a real sled store and an engine with no plug-ins
//! (every lead lands in needs-review, which is enough to count it stored).

use super::*;
use crate::tests::engine;

/// Rows from line 2 on: `bad` lines carry a field error, the others a lead.
fn rows(count: usize, bad: &[usize]) -> Vec<Row> {
    (0..count)
        .map(|index| {
            let line = index + 2;
            let row = if bad.contains(&line) {
                Err(vec![FieldError {
                    field: "email".into(),
                    problem: format!("row {line} is bad"),
                }])
            } else {
                LeadSubmission::from_json(&format!(r#"{{"email":"p{index}@acme.example"}}"#))
                    .map_err(|error| vec![error])
            };
            (line, row)
        })
        .collect()
}

fn stored_leads(engine: &Engine) -> usize {
    let mut count = 0;
    engine
        .store()
        .scan_leads("acme", &mut |_| {
            count += 1;
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    count
}

#[test]
fn a_job_stores_in_batches_and_counts_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let job = ImportJob::new("acme", 25, "cli", &[], engine.now());
    let mut seen = Vec::new();
    let end = job.run(&engine, rows(25, &[3, 20]), 10, |record, refused| {
        seen.push((
            record.done,
            refused.iter().map(|row| row.line).collect::<Vec<_>>(),
        ));
    });
    assert_eq!(seen, [(10, vec![3]), (20, vec![20]), (25, vec![])]);
    assert_eq!(end.state, JobState::Done);
    assert_eq!((end.created, end.merged, end.rejected), (23, 0, 2));
    assert_eq!(end.rejected_rows[1].line, 20);
    assert_eq!(end.rejected_rows[1].status, 422);
    assert_eq!(end.rejected_rows[1].errors[0].field, "email");
    assert!(end.finished_at.is_some());
    assert_eq!(stored_leads(&engine), 23);
    let kept = engine.store().import_job("acme", &job.id()).unwrap();
    assert_eq!(kept, Some(end), "the store holds the final record");

    let again = ImportJob::new("acme", 25, "cli", &[], engine.now()).run(
        &engine,
        rows(25, &[]),
        10,
        |_, _| {},
    );
    assert_eq!(
        (again.created, again.merged, again.unchanged),
        (2, 0, 23),
        "a re-run of rows already received changes nothing"
    );
}

#[test]
fn a_cancel_lets_the_batch_in_flight_finish_and_starts_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let job = ImportJob::new("acme", 50, "api", &[], engine.now());
    let canceller = job.clone();
    let end = job.run(&engine, rows(50, &[]), 10, |record, _| {
        if record.done == 20 {
            assert_eq!(canceller.cancel().state, JobState::Cancelling);
        }
    });
    assert_eq!(end.state, JobState::Cancelled);
    assert_eq!((end.done, end.created), (20, 20));
    assert_eq!(stored_leads(&engine), 20, "no batch after the cancel");
    assert_eq!(
        job.cancel().state,
        JobState::Cancelled,
        "a finished job stays as it ended"
    );
}

#[test]
fn refused_rows_are_kept_up_to_the_cap_and_all_counted() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let count = REJECTED_ROWS_KEPT + 200;
    let bad: Vec<usize> = (2..count + 2).collect();
    let job = ImportJob::new("acme", count, "api", &[], engine.now());
    let mut refused = 0;
    let end = job.run(&engine, rows(count, &bad), 500, |_, batch| {
        refused += batch.len()
    });
    assert_eq!((end.rejected, refused), (count, count));
    assert_eq!(end.rejected_rows.len(), REJECTED_ROWS_KEPT);
    assert_eq!(
        end.rejected_rows.last().unwrap().line,
        REJECTED_ROWS_KEPT + 1
    );
}

#[test]
fn a_job_the_store_says_is_running_but_nobody_runs_shows_as_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let orphan = ImportJob::new("acme", 10, "api", &[], engine.now()).snapshot();
    engine.store().put_import_job("acme", &orphan).unwrap();
    let jobs = ImportJobs::new(engine.clone());
    let shown = jobs.get("acme", &orphan.id).unwrap().unwrap();
    assert_eq!(shown.state, JobState::Interrupted);
    assert_eq!(jobs.list("acme").unwrap()[0].state, JobState::Interrupted);
    assert_eq!(
        jobs.get("other", &orphan.id).unwrap(),
        None,
        "jobs are per org"
    );
}

#[test]
fn old_jobs_are_forgotten_beyond_the_kept_number() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    for _ in 0..JOBS_KEPT + 3 {
        let mut job = ImportJob::new("acme", 0, "api", &[], engine.now()).snapshot();
        job.state = JobState::Done;
        engine.store().put_import_job("acme", &job).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let newest = engine.store().import_jobs("acme").unwrap().pop().unwrap();
    registry::forget_old(&engine, "acme", "imp-fffffffffffffff");
    let kept = engine.store().import_jobs("acme").unwrap();
    assert_eq!(kept.len(), JOBS_KEPT - 1, "room for the one starting");
    assert_eq!(kept.last(), Some(&newest), "the newest are kept");
}
