//! The error of a typed look-up: a named value is there, but of the wrong kind.

use std::fmt;

use crate::types::Scalar;

/// The kind of value a typed look-up in [`Fields`](crate::Fields) expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A number, or text that parses as one (`"25000"`).
    Number,
    /// Text.
    Text,
    /// A yes/no flag, or the text `true` or `false`.
    Flag,
    /// Text holding a comma-separated list.
    List,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::Number => "a number",
            Expected::Text => "text",
            Expected::Flag => "a flag (true or false)",
            Expected::List => "a comma-separated list",
        })
    }
}

/// A named value that is present but cannot be read as the kind asked for,
/// e.g. config `min-budget` given as the text `"lots"`.
///
/// A missing value is never an error (the `*_or` look-ups fall back to their
/// default, the `try_*` look-ups answer `None`): only a value the org did set,
/// wrongly, is worth refusing the call for, so that the host records why
/// instead of the plug-in silently using its default.
///
/// It displays as `` `min-budget` = Scalar::Text("lots"): expected a number ``
/// (key, the value as found, the kind expected), and converts into the
/// `String` error every slot returns, so `?` works in `qualify`, `next-step`
/// and `route`. Use [`FieldError::within`] to say where the field was looked
/// up (`` config `min-budget` = … ``).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// Where the field was looked up (`config`), if the plug-in said.
    within: Option<&'static str>,
    /// The field's name.
    key: String,
    /// The kind the look-up asked for.
    expected: Expected,
    /// The value as it was found.
    found: Scalar,
}

impl FieldError {
    /// The error for `key`, found as `found` where `expected` was asked for.
    pub fn new(key: impl Into<String>, expected: Expected, found: Scalar) -> Self {
        FieldError {
            within: None,
            key: key.into(),
            expected,
            found,
        }
    }

    /// Says where the field was looked up, e.g. `"config"` or `"custom field"`;
    /// the message then starts with it.
    pub fn within(mut self, place: &'static str) -> Self {
        self.within = Some(place);
        self
    }

    /// The field's name.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The kind the look-up asked for.
    pub fn expected(&self) -> Expected {
        self.expected
    }

    /// The value as it was found.
    pub fn found(&self) -> &Scalar {
        &self.found
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(place) = self.within {
            write!(f, "{place} ")?;
        }
        write!(
            f,
            "`{}` = {:?}: expected {}",
            self.key, self.found, self.expected
        )
    }
}

impl std::error::Error for FieldError {}

impl From<FieldError> for String {
    fn from(error: FieldError) -> String {
        error.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_key_what_was_found_and_what_was_expected() {
        let error = FieldError::new("min-budget", Expected::Number, Scalar::Text("lots".into()));
        assert_eq!(
            error.to_string(),
            "`min-budget` = Scalar::Text(\"lots\"): expected a number"
        );
        assert_eq!(
            String::from(error.within("config")),
            "config `min-budget` = Scalar::Text(\"lots\"): expected a number"
        );
    }
}
