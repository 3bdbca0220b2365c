//! Reading named values: a plug-in's config and a lead's custom fields.
//!
//! Python and JavaScript plug-ins get the same helpers, under the same names,
//! from `sdk/python` and `sdk/js`; `tests/helper-cases.json` is the one table
//! of cases all three must pass, so a rule ported between languages reads
//! and refuses config alike. A change of behaviour here is a new row there.

use crate::field_error::{Expected, FieldError};
use crate::types::{Field, Lead, Scalar};

/// Typed look-ups in a list of [`Field`]s (config entries or custom fields).
///
/// Numbers given as text (`"25000"`) and flags given as text (`"true"`) are
/// accepted, since org config files and CSV imports often quote them.
///
/// Three families, by what a caller needs to tell apart:
/// - `number`, `text`, `flag`, `list`: the value if it is there and of the
///   right kind, else `None` (or an empty list); missing and wrong kind look
///   the same.
/// - `number_or`, `text_or`, `flag_or`, `list_or`: the default when the key
///   is missing, a [`FieldError`] naming the key when it is present but of
///   the wrong kind. What a plug-in usually wants for its config:
///   `let min = input.config.number_or("min-budget", 10_000.0)?;`
/// - `try_number`, `try_text`, `try_flag`, `try_list`: `Ok(None)` when
///   missing, so a caller can fall back through several keys.
pub trait Fields {
    /// The value named `name`, if present.
    fn value(&self, name: &str) -> Option<&Scalar>;

    /// The number named `name`, if present and numeric.
    fn number(&self, name: &str) -> Option<f64> {
        self.try_number(name).ok().flatten()
    }

    /// The text named `name`, if present and textual.
    fn text(&self, name: &str) -> Option<&str> {
        self.try_text(name).ok().flatten()
    }

    /// The flag named `name`, if present and a yes/no value.
    fn flag(&self, name: &str) -> Option<bool> {
        self.try_flag(name).ok().flatten()
    }

    /// The comma-separated list named `name`, trimmed and lower-cased; empty if absent.
    fn list(&self, name: &str) -> Vec<String> {
        self.try_list(name).ok().flatten().unwrap_or_default()
    }

    /// The number named `key`: `Ok(None)` if missing; an error naming the
    /// key if it is a flag or text that does not parse as a number. Text is
    /// trimmed and parsed as Rust parses an `f64` (`inf` and `NaN` included:
    /// check the range yourself).
    fn try_number(&self, key: &str) -> Result<Option<f64>, FieldError> {
        match self.value(key) {
            None => Ok(None),
            Some(Scalar::Number(number)) => Ok(Some(*number)),
            Some(found @ Scalar::Text(text)) => text
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| FieldError::new(key, Expected::Number, found.clone())),
            Some(found) => Err(FieldError::new(key, Expected::Number, found.clone())),
        }
    }

    /// The text named `key`, as given (not trimmed): `Ok(None)` if missing;
    /// an error naming the key if it is a number or a flag.
    fn try_text(&self, key: &str) -> Result<Option<&str>, FieldError> {
        match self.value(key) {
            None => Ok(None),
            Some(Scalar::Text(text)) => Ok(Some(text)),
            Some(found) => Err(FieldError::new(key, Expected::Text, found.clone())),
        }
    }

    /// The flag named `key`: `Ok(None)` if missing; an error naming the key
    /// if it is a number or text other than `true`/`false` (trimmed, lower case).
    fn try_flag(&self, key: &str) -> Result<Option<bool>, FieldError> {
        match self.value(key) {
            None => Ok(None),
            Some(Scalar::Boolean(flag)) => Ok(Some(*flag)),
            Some(found @ Scalar::Text(text)) => text
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| FieldError::new(key, Expected::Flag, found.clone())),
            Some(found) => Err(FieldError::new(key, Expected::Flag, found.clone())),
        }
    }

    /// The comma-separated list named `key`, each item trimmed and
    /// lower-cased, empty items dropped: `Ok(None)` if missing (an empty text
    /// is `Some` of an empty list); an error naming the key if it is a
    /// number or a flag.
    fn try_list(&self, key: &str) -> Result<Option<Vec<String>>, FieldError> {
        match self.value(key) {
            None => Ok(None),
            Some(Scalar::Text(text)) => Ok(Some(
                text.split(',')
                    .map(|item| item.trim().to_lowercase())
                    .filter(|item| !item.is_empty())
                    .collect(),
            )),
            Some(found) => Err(FieldError::new(key, Expected::List, found.clone())),
        }
    }

    /// The number named `key`, `default` if missing; see [`Fields::try_number`].
    fn number_or(&self, key: &str, default: f64) -> Result<f64, FieldError> {
        Ok(self.try_number(key)?.unwrap_or(default))
    }

    /// The text named `key`, `default` if missing; see [`Fields::try_text`].
    fn text_or<'a>(&'a self, key: &str, default: &'a str) -> Result<&'a str, FieldError> {
        Ok(self.try_text(key)?.unwrap_or(default))
    }

    /// The flag named `key`, `default` if missing; see [`Fields::try_flag`].
    fn flag_or(&self, key: &str, default: bool) -> Result<bool, FieldError> {
        Ok(self.try_flag(key)?.unwrap_or(default))
    }

    /// The list named `key`, `default` (as given) if missing; see [`Fields::try_list`].
    fn list_or(&self, key: &str, default: &[&str]) -> Result<Vec<String>, FieldError> {
        Ok(self
            .try_list(key)?
            .unwrap_or_else(|| default.iter().map(|item| item.to_string()).collect()))
    }
}

impl Fields for [Field] {
    fn value(&self, name: &str) -> Option<&Scalar> {
        self.iter()
            .find(|field| field.name == name)
            .map(|field| &field.value)
    }
}

impl Fields for Vec<Field> {
    fn value(&self, name: &str) -> Option<&Scalar> {
        Fields::value(self.as_slice(), name)
    }
}

impl Lead {
    /// The custom field named `name`, if the lead has one.
    pub fn custom_field(&self, name: &str) -> Option<&Scalar> {
        self.custom.value(name)
    }

    /// The part of the e-mail address after `@`, lower-cased.
    pub fn email_domain(&self) -> Option<String> {
        self.email
            .rsplit_once('@')
            .map(|(_, domain)| domain.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Vec<Field> {
        vec![
            Field::text("min-budget", " 25000 "),
            Field::number("days", 30.0),
            Field::text("strict", "true"),
            Field::flag("loops", false),
            Field::text("domains", "Gmail.com, ,yahoo.com"),
            Field::text("empty", ""),
            Field::text("lots", "lots"),
        ]
    }

    #[test]
    fn numbers_and_flags_accept_quoted_text() {
        let config = config();
        assert_eq!(config.number("min-budget"), Some(25_000.0));
        assert_eq!(config.number("days"), Some(30.0));
        assert_eq!(config.flag("strict"), Some(true));
        assert_eq!(config.number("strict"), None);
        assert_eq!(config.list("domains"), vec!["gmail.com", "yahoo.com"]);
        assert_eq!(config.list("missing"), Vec::<String>::new());
    }

    #[test]
    fn a_missing_key_gives_the_default() {
        let config = config();
        assert_eq!(config.number_or("missing", 7.0), Ok(7.0));
        assert_eq!(config.text_or("missing", "email"), Ok("email"));
        assert_eq!(config.flag_or("missing", true), Ok(true));
        assert_eq!(
            config.list_or("missing", &[".edu"]),
            Ok(vec![".edu".to_string()])
        );
        assert_eq!(config.try_number("missing"), Ok(None));
    }

    #[test]
    fn a_present_value_of_the_right_kind_wins_over_the_default() {
        let config = config();
        assert_eq!(config.number_or("days", 7.0), Ok(30.0));
        assert_eq!(config.number_or("min-budget", 7.0), Ok(25_000.0));
        assert_eq!(config.text_or("lots", "email"), Ok("lots"));
        assert_eq!(config.flag_or("loops", true), Ok(false));
        assert_eq!(config.flag_or("strict", false), Ok(true));
        assert_eq!(
            config.list_or("domains", &[]),
            Ok(vec!["gmail.com".to_string(), "yahoo.com".to_string()])
        );
        // Set but empty is an empty list, not the default.
        assert_eq!(config.list_or("empty", &[".edu"]), Ok(Vec::new()));
    }

    #[test]
    fn a_present_value_of_the_wrong_kind_is_an_error_naming_the_key() {
        let config = config();
        let cases = [
            (
                config.number_or("lots", 7.0).unwrap_err(),
                "`lots` = Scalar::Text(\"lots\"): expected a number",
            ),
            (
                config.number_or("loops", 7.0).unwrap_err(),
                "`loops` = Scalar::Boolean(false): expected a number",
            ),
            (
                config.text_or("days", "x").unwrap_err(),
                "`days` = Scalar::Number(30.0): expected text",
            ),
            (
                config.flag_or("lots", true).unwrap_err(),
                "`lots` = Scalar::Text(\"lots\"): expected a flag (true or false)",
            ),
            (
                config.flag_or("days", true).unwrap_err(),
                "`days` = Scalar::Number(30.0): expected a flag (true or false)",
            ),
            (
                config.list_or("loops", &[]).unwrap_err(),
                "`loops` = Scalar::Boolean(false): expected a comma-separated list",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message);
        }
        let error = config.try_number("lots").unwrap_err();
        assert_eq!((error.key(), error.expected()), ("lots", Expected::Number));
        assert_eq!(error.found(), &Scalar::Text("lots".into()));
    }

    #[test]
    fn a_field_error_becomes_the_slots_string_error_with_question_mark() {
        fn read(config: &[Field]) -> Result<f64, String> {
            Ok(config.number_or("lots", 1.0)?)
        }
        assert_eq!(
            read(&config()),
            Err("`lots` = Scalar::Text(\"lots\"): expected a number".to_string())
        );
    }

    #[test]
    fn custom_fields_read_the_same_way() {
        let lead = crate::LeadBuilder::new("ada@example.com")
            .custom(Field::number("employees", 40.0))
            .build();
        assert_eq!(lead.custom.number_or("employees", 0.0), Ok(40.0));
        assert_eq!(lead.custom.number_or("revenue", 0.0), Ok(0.0));
        assert!(lead.custom.text_or("employees", "").is_err());
    }
}
