//! The schema's versions, applied in order at start-up. A database at a
//! newer version than this release knows is refused: a newer host may have
//! changed what the tables mean.

use deadpool_postgres::Pool;

use crate::backend;
use leadhost_store::StoreError;

/// The migrations, oldest first: version `n` is `MIGRATIONS[n - 1]`. A
/// migration is never edited once released; a change is a new one.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_leads.sql"),
    include_str!("../migrations/0002_sled_copies.sql"),
    include_str!("../migrations/0003_plugin_files.sql"),
    include_str!("../migrations/0004_plugin_history_marks.sql"),
    include_str!("../migrations/0005_expectations.sql"),
    include_str!("../migrations/0006_campaigns.sql"),
    include_str!("../migrations/0007_match_keys.sql"),
];

/// The table recording which versions were applied.
pub const SCHEMA_VERSION_TABLE: &str = "leadhost_schema";

/// Brings the database to the latest version. Several hosts starting at
/// once are safe: each version is applied in a transaction that first
/// claims its row in [`SCHEMA_VERSION_TABLE`]; a host that loses the race
/// waits for the winner's commit, fails on the row and reads again.
pub(super) async fn migrate(pool: &Pool) -> Result<(), StoreError> {
    let mut client = pool.get().await.map_err(backend)?;
    let create = format!(
        "CREATE TABLE IF NOT EXISTS {SCHEMA_VERSION_TABLE} (
            version INT PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )"
    );
    if let Err(error) = client.batch_execute(&create).await {
        // Two hosts creating it at once: one of them fails on the catalog.
        if !is_unique_violation(&error) {
            return Err(backend(error));
        }
    }
    loop {
        let current: i32 = client
            .query_one(
                &format!("SELECT COALESCE(MAX(version), 0) FROM {SCHEMA_VERSION_TABLE}"),
                &[],
            )
            .await
            .map_err(backend)?
            .get(0);
        let known = MIGRATIONS.len() as i32;
        if current > known {
            return Err(StoreError::SchemaVersion {
                tree: SCHEMA_VERSION_TABLE,
                found: u8::try_from(current).unwrap_or(u8::MAX),
                supported: known as u8,
            });
        }
        if current == known {
            return Ok(());
        }
        let version = current + 1;
        let transaction = client.transaction().await.map_err(backend)?;
        let claimed = transaction
            .execute(
                &format!("INSERT INTO {SCHEMA_VERSION_TABLE} (version) VALUES ($1)"),
                &[&version],
            )
            .await;
        match claimed {
            Ok(_) => {
                // An index built on a large table may take longer than a
                // host's statements are allowed (`SESSION_OPTIONS`).
                transaction
                    .batch_execute("SET LOCAL statement_timeout = 0")
                    .await
                    .map_err(backend)?;
                transaction
                    .batch_execute(MIGRATIONS[version as usize - 1])
                    .await
                    .map_err(backend)?;
                transaction.commit().await.map_err(backend)?;
            }
            // Another host applied it meanwhile: read again.
            Err(error) if is_unique_violation(&error) => {}
            Err(error) => return Err(backend(error)),
        }
    }
}

/// Whether `error` is PostgreSQL's `unique_violation` (23505).
pub(super) fn is_unique_violation(error: &tokio_postgres::Error) -> bool {
    error.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION)
}
