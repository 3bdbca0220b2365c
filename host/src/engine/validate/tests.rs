//! Checks of submissions: normalization and the error for each bad field.
use super::*;

fn now() -> Time {
    "2026-11-24T09:00:00Z".parse().unwrap()
}

fn fields(json: serde_json::Value) -> Vec<String> {
    let submission: LeadSubmission = serde_json::from_value(json).unwrap();
    match submission.validate(now()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|error| error.to_string()).collect(),
    }
}

#[test]
fn a_lead_is_trimmed_and_normalized() {
    let submission: LeadSubmission = serde_json::from_value(serde_json::json!({
        "email": "  Dana.Fischer@NorthWind.Example ", "name": "  Dana  ", "company": "",
        "domain": "https://www.NorthWind.example/about", "country": "de",
        "custom": {"plan": "  pro ", "note": "   "}
    }))
    .unwrap();
    let (lead, _) = submission.validate(now()).unwrap();
    assert_eq!(lead.email, "dana.fischer@northwind.example");
    assert_eq!(lead.name.as_deref(), Some("Dana"));
    assert_eq!(lead.company, None, "blank is absent");
    assert_eq!(lead.domain.as_deref(), Some("northwind.example"));
    assert_eq!(lead.country.as_deref(), Some("DE"));
    assert_eq!(lead.custom.get("plan"), Some(&Scalar::Text("pro".into())));
    assert!(!lead.custom.contains_key("note"));
    assert_eq!(lead.created_at, now());
}

#[test]
fn every_bad_field_is_named_at_once() {
    let errors = fields(serde_json::json!({
        "email": "dana@@x", "name": "x".repeat(201), "country": "Germany", "budget": -5,
        "company_size": 20_000_000, "timeline_days": 9999, "domain": "not a domain",
        "custom": {"bad key!": 1},
        "activities": [{"kind": "webinar", "at": "2027-06-01T00:00:00Z"}]
    }));
    let named: Vec<&str> = errors
        .iter()
        .map(|e| e.split(':').next().unwrap())
        .collect();
    assert_eq!(
        named,
        [
            "email",
            "name",
            "domain",
            "country",
            "company_size",
            "budget",
            "timeline_days",
            "custom.bad key!",
            "activities[0].at"
        ],
        "{errors:#?}"
    );
    assert!(
        errors[0].contains("`dana@@x` has more than one `@`"),
        "{}",
        errors[0]
    );
    assert!(errors[3].contains("two-letter ISO 3166-1"), "{}", errors[3]);
}

#[test]
fn email_rules() {
    for bad in [
        "",
        "dana",
        "@x.example",
        "dana@",
        "dana@localhost",
        "da na@x.example",
        "dana@x.c0m",
        "dana@-x.example",
    ] {
        assert!(normalize_email(bad).is_err(), "{bad:?} was accepted");
    }
    assert_eq!(
        normalize_email("O'Neil+leads@Sub.Example.co.uk").unwrap(),
        "o'neil+leads@sub.example.co.uk"
    );
}

#[test]
fn unknown_fields_and_values_are_named() {
    let error =
        LeadSubmission::from_json(r#"{"email": "a@b.example", "authority": "ceo"}"#).unwrap_err();
    assert_eq!(error.field, "authority");
    assert!(
        error.problem.contains("unknown variant `ceo`"),
        "{}",
        error.problem
    );
    let error = LeadSubmission::from_json(r#"{"email": "a@b.example", "phone": "1"}"#).unwrap_err();
    assert!(error.problem.contains("unknown field `phone`"), "{error}");
    let error = LeadSubmission::from_json("{").unwrap_err();
    assert_eq!(error.field, "(body)");
}
