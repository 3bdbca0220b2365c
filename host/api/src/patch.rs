//! The two kinds of field a PATCH body has besides the plain ones: one
//! that `null` clears ([`present`]) and one that cannot be removed, where
//! `null` is refused rather than read as "left out" ([`not_null`]).

use serde::Deserialize;
use serde::de::Error as _;

/// A field that is given, even as `null` (`Some(None)`), apart from one
/// left out (`None`, by `#[serde(default)]`): for PATCH bodies, where
/// `null` clears a field and a field left out stays.
pub(super) fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A field that may be left out (`None`, by `#[serde(default)]`) but not
/// sent as `null`: a field every record has (a campaign's `name`, a rep's
/// `capacity`) cannot be cleared, and taking `null` as "left out" would
/// answer 200 for a change that was not made. The error becomes a 422
/// naming the field.
pub(super) fn not_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)?
        .map(Some)
        .ok_or_else(|| {
            D::Error::custom("cannot be null: every record has this field; leave it out to keep it")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Change {
        #[serde(default, deserialize_with = "present")]
        note: Option<Option<String>>,
        #[serde(default, deserialize_with = "not_null")]
        name: Option<String>,
    }

    fn change(json: &str) -> Result<Change, String> {
        crate::extract::parse_json::<Change>(json.as_bytes()).map_err(|error| format!("{error:?}"))
    }

    #[test]
    fn null_clears_a_present_field_and_is_refused_for_a_field_that_cannot_be_removed() {
        let left_out = change("{}").unwrap();
        assert_eq!((left_out.note, left_out.name), (None, None));
        let cleared = change(r#"{"note": null, "name": "Ada"}"#).unwrap();
        assert_eq!(
            (cleared.note, cleared.name),
            (Some(None), Some("Ada".into()))
        );
        let refused = change(r#"{"name": null}"#).unwrap_err();
        assert!(
            refused.contains("name") && refused.contains("cannot be null"),
            "{refused}"
        );
    }
}
