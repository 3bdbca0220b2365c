//! Round trips to the database, counted: what a host's work costs in
//! latency whatever the number of statements, the figure the scale-out
//! benchmark reports per lead (the target: at most 3 a lead).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts each wait on the database: in `leadhost_postgres_round_trips_total`
/// (by `kind`: `read`, `transaction`, `prepare`) for operators, and in
/// this handle's own total ([`crate::PostgresStore::round_trips`]).
#[derive(Clone, Default)]
pub(crate) struct Waits(Arc<AtomicU64>);

impl Waits {
    /// `n` more round trips of `kind`.
    pub fn count(&self, kind: &'static str, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
        metrics::counter!("leadhost_postgres_round_trips_total", "kind" => kind).increment(n);
    }

    /// The round trips counted so far.
    pub fn total(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// `sql` prepared on `client`: from its cache after the first time on
/// this connection, else one round trip (counted).
pub(crate) async fn prepared(
    client: &deadpool_postgres::Client,
    waits: &Waits,
    sql: &str,
) -> Result<tokio_postgres::Statement, tokio_postgres::Error> {
    let cached = client.statement_cache.size();
    let statement = client.prepare_cached(sql).await?;
    if client.statement_cache.size() != cached {
        waits.count("prepare", 1);
    }
    Ok(statement)
}
