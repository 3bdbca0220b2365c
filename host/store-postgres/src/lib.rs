//! The PostgreSQL store: the same records as the sled store, one table per
//! kind (`migrations/`), so several hosts share one database.
//!
//! The `Store` trait is synchronous (the engine calls it from blocking
//! threads); the client is async. The store runs its connection pool on a
//! small runtime of its own and hands each call's future to it, waiting on
//! a channel for the answer: that works from any thread, inside a tokio
//! runtime or not, and a caller never drives the connections itself.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use futures_util::future::try_join_all;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use leadhost_store::StoreError;
use leadhost_store::codec::decode;
use waits::{Waits, prepared};

mod campaigns;
mod copy;
mod lead_ids;
mod match_keys;
mod notices;
mod outbox;
mod plugin_versions;
mod records;
mod routing_reads;
mod schema;
mod store;
mod tls;
mod tokens;
mod waits;
mod write;

pub use copy::CopyState;
pub use tls::TlsError;
pub use tokens::{TOKEN_FRESH, TOKENS_KEPT};

#[cfg(any(test, feature = "test-server"))]
pub mod test_server;

/// Connections one store handle keeps open at most: the engine's blocking
/// threads share them. PostgreSQL's default `max_connections` is 100, so
/// three hosts at this size leave room for the CLI and an operator.
pub const POOL_SIZE: usize = 16;

/// Each session's settings (`-c` options, before the URL's own): no
/// statement runs longer than 30 s, and a session idle inside a
/// transaction for 30 s (a host stopped mid-change) is ended, its row
/// locks released, so one stuck host never holds every host's writes to a
/// lead or rep. The host's own statements take milliseconds; a scan is
/// paged; a migration lifts the bound for its own transaction.
pub const SESSION_OPTIONS: &str =
    "-c statement_timeout=30000 -c idle_in_transaction_session_timeout=30000";

/// How long a call waits for a free connection, or for a new one to open,
/// before it fails (the API answers 503): a database that is down or
/// saturated fails requests quickly instead of piling them up.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times a transaction runs again after the database aborted it
/// for a serialization failure or a deadlock (CockroachDB and YugabyteDB
/// run transactions serializably and ask clients to retry).
const TRANSACTION_RETRIES: u32 = 5;

/// A statement's parameter, owned so the call can move to the store's
/// runtime.
pub(crate) type Param = Box<dyn ToSql + Send + Sync>;

/// A statement with its parameters.
pub(crate) type Statement = (&'static str, Vec<Param>);

/// The PostgreSQL store. Cheap to clone.
#[derive(Clone)]
pub struct PostgresStore {
    shared: Arc<Shared>,
}

struct Shared {
    pool: Pool,
    /// Runs the pool's connections; shut down in the background on drop,
    /// so a handle may be dropped inside another runtime.
    runtime: Option<tokio::runtime::Runtime>,
    /// The orgs whose lead numbering this handle has caught up with.
    numbered: std::sync::Mutex<std::collections::HashSet<String>>,
    /// Shadow decisions put per `(org, slot)`, for trimming each on its own count.
    shadow_puts: std::sync::Mutex<std::collections::HashMap<(String, String), u64>>,
    /// Orgs found, by id: every request names its org, and orgs are never
    /// deleted, so a found org is not asked for again (two round trips a
    /// lead saved). An org's record is its id, name and creation time; a
    /// rename by another host shows here after a restart.
    orgs: std::sync::Mutex<std::collections::HashMap<String, leadhost_store::OrgRecord>>,
    /// Where the pool connects: a `LISTEN` takes a connection of its own.
    config: tokio_postgres::Config,
    /// The TLS every connection of this handle uses.
    tls: tokio_postgres_rustls::MakeRustlsConnect,
    /// Round trips made through this handle.
    waits: Waits,
    /// Tokens read lately.
    tokens: tokens::TokenCache,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Why a database URL was refused.
#[derive(Debug, thiserror::Error)]
#[error("`{url}` is not a PostgreSQL URL (postgres://USER@HOST:PORT/DB): {source}")]
pub struct UrlError {
    /// The URL, its password hidden.
    pub url: String,
    /// What the parser said.
    #[source]
    pub source: tokio_postgres::Error,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://USER[:PASSWORD]@HOST:PORT/DB`)
    /// and brings its schema up to this release's ([`MIGRATIONS`]).
    ///
    /// TLS as libpq's `sslmode` says (the `tls` module): `prefer` by default,
    /// `require`, `disable`, or `verify-full` with `sslrootcert=PATH`.
    ///
    /// Errors: the URL does not parse ([`StoreError::Backend`] with a
    /// [`UrlError`]) or its TLS options cannot be followed
    /// ([`tls::TlsError`]), the database cannot be reached within
    /// [`CONNECT_TIMEOUT`], or its schema is newer than this release's.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let (client_url, tls) =
            tls::connector(url).map_err(|error| StoreError::Backend(Box::new(error)))?;
        let mut config: tokio_postgres::Config = client_url.parse().map_err(|source| {
            StoreError::Backend(Box::new(UrlError {
                url: redact(url),
                source,
            }))
        })?;
        // The URL's own `options` come after ours: where both set a
        // setting, the URL's wins.
        let options = match config.get_options() {
            Some(theirs) => format!("{SESSION_OPTIONS} {theirs}"),
            None => SESSION_OPTIONS.to_string(),
        };
        config.options(&options);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("leadhost-postgres")
            .enable_all()
            .build()
            .map_err(backend)?;
        let listen_config = config.clone();
        let manager = Manager::from_config(
            config,
            tls.clone(),
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(backend)?;
        let store = PostgresStore {
            shared: Arc::new(Shared {
                pool,
                runtime: Some(runtime),
                numbered: Default::default(),
                shadow_puts: Default::default(),
                orgs: Default::default(),
                config: listen_config,
                tls,
                waits: Waits::default(),
                tokens: Default::default(),
            }),
        };
        let pool = store.shared.pool.clone();
        store.block(async move { schema::migrate(&pool).await })?;
        Ok(store)
    }

    /// The round trips this handle has made to the database so far (all
    /// its clones together): what the scale-out benchmark divides by the
    /// leads taken in.
    pub fn round_trips(&self) -> u64 {
        self.shared.waits.total()
    }

    /// The runtime the store's connections run on.
    fn runtime(&self) -> &tokio::runtime::Runtime {
        self.shared
            .runtime
            .as_ref()
            .expect("the runtime lives as long as the store")
    }

    /// Runs `future` on the store's runtime and waits for its answer.
    fn block<T: Send + 'static>(
        &self,
        future: impl Future<Output = Result<T, StoreError>> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (answer, answered) = std::sync::mpsc::sync_channel(1);
        self.runtime().spawn(async move {
            let _ = answer.send(future.await);
        });
        answered
            .recv()
            .map_err(|_| backend("the store's runtime stopped before the call answered"))?
    }

    /// The rows `sql` selects.
    pub(crate) fn rows(
        &self,
        sql: &'static str,
        params: Vec<Param>,
    ) -> Result<Vec<Row>, StoreError> {
        let mut answers = self.reads(vec![(sql, params)])?;
        Ok(answers.pop().unwrap_or_default())
    }

    /// Runs `queries` on one connection, every one sent before the first
    /// answer is awaited: one round trip for all of them once prepared.
    /// Answers their rows in the same order.
    pub(crate) fn reads(&self, queries: Vec<Statement>) -> Result<Vec<Vec<Row>>, StoreError> {
        let (pool, waits) = (self.shared.pool.clone(), self.shared.waits.clone());
        self.block(async move {
            let queries: Vec<Query<'_>> = queries
                .iter()
                .map(|(sql, params)| (*sql, params.as_slice()))
                .collect();
            read_all(&pool, &waits, &queries).await.map_err(backend)
        })
    }

    pub(crate) fn values<T: serde::de::DeserializeOwned>(
        table: &'static str,
        rows: &[Row],
        column: usize,
    ) -> Result<Vec<T>, StoreError> {
        rows.iter()
            .map(|row| decode(table, row.get::<_, &[u8]>(column)))
            .collect()
    }

    /// Runs `statements` in one transaction, in order, after `checks`
    /// (each a condition under the transaction's locks): one round trip
    /// once the statements are prepared on the connection, `BEGIN` and
    /// `COMMIT` included, the checks judged by the server; when a check
    /// does not hold, a second run reads each to name what changed.
    /// Answers each statement's count of rows changed. Runs again on a
    /// serialization failure or deadlock, up to [`TRANSACTION_RETRIES`].
    pub(crate) fn transaction(
        &self,
        checks: Vec<Check>,
        statements: Vec<Statement>,
    ) -> Result<Vec<u64>, StoreError> {
        let (pool, waits) = (self.shared.pool.clone(), self.shared.waits.clone());
        self.block(async move {
            let (mut attempt, mut checked) = (0, false);
            loop {
                let run = if checked {
                    write::run_checked(&pool, &waits, &checks, &statements).await
                } else {
                    write::run(&pool, &waits, &checks, &statements).await
                };
                match run {
                    Err(write::Failed::Retry(_)) if attempt < TRANSACTION_RETRIES => attempt += 1,
                    Err(write::Failed::Retry(error)) => return Err(backend(error)),
                    Err(write::Failed::Store(error)) => return Err(error),
                    // What changed, read outside a transaction (one round
                    // trip): a rep or lead another host wrote meanwhile
                    // is named at once; the same values in other bytes
                    // (an older release's) run again the slow way, judged
                    // on the decoded values under the locks.
                    Err(write::Failed::Expectation) => {
                        let queries: Vec<Query<'_>> = checks
                            .iter()
                            .map(|check| (check.sql, check.params.as_slice()))
                            .collect();
                        let answers = read_all(&pool, &waits, &queries).await.map_err(backend)?;
                        for (check, rows) in checks.iter().zip(&answers) {
                            (check.holds)(rows)?;
                        }
                        checked = true;
                    }
                    Ok(counts) => return Ok(counts),
                }
            }
        })
    }
}

/// A query and its parameters, borrowed.
type Query<'a> = (&'static str, &'a [Param]);

/// [`PostgresStore::reads`] on the store's runtime.
async fn read_all(
    pool: &Pool,
    waits: &Waits,
    queries: &[Query<'_>],
) -> Result<Vec<Vec<Row>>, Box<dyn std::error::Error + Send + Sync>> {
    let client = pool.get().await?;
    let statements =
        try_join_all(queries.iter().map(|(sql, _)| prepared(&client, waits, sql))).await?;
    let params: Vec<_> = queries.iter().map(|(_, params)| borrowed(params)).collect();
    let answers = try_join_all(
        statements
            .iter()
            .zip(&params)
            .map(|(statement, params)| client.query(statement, params)),
    )
    .await?;
    waits.count("read", 1);
    Ok(answers)
}

/// Judges a check's rows: `Err` aborts the transaction with that error.
pub(crate) type Holds = Box<dyn Fn(&[Row]) -> Result<(), StoreError> + Send + Sync>;

/// A condition a transaction checks before its writes, under row locks.
pub(crate) struct Check {
    /// A query locking what it reads (`… FOR UPDATE`).
    pub sql: &'static str,
    /// Its parameters.
    pub params: Vec<Param>,
    /// Given the rows, `Err` aborts the transaction with that error.
    pub holds: Holds,
    /// The same condition as one statement the server judges, locking
    /// the same rows and raising [`EXPECTATION_FAILED`] when the condition
    /// does not hold (`leadhost_expect`, migration 0005): so the check
    /// rides in the transaction's one round trip. When it raises, the
    /// transaction runs again with `sql` and `holds`, which name the error
    /// exactly (and judge decoded values, not bytes).
    pub guard: Statement,
}

/// The SQLSTATE `leadhost_expect(false)` raises (migration 0005).
pub(crate) const EXPECTATION_FAILED: &str = "LH409";

/// `params` as the client takes them.
fn borrowed(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|param| param.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

/// A backend failure from any error.
fn backend(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
    StoreError::Backend(error.into())
}

impl PostgresStore {
    /// The orgs this handle has found ([`Shared::orgs`]).
    fn known_orgs(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, leadhost_store::OrgRecord>>
    {
        self.shared
            .orgs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `url` with its password (if any) replaced by `***`, for messages: the
/// one in the user part (which may itself hold `@`, `:` or `/`: the host
/// starts after the last `@`) and a `password=` parameter of the query.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (address, query) = match rest.split_once('?') {
        Some((address, query)) => (address, Some(query)),
        None => (rest, None),
    };
    let address = match address.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{credentials}@{host}"),
        },
        None => address.to_string(),
    };
    let query = query.map(|query| {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => pair.to_string(),
            })
            .collect();
        format!("?{}", pairs.join("&"))
    });
    format!("{scheme}://{address}{}", query.unwrap_or_default())
}

/// A parameter from any owned value the client can send.
pub(crate) fn param(value: impl ToSql + Send + Sync + 'static) -> Param {
    Box::new(value)
}

/// Milliseconds since the epoch, as the schema keeps times.
pub(crate) fn millis(at: leadhost_model::Time) -> i64 {
    at.timestamp_millis()
}

#[cfg(test)]
mod tests;
