//! `leadhost seed-history`: a demo org's past, so a newcomer can run a
//! backtest at once — weeks of leads qualified by the live definition as
//! they arrived (on a clock moved through those weeks), and sales' won and
//! lost outcomes for the sales-ready ones, more often won the better the
//! lead. Deterministic: the same arguments give the same history.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::clock::ManualClock;
use crate::engine::{EngineError, Feedback, LeadSubmission};
use crate::model::Stage;
use crate::setup::{
    DEMO_ORG, DEMO_PAST_CAMPAIGN, DEMO_UPCOMING_CAMPAIGN, Host, Options, SetupError,
};
use crate::store::StageKind;

/// Arguments of `leadhost seed-history`.
#[derive(Debug, clap::Args)]
pub struct SeedHistoryArgs {
    /// The org (created, with the demo reps for `demo`, if it is new).
    #[arg(long, default_value = "demo")]
    pub org: String,
    /// Weeks of history, ending now.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=104))]
    pub weeks: u32,
    /// Leads arriving each week.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub leads_per_week: u32,
    /// The data folder.
    #[arg(
        long,
        value_name = "DIR",
        env = "LEADHOST_DATA_DIR",
        default_value = "leadhost-data"
    )]
    pub data_dir: PathBuf,
}

/// `seed-history` failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The data folder could not be opened.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// A lead could not be stored.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// What went in.
#[derive(Debug, Serialize)]
pub struct Seeded {
    /// Leads ingested.
    pub leads: u64,
    /// Of them, qualified sales-ready.
    pub sales_ready: u64,
    /// Won.
    pub won: u64,
    /// Lost.
    pub lost: u64,
}

/// The `n`th lead, its profile drawn from `rng`.
fn submission(n: u64, rng: &mut fastrand::Rng) -> LeadSubmission {
    let authority = ["decision-maker", "influencer", "user"][rng.usize(..3)];
    let need = ["high", "medium", "low"][rng.usize(..3)];
    let budget = [5_000, 20_000, 60_000, 150_000][rng.usize(..4)];
    let timeline = [30, 60, 120, 200][rng.usize(..4)];
    let country = ["DE", "AT", "US", "NO"][rng.usize(..4)];
    let source = ["webinar", "content", "paid-search", "referral"][rng.usize(..4)];
    // The demo's past campaign brought the webinar leads in.
    let campaign = (source == "webinar").then_some(DEMO_PAST_CAMPAIGN);
    serde_json::from_value(serde_json::json!({
        "email": format!("buyer{n}@company{}.example", n % 97),
        "country": country, "source": source, "campaign": campaign, "budget": budget,
        "authority": authority, "need": need, "timeline_days": timeline
    }))
    .expect("a valid submission")
}

/// Seeds `args.org`'s history in `args.data_dir`.
///
/// Errors: the folder cannot be opened (a running server holds it), the
/// org cannot be created, or the store fails.
pub fn seed_history(args: &SeedHistoryArgs) -> Result<Seeded, SeedError> {
    let now = chrono::Utc::now();
    let start = now - chrono::Duration::weeks(i64::from(args.weeks));
    let clock = ManualClock::new(start);
    let host = Host::open_with_clock(&args.data_dir, Options::default(), Arc::new(clock.clone()))?;
    host.ensure_org(&args.org)?;
    let mut rng = fastrand::Rng::with_seed(42);
    let total = u64::from(args.weeks) * u64::from(args.leads_per_week);
    let step = (now - start) / i32::try_from(total.max(1)).unwrap_or(i32::MAX);
    let mut seeded = Seeded {
        leads: 0,
        sales_ready: 0,
        won: 0,
        lost: 0,
    };
    for n in 0..total {
        clock.advance(step);
        let record = host
            .engine
            .ingest(&args.org, submission(n, &mut rng), "seed-history")?
            .record;
        seeded.leads += 1;
        let Some(qualification) = &record.qualification else {
            continue;
        };
        if qualification.stage != Stage::SalesReady {
            continue;
        }
        seeded.sales_ready += 1;
        // The last fortnight's leads are still open; older ones closed,
        // won more often the higher they scored.
        let open = now - clock_now(&clock) < chrono::Duration::weeks(2);
        if open || record.stage.kind() != StageKind::Assigned {
            continue;
        }
        let won = rng.f64() < (f64::from(qualification.score) - 55.0) / 60.0;
        host.engine
            .feedback(&args.org, record.id(), Feedback::Accept { rep: None })?;
        let outcome = match won {
            true => Feedback::Won,
            false => Feedback::Lost {
                reason: ["price", "timing", "competitor"][rng.usize(..3)].into(),
            },
        };
        host.engine.feedback(&args.org, record.id(), outcome)?;
        match won {
            true => seeded.won += 1,
            false => seeded.lost += 1,
        }
    }
    if args.org == DEMO_ORG {
        redate_demo_campaigns(&host, start, now)?;
    }
    Ok(seeded)
}

/// The demo org's campaigns were dated from the history's first day (its
/// clock then): the past one now spans the seeded weeks but the last
/// fortnight, and the coming one launches ten days from today.
fn redate_demo_campaigns(
    host: &Host,
    start: crate::model::Time,
    now: crate::model::Time,
) -> Result<(), SeedError> {
    let days = chrono::Duration::days;
    host.engine
        .update_campaign(DEMO_ORG, DEMO_PAST_CAMPAIGN, |campaign| {
            campaign.launch_at = start;
            campaign.end_at = Some((now - days(14)).max(start));
        })?;
    host.engine
        .update_campaign(DEMO_ORG, DEMO_UPCOMING_CAMPAIGN, |campaign| {
            campaign.launch_at = now + days(10);
            campaign.end_at = Some(now + days(12));
        })?;
    Ok(())
}

fn clock_now(clock: &ManualClock) -> crate::model::Time {
    crate::clock::Clock::now(clock)
}
