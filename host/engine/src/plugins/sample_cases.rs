//! A slot's sample cases over the API: read the serving plug-in's cases,
//! and replace them only with cases it passes. (An upload may bring its
//! cases along: see `PluginLoader::install_with_cases`.) A plug-in's cases
//! are `<name>.cases.json` beside it, so they go with that plug-in only.

use serde_json::Value;

use super::cases::{CASES_BUDGET, SampleCase, cases_path, run_cases_within};
use super::folder::{FolderError, write_atomically};
use super::install::InstallError;
use super::loader::{LoadError, PluginLoader};
use crate::model::Slot;

/// Most sample cases in one file: each runs at every check of the plug-in.
pub const MAX_CASES: usize = 1000;

/// Parses the text of a cases file, naming the place of a problem.
///
/// Errors: [`InstallError::Cases`] for text that is not a JSON array of
/// cases (each `{name, input, expect}`), or holds none or more than
/// [`MAX_CASES`].
pub fn parse(text: &[u8]) -> Result<Vec<SampleCase>, InstallError> {
    let mut json = serde_json::Deserializer::from_slice(text);
    let cases: Vec<SampleCase> = serde_path_to_error::deserialize(&mut json).map_err(|error| {
        InstallError::Cases(format!("at `{}`: {}", error.path(), error.inner()))
    })?;
    if cases.is_empty() {
        // `plugin test` refuses an empty file too: a plug-in's cases say
        // something, or the file is left out.
        return Err(InstallError::Cases("no cases: give at least one".into()));
    }
    if cases.len() > MAX_CASES {
        return Err(InstallError::Cases(format!(
            "{} cases; at most {MAX_CASES}",
            cases.len()
        )));
    }
    Ok(cases)
}

impl PluginLoader {
    /// The plug-in serving `org`'s `slot` and its sample cases as written
    /// (`[]` when it has none).
    ///
    /// Errors: [`InstallError::EmptySlot`]; a cases file that cannot be read.
    pub fn cases(&self, org: &str, slot: Slot) -> Result<(String, Value), InstallError> {
        let active = self
            .registry()
            .active(org, slot)
            .ok_or(InstallError::EmptySlot(slot))?;
        let name = active.plugin.id().name.clone();
        let path = cases_path(&self.folders.org_dir(org).join(component_file(&name)));
        match super::folder::read_org_file(&path, super::folder::CASES_MAX) {
            Ok(text) => {
                let cases = serde_json::from_slice(&text)
                    .map_err(|error| InstallError::Cases(format!("{}: {error}", path.display())))?;
                Ok((name, cases))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Ok((name, Value::Array(Vec::new())))
            }
            Err(source) => Err(LoadError::Folder(FolderError { path, source }).into()),
        }
    }

    /// Replaces the sample cases of the plug-in serving `org`'s `slot` with
    /// `text` (a JSON array of cases), once every one passes on the serving
    /// version with its config; returns the plug-in's name and how many.
    ///
    /// Errors: [`InstallError::EmptySlot`]; [`InstallError::Cases`] naming
    /// every failing case (nothing is written then); files failing.
    pub fn replace_cases(
        &self,
        org: &str,
        slot: Slot,
        text: &[u8],
    ) -> Result<(String, usize), InstallError> {
        self.check_quota(org, text.len() as u64)?;
        let cases = parse(text)?;
        // Run without the org's lock (its reloads and uploads need it), on
        // the version serving now, within the cases' budget.
        let active = self
            .registry()
            .active(org, slot)
            .ok_or(InstallError::EmptySlot(slot))?;
        let results = run_cases_within(&active.plugin, &cases, &active.config, CASES_BUDGET);
        let failed: Vec<String> = results
            .iter()
            .filter_map(|result| {
                let failure = result.failure.as_ref()?;
                Some(format!("{}: {failure}", result.label()))
            })
            .collect();
        if !failed.is_empty() {
            return Err(InstallError::Cases(format!(
                "{} of {} fail on {}: {}",
                failed.len(),
                cases.len(),
                active.plugin.id(),
                failed.join("; ")
            )));
        }
        self.locked(org, || {
            // Written only beside the version they passed on.
            let serving = self.registry().active(org, slot);
            let same = serving.as_ref().is_some_and(|serving| {
                serving.plugin.id() == active.plugin.id()
                    && serving.config_digest == active.config_digest
            });
            if !same {
                return Err(InstallError::Interrupted(format!(
                    "another version of {slot} became active while the cases ran"
                )));
            }
            let name = active.plugin.id().name.clone();
            let path = cases_path(&self.folders.org_dir(org).join(component_file(&name)));
            write_atomically(&path, text).map_err(LoadError::from)?;
            Ok((name, cases.len()))
        })
    }
}

/// The file of the plug-in named `name`: a script keeps its own name.
fn component_file(name: &str) -> String {
    if super::script::is_script(name) {
        name.to_string()
    } else {
        format!("{name}.wasm")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_text_is_refused_naming_where_it_is_wrong() {
        let error =
            parse(br#"[{"name": "a", "input": {}, "expect": {}, "extra": 1}]"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("sample cases: at `[0].extra`: unknown field `extra`"),
            "{error}"
        );
        let error = parse(b"{}").unwrap_err();
        assert!(error.to_string().contains("expected a sequence"), "{error}");
        assert!(parse(b"[]").unwrap_err().to_string().contains("no cases"));
        let many = format!(
            "[{}]",
            vec![r#"{"name":"a","input":{},"expect":{}}"#; MAX_CASES + 1].join(",")
        );
        assert!(
            parse(many.as_bytes())
                .unwrap_err()
                .to_string()
                .contains("at most 1000")
        );
    }
}
