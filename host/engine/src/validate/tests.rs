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
        "email": "dana@@x", "name": "x".repeat(201), "country": "Atlantis", "budget": -5,
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
    assert!(
        errors[3].contains("`Atlantis` is not an ISO 3166-1 country code"),
        "{}",
        errors[3]
    );
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
    let error = LeadSubmission::from_json(r#"{"email": "a@b.example", "fax": "1"}"#).unwrap_err();
    assert!(error.problem.contains("unknown field `fax`"), "{error}");
    let error = LeadSubmission::from_json("{").unwrap_err();
    assert_eq!(error.field, "(body)");
}

#[test]
fn the_domain_comes_from_the_email_unless_free_mail() {
    let lead = |json: serde_json::Value| {
        let submission: LeadSubmission = serde_json::from_value(json).unwrap();
        submission.validate(now()).unwrap().0
    };
    let anna = lead(serde_json::json!({"email": "Anna@Kranwerk.Example"}));
    assert_eq!(anna.domain.as_deref(), Some("kranwerk.example"));
    assert_eq!(account_domain(&anna), Some("kranwerk.example"));
    let given = lead(
        serde_json::json!({"email": "anna@mail.kranwerk.example", "domain": "kranwerk.example"}),
    );
    assert_eq!(
        given.domain.as_deref(),
        Some("kranwerk.example"),
        "a given domain wins"
    );
    for free in [
        "kim@gmail.com",
        "kim@GMX.de",
        "kim@web.de",
        "kim@outlook.com",
    ] {
        let stranger = lead(serde_json::json!({ "email": free }));
        assert_eq!(stranger.domain, None, "{free}");
    }
    let sent = lead(serde_json::json!({"email": "kim@gmail.com", "domain": "gmail.com"}));
    assert_eq!(sent.domain.as_deref(), Some("gmail.com"), "kept as sent");
    assert_eq!(account_domain(&sent), None, "but never an account");
}

#[test]
fn free_text_keeps_line_breaks_and_single_line_fields_refuse_them() {
    let submission: LeadSubmission = serde_json::from_value(serde_json::json!({
        "email": "dana@northwind.example",
        "custom": {"notes": "Met at booth B12.\r\nWants:\ta demo"},
        "activities": [{"kind": "webinar", "at": "2026-11-20T00:00:00Z", "detail": "Q&A:\n- pricing\n- SSO"}]
    }))
    .unwrap();
    let (lead, activities) = submission.validate(now()).unwrap();
    assert_eq!(
        lead.custom.get("notes"),
        Some(&Scalar::Text("Met at booth B12.\nWants:\ta demo".into()))
    );
    assert_eq!(activities[0].detail, "Q&A:\n- pricing\n- SSO");
    let errors = fields(serde_json::json!({
        "email": "dana@northwind.example", "name": "Dana\nFischer", "company": "North\twind",
        "title": "CEO\r", "source": "web\u{2028}site",
        "custom": {"notes": "ok\nbut \u{0007} rings"},
        "activities": [{"kind": "webinar", "at": "2026-11-20T00:00:00Z", "detail": "\u{001b}[31m"}]
    }));
    let named: Vec<&str> = errors
        .iter()
        .map(|e| e.split(':').next().unwrap())
        .collect();
    assert_eq!(
        named,
        [
            "name",
            "company",
            "source",
            "custom.notes",
            "activities[0].detail"
        ],
        "{errors:#?}"
    );
    assert!(
        errors[0].contains("must be one line: contains a line break (U+000A)"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_creation_date_from_another_system_is_kept() {
    let submission: LeadSubmission = serde_json::from_value(serde_json::json!({
        "email": "dana@northwind.example", "created_at": "2024-03-05T14:22:00Z"
    }))
    .unwrap();
    let (lead, _) = submission.validate(now()).unwrap();
    assert_eq!(lead.created_at.to_rfc3339(), "2024-03-05T14:22:00+00:00");
    let errors = fields(serde_json::json!({
        "email": "dana@northwind.example", "created_at": "2027-01-01T00:00:00Z"
    }));
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("created_at: 2027-01-01"),
        "{errors:?}"
    );
}

/// `LeadSubmission` is the untrusted twin of `Lead` (serde cannot share
/// their fields: `flatten` and `deny_unknown_fields` do not combine). A
/// stored lead with every field set must read back as a submission and
/// validate to itself, so a field added to one and not the other fails here.
#[test]
fn every_field_of_a_lead_is_a_field_of_a_submission_and_survives_validation() {
    let lead: Lead = serde_json::from_value(serde_json::json!({
        "id": "", "email": "dana@northwind.example", "name": "Dana Fischer",
        "company": "Northwind", "domain": "northwind.example", "title": "CTO",
        "industry": "logistics", "company_size": 250, "country": "DE",
        "source": "webinar", "campaign": "q4-launch", "budget": 50000.0,
        "authority": "decision-maker", "need": "high", "timeline_days": 90,
        "custom": {"plan": "pro", "seats": 40.0, "trial": true},
        "created_at": "2026-11-20T08:00:00Z"
    }))
    .unwrap();
    let mut fields = serde_json::to_value(&lead).unwrap();
    let object = fields.as_object_mut().unwrap();
    assert!(
        object.values().all(|value| !value.is_null()),
        "the test lead sets every field: {object:?}"
    );
    object.remove("id");
    let submission: LeadSubmission = serde_json::from_value(fields)
        .unwrap_or_else(|error| panic!("a lead's field is not a submission's: {error}"));
    let (validated, activities) = submission.validate(now()).unwrap();
    assert_eq!(validated, lead);
    assert!(activities.is_empty());
}
