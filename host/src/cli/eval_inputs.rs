//! The inputs of `leadhost eval`: `--input` names a JSON file (one input),
//! an NDJSON file (`.ndjson`: one input a line) or a folder (its `*.json`
//! and `*.ndjson` files, in file-name order; other files and subfolders
//! are skipped). Each input is named for the output: the file as given,
//! and for NDJSON its 1-based line (`leads.ndjson:3`). Blank NDJSON lines
//! are skipped but counted, so the numbers are the file's own.

use std::path::{Path, PathBuf};

use super::eval::EvalError;

/// One input: its name and its text, or why it could not be read.
#[derive(Debug)]
pub(super) struct Input {
    /// `file` or `file:line`, as the output names it.
    pub(super) name: String,
    /// The JSON text, or why there is none.
    pub(super) text: Result<String, String>,
}

/// Reads every input `path` holds. Fails only when `path` itself is
/// unusable (missing, an unreadable folder, a folder without inputs); an
/// unreadable file inside a folder is an input whose `text` is the error.
pub(super) fn read_inputs(path: &Path) -> Result<Vec<Input>, EvalError> {
    let metadata = std::fs::metadata(path).map_err(|source| EvalError::ReadInput {
        path: path.to_path_buf(),
        source,
    })?;
    if !metadata.is_dir() {
        return Ok(read_file(path));
    }
    let listing = std::fs::read_dir(path).map_err(|source| EvalError::ReadInput {
        path: path.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in listing {
        let entry = entry.map_err(|source| EvalError::ReadInput {
            path: path.to_path_buf(),
            source,
        })?;
        let file = entry.path();
        if kind(&file).is_some() && file.is_file() {
            files.push(file);
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    if files.is_empty() {
        return Err(EvalError::NoInputs(path.to_path_buf()));
    }
    Ok(files.iter().flat_map(|file| read_file(file)).collect())
}

/// What a file holds, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One JSON input.
    Json,
    /// One JSON input a line.
    Ndjson,
}

fn kind(path: &Path) -> Option<Kind> {
    match path.extension()?.to_str()? {
        "json" => Some(Kind::Json),
        "ndjson" => Some(Kind::Ndjson),
        _ => None,
    }
}

/// The inputs of one file: NDJSON by line, anything else as one input.
fn read_file(path: &Path) -> Vec<Input> {
    let name = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            return vec![Input {
                text: Err(format!("cannot read {name}: {error}")),
                name,
            }];
        }
    };
    if kind(path) != Some(Kind::Ndjson) {
        return vec![Input {
            name,
            text: Ok(text),
        }];
    }
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| Input {
            name: format!("{name}:{}", index + 1),
            text: Ok(line.to_string()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_read_in_file_name_order_and_ndjson_by_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.ndjson"), "{\"n\": 1}\n\n{\"n\": 3}\n").unwrap();
        std::fs::write(dir.path().join("a.json"), "{\"n\": 0}").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not an input").unwrap();
        std::fs::create_dir(dir.path().join("c.json")).unwrap();
        let inputs = read_inputs(dir.path()).unwrap();
        let names: Vec<String> = inputs
            .iter()
            .map(|input| {
                let path = Path::new(&input.name);
                path.file_name().unwrap().to_string_lossy().into_owned()
            })
            .collect();
        assert_eq!(names, ["a.json", "b.ndjson:1", "b.ndjson:3"]);
        assert_eq!(inputs[2].text.as_deref(), Ok("{\"n\": 3}"));

        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_inputs(empty.path()),
            Err(EvalError::NoInputs(_))
        ));
        assert!(matches!(
            read_inputs(&empty.path().join("missing.json")),
            Err(EvalError::ReadInput { .. })
        ));
    }
}
