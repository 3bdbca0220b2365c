//! Reading `org.toml`: the whole shape, mistakes named by key, errors
//! that never quote a secret.

use super::*;

#[test]
fn a_full_file_parses_and_round_trips() {
    let text = r#"
[plugins.lead-definition]
component = "bant-qualifier.wasm"
config = { min-budget = 20000 }

[plugins.routing-policy]
component = "round-robin.wasm"

[nurture]
default_track = "education"
[nurture.tracks.evaluation]
interval-days = 5

[routing]
accept_within = "4h"

[webhooks.sla-escalation]
url = "https://crm.example/hooks/leadhost"
secret = "0123456789abcdef"

[[reps]]
id = "ana"
territories = ["DE"]
capacity = 10
"#;
    let file = OrgFile::parse(Path::new("org.toml"), text).unwrap();
    let definition = file.plugins.get(Slot::LeadDefinition).unwrap();
    assert_eq!(definition.component, "bant-qualifier.wasm");
    assert_eq!(definition.config.len(), 1);
    assert!(file.plugins.get(Slot::NurtureTrack).is_none());
    assert_eq!(file.nurture.default_track.as_deref(), Some("education"));
    assert_eq!(file.reps[0].id, "ana");
    assert_eq!(file.routing.sla(), Some(chrono::Duration::hours(4)));
    assert!(file.webhooks.get("sla-escalation").is_some());
    let again = OrgFile::parse(Path::new("org.toml"), &file.to_text()).unwrap();
    assert_eq!(again, file);
}

#[test]
fn a_parse_error_says_where_without_quoting_a_secret() {
    let base = "[plugins.lead-definition]\ncomponent = \"a.wasm\"\n\n[webhooks.touch]\nurl = \"https://hooks.example/t\"\n";
    for line in [
        "secret = \"S3CRET-whsec-0123456789abcdef\n",
        "secret = 1234567890123456789\n",
    ] {
        let error = OrgFile::parse(
            Path::new("/srv/data/orgs/acme/org.toml"),
            &format!("{base}{line}"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            !error.contains("S3CRET") && !error.contains("1234567890123456789"),
            "{error}"
        );
        assert!(error.starts_with("org.toml: line 6, column "), "{error}");
        assert!(
            error.contains("the value of `secret` is not valid"),
            "{error}"
        );
    }
    // Other lines keep the parser's reason, and the file is named, not
    // the server's folders.
    let error = OrgFile::parse(
        Path::new("/srv/data/orgs/acme/org.toml"),
        "[plugins.lead-definition]\ncomponent = 3\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.starts_with("org.toml: line 2, column 13: invalid type"),
        "{error}"
    );
    assert!(!error.contains("/srv"), "{error}");
}

#[test]
fn an_empty_file_is_refused_not_taken_for_no_plug_ins() {
    let error = OrgFile::parse(Path::new("org.toml"), " \n").unwrap_err();
    assert!(error.to_string().contains("the file is empty"), "{error}");
    let none = OrgFile::parse(Path::new("org.toml"), "# every slot empty\n").unwrap();
    assert!(none.plugins.get(Slot::LeadDefinition).is_none());
}

#[test]
fn mistakes_name_the_key() {
    let unknown = OrgFile::parse(
        Path::new("org.toml"),
        "[plugins.lead-defintion]\ncomponent = \"a.wasm\"\n",
    )
    .unwrap_err();
    assert!(unknown.to_string().contains("lead-defintion"), "{unknown}");
    let outside = OrgFile::parse(
        Path::new("org.toml"),
        "[plugins.routing-policy]\ncomponent = \"../other/a.wasm\"\n",
    )
    .unwrap_err();
    assert!(
        outside
            .to_string()
            .contains("plugins.routing-policy.component"),
        "{outside}"
    );
    let confusing = OrgFile::parse(
        Path::new("org.toml"),
        "[plugins.lead-definition]\ncomponent = \"rule.rhai.wasm\"\n",
    );
    assert!(confusing.is_err());
    let script = OrgFile::parse(
        Path::new("org.toml"),
        "[plugins.lead-definition]\ncomponent = \"rule.rhai\"\n",
    );
    assert!(script.is_ok(), "{script:?}");
    let backwards = OrgFile::parse(
        Path::new("org.toml"),
        "[[reps]]\nid = \"ana\"\ncapacity = 5\nout_of_office = [{ from = \"2026-12-21T00:00:00Z\", until = \"2026-12-01T00:00:00Z\" }]\n",
    )
    .unwrap_err();
    assert!(
        backwards
            .to_string()
            .contains("reps[0].out_of_office[0].until: must be after `from` (rep `ana`)"),
        "{backwards}"
    );
}

#[test]
fn a_config_number_that_is_not_finite_is_refused_by_its_key() {
    for (value, shown) in [
        ("nan", "NaN"),
        ("inf", "inf"),
        ("-inf", "-inf"),
        ("+nan", "NaN"),
    ] {
        let text = format!(
            "[plugins.lead-definition]\ncomponent = \"a.wasm\"\nconfig = {{ strict = true, min-budget = {value} }}\n"
        );
        let error = OrgFile::parse(Path::new("org.toml"), &text).unwrap_err();
        assert!(
            error.to_string().contains(&format!(
                "plugins.lead-definition.config.min-budget: must be a finite number, not `{shown}`"
            )),
            "{value}: {error}"
        );
    }
    let finite = "[plugins.routing-policy]\ncomponent = \"a.wasm\"\nconfig = { share = 1e300 }\n";
    assert!(OrgFile::parse(Path::new("org.toml"), finite).is_ok());
}

#[test]
fn config_lists_reach_plug_ins_as_comma_separated_text_and_bad_values_name_their_key() {
    let text = "[plugins.lead-definition]\ncomponent = \"a.wasm\"\nconfig = { industries = [\"logistics\", \"manufacturing\"], min-size = 200 }\n\n[nurture.tracks.education]\nchannels = [\"email\", \"call\"]\n";
    let file = OrgFile::parse(Path::new("org.toml"), text).unwrap();
    let config = &file.plugins.get(Slot::LeadDefinition).unwrap().config;
    assert_eq!(
        config["industries"],
        Scalar::Text("logistics, manufacturing".into())
    );
    assert_eq!(config["min-size"], Scalar::Number(200.0));
    assert_eq!(
        file.nurture.tracks["education"]["channels"],
        Scalar::Text("email, call".into())
    );
    let nested = "[plugins.lead-definition]\ncomponent = \"a.wasm\"\nconfig = { industries = [[\"logistics\"]] }\n";
    let error = OrgFile::parse(Path::new("org.toml"), nested).unwrap_err();
    assert!(
        error.to_string().contains(
            "expected item 1 of `industries` to be a string or a number, as in `industries = [\"logistics\", \"retail\"]`"
        ),
        "{error}"
    );
}

#[test]
fn reps_carry_a_display_name_and_an_e_mail_and_a_bad_one_is_named() {
    let text = "[[reps]]\nid = \"ana\"\ncapacity = 5\ndisplay_name = \"Ana Lima\"\nemail = \"ana@acme.example\"\n\n[[reps]]\nid = \"bo\"\ncapacity = 3\n";
    let file = OrgFile::parse(Path::new("org.toml"), text).unwrap();
    assert_eq!(file.reps[0].display_name.as_deref(), Some("Ana Lima"));
    assert_eq!(file.reps[0].email.as_deref(), Some("ana@acme.example"));
    assert_eq!(
        (
            file.reps[1].display_name.as_ref(),
            file.reps[1].email.as_ref()
        ),
        (None, None)
    );
    let again = OrgFile::parse(Path::new("org.toml"), &file.to_text()).unwrap();
    assert_eq!(again, file);

    let bad = text.replace("capacity = 3\n", "capacity = 3\nemail = \"bo at acme\"\n");
    let error = OrgFile::parse(Path::new("org.toml"), &bad)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(
            "reps[1].email: is not an e-mail address: `bo at acme` has no `@` (rep `bo`)"
        ),
        "{error}"
    );
    let blank = text.replace("\"Ana Lima\"", "\"  \"");
    let error = OrgFile::parse(Path::new("org.toml"), &blank)
        .unwrap_err()
        .to_string();
    assert!(error.contains("reps[0].display_name: is blank"), "{error}");
}

#[test]
fn the_example_org_file_parses_with_its_reps_contact_details() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/org-folder/org.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let file = OrgFile::parse(&path, &text).unwrap();
    let ana = file.reps.iter().find(|rep| rep.id == "ana").unwrap();
    assert_eq!(ana.display_name.as_deref(), Some("Ana Lima"));
    assert_eq!(ana.email.as_deref(), Some("ana.lima@acme.example"));
    assert_eq!(file.campaigns[0].id.as_deref(), Some("spring-webinar"));
    assert_eq!(file.goals.len(), 2);
    assert_eq!(
        file.announcements.launch_notice(),
        chrono::Duration::days(7)
    );
}

#[test]
fn campaigns_goals_and_announcements_parse_and_a_wrong_one_is_named() {
    let text = r#"
[announcements]
campaign_launch = "3d"

[[campaigns]]
name = "Spring webinar"
launch_at = "2027-03-10T09:00:00Z"
target = { countries = ["DE"] }

[[goals]]
metric = "sales-ready"
target = 400
period = "month"
"#;
    let file = OrgFile::parse(Path::new("org.toml"), text).unwrap();
    assert_eq!(file.campaigns[0].name, "Spring webinar");
    assert_eq!(
        file.announcements.launch_notice(),
        chrono::Duration::days(3)
    );
    assert_eq!(file.goals[0].metric, crate::GoalMetric::SalesReady);
    let again = OrgFile::parse(Path::new("org.toml"), &file.to_text()).unwrap();
    assert_eq!(again, file);

    for (wrong, named) in [
        (
            text.replace(
                "launch_at = \"2027-03-10T09:00:00Z\"",
                "launch_at = \"2027-03-10T09:00:00Z\"\nend_at = \"2027-01-01T00:00:00Z\"",
            ),
            "campaigns[0].end_at: is before `launch_at` (campaign `spring-webinar`)",
        ),
        (
            format!(
                "{text}\n[[campaigns]]\nname = \"Spring  webinar!\"\nlaunch_at = \"2027-04-01T00:00:00Z\"\n"
            ),
            "campaigns[1].id: `spring-webinar` is named by an earlier entry too",
        ),
        (
            text.replace("metric = \"sales-ready\"", "metric = \"won-of-assigned\""),
            "goals[0].target = 400: `won-of-assigned` is a share",
        ),
        (
            text.replace("period = \"month\"", "period = \"fortnight\""),
            "unknown variant `fortnight`",
        ),
        (text.replace("\"3d\"", "\"soon\""), "a duration such as"),
    ] {
        let error = OrgFile::parse(Path::new("org.toml"), &wrong)
            .unwrap_err()
            .to_string();
        assert!(error.contains(named), "{error}");
    }
}
