//! Changes to one slot's entry in the text of an `org.toml`, leaving the
//! rest as the admin wrote it: comments, order, inline or standard tables,
//! and numbers' types (`200` stays `200`, not `200.0`).

use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

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
    entry.insert("component", Item::Value(Value::from(component)));
    match entry.get_mut("config") {
        Some(Item::Table(table)) => {
            table.clear();
            for (key, value) in config {
                table.insert(key.as_str(), Item::Value(toml_value(value)));
            }
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
}
