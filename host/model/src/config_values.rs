//! Config values as an org writes them (`org.toml`): a string, a number,
//! `true`/`false`, or a list of strings and numbers. The WIT contract's
//! config is a list of scalar fields, so a list reaches a plug-in as one
//! comma-separated text (`industries = ["logistics", "retail"]` is
//! `"logistics, retail"`), the form the SDKs' `list()` helpers read in every
//! language. Anything else is refused naming its key, with an example.
//!
//! Use with `#[serde(deserialize_with = "leadhost_model::config_values::config")]`.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::{Config, Scalar};

/// What joins a list's items into the text a plug-in gets.
pub const LIST_SEPARATOR: &str = ", ";

/// A config table: names to values, lists joined into text.
///
/// Errors: a value that is a table, a date or a nested list; a list item
/// that is a flag, a table or a text containing a comma (it would split in
/// two on the plug-in's side) — each naming the key.
pub fn config<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Config, D::Error> {
    deserializer.deserialize_map(Table)
}

/// Named config tables (`[nurture.tracks.<track>]`), each read as [`config`].
pub fn configs<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, Config>, D::Error> {
    struct Tables;
    impl<'de> Visitor<'de> for Tables {
        type Value = BTreeMap<String, Config>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("tables of config values")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut tables = BTreeMap::new();
            while let Some(name) = map.next_key::<String>()? {
                tables.insert(name, map.next_value_seed(TableSeed)?);
            }
            Ok(tables)
        }
    }
    deserializer.deserialize_map(Tables)
}

struct TableSeed;

impl<'de> DeserializeSeed<'de> for TableSeed {
    type Value = Config;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Config, D::Error> {
        config(deserializer)
    }
}

struct Table;

impl<'de> Visitor<'de> for Table {
    type Value = Config;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table of config values, as in `config = { min-budget = 20000 }`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Config, A::Error> {
        let mut config = Config::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Value { key: &key })?;
            config.insert(key, value);
        }
        Ok(config)
    }
}

/// One value, knowing its key for messages.
struct Value<'k> {
    key: &'k str,
}

impl<'de> DeserializeSeed<'de> for Value<'_> {
    type Value = Scalar;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Scalar, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Value<'_> {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "`{}` to be a string, a number, true/false or a list of strings and numbers, as in `{} = [\"logistics\", \"retail\"]`",
            self.key, self.key
        )
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Scalar, E> {
        Ok(Scalar::Boolean(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Scalar, E> {
        Ok(Scalar::Number(value as f64))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Scalar, E> {
        Ok(Scalar::Number(value as f64))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Scalar, E> {
        Ok(Scalar::Number(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(value.to_string()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Item {
            key: self.key,
            index: items.len(),
        })? {
            items.push(item);
        }
        Ok(Scalar::Text(items.join(LIST_SEPARATOR)))
    }
}

/// One item of a list value.
struct Item<'k> {
    key: &'k str,
    index: usize,
}

impl<'de> DeserializeSeed<'de> for Item<'_> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Item<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "item {} of `{}` to be a string or a number, as in `{} = [\"logistics\", \"retail\"]`",
            self.index + 1,
            self.key,
            self.key
        )
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<String, E> {
        if value.is_finite() {
            Ok(value.to_string())
        } else {
            Err(E::custom(format!(
                "item {} of `{}` must be a finite number, not `{value}`",
                self.index + 1,
                self.key
            )))
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
        if value.contains(',') {
            return Err(E::custom(format!(
                "item {} of `{}` ({value:?}) contains a comma; a list reaches the plug-in as comma-separated text, so write each part as its own item",
                self.index + 1,
                self.key
            )));
        }
        Ok(value.trim().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Entry {
        #[serde(deserialize_with = "config")]
        config: Config,
    }

    fn read(toml_text: &str) -> Result<Config, String> {
        toml::from_str::<Entry>(toml_text)
            .map(|entry| entry.config)
            .map_err(|error| error.to_string())
    }

    #[test]
    fn lists_of_strings_and_numbers_become_comma_separated_text() {
        let config = read(
            r#"config = { industries = ["logistics", " Manufacturing "], sizes = [50, 2.5], min-size = 200, go = true, note = "x" }"#,
        )
        .unwrap();
        assert_eq!(
            config["industries"],
            Scalar::Text("logistics, Manufacturing".into())
        );
        assert_eq!(config["sizes"], Scalar::Text("50, 2.5".into()));
        assert_eq!(config["min-size"], Scalar::Number(200.0));
        assert_eq!(config["go"], Scalar::Boolean(true));
        assert_eq!(config["note"], Scalar::Text("x".into()));
        assert_eq!(
            read("config = { none = [] }").unwrap()["none"],
            Scalar::Text(String::new())
        );
    }

    #[test]
    fn a_value_of_another_shape_is_refused_naming_its_key_with_an_example() {
        for (text, expected) in [
            (
                "config = { industries = { a = 1 } }",
                "expected `industries` to be a string, a number, true/false or a list of strings and numbers, as in `industries = [\"logistics\", \"retail\"]`",
            ),
            (
                "config = { industries = [\"a\", true] }",
                "expected item 2 of `industries` to be a string or a number",
            ),
            (
                "config = { industries = [[\"a\"]] }",
                "expected item 1 of `industries` to be a string or a number",
            ),
            (
                "config = { industries = [\"a,b\"] }",
                "item 1 of `industries` (\"a,b\") contains a comma",
            ),
            (
                "config = { when = 2026-01-01 }",
                "expected `when` to be a string",
            ),
        ] {
            let error = read(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
