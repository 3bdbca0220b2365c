//! The loader's layers, errors and the example file.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;

/// Loads `toml` (as a file) under the variables `vars` and `flags`.
fn load(toml: &str, vars: &[(&str, &str)], flags: &Flags) -> Result<ServerConfig, ConfigError> {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), toml).unwrap();
    let vars = vars
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()));
    ServerConfig::load(Some(file.path()), vars, flags)
}

fn refused(toml: &str, vars: &[(&str, &str)]) -> String {
    load(toml, vars, &Flags::default()).unwrap_err().to_string()
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/serve/leadhost.toml")
}

/// Dotted keys of a JSON object's leaves.
fn leaves(value: &serde_json::Value, prefix: &str, keys: &mut BTreeSet<String>) {
    for (name, value) in value.as_object().unwrap() {
        match value {
            serde_json::Value::Object(_) => leaves(value, &format!("{prefix}{name}."), keys),
            _ => {
                keys.insert(format!("{prefix}{name}"));
            }
        }
    }
}

#[test]
fn the_example_file_lists_every_key_with_its_default() {
    let path = example();
    let config = ServerConfig::load(Some(&path), Vec::new(), &Flags::default()).unwrap();
    assert_eq!(config, ServerConfig::default());

    let mut every = BTreeSet::new();
    leaves(
        &serde_json::to_value(ServerConfig::default()).unwrap(),
        "",
        &mut every,
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let file: serde_json::Value = toml::from_str(&text).unwrap();
    let mut listed = BTreeSet::new();
    leaves(&file, "", &mut listed);
    // The keys without a default are shown commented out.
    for key in ["http.metrics_token", "http.metrics_listen", "store.url"] {
        let (_, name) = key.split_once('.').unwrap();
        assert!(text.contains(&format!("# {name} = ")), "{key}");
        listed.insert(key.to_string());
    }
    assert_eq!(
        listed, every,
        "examples/serve/leadhost.toml lists every key"
    );
}

#[test]
fn an_unknown_key_is_refused_naming_it_and_its_file() {
    let error = refused("[limits]\nfuell = 1\n", &[]);
    assert!(error.contains("unknown key [limits] fuell"), "{error}");
    assert!(error.contains("did you mean [limits] fuel?"), "{error}");
    assert!(error.contains(".tmp"), "names the file: {error}");
    let error = refused("port = 1\n", &[]);
    assert!(error.contains("unknown key port"), "{error}");
    // Keys of a table are not top-level keys.
    let error = refused("fuel = 1\n", &[]);
    assert!(error.contains("unknown key fuel"), "{error}");
}

#[test]
fn a_variable_of_a_table_with_no_such_key_is_refused_others_are_left_alone() {
    let error = refused("", &[("LEADHOST_LIMITS_FUELL", "1")]);
    assert!(
        error.starts_with("LEADHOST_LIMITS_FUELL: unknown key [limits] fuell"),
        "{error}"
    );
    assert!(
        error.contains("did you mean LEADHOST_LIMITS_FUEL?"),
        "{error}"
    );
    let vars = [("LEADHOST_ADMIN_TOKEN", "x"), ("LEADHOST_BIN", "y")];
    assert_eq!(
        load("", &vars, &Flags::default()).unwrap(),
        ServerConfig::default()
    );
}

#[test]
fn a_misspelt_variable_outside_any_table_is_refused_naming_the_setting() {
    for (name, setting) in [
        ("LEADHOST_LIMTS_FUEL", "LEADHOST_LIMITS_FUEL"),
        ("LEADHOST_LIMIT_FUEL", "LEADHOST_LIMITS_FUEL"),
        ("LEADHOST_DATADIR", "LEADHOST_DATA_DIR"),
        ("LEADHOST_DURABILTY", "LEADHOST_DURABILITY"),
        // Read by `serve` itself, not a setting: misspelt, the server would
        // start without the admin token its operator meant to give.
        ("LEADHOST_ADMIN_TOKN", "LEADHOST_ADMIN_TOKEN"),
        ("LEADHOST_ADMINTOKEN", "LEADHOST_ADMIN_TOKEN"),
    ] {
        let error = refused("", &[(name, "secret-value")]);
        assert_eq!(
            error,
            format!("{name}: no setting reads this variable; did you mean {setting}?")
        );
    }
    // Within a table, the key is named; a misspelt secret's value is not.
    let error = refused("", &[("LEADHOST_HTTP_METRIC_TOKEN", "secret-value")]);
    assert_eq!(
        error,
        "LEADHOST_HTTP_METRIC_TOKEN: unknown key [http] metric_token; did you mean LEADHOST_HTTP_METRICS_TOKEN?"
    );
    // The variables the repository's own scripts and commands read are not
    // settings, and are far from any.
    let others = [
        "LEADHOST_ADMIN_TOKEN",
        "LEADHOST_CACHE_DIR",
        "LEADHOST_TOOLS",
        "LEADHOST_BIN",
        "LEADHOST_REFERENCE_DIR",
        "LEADHOST_EXAMPLES_DIR",
    ];
    let vars: Vec<(&str, &str)> = others.iter().map(|name| (*name, "x")).collect();
    assert_eq!(
        load("", &vars, &Flags::default()).unwrap(),
        ServerConfig::default()
    );
}

#[test]
fn a_garbled_value_names_its_key_and_its_variable_or_file() {
    let error = refused("", &[("LEADHOST_LIMITS_ORG_CALLS", "lots")]);
    assert!(
        error.starts_with("LEADHOST_LIMITS_ORG_CALLS=`lots`: [limits] org_calls: "),
        "{error}"
    );
    let error = refused("", &[("LEADHOST_LISTEN", "nowhere")]);
    assert!(
        error.starts_with("LEADHOST_LISTEN=`nowhere`: listen: "),
        "{error}"
    );
    let error = refused("", &[("LEADHOST_DURABILITY", "sometimes")]);
    assert!(error.contains("durability"), "{error}");
    // A flattened runtime limit still names its key.
    let error = refused("[limits]\nfuel = \"lots\"\n", &[]);
    assert!(error.contains(": [limits] fuel: "), "{error}");
    assert!(error.contains(".tmp"), "names the file: {error}");
    let error = refused("[limits]\nmemory_mib = -1\n", &[]);
    assert!(error.contains("[limits] memory_mib"), "{error}");
    let error = refused("[scheduler]\nwake_interval_ms = \"1s\"\n", &[]);
    assert!(error.contains("[scheduler] wake_interval_ms"), "{error}");
    let error = refused("[limits\n", &[]);
    assert!(error.contains(".tmp"), "a file that is not TOML: {error}");
}

#[test]
fn flags_win_over_variables_which_win_over_the_file_which_wins_over_defaults() {
    let file = "listen = \"127.0.0.1:9000\"\n[limits]\nfuel = 1000\n[http]\nbatch_max = 10\n";
    let env = [
        ("LEADHOST_LISTEN", "127.0.0.1:9001"),
        ("LEADHOST_LIMITS_FUEL", "2000"),
    ];
    let flag = Flags {
        listen: Some(SocketAddr::from(([127, 0, 0, 1], 9002))),
        data_dir: Some("flagged".into()),
        store: None,
    };
    let config = load(file, &env, &flag).unwrap();
    assert_eq!(config.listen.port(), 9002);
    assert_eq!(config.data_dir, PathBuf::from("flagged"));
    assert_eq!(config.limits.call.fuel, 2000);
    assert_eq!(config.http.batch_max, 10, "the file over the default");
    let config = load(file, &env, &Flags::default()).unwrap();
    assert_eq!(config.listen.port(), 9001);
    let config = load(file, &[], &Flags::default()).unwrap();
    assert_eq!(
        (config.listen.port(), config.limits.call.fuel),
        (9000, 1000)
    );
    let config = load("", &[], &Flags::default()).unwrap();
    assert_eq!(config.listen.port(), 8080);
    assert_eq!(config.http.batch_max, 1000);
}

#[test]
fn the_database_url_comes_from_the_flag_the_variable_or_the_file() {
    let file = "[store]\nurl = \"postgres://file@127.0.0.1:5432/leads\"\n";
    let env = [("LEADHOST_STORE", "postgres://env@127.0.0.1:5432/leads")];
    let flag = Flags {
        store: Some("postgres://flag@127.0.0.1:5432/leads".into()),
        ..Flags::default()
    };
    let url =
        |file: &str, env: &[(&str, &str)], flags: &Flags| load(file, env, flags).unwrap().store.url;
    assert_eq!(
        url(file, &env, &flag).as_deref(),
        Some("postgres://flag@127.0.0.1:5432/leads")
    );
    assert_eq!(
        url(file, &env, &Flags::default()).as_deref(),
        Some("postgres://env@127.0.0.1:5432/leads")
    );
    assert_eq!(
        url(file, &[], &Flags::default()).as_deref(),
        Some("postgres://file@127.0.0.1:5432/leads")
    );
    assert_eq!(url("", &[], &Flags::default()), None, "sled by default");
}

#[test]
fn every_new_setting_reaches_the_part_it_sets() {
    let file = "[limits]\nmemory_mib = 16\nepoch_tick_ms = 5\norg_calls = 2\nmax_script_kib = 8\n\
                [http]\nbatch_max = 7\ndrain_timeout_ms = 1500\n\
                [scheduler]\nwake_interval_ms = 200\nwake_batch = 9\norgs_at_once = 3\n\
                [delivery]\ninterval_ms = 50\nround_size = 20\n\
                [reload]\ndebounce_ms = 300\n[store]\ncache_mib = 64\ninput_retention_days = 90\n";
    let env = [
        ("LEADHOST_DELIVERY_ROUND_SIZE", "21"),
        ("LEADHOST_STORE_CACHE_MIB", "65"),
    ];
    let settings = load(file, &env, &Flags::default()).unwrap().resolve();
    assert_eq!(settings.options.limits.memory_bytes, 16 << 20);
    assert_eq!(settings.options.limits.epoch_tick, Duration::from_millis(5));
    assert_eq!(settings.options.engine.shares.calls, 2);
    assert_eq!(settings.options.max_script_bytes, Some(8 << 10));
    assert_eq!(settings.options.cache_bytes, Some(65 << 20));
    assert_eq!(settings.http.batch_max, 7);
    let background = settings.background;
    assert_eq!(background.drain_timeout, Duration::from_millis(1500));
    assert_eq!(background.debounce, Duration::from_millis(300));
    assert_eq!(background.input_retention, Some(chrono::Duration::days(90)));
    let forever = load("", &[], &Flags::default()).unwrap().resolve();
    assert_eq!(
        forever.background.input_retention, None,
        "kept for ever by default"
    );
    assert_eq!(
        background.scheduler,
        SchedulerConfig {
            wake_interval_ms: 200,
            wake_batch: 9,
            orgs_at_once: 3,
            launch_check_ms: 60_000
        }
    );
    assert_eq!(background.delivery.interval(), Duration::from_millis(50));
    assert_eq!(background.delivery.round_size, 21);
}

#[test]
fn out_of_range_values_are_refused_naming_key_variable_range_and_source() {
    let error = refused("[limits]\nmin_wake_s = 99999999999\n", &[]);
    assert!(
        error.starts_with(
            "[limits] min_wake_s (LEADHOST_LIMITS_MIN_WAKE_S) = 99999999999: must be between \
             0 and 31622400 (seconds; at most a year); from "
        ),
        "{error}"
    );
    assert!(error.ends_with(".tmp") || error.contains(".tmp"), "{error}");
    let error = refused("", &[("LEADHOST_LIMITS_ORG_CALLS", "5000")]);
    assert!(
        error.starts_with("[limits] org_calls (LEADHOST_LIMITS_ORG_CALLS) = 5000")
            && error.ends_with("from LEADHOST_LIMITS_ORG_CALLS=`5000`"),
        "{error}"
    );
    for (toml, key) in [
        ("[limits]\norg_queue = 4294967295\n", "[limits] org_queue"),
        ("[limits]\norg_calls = 0\n", "[limits] org_calls"),
        (
            "[limits]\nmax_component_mib = 17592186044416\n",
            "[limits] max_component_mib",
        ),
        ("[limits]\nmemory_mib = 5000\n", "[limits] memory_mib"),
        ("[limits]\ncompile_cpu_ms = 0\n", "[limits] compile_cpu_ms"),
        ("[limits]\nfuel = 0\n", "[limits] fuel"),
        (
            "[limits]\nconcurrent_calls = 0\n",
            "[limits] concurrent_calls",
        ),
        ("[http]\nbulk_mib = 17592186044416\n", "[http] bulk_mib"),
        ("[http]\ntimeout_ms = 0\n", "[http] timeout_ms"),
        ("[http]\nmax_connections = 0\n", "[http] max_connections"),
        ("[http]\nidle_timeout_ms = 0\n", "[http] idle_timeout_ms"),
        ("[http]\nbatch_max = 0\n", "[http] batch_max"),
        (
            "[scheduler]\norgs_at_once = 0\n",
            "[scheduler] orgs_at_once",
        ),
        ("[delivery]\ninterval_ms = 0\n", "[delivery] interval_ms"),
        ("[store]\ncache_mib = 0\n", "[store] cache_mib"),
        (
            "[store]\ninput_retention_days = 36501\n",
            "[store] input_retention_days",
        ),
    ] {
        let error = refused(toml, &[]);
        assert!(error.starts_with(key), "{toml}: {error}");
        assert!(error.contains("must be between"), "{error}");
    }
    // The bounds themselves pass.
    let bounds = "[limits]\norg_calls = 1\norg_queue = 0\nmin_wake_s = 0\ncompile_cpu_ms = 100\n\
                  [http]\nimport_sync_rows = 0\nmax_connections = 1000000\n";
    load(bounds, &[], &Flags::default()).unwrap();
}

#[test]
fn metrics_access_is_a_setting_and_its_token_is_never_repeated() {
    let file = "[http]\nheader_read_timeout_ms = 500\nidle_timeout_ms = 700\nmax_connections = 3\n\
                metrics_listen = \"127.0.0.1:9100\"\n";
    // Digits only: text as it is, not a number.
    let env = [("LEADHOST_HTTP_METRICS_TOKEN", "0123456789012345")];
    let settings = load(file, &env, &Flags::default()).unwrap().resolve();
    assert_eq!(
        settings.http.header_read_timeout,
        Duration::from_millis(500)
    );
    assert_eq!(settings.http.idle_timeout, Duration::from_millis(700));
    assert_eq!(settings.http.max_connections, 3);
    assert_eq!(
        settings.metrics.listen,
        Some(SocketAddr::from(([127, 0, 0, 1], 9100)))
    );
    assert_eq!(
        settings.metrics.token,
        Some(MetricsToken::new("0123456789012345").unwrap())
    );
    let error = refused("", &[("LEADHOST_HTTP_METRICS_TOKEN", "short")]);
    assert!(error.contains("at least 16 characters"), "{error}");
    assert!(
        error.contains("LEADHOST_HTTP_METRICS_TOKEN=<secret>"),
        "{error}"
    );
    assert!(
        !error.contains("short"),
        "the secret is not echoed: {error}"
    );
}

#[test]
fn a_missing_file_is_named() {
    let missing = Path::new("/nonexistent/leadhost.toml");
    let error = ServerConfig::load(Some(missing), Vec::new(), &Flags::default()).unwrap_err();
    assert!(matches!(error, ConfigError::Read { .. }), "{error}");
    assert!(
        error.to_string().contains("/nonexistent/leadhost.toml"),
        "{error}"
    );
}

#[test]
fn the_metrics_token_is_never_repeated_in_an_error_of_the_file() {
    // A number where text belongs: the key is named, the value is not.
    let error = refused("[http]\nmetrics_token = 918273645\n", &[]);
    assert!(
        error.ends_with("[http] metrics_token: must be a string, as in `metrics_token = \"…\"` (what was given is not repeated: it is a secret)"),
        "{error}"
    );
    assert!(!error.contains("918273645"), "{error}");
    // A line TOML cannot read: where it is and why, not the line itself.
    let error = refused("[http]\nmetrics_token = \"s3cr3t-abc\n", &[]);
    assert!(!error.contains("s3cr3t"), "{error}");
    assert!(
        error.ends_with("TOML parse error at line 2, column 28: invalid basic string"),
        "{error}"
    );
}
