//! Changes to one slot's entry in the text of an `org.toml`, leaving the
//! rest as the admin wrote it: comments, order, inline or standard tables,
//! and numbers' types (`200` stays `200`, not `200.0`).

use toml_edit::{DocumentMut, InlineTable, Item, Table, TableLike, Value};

use crate::model::{Config, Scalar, Slot};

/// The text of `org.toml` with `slot`'s entry naming `component` with
/// `config` (every other key of the entry and of the file kept).
///
/// Errors: the text is not TOML, or `plugins` / its slot entry is not a table.
pub fn set_slot(
    text: &str,
    slot: Slot,
    component: &str,
    config: &Config,
) -> Result<String, String> {
    let mut document: DocumentMut = text.parse().map_err(|error| format!("{error}"))?;
    let plugins = document
        .entry("plugins")
        .or_insert_with(|| {
            let mut table = Table::new();
            table.set_implicit(true);
            Item::Table(table)
        })
        .as_table_like_mut()
        .ok_or("`plugins` is not a table")?;
    let entry = plugins
        .entry(slot.world())
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_like_mut()
        .ok_or_else(|| format!("`plugins.{slot}` is not a table"))?;
    match entry.get_mut("component").and_then(Item::as_value_mut) {
        // The same key, its comment and spacing kept; only the name changes.
        Some(value) => {
            let decor = value.decor().clone();
            *value = Value::from(component);
            *value.decor_mut() = decor;
        }
        None => {
            entry.insert("component", Item::Value(Value::from(component)));
        }
    }
    // Naming the shadow as the component promotes it: it shadows no more.
    if entry.get("shadow").and_then(Item::as_str) == Some(component) {
        entry.remove("shadow");
        entry.remove("shadow_config");
    }
    match entry.get_mut("config") {
        Some(Item::Table(table)) => set_values(table, config),
        Some(Item::Value(Value::InlineTable(inline))) if !config.is_empty() => {
            set_values(inline, config);
        }
        _ if config.is_empty() => {
            entry.remove("config");
        }
        _ => {
            let mut inline = InlineTable::new();
            for (key, value) in config {
                inline.insert(key.as_str(), toml_value(value));
            }
            entry.insert("config", Item::Value(Value::InlineTable(inline)));
        }
    }
    Ok(document.to_string())
}

/// Makes `table` hold exactly `config`: a key whose value already means the
/// same (a list whose items join to the text, `200` for 200) is left as
/// written, with its comment; a changed one keeps its spacing and comment.
fn set_values(table: &mut dyn TableLike, config: &Config) {
    let stale: Vec<String> = table
        .iter()
        .map(|(key, _)| key.to_string())
        .filter(|key| !config.contains_key(key))
        .collect();
    for key in stale {
        table.remove(&key);
    }
    for (key, wanted) in config {
        match table.get_mut(key).and_then(Item::as_value_mut) {
            Some(value) if means(value).as_ref() == Some(wanted) => {}
            Some(value) => {
                let decor = value.decor().clone();
                *value = match (&*value, wanted) {
                    // A list stays a list: its items are what the text
                    // joins (no item holds a comma).
                    (Value::Array(_), Scalar::Text(text))
                        if means(&list_value(text)).as_ref() == Some(wanted) =>
                    {
                        list_value(text)
                    }
                    _ => toml_value(wanted),
                };
                *value.decor_mut() = decor;
            }
            None => {
                table.insert(key, Item::Value(toml_value(wanted)));
            }
        }
    }
}

/// `text` (a list joined by [`LIST_SEPARATOR`]) as a TOML array of its
/// items, numbers as numbers.
///
/// [`LIST_SEPARATOR`]: crate::model::config_values::LIST_SEPARATOR
fn list_value(text: &str) -> Value {
    let mut items = toml_edit::Array::new();
    if !text.is_empty() {
        for item in text.split(crate::model::config_values::LIST_SEPARATOR) {
            match item.parse::<i64>() {
                Ok(number) => items.push(number),
                Err(_) => items.push(item),
            }
        }
    }
    Value::Array(items)
}

/// The config value a TOML value stands for, as `org.toml` is read
/// ([`crate::model::config_values`]); `None` for one it cannot be.
fn means(value: &Value) -> Option<Scalar> {
    match value {
        Value::String(text) => Some(Scalar::Text(text.value().clone())),
        Value::Integer(number) => Some(Scalar::Number(*number.value() as f64)),
        Value::Float(number) => Some(Scalar::Number(*number.value())),
        Value::Boolean(flag) => Some(Scalar::Boolean(*flag.value())),
        Value::Array(items) => {
            let items: Option<Vec<String>> = items
                .iter()
                .map(|item| match item {
                    Value::String(text) => Some(text.value().trim().to_string()),
                    Value::Integer(number) => Some(number.value().to_string()),
                    Value::Float(number) => Some(number.value().to_string()),
                    _ => None,
                })
                .collect();
            Some(Scalar::Text(
                items?.join(crate::model::config_values::LIST_SEPARATOR),
            ))
        }
        _ => None,
    }
}

/// A config value as TOML: a whole number as an integer.
fn toml_value(value: &Scalar) -> Value {
    match value {
        Scalar::Boolean(flag) => Value::from(*flag),
        Scalar::Number(number) if number.fract() == 0.0 && number.abs() < 9.0e15 => {
            Value::from(*number as i64)
        }
        Scalar::Number(number) => Value::from(*number),
        Scalar::Text(text) => Value::from(text.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugins::OrgFile;
    use std::path::Path;

    const FILE: &str = "# the admin's notes\n[plugins.lead-definition]\ncomponent = \"acme-fit.wasm\"   # ours\nconfig = { industries = \"logistics\", min-size = 600, window-days = 30 }\n\n[plugins.routing-policy]\ncomponent = \"round-robin.wasm\"\n\n[plugins.routing-policy.config]\nfallback-queue = \"inside-sales\"\n\n[nurture]\ndefault_track = \"education\"\n";

    #[test]
    fn one_entry_changes_and_everything_else_stays_as_written() {
        let config = Config::from([
            ("min-budget".to_string(), Scalar::Number(20000.0)),
            ("share".to_string(), Scalar::Number(0.25)),
        ]);
        let text = set_slot(FILE, Slot::LeadDefinition, "bant-qualifier.wasm", &config).unwrap();
        assert!(text.starts_with("# the admin's notes\n"), "{text}");
        assert!(
            text.contains("config = { min-budget = 20000, share = 0.25 }"),
            "{text}"
        );
        assert!(
            !text.contains("industries"),
            "acme-fit's config is gone: {text}"
        );
        assert!(
            text.contains("[plugins.routing-policy.config]\nfallback-queue = \"inside-sales\"")
        );
        assert!(text.contains("default_track = \"education\""));
        let file = OrgFile::parse(Path::new("org.toml"), &text).unwrap();
        let entry = file.plugins.get(Slot::LeadDefinition).unwrap();
        assert_eq!(entry.component, "bant-qualifier.wasm");
        assert_eq!(entry.config, config);

        let routing = Config::from([("fallback-queue".to_string(), Scalar::Text("emea".into()))]);
        let text = set_slot(&text, Slot::RoutingPolicy, "weighted.wasm", &routing).unwrap();
        assert!(
            text.contains("[plugins.routing-policy.config]\nfallback-queue = \"emea\""),
            "{text}"
        );
        let text = set_slot(
            &text,
            Slot::NurtureTrack,
            "standard-nurture.wasm",
            &Config::new(),
        )
        .unwrap();
        let file = OrgFile::parse(Path::new("org.toml"), &text).unwrap();
        assert_eq!(
            file.plugins.get(Slot::NurtureTrack).unwrap().component,
            "standard-nurture.wasm"
        );
        assert!(
            set_slot(
                "plugins = 3\n",
                Slot::NurtureTrack,
                "a.wasm",
                &Config::new()
            )
            .is_err()
        );
    }

    #[test]
    fn values_that_mean_the_same_stay_as_written_with_their_comments() {
        let text = "[plugins.lead-definition]\ncomponent = \"acme-fit.wasm\"   # ours, v3\n\n[plugins.lead-definition.config]\nindustries = [\"logistics\", \"retail\"]   # the ICP\nmin-size = 200 # employees\nwindow-days = 30\nold-key = 1\n";
        let file = OrgFile::parse(Path::new("org.toml"), text).unwrap();
        let mut config = file
            .plugins
            .get(Slot::LeadDefinition)
            .unwrap()
            .config
            .clone();
        config.remove("old-key");
        config.insert("min-size".into(), Scalar::Number(600.0));
        let edited = set_slot(text, Slot::LeadDefinition, "acme-fit-2.wasm", &config).unwrap();
        assert!(
            edited.contains("component = \"acme-fit-2.wasm\"   # ours, v3\n"),
            "{edited}"
        );
        assert!(
            edited.contains("industries = [\"logistics\", \"retail\"]   # the ICP\n"),
            "the list is kept as a list: {edited}"
        );
        assert!(edited.contains("min-size = 600 # employees\n"), "{edited}");
        assert!(edited.contains("window-days = 30\n"), "{edited}");
        assert!(!edited.contains("old-key"), "{edited}");
        let again = OrgFile::parse(Path::new("org.toml"), &edited).unwrap();
        assert_eq!(
            again.plugins.get(Slot::LeadDefinition).unwrap().config,
            config
        );
        // A list whose items change stays a list.
        let mut changed = config.clone();
        changed.insert(
            "industries".into(),
            Scalar::Text("logistics, retail, mining".into()),
        );
        let edited = set_slot(text, Slot::LeadDefinition, "acme-fit.wasm", &changed).unwrap();
        assert!(
            edited.contains("industries = [\"logistics\", \"retail\", \"mining\"]   # the ICP\n"),
            "{edited}"
        );
        let again = OrgFile::parse(Path::new("org.toml"), &edited).unwrap();
        assert_eq!(
            again.plugins.get(Slot::LeadDefinition).unwrap().config,
            changed
        );
        // Text that would not read back the same as a list is written as
        // text: what was checked is what serves.
        let mut odd = config.clone();
        odd.insert("industries".into(), Scalar::Text("007, 1e3".into()));
        let edited = set_slot(text, Slot::LeadDefinition, "acme-fit.wasm", &odd).unwrap();
        let again = OrgFile::parse(Path::new("org.toml"), &edited).unwrap();
        assert_eq!(
            again.plugins.get(Slot::LeadDefinition).unwrap().config,
            odd,
            "{edited}"
        );
        // An inline table is edited in place, as an inline table.
        let inline = "[plugins.lead-definition]\ncomponent = \"a.wasm\"\nconfig = { industries = [\"retail\"], min-size = 5 }\n";
        let file = OrgFile::parse(Path::new("org.toml"), inline).unwrap();
        let mut config = file
            .plugins
            .get(Slot::LeadDefinition)
            .unwrap()
            .config
            .clone();
        config.insert("min-size".into(), Scalar::Number(6.0));
        let edited = set_slot(inline, Slot::LeadDefinition, "a.wasm", &config).unwrap();
        assert!(
            edited.contains("config = { industries = [\"retail\"], min-size = 6 }"),
            "{edited}"
        );
    }
}
