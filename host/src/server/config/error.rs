//! What is wrong with a setting: always which key, where it was given (the
//! file, or the `LEADHOST_*` variable and its value) and what was expected.

use std::path::PathBuf;

/// A setting is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A key no setting has (misspelt, or in the wrong table).
    #[error("{from}: unknown key {key}{}", suggestion.as_ref().map(|known| format!("; did you mean {known}?")).unwrap_or_default())]
    UnknownKey {
        /// The key, as the file spells it (`[limits] fuell`).
        key: String,
        /// The file, or the variable, that gave it.
        from: String,
        /// The nearest known key, if one is near.
        suggestion: Option<String>,
    },
    /// A `LEADHOST_*` variable no setting reads, spelt almost like one that
    /// does. Its value is never repeated: it may be a secret.
    #[error("{name}: no setting reads this variable; did you mean {suggestion}?")]
    UnknownVariable {
        /// The variable, as given.
        name: String,
        /// The setting's variable it is nearest to.
        suggestion: String,
    },
    /// A value of the wrong type or shape (or a file that is not TOML).
    #[error("{from}: {}{problem}", key.as_ref().map(|key| format!("{key}: ")).unwrap_or_default())]
    Invalid {
        /// The key, as the file spells it; none when the file itself is bad.
        key: Option<String>,
        /// The file, or the variable and its value (a secret's is hidden).
        from: String,
        /// The loader's message: what was found, what was expected.
        problem: String,
        /// The loader's error.
        #[source]
        source: Box<figment::Error>,
    },
    /// A number outside the range its setting allows.
    #[error("{key} ({env}) = {value}: must be between {min} and {max} ({why}); from {from}")]
    OutOfRange {
        /// The key, as the file spells it (`[limits] min_wake_s`).
        key: String,
        /// Its environment variable.
        env: String,
        /// The value given.
        value: u64,
        /// The least allowed.
        min: u64,
        /// The most allowed.
        max: u64,
        /// The unit, or where the bound comes from.
        why: &'static str,
        /// The file or the variable that gave it.
        from: String,
    },
}

/// `limits.fuel` as the file spells it: `[limits] fuel`.
pub(super) fn file_key(path: &str) -> String {
    match path.split_once('.') {
        Some((table, key)) => format!("[{table}] {key}"),
        None => path.to_string(),
    }
}

/// `limits.fuel` as a variable: `LEADHOST_LIMITS_FUEL`.
pub(super) fn env_name(path: &str) -> String {
    if path == "store.url" {
        return "LEADHOST_STORE".into();
    }
    format!("LEADHOST_{}", path.replace('.', "_").to_ascii_uppercase())
}
