//! What two records are compared by: an e-mail address's parts, a name
//! folded to ASCII words, a phone's last digits.

/// An e-mail address, lower-cased, split at its last `@`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// The local part, without a `+tag`.
    pub local: String,
    /// The domain.
    pub domain: String,
}

impl Address {
    /// `email` split, or `None` when it has no `@` with text either side.
    pub fn of(email: &str) -> Option<Address> {
        let email = email.trim().to_lowercase();
        let (local, domain) = email.rsplit_once('@')?;
        let local = local.split('+').next().unwrap_or(local);
        (!local.is_empty() && !domain.is_empty()).then(|| Address {
            local: local.to_string(),
            domain: domain.to_string(),
        })
    }

    /// The local part's words: split at `.`, `-` and `_`.
    fn words(&self) -> Vec<&str> {
        self.local
            .split(['.', '-', '_'])
            .filter(|word| !word.is_empty())
            .collect()
    }

    /// The local part without its separators (`jonas.weber` → `jonasweber`).
    pub fn bare(&self) -> String {
        self.words().concat()
    }

    /// Whether one local part gives the other's first name as its initial
    /// and both end in the same surname of 2 letters or more
    /// (`j.weber` and `jonas.weber`; not `jweber`, which has no
    /// separator to tell the initial by).
    pub fn variant_of(&self, other: &Address) -> bool {
        let (ours, theirs) = (self.words(), other.words());
        let (Some((our_last, our_first)), Some((their_last, their_first))) =
            (ours.split_last(), theirs.split_last())
        else {
            return false;
        };
        if our_last != their_last
            || our_last.len() < 2
            || our_first.len() != 1
            || their_first.len() != 1
        {
            return false;
        }
        let (a, b) = (our_first[0], their_first[0]);
        a != b && (a.len() == 1 && b.starts_with(a) || b.len() == 1 && a.starts_with(b))
    }
}

/// A name folded for comparison: ASCII (`Jürgen` → `jurgen`), lower-case
/// words in order, one space apart; `None` for fewer than two words (a
/// first name alone matches too many people).
pub fn name_key(name: &str) -> Option<String> {
    let ascii = deunicode::deunicode(name).to_lowercase();
    let words: Vec<&str> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    (words.len() >= 2).then(|| words.join(" "))
}

/// A phone number's last 8 digits, which survive the ways one number is
/// written (`+49 30 1234 5678`, `030/12345678`); `None` for fewer.
pub fn phone_key(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 8).then(|| digits[digits.len() - 8..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(email: &str) -> Address {
        Address::of(email).unwrap()
    }

    #[test]
    fn an_address_loses_its_tag_and_its_separators() {
        assert_eq!(at("Jonas.Weber+events@ACME.example").bare(), "jonasweber");
        assert_eq!(at("jonas.weber+x@acme.example").domain, "acme.example");
        assert_eq!(Address::of("no-at-sign"), None);
        assert_eq!(Address::of("@acme.example"), None);
    }

    #[test]
    fn an_initial_for_the_first_name_is_a_variant_and_little_else_is() {
        assert!(at("j.weber@a.example").variant_of(&at("jonas.weber@a.example")));
        assert!(at("jonas.weber@a.example").variant_of(&at("j.weber@a.example")));
        assert!(!at("j.weber@a.example").variant_of(&at("k.weber@a.example")));
        assert!(
            at("j.weber@a.example").variant_of(&at("julia.weber@a.example")),
            "an initial fits every name it starts"
        );
        assert!(!at("jonas.weber@a.example").variant_of(&at("julia.weber@a.example")));
        assert!(!at("jweber@a.example").variant_of(&at("jonas.weber@a.example")));
        assert!(
            !at("j.w@a.example").variant_of(&at("jonas.w@a.example")),
            "a one-letter surname"
        );
    }

    #[test]
    fn names_and_phones_fold_to_what_they_are_compared_by() {
        assert_eq!(name_key(" Jürgen  Weber "), Some("jurgen weber".into()));
        assert_eq!(name_key("Jonas"), None);
        assert_eq!(phone_key("+49 30 1234-5678"), phone_key("030/12345678"));
        assert_eq!(phone_key("555-1234"), None);
    }
}
