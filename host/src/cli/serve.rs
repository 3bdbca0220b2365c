//! `leadhost serve`: opens the data folder (creating the demo org and the
//! tokens on first start), prints where it listens, and serves until
//! SIGTERM or Ctrl-C.

use super::ServeArgs;
use crate::auth;
use crate::server::{self, ConfigError, Flags, ServeError, ServerConfig};
use crate::setup::{DEMO_ORG, Host, SetupError};
use crate::store::StoreError;

/// `serve` failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeCliError {
    /// A setting is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The data folder cannot be opened.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// The tokens cannot be stored.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// `LEADHOST_ADMIN_TOKEN` cannot be taken.
    #[error(transparent)]
    AdminToken(#[from] auth::AdminTokenError),
    /// The address cannot be bound, or the server failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The server stopped with an error.
    #[error(transparent)]
    Serve(#[from] ServeError),
    /// `LEADHOST_ADMIN_TOKEN` is too short to be a secret (its value is
    /// never repeated).
    #[error(
        "LEADHOST_ADMIN_TOKEN has {chars} characters; an admin token opens every org, so give at least {min} (e.g. `openssl rand -hex 24`)"
    )]
    WeakAdminToken {
        /// How many it has.
        chars: usize,
        /// How many it needs.
        min: usize,
    },
}

/// Runs the server until a signal stops it.
pub fn serve(args: &ServeArgs) -> Result<(), ServeCliError> {
    let flags = Flags {
        listen: args.listen,
        data_dir: args.data_dir.clone(),
        store: args.store.clone(),
    };
    // `vars_os`: a variable that is not UTF-8 (no setting's) must not panic.
    let vars = std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)));
    let config = ServerConfig::load(args.config.as_deref(), vars, &flags)?;
    let admin_env = std::env::var("LEADHOST_ADMIN_TOKEN")
        .ok()
        .filter(|token| !token.trim().is_empty());
    if let Some(token) = &admin_env {
        let chars = token.trim().chars().count();
        if chars < auth::ADMIN_TOKEN_MIN_CHARS {
            return Err(ServeCliError::WeakAdminToken {
                chars,
                min: auth::ADMIN_TOKEN_MIN_CHARS,
            });
        }
    }
    let mut settings = config.resolve();
    // Compiles run in a child `leadhost compile-worker` within their CPU
    // budget; without our own path (an unusual platform), in-process.
    settings.options.compiler.worker = std::env::current_exe().ok();
    let host = Host::open(&settings.data_dir, settings.options.clone())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // Bound before anything is written: a host that cannot serve changes
    // nothing (the admin token it brought would rotate every host's).
    let (listener, metrics) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(settings.listen)
            .await
            .map_err(|error| {
                std::io::Error::new(
                    error.kind(),
                    format!("cannot listen on {}: {error}", settings.listen),
                )
            })?;
        let metrics = match settings.metrics.listen {
            Some(at) => Some(tokio::net::TcpListener::bind(at).await.map_err(|error| {
                std::io::Error::new(
                    error.kind(),
                    format!("cannot listen on metrics_listen {at}: {error}"),
                )
            })?),
            None => None,
        };
        Ok::<_, std::io::Error>((listener, metrics))
    })?;
    host.ensure_org(DEMO_ORG)?;
    let store = host.engine.store().as_ref();
    let now = host.engine.now();
    let admin = auth::ensure_admin(store, admin_env.as_deref(), now)?;
    let demo = if auth::has_token(store, DEMO_ORG)? {
        None
    } else {
        Some(auth::issue(store, Some(DEMO_ORG), now)?)
    };
    let served: Result<(), ServeCliError> = runtime.block_on(async move {
        let stop = server::signal()?;
        let address = listener.local_addr()?;
        match &settings.options.database {
            Some(url) => println!(
                "leadhost serving http://{address} (store in {}, org folders in {})",
                leadhost_store_postgres::redact(url),
                settings.data_dir.display()
            ),
            None => println!("leadhost serving http://{address} (data in {})", settings.data_dir.display()),
        }
        println!("dashboard:      http://{address}/   (sign in with a token below)");
        match (&admin, &admin_env) {
            (Some(issued), _) => println!("admin token:    {}   (shown once; stored hashed)", issued.token),
            (None, Some(_)) => println!("admin token:    the value of LEADHOST_ADMIN_TOKEN"),
            (None, None) => println!("admin token:    the one printed on first start (or set LEADHOST_ADMIN_TOKEN)"),
        }
        match &demo {
            Some(issued) => println!("demo org token: {}   (shown once; stored hashed)", issued.token),
            None => println!("demo org token: the one printed on first start (or POST /v1/orgs/demo/tokens with the admin token)"),
        }
        if let Some(metrics) = &metrics {
            println!("metrics:        http://{}/metrics", metrics.local_addr()?);
        }
        let listeners = server::Listeners { api: listener, metrics };
        let (http, token, background) = (settings.http, settings.metrics.token, settings.background);
        server::serve_with(host, listeners, http, token, background, stop).await?;
        Ok(())
    });
    // Everything the server started has stopped or been given up on within
    // its drain timeout, and the store is flushed; a blocking task still
    // running (work a timed-out request left behind) must not keep the
    // process from exiting.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    served
}

/// How long the process waits, after the server stopped, for blocking
/// tasks still running before it exits anyway.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);
