//! The docs say what the code does: every route the README names exists
//! (method and path, in the OpenAPI document the server is built from) and
//! every route the server has is in the README; every `leadhost` command
//! line in the README and the guides names real subcommands and flags, and
//! every subcommand is documented.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use leadhost::cli::Cli;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap()
}

/// The docs that name commands: the README and the guides.
fn docs() -> Vec<(String, String)> {
    let mut docs = vec![("README.md".to_string(), read("README.md"))];
    for entry in std::fs::read_dir(repo().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "md") {
            let text = std::fs::read_to_string(&path).unwrap();
            docs.push((path.display().to_string(), text));
        }
    }
    docs
}

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// `(METHOD, /path/{param})` of every operation in the OpenAPI document.
fn served() -> BTreeSet<(String, String)> {
    let document: serde_json::Value = serde_json::from_str(&read("host/openapi.json")).unwrap();
    let mut routes = BTreeSet::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            routes.insert((method.to_uppercase(), path.clone()));
        }
    }
    // The document itself is served beside the routes it describes.
    routes.insert(("GET".into(), "/openapi.json".into()));
    routes
}

/// `(METHOD, path)` named in `text`: `GET /v1/...` anywhere, and in a table
/// cell `` `GET`, `POST /v1/orgs/{org}/reps`, `PATCH …/reps/{id}` `` (a
/// method alone takes the next path; `…` is `/v1/orgs/{org}`).
fn named(text: &str) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for line in text.lines() {
        let mut waiting: Vec<&str> = Vec::new();
        for span in line.split('`').skip(1).step_by(2) {
            let mut words = span.split_whitespace();
            let (Some(first), rest) = (words.next(), words.next()) else {
                continue;
            };
            let methods: Vec<&str> = first.split('/').collect();
            if !methods.iter().all(|method| METHODS.contains(method)) {
                continue;
            }
            waiting.extend(methods);
            let Some(path) = rest else {
                continue;
            };
            let path = path
                .split('?')
                .next()
                .unwrap()
                .replace('…', "/v1/orgs/{org}");
            if !path.starts_with('/') {
                waiting.clear();
                continue;
            }
            for method in waiting.drain(..) {
                routes.insert((method.to_string(), path.clone()));
            }
        }
    }
    routes
}

/// Whether a documented path (with concrete ids or `{names}`) is `template`.
fn matches(path: &str, template: &str) -> bool {
    let (path, template): (Vec<&str>, Vec<&str>) =
        (path.split('/').collect(), template.split('/').collect());
    path.len() == template.len()
        && path.iter().zip(&template).all(|(segment, pattern)| {
            segment == pattern || (pattern.starts_with('{') && !segment.is_empty())
        })
}

#[test]
fn every_route_the_readme_names_is_served_and_every_served_route_is_in_the_readme() {
    let served = served();
    let readme = read("README.md");
    let mut named_anywhere = BTreeSet::new();
    for (doc, text) in docs() {
        for (method, path) in named(&text) {
            assert!(
                served
                    .iter()
                    .any(|(served_method, template)| *served_method == method
                        && matches(&path, template)),
                "{doc} names `{method} {path}`, which the server does not have"
            );
            named_anywhere.insert((method, path));
        }
    }
    let in_readme = named(&readme);
    let missing: Vec<String> = served
        .iter()
        .filter(|(method, template)| {
            !in_readme
                .iter()
                .any(|(named_method, path)| named_method == method && matches(path, template))
        })
        .map(|(method, template)| format!("{method} {template}"))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from the README: {missing:#?}"
    );
    assert!(named_anywhere.len() >= served.len());
}

/// Command lines in `text`: the lines of ```sh blocks (joined over `\`),
/// and inline code starting with `leadhost `.
fn command_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_shell = false;
    let mut pending = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(language) = trimmed.strip_prefix("```") {
            in_shell = !in_shell && matches!(language, "sh" | "bash" | "console" | "shell");
            continue;
        }
        if in_shell {
            let line = trimmed.trim_start_matches("$ ");
            match line.strip_suffix('\\') {
                Some(start) => pending.push_str(start),
                None => lines.push(std::mem::take(&mut pending) + line),
            }
        }
        for span in line.split('`').skip(1).step_by(2) {
            if span.starts_with("leadhost ") {
                lines.push(span.to_string());
            }
        }
    }
    lines
}

/// The subcommand path and flags of a `leadhost` invocation in `line`.
fn invocation(line: &str) -> Option<Vec<String>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let start = words.iter().position(|word| {
        *word == "leadhost" || word.ends_with("/leadhost") || word.ends_with("scripts/run.sh")
    })?;
    Some(
        words[start + 1..]
            .iter()
            .take_while(|word| !matches!(**word, "|" | "&&" | ";" | ">" | "2>&1" | "#"))
            .map(|word| {
                word.trim_matches(|c| matches!(c, '[' | ']' | '(' | ')' | '.'))
                    .to_string()
            })
            .collect(),
    )
}

#[test]
fn every_documented_command_line_names_real_subcommands_and_flags() {
    let root = Cli::command();
    let mut documented = BTreeSet::new();
    let mut checked = 0;
    for (doc, text) in docs() {
        for line in command_lines(&text) {
            let Some(words) = invocation(&line) else {
                continue;
            };
            let mut command = &root;
            let mut path = vec!["leadhost".to_string()];
            for word in &words {
                if word.starts_with('-') {
                    let flag = word.trim_start_matches('-').split('=').next().unwrap();
                    if flag.is_empty() || flag == "help" || flag == "version" {
                        continue;
                    }
                    assert!(
                        command
                            .get_arguments()
                            .any(|arg| arg.get_long() == Some(flag)),
                        "{doc}: `{line}`: `{}` has no flag --{flag}",
                        path.join(" ")
                    );
                } else if let Some(sub) = command.find_subcommand(word.as_str()) {
                    command = sub;
                    path.push(word.clone());
                    documented.insert(path.join(" "));
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} command lines found");
    let mut undocumented = Vec::new();
    let mut stack = vec![(root.clone(), "leadhost".to_string())];
    while let Some((command, path)) = stack.pop() {
        for sub in command.get_subcommands() {
            let sub_path = format!("{path} {}", sub.get_name());
            if sub.is_hide_set() || sub.get_name() == "help" {
                continue;
            }
            if !documented.contains(&sub_path) {
                undocumented.push(sub_path.clone());
            }
            stack.push((sub.clone(), sub_path));
        }
    }
    assert!(
        undocumented.is_empty(),
        "commands no doc shows: {undocumented:?}"
    );
}
