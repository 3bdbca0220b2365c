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
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use leadhost_store::StoreError;
use leadhost_store::codec::decode;

mod copy;
mod lead_ids;
mod notices;
mod outbox;
mod records;
mod schema;
mod store;
mod write;

pub use copy::CopyState;

#[cfg(any(test, feature = "test-server"))]
pub mod test_server;

/// Connections one store handle keeps open at most: the engine's blocking
/// threads share them. PostgreSQL's default `max_connections` is 100, so
/// three hosts at this size leave room for the CLI and an operator.
pub const POOL_SIZE: usize = 16;

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
    /// Errors: the URL does not parse ([`StoreError::Backend`] with a
    /// [`UrlError`]), the database cannot be reached within
    /// [`CONNECT_TIMEOUT`], or its schema is newer than this release's.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(|source| {
            StoreError::Backend(Box::new(UrlError {
                url: redact(url),
                source,
            }))
        })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("leadhost-postgres")
            .enable_all()
            .build()
            .map_err(backend)?;
        let listen_config = config.clone();
        let manager = Manager::from_config(
            config,
            tokio_postgres::NoTls,
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
            }),
        };
        let pool = store.shared.pool.clone();
        store.block(async move { schema::migrate(&pool).await })?;
        Ok(store)
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
        let pool = self.shared.pool.clone();
        self.block(async move {
            let client = pool.get().await.map_err(backend)?;
            let statement = client.prepare_cached(sql).await.map_err(backend)?;
            client
                .query(&statement, &borrowed(&params))
                .await
                .map_err(backend)
        })
    }

    /// Decodes column `column` of each row as a record of `table`.
    pub(crate) fn values<T: serde::de::DeserializeOwned>(
        table: &'static str,
        rows: &[Row],
        column: usize,
    ) -> Result<Vec<T>, StoreError> {
        rows.iter()
            .map(|row| decode(table, row.get::<_, &[u8]>(column)))
            .collect()
    }

    /// Runs `statements` in one transaction, in order (sent together: one
    /// round trip for all of them once prepared), after `checks` (each a
    /// query whose answer its `holds` must accept, under the transaction's
    /// locks).
    /// Answers each statement's count of rows changed. Runs again on a
    /// serialization failure or deadlock, up to [`TRANSACTION_RETRIES`].
    pub(crate) fn transaction(
        &self,
        checks: Vec<Check>,
        statements: Vec<Statement>,
    ) -> Result<Vec<u64>, StoreError> {
        let pool = self.shared.pool.clone();
        self.block(async move {
            let mut attempt = 0;
            loop {
                match write::run(&pool, &checks, &statements).await {
                    Err(write::Failed::Retry(_)) if attempt < TRANSACTION_RETRIES => attempt += 1,
                    Err(write::Failed::Retry(error)) => return Err(backend(error)),
                    Err(write::Failed::Store(error)) => return Err(error),
                    Ok(counts) => return Ok(counts),
                }
            }
        })
    }
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
}

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
