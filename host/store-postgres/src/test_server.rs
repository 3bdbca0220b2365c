//! A real PostgreSQL for tests: a throwaway cluster made with `initdb` in a
//! temp folder, listening on 127.0.0.1 at an ephemeral port (its socket in
//! that folder too, so a PostgreSQL already running as a service is left
//! alone), stopped and removed when the test process ends. Each test takes
//! a database of its own with [`database`].
//!
//! `LEADHOST_TEST_POSTGRES=postgres://USER@HOST:PORT` (no database) uses a
//! server you run instead; the user must be allowed to create databases.
//! The binaries are found in `LEADHOST_PG_BIN`, else the newest
//! `/usr/lib/postgresql/*/bin` (Debian's `postgresql` package), else `PATH`.
//! As root, the cluster runs as the `postgres` user (PostgreSQL refuses
//! root).

use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A throwaway cluster's settings beside its port and socket: durability
/// off (the tests' data is thrown away), room for several hosts' pools.
const FLAGS: &str = "-c fsync=off -c full_page_writes=off -c max_connections=200";

/// The superuser of a throwaway cluster.
const SUPERUSER: &str = "leadhost";

/// A PostgreSQL server the tests may create databases in.
#[derive(Debug)]
pub struct Server {
    /// `postgres://USER@HOST:PORT` (no database).
    base: String,
    /// Where `createdb`/`psql` are.
    bin: PathBuf,
    /// The data folder of a throwaway cluster (`None`: a server of yours).
    pub data: Option<PathBuf>,
    /// The port it listens on.
    pub port: u16,
}

/// The test process's server, started on first use.
pub fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| match std::env::var("LEADHOST_TEST_POSTGRES") {
        Ok(url) => Server {
            port: url
                .rsplit_once(':')
                .and_then(|(_, port)| port.trim_end_matches('/').parse().ok())
                .unwrap_or(5432),
            base: url.trim_end_matches('/').to_string(),
            bin: bin_dir(),
            data: None,
        },
        Err(_) => start().unwrap_or_else(|error| panic!("start a throwaway PostgreSQL: {error}")),
    })
}

/// A new, empty database on the test process's server; its URL.
pub fn database() -> String {
    server().database()
}

/// A throwaway cluster of the caller's own, for a test that stops and
/// starts it (the shared one serves other tests meanwhile); stopped and
/// removed when the test process ends, like the shared one.
pub fn private() -> Server {
    start().unwrap_or_else(|error| panic!("start a throwaway PostgreSQL: {error}"))
}

impl Server {
    /// A new, empty database on this server; its URL.
    pub fn database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "leadhost_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let status = Command::new(self.bin.join("createdb"))
            .args([
                "--maintenance-db",
                &format!("{}/postgres", self.base),
                &name,
            ])
            .status()
            .expect("run createdb");
        assert!(status.success(), "createdb {name} failed");
        format!("{}/{name}", self.base)
    }

    /// Starts a throwaway cluster again after a `pg_ctl(["stop", …])`, on
    /// the same port and flags; returns once it accepts connections.
    pub fn start_again(&self) -> Result<(), String> {
        let data = self.data.as_ref().ok_or("not a throwaway cluster")?;
        let root = data.parent().ok_or("a cluster folder")?;
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 {FLAGS}",
            self.port,
            root.display()
        );
        let status = as_owner(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(data)
            // A log of its own: the first one belongs to whoever ran the
            // watchdog (root, when the cluster's owner is `postgres`).
            .args(["-o", &options, "-l"])
            .arg(root.join("postgres-again.log"))
            .args(["-w", "start"])
            .stdout(Stdio::null())
            .output()
            .map_err(|error| format!("pg_ctl start: {error}"))?;
        if status.status.success() {
            Ok(())
        } else {
            Err(format!(
                "pg_ctl start: {}: {}",
                status.status,
                String::from_utf8_lossy(&status.stderr)
            ))
        }
    }

    /// Turns TLS on for a throwaway cluster: a test CA signs a
    /// certificate for 127.0.0.1, which the server then shows. Returns the
    /// CA certificate's file (PEM), for `sslrootcert`.
    pub fn enable_tls(&self) -> Result<PathBuf, String> {
        let data = self.data.as_ref().ok_or("not a throwaway cluster")?;
        let run = |command: &mut Command| -> Result<(), String> {
            let output = command
                .output()
                .map_err(|error| format!("{command:?}: {error}"))?;
            if output.status.success() {
                Ok(())
            } else {
                Err(format!(
                    "{command:?}: {}",
                    String::from_utf8_lossy(&output.stderr)
                ))
            }
        };
        let file = |name: &str| data.join(name);
        std::fs::write(
            file("server.ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
        )
        .map_err(|error| format!("the extensions file: {error}"))?;
        run(Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=leadhost test CA",
                "-keyout",
            ])
            .arg(file("ca.key"))
            .arg("-out")
            .arg(file("ca.crt")))?;
        run(Command::new("openssl")
            .args([
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
            ])
            .arg(file("server.key"))
            .arg("-out")
            .arg(file("server.csr")))?;
        run(Command::new("openssl")
            .args(["x509", "-req", "-days", "2", "-CAcreateserial", "-in"])
            .arg(file("server.csr"))
            .arg("-CA")
            .arg(file("ca.crt"))
            .arg("-CAkey")
            .arg(file("ca.key"))
            .arg("-extfile")
            .arg(file("server.ext"))
            .arg("-out")
            .arg(file("server.crt")))?;
        run(Command::new("chmod").arg("600").arg(file("server.key")))?;
        if running_as_root() {
            run(Command::new("chown")
                .arg("postgres")
                .arg(file("server.key"))
                .arg(file("server.crt")))?;
        }
        for statement in ["ALTER SYSTEM SET ssl = on", "SELECT pg_reload_conf()"] {
            run(Command::new(self.bin.join("psql")).args([
                "-q",
                "-d",
                &format!("{}/postgres", self.base),
                "-c",
                statement,
            ]))?;
        }
        // The reload is the postmaster's, a moment later.
        let started = Instant::now();
        loop {
            let shown = Command::new(self.bin.join("psql"))
                .args([
                    "-tA",
                    "-d",
                    &format!("{}/postgres", self.base),
                    "-c",
                    "SHOW ssl",
                ])
                .output()
                .map_err(|error| format!("psql: {error}"))?;
            if String::from_utf8_lossy(&shown.stdout).trim() == "on" {
                return Ok(file("ca.crt"));
            }
            if started.elapsed() > Duration::from_secs(10) {
                return Err("the server did not turn TLS on within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The URL of database `name` on this server.
    pub fn url(&self, name: &str) -> String {
        format!("{}/{name}", self.base)
    }

    /// Runs `pg_ctl` with `args` on a throwaway cluster (as its owner),
    /// e.g. `["stop", "-m", "fast"]`; for tests of a database going away.
    pub fn pg_ctl(&self, args: &[&str]) -> std::io::Result<std::process::ExitStatus> {
        let data = self.data.as_ref().expect("a throwaway cluster");
        let mut command = as_owner(&self.bin.join("pg_ctl"));
        command.arg("-D").arg(data).args(args);
        command.stdout(Stdio::null()).status()
    }
}

/// Debian's newest PostgreSQL, or `LEADHOST_PG_BIN`, or `PATH`'s.
fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("LEADHOST_PG_BIN") {
        return dir.into();
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .unwrap_or_else(|| PathBuf::from(""))
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

/// `program`, run as the `postgres` user when this process is root.
fn as_owner(program: &Path) -> Command {
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn start() -> Result<Server, String> {
    let bin = bin_dir();
    let root = tempfile::Builder::new()
        .prefix("leadhost-pg-")
        .tempdir()
        .map_err(|error| format!("a temp folder: {error}"))?
        .keep();
    let data = root.join("data");
    if running_as_root() {
        let status = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(&root)
            .status()
            .map_err(|error| format!("chown: {error}"))?;
        if !status.success() {
            return Err("chown the cluster's folder to `postgres` (is the user there?)".into());
        }
    }
    let initdb = as_owner(&bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ])
        .stdout(Stdio::null())
        .output()
        .map_err(|error| format!("run {}: {error}", bin.join("initdb").display()))?;
    if !initdb.status.success() {
        return Err(format!(
            "initdb: {}",
            String::from_utf8_lossy(&initdb.stderr)
        ));
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|error| format!("an ephemeral port: {error}"))?
        .port();
    // Started by a watchdog shell: it stops the cluster and removes its
    // folder once this process is gone, however it ended.
    let postgres = format!(
        "{} -D {} -p {port} -k {} -c listen_addresses=127.0.0.1 {FLAGS}",
        bin.join("postgres").display(),
        data.display(),
        root.display()
    );
    let owner = if running_as_root() {
        "runuser -u postgres -- "
    } else {
        ""
    };
    let watchdog = format!(
        "{owner}{postgres} > {log} 2>&1 &
         while kill -0 {parent} 2>/dev/null; do sleep 1; done
         {owner}{pg_ctl} -D {data} stop -m fast >/dev/null 2>&1
         rm -rf {root}",
        log = root.join("postgres.log").display(),
        parent = std::process::id(),
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        root = root.display(),
    );
    Command::new("sh")
        .args(["-c", &watchdog])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("start the watchdog: {error}"))?;
    let base = format!("postgres://{SUPERUSER}@127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        let ready = Command::new(bin.join("pg_isready"))
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q"])
            .status()
            .is_ok_and(|status| status.success());
        if ready {
            return Ok(Server {
                base,
                bin,
                data: Some(data),
                port,
            });
        }
        if started.elapsed() > Duration::from_secs(60) {
            let log = std::fs::read_to_string(root.join("postgres.log")).unwrap_or_default();
            return Err(format!("PostgreSQL did not start within 60 s:\n{log}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
