//! Config entries fixed to a loaded plug-in (see
//! [`Plugin::with_fixed_config`](crate::Plugin::with_fixed_config)): every
//! call sees them over the config its caller passed, merged while the
//! input is converted for the guest, so no call copies its input for them.

use std::collections::btree_map;
use std::iter::Peekable;

use leadhost_model::{Config, Scalar};

/// The entries of a call's config with a plug-in's fixed entries laid over
/// them, in name order (the order of [`Config`] itself): where both have
/// a name, the fixed entry's value wins.
pub(crate) struct Overlay<'a> {
    /// The caller's entries.
    given: Peekable<btree_map::Iter<'a, String, Scalar>>,
    /// The plug-in's fixed entries.
    fixed: Peekable<btree_map::Iter<'a, String, Scalar>>,
}

/// `fixed` laid over `given`.
pub(crate) fn overlay<'a>(given: &'a Config, fixed: &'a Config) -> Overlay<'a> {
    Overlay {
        given: given.iter().peekable(),
        fixed: fixed.iter().peekable(),
    }
}

impl<'a> Iterator for Overlay<'a> {
    type Item = (&'a String, &'a Scalar);

    fn next(&mut self) -> Option<Self::Item> {
        use std::cmp::Ordering;
        let order = match (self.given.peek(), self.fixed.peek()) {
            (Some((given, _)), Some((fixed, _))) => given.cmp(fixed),
            (Some(_), None) => Ordering::Less,
            (None, _) => Ordering::Greater,
        };
        match order {
            Ordering::Less => self.given.next(),
            Ordering::Greater => self.fixed.next(),
            Ordering::Equal => {
                self.given.next();
                self.fixed.next()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(entries: &[(&str, Scalar)]) -> Config {
        entries
            .iter()
            .map(|(name, value)| (name.to_string(), value.clone()))
            .collect()
    }

    #[test]
    fn fixed_entries_replace_the_callers_and_keep_name_order() {
        let given = config(&[
            ("a", Scalar::Number(1.0)),
            ("script", Scalar::Text("forged".into())),
            ("z", Scalar::Boolean(true)),
        ]);
        let fixed = config(&[
            ("m", Scalar::Text("fixed".into())),
            ("script", Scalar::Text("fn qualify(input) { () }".into())),
        ]);
        let merged: Vec<(String, Scalar)> = overlay(&given, &fixed)
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        let mut expected = given.clone();
        expected.extend(fixed.clone());
        assert_eq!(merged, expected.into_iter().collect::<Vec<_>>());
        assert_eq!(merged[2].1, Scalar::Text("fn qualify(input) { () }".into()));
    }

    #[test]
    fn either_side_may_be_empty() {
        let some = config(&[("a", Scalar::Number(1.0)), ("b", Scalar::Number(2.0))]);
        let none = Config::new();
        assert_eq!(overlay(&some, &none).count(), 2);
        assert_eq!(overlay(&none, &some).count(), 2);
        assert_eq!(overlay(&none, &none).count(), 0);
    }
}
