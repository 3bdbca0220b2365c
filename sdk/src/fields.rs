//! Reading named values: a plug-in's config and a lead's custom fields.

use crate::types::{Field, Lead, Scalar};

/// Typed look-ups in a list of [`Field`]s (config entries or custom fields).
///
/// Numbers given as text (`"25000"`) and flags given as text (`"true"`) are
/// accepted, since org config files and CSV imports often quote them.
pub trait Fields {
    /// The value named `name`, if present.
    fn value(&self, name: &str) -> Option<&Scalar>;

    /// The number named `name`, if present and numeric.
    fn number(&self, name: &str) -> Option<f64> {
        match self.value(name)? {
            Scalar::Number(n) => Some(*n),
            Scalar::Text(text) => text.trim().parse().ok(),
            Scalar::Boolean(_) => None,
        }
    }

    /// The text named `name`, if present and textual.
    fn text(&self, name: &str) -> Option<&str> {
        match self.value(name)? {
            Scalar::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The flag named `name`, if present and a yes/no value.
    fn flag(&self, name: &str) -> Option<bool> {
        match self.value(name)? {
            Scalar::Boolean(flag) => Some(*flag),
            Scalar::Text(text) => text.trim().parse().ok(),
            Scalar::Number(_) => None,
        }
    }

    /// The comma-separated list named `name`, trimmed and lower-cased; empty if absent.
    fn list(&self, name: &str) -> Vec<String> {
        self.text(name)
            .map(|text| {
                text.split(',')
                    .map(|item| item.trim().to_lowercase())
                    .filter(|item| !item.is_empty())
                    .collect()
            })
            .unwrap_or_default()
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

    #[test]
    fn numbers_and_flags_accept_quoted_text() {
        let config = vec![
            Field::text("min-budget", " 25000 "),
            Field::number("days", 30.0),
            Field::text("strict", "true"),
            Field::text("domains", "Gmail.com, ,yahoo.com"),
        ];
        assert_eq!(config.number("min-budget"), Some(25_000.0));
        assert_eq!(config.number("days"), Some(30.0));
        assert_eq!(config.flag("strict"), Some(true));
        assert_eq!(config.number("strict"), None);
        assert_eq!(config.list("domains"), vec!["gmail.com", "yahoo.com"]);
        assert_eq!(config.list("missing"), Vec::<String>::new());
    }
}
