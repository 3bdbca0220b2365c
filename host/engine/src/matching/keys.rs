//! Blocking keys: what a new lead's duplicate candidates are found by. A
//! rule compares a handful of leads; the keys decide which handful, from an
//! index the store keeps, so no rule and no lead scans an org.

use crate::model::Lead;
use crate::validate::{account_domain, is_free_mail};

/// Local parts that name a role, not a person: many people write from
/// them, so they say nothing about who a lead is.
const ROLE_ADDRESSES: [&str; 12] = [
    "info",
    "sales",
    "contact",
    "office",
    "hello",
    "admin",
    "support",
    "team",
    "marketing",
    "mail",
    "noreply",
    "enquiries",
];

/// The blocking keys of `lead`, each `kind:value`, at most four:
///
/// - `email-local:jonasweber`: the e-mail's local part, lower-case,
///   without its `+tag` and its `.`, `-` and `_` (one person at two
///   providers); not for role addresses (`info@`) nor under 3 letters;
/// - `email-domain:acme.example`: the e-mail's domain, unless a free-mail
///   provider's (everyone at `gmail.com` is not one account): colleagues
///   and address variants at one company;
/// - `name-domain:jonas weber@acme.example`: the name folded to ASCII
///   words (two at least) at the lead's account domain: the same person
///   with another address there;
/// - `phone:12345678`: the phone's last 8 digits, which survive the ways
///   one number is written (`+49 30 1234 5678`, `030/12345678`).
pub fn blocking_keys(lead: &Lead) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some((local, domain)) = lead.email.rsplit_once('@') {
        let local = local.split('+').next().unwrap_or(local);
        let bare: String = local
            .chars()
            .filter(|c| !matches!(c, '.' | '-' | '_'))
            .flat_map(char::to_lowercase)
            .collect();
        if bare.chars().count() >= 3 && !ROLE_ADDRESSES.contains(&bare.as_str()) {
            keys.push(format!("email-local:{bare}"));
        }
        let domain = domain.to_lowercase();
        if !domain.is_empty() && !is_free_mail(&domain) {
            keys.push(format!("email-domain:{domain}"));
        }
    }
    if let (Some(name), Some(domain)) = (lead.name.as_deref(), account_domain(lead))
        && let Some(name) = folded_name(name)
    {
        keys.push(format!("name-domain:{name}@{domain}"));
    }
    if let Some(phone) = lead.phone.as_deref() {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 8 {
            keys.push(format!("phone:{}", &digits[digits.len() - 8..]));
        }
    }
    keys
}

/// A name as ASCII lower-case words one space apart (`Jürgen  Weber` →
/// `jurgen weber`); `None` for fewer than two words, which match too many
/// people.
fn folded_name(name: &str) -> Option<String> {
    let ascii = deunicode::deunicode(name).to_lowercase();
    let words: Vec<&str> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    (words.len() >= 2).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(json: serde_json::Value) -> Lead {
        let mut json = json;
        json["created_at"] = "2026-12-01T09:00:00Z".into();
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_lead_is_found_by_its_address_account_name_and_phone() {
        let jonas = lead(serde_json::json!({
            "email": "jonas.weber+events@acme.example", "name": "Jürgen  Weber",
            "domain": "acme.example", "phone": "+49 30 1234 5678"
        }));
        assert_eq!(
            blocking_keys(&jonas),
            [
                "email-local:jonasweber",
                "email-domain:acme.example",
                "name-domain:jurgen weber@acme.example",
                "phone:12345678"
            ]
        );
    }

    #[test]
    fn role_addresses_free_mail_single_names_and_short_numbers_find_nobody() {
        let keys = blocking_keys(&lead(serde_json::json!({
            "email": "info@gmail.com", "name": "Cher", "domain": "gmail.com", "phone": "555-1234"
        })));
        assert!(keys.is_empty(), "{keys:?}");
        let keys = blocking_keys(&lead(serde_json::json!({"email": "j.w@gmail.com"})));
        assert!(keys.is_empty(), "too short a local part: {keys:?}");
    }
}
