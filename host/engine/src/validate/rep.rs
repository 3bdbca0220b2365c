//! A rep as an admin gives it (the API or `org.toml` `[[reps]]`), checked
//! and normalized before the engine keeps it. Every problem is reported at
//! once, each naming its field as the rep's JSON has it.

use super::text::single_line;
use super::{FieldError, normalize_email};
use crate::model::Rep;

/// Longest rep id, in bytes.
const ID_MAX: usize = 64;
/// Longest display name, in characters.
pub const DISPLAY_NAME_MAX: usize = 200;

/// Checks `rep` and returns it normalized: the id and display name trimmed,
/// the e-mail address in the form leads' addresses are compared in (see
/// [`normalize_email`]). Its load (`open_leads`, `last_assigned_at`) is not
/// judged: the host keeps it.
///
/// # Errors
/// Every problem found, each naming its field: `id`, `display_name`,
/// `email`, `out_of_office[N].until`.
pub fn check_rep(mut rep: Rep) -> Result<Rep, Vec<FieldError>> {
    let mut errors = Vec::new();
    rep.id = rep.id.trim().to_string();
    if rep.id.is_empty() || rep.id.len() > ID_MAX || rep.id.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "id",
            format!("a rep id needs 1 to {ID_MAX} printable characters"),
        ));
    }
    rep.display_name =
        rep.display_name
            .and_then(|name| match single_line(Some(name), DISPLAY_NAME_MAX) {
                Ok(Some(name)) => Some(name),
                Ok(None) => {
                    errors.push(FieldError::new(
                        "display_name",
                        "is blank: leave it out for a rep without one",
                    ));
                    None
                }
                Err(problem) => {
                    errors.push(FieldError::new("display_name", problem));
                    None
                }
            });
    rep.email = rep.email.and_then(|email| {
        if email.trim().is_empty() {
            errors.push(FieldError::new(
                "email",
                "is blank: leave it out for a rep without one",
            ));
            return None;
        }
        normalize_email(&email)
            .map_err(|problem| {
                errors.push(FieldError::new(
                    "email",
                    format!("is not an e-mail address: {problem}"),
                ));
            })
            .ok()
    });
    errors.extend(
        rep.out_of_office
            .iter()
            .enumerate()
            .filter(|(_, away)| away.until <= away.from)
            .map(|(at, _)| {
                FieldError::new(format!("out_of_office[{at}].until"), "must be after `from`")
            }),
    );
    if errors.is_empty() {
        Ok(rep)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(json: serde_json::Value) -> Rep {
        serde_json::from_value(json).unwrap()
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|error| error.field.as_str()).collect()
    }

    #[test]
    fn contact_details_are_trimmed_and_normalized() {
        let checked = check_rep(rep(serde_json::json!({
            "id": " ana ", "capacity": 3,
            "display_name": "  Ana Lima ", "email": " Ana.Lima@ACME.example ",
        })))
        .unwrap();
        assert_eq!(checked.id, "ana");
        assert_eq!(checked.display_name.as_deref(), Some("Ana Lima"));
        assert_eq!(checked.email.as_deref(), Some("ana.lima@acme.example"));
        let bare = check_rep(rep(serde_json::json!({"id": "bo", "capacity": 1}))).unwrap();
        assert_eq!((bare.display_name, bare.email), (None, None));
    }

    #[test]
    fn a_bad_contact_detail_is_named() {
        for (email, expected) in [
            (
                "ana.example",
                "is not an e-mail address: `ana.example` has no `@`",
            ),
            (
                "a b@acme.example",
                "is not an e-mail address: `a b@acme.example` has ` ` before the `@`",
            ),
            ("   ", "is blank: leave it out for a rep without one"),
        ] {
            let errors = check_rep(rep(serde_json::json!({
                "id": "ana", "capacity": 3, "email": email,
            })))
            .unwrap_err();
            assert_eq!(errors, [FieldError::new("email", expected)], "{email:?}");
        }
        let long = "x".repeat(DISPLAY_NAME_MAX + 1);
        for name in [" ", "Ana\nLima", "Ana\u{7}", long.as_str()] {
            let errors = check_rep(rep(serde_json::json!({
                "id": "ana", "capacity": 3, "display_name": name,
            })))
            .unwrap_err();
            assert_eq!(fields(&errors), ["display_name"], "{name:?}: {errors:?}");
        }
        assert!(
            check_rep(rep(serde_json::json!({
                "id": "ana", "capacity": 3, "display_name": "x".repeat(DISPLAY_NAME_MAX),
            })))
            .is_ok()
        );
    }

    #[test]
    fn every_problem_is_listed_at_once() {
        let errors = check_rep(rep(serde_json::json!({
            "id": "", "capacity": 3, "display_name": "", "email": "nope",
            "out_of_office": [{"from": "2027-02-10T00:00:00Z", "until": "2027-02-01T00:00:00Z"}],
        })))
        .unwrap_err();
        assert_eq!(
            fields(&errors),
            ["id", "display_name", "email", "out_of_office[0].until"]
        );
    }
}
