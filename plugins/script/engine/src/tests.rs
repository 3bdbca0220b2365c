//! Unit tests of the engine: each slot, the errors and the limits.

use super::*;
use leadhost_sdk::prelude::*;
use leadhost_sdk::time::DAY_MS;

fn host() -> ScriptHost {
    ScriptHost::new(Limits::default(), Rc::new(|_, _| {}))
}

fn lead() -> Lead {
    LeadBuilder::new("dana@northwind.example")
        .budget(60_000.0)
        .authority(Authority::DecisionMaker)
        .country("DE")
        .created_at(10 * DAY_MS)
        .build()
}

fn qualify_input() -> QualifyInput {
    QualifyInput::new(
        lead(),
        vec![Activity {
            kind: ActivityKind::Webinar,
            at: 11 * DAY_MS,
            detail: "routing".into(),
        }],
        12 * DAY_MS,
    )
    .with_config(vec![Field::number("min-budget", 20_000.0)])
}

/// Compiles and runs `qualify` in `text`, as `qualify.rhai`; the error as text.
fn qualify(text: &str) -> Result<Qualification, String> {
    let host = host();
    host.compile("qualify.rhai", text)
        .and_then(|script| host.qualify(&script, &qualify_input()))
        .map_err(|error| error.to_string())
}

#[test]
fn qualify_sees_the_lead_activities_config_and_now() {
    let answer = qualify(
        r#"
        fn qualify(input) {
            let lead = input.lead;
            let now = input.now;
            let recent = input.activities.filter(|a| now - a.at < days(7));
            #{
                stage: if lead.budget >= input.config["min-budget"] { "sales-ready" } else { "nurture" },
                score: 50 + recent.len(),
                segment: lead.country,
                track: lead.title,                       // () : no track
                reasons: [`${lead.authority} from ${email_domain(lead.email)}`,
                          `${recent[0].kind} ${recent[0].detail}`,
                          time_text(input.now)],
            }
        }"#,
    )
    .unwrap();
    assert_eq!(
        answer,
        Qualification::sales_ready(51)
            .segment("DE")
            .reason("decision-maker from northwind.example")
            .reason("webinar routing")
            .reason("1970-01-13T00:00:00Z")
    );
}

#[test]
fn next_step_gets_the_state_and_returns_actions() {
    let host = host();
    let script = host
        .compile(
            "nurture.rhai",
            r#"
            fn next_step(input) {
                let data = input.state.data;
                data.sent = (data.get("sent") ?? 0) + 1;
                #{
                    actions: [#{ action: "send-touch", channel: "email", content: `touch-${data.sent}` },
                              #{ action: "create-call-task", assignee: "ana", reason: input.qualification.reasons[0] }],
                    state: #{ track: input.state.track, step: input.state.step + 1, data: data },
                    wake_at: input.now + days(7),
                }
            }"#,
        )
        .unwrap();
    let input = NurtureInput {
        lead: lead(),
        activities: vec![],
        qualification: Qualification::nurture(40).reason("needs a decision maker"),
        state: TrackState {
            track: "education".into(),
            step: 1,
            data: r#"{"sent":1}"#.into(),
        },
        config: vec![],
        now: DAY_MS,
    };
    let step = host.next_step(&script, &input).unwrap();
    assert_eq!(
        step,
        NurtureStep::new(TrackState {
            track: "education".into(),
            step: 2,
            data: r#"{"sent":2}"#.into(),
        })
        .action(Touch::new("email", "touch-2"))
        .action(CallTask {
            assignee: Some("ana".into()),
            reason: "needs a decision maker".into(),
        })
        .wake_at(8 * DAY_MS)
    );
}

#[test]
fn route_gets_the_candidates_and_account_owner() {
    let host = host();
    let script = host
        .compile(
            "route.rhai",
            r#"
            fn route(input) {
                if input.account_owner != () {
                    return #{ decision: "assign", rep: input.account_owner, reasons: ["owner"] };
                }
                let free = input.candidates.filter(|r| r.available && r.open_leads < r.capacity);
                if free.is_empty() {
                    #{ decision: "return-to-marketing", reason: "nobody free" }
                } else {
                    #{ decision: "queue", queue: free[0].team, reason: `${free[0].last_assigned_at ?? "never"}` }
                }
            }"#,
        )
        .unwrap();
    let rep = Rep {
        id: "ana".into(),
        team: Some("dach".into()),
        territories: vec!["DE".into()],
        segments: vec![],
        capacity: 2,
        open_leads: 1,
        weight: 1,
        available: true,
        last_assigned_at: None,
    };
    let mut input = RouteInput {
        lead: lead(),
        qualification: Qualification::sales_ready(80),
        candidates: vec![rep.clone()],
        account_owner: None,
        config: vec![],
        now: 0,
    };
    assert_eq!(
        host.route(&script, &input).unwrap(),
        RouteDecision::queue("dach", "never")
    );
    input.candidates[0].open_leads = 2;
    assert_eq!(
        host.route(&script, &input).unwrap(),
        RouteDecision::return_to_marketing("nobody free")
    );
    input.account_owner = Some("ben".into());
    assert_eq!(
        host.route(&script, &input).unwrap(),
        RouteDecision::from(Assignment::to("ben").reason("owner"))
    );
}

#[test]
fn a_syntax_error_names_its_line() {
    let error = qualify("fn qualify(input) {\n  let x = 1 +;\n}").unwrap_err();
    assert_eq!(error, "qualify.rhai line 2: Unexpected ';'");
    let error = qualify("fn qualify(input) {\n\n  #{ stage: stag }\n}").unwrap_err();
    assert!(
        error.starts_with("qualify.rhai line 3: unknown variable `stag`"),
        "{error}"
    );
    let error = qualify("fn qualify(input) {\n  eval(\"1\")\n}").unwrap_err();
    assert!(error.starts_with("qualify.rhai line 2:"), "{error}");
    assert!(error.contains("eval"), "{error}");
}

#[test]
fn a_runtime_error_names_its_line_and_helper() {
    let error = qualify("fn qualify(input) {\n  let x = 1;\n  x.stage.more\n}").unwrap_err();
    assert!(error.starts_with("qualify.rhai line 3: "), "{error}");
    let error = qualify(
        "fn check(lead) {\n  lead.budgt > 0\n}\n\nfn qualify(input) {\n  check(input.lead)\n}",
    )
    .unwrap_err();
    assert_eq!(
        error,
        "qualify.rhai line 2: no key `budgt` in the map (use `.get(\"budgt\")` for a key that may be absent) (in `check`, called at line 6)"
    );
    let error = qualify("fn qualify(input) {\n  input.activities.filter(|a| a.at < input.now)\n}")
        .unwrap_err();
    assert!(error.contains("let now = input.now;"), "{error}");
    let error =
        qualify("fn qualify(input) {\n\n  throw \"config `x` is missing\";\n}").unwrap_err();
    assert_eq!(error, "qualify.rhai line 3: config `x` is missing");
}

#[test]
fn a_missing_slot_function_is_named() {
    assert_eq!(
        qualify("let x = 1;").unwrap_err(),
        "qualify.rhai: no function `qualify`: define `fn qualify(input) { ... }`"
    );
    assert_eq!(
        qualify("fn next_step(input) { 1 }").unwrap_err(),
        "qualify.rhai: no function `qualify`: define `fn qualify(input) { ... }` (the script defines `next_step`)"
    );
    assert_eq!(
        qualify("fn qualify(lead, now) { 1 }").unwrap_err(),
        "qualify.rhai: `qualify` takes 2 parameters; it must take one: `fn qualify(input)`"
    );
}

#[test]
fn a_wrong_answer_shape_is_named() {
    assert_eq!(
        qualify("fn qualify(input) { #{ score: 10 } }").unwrap_err(),
        "qualify.rhai: `qualify` returned a map without `stage`"
    );
    assert_eq!(
        qualify(r#"fn qualify(input) { "nurture" }"#).unwrap_err(),
        "qualify.rhai: `qualify` returned \"nurture\" (text), not a map like #{ stage: \"nurture\", score: 40 }"
    );
    assert!(
        qualify(r#"fn qualify(input) { #{ stage: "nurture", score: 1, tracks: "x" } }"#)
            .unwrap_err()
            .contains("an unknown key `tracks`")
    );
}

#[test]
fn an_endless_loop_stops_at_the_operations_limit_and_the_engine_goes_on() {
    let host = host();
    let endless = host
        .compile(
            "qualify.rhai",
            "fn qualify(input) {\n  let n = 0;\n  loop { n += 1; }\n}",
        )
        .unwrap();
    let started = std::time::Instant::now();
    let error = host.qualify(&endless, &qualify_input()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "qualify.rhai: the script ran too long: over 25000 operations (an endless loop?)"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    let fine = host
        .compile(
            "qualify.rhai",
            r#"fn qualify(input) { #{ stage: "nurture", score: 1 } }"#,
        )
        .unwrap();
    assert!(host.qualify(&fine, &qualify_input()).is_ok());
    let error = qualify("fn f(n) { f(n + 1) }\nfn qualify(input) { f(0) }").unwrap_err();
    assert!(error.contains("more than 32 levels deep"), "{error}");
}

#[test]
fn huge_data_is_refused() {
    let error =
        qualify("fn qualify(input) {\n  let s = \"x\";\n  loop { s += s; }\n}").unwrap_err();
    assert_eq!(
        error,
        "qualify.rhai: a text grew past the limit of 65536 bytes"
    );
    let error =
        qualify("fn qualify(input) {\n  let a = [];\n  loop { a.push(a); }\n}").unwrap_err();
    assert!(error.contains("grew past the limit"), "{error}");
    let long = format!(
        "fn qualify(input) {{ #{{ stage: \"nurture\", score: 1 }} }}\n// {}",
        "x".repeat(70_000)
    );
    assert_eq!(
        qualify(&long).unwrap_err(),
        "qualify.rhai: the script is 70057 bytes long; the limit is 65536"
    );
}

#[test]
fn the_script_comes_from_the_config_and_is_cached() {
    let rule = r#"fn qualify(input) { #{ stage: "discard", score: input.config.get("s") ?? 0 } }"#;
    let input = |config: Vec<Field>| QualifyInput::new(lead(), vec![], 0).with_config(config);
    let with_script = |extra: Vec<Field>| {
        let mut config = vec![
            Field::text("script", rule),
            Field::text("script-name", "mine.rhai"),
        ];
        config.extend(extra);
        input(config)
    };
    assert_eq!(super::qualify(with_script(vec![])).unwrap().score, 0);
    assert_eq!(
        super::qualify(with_script(vec![Field::number("s", 7.0)]))
            .unwrap()
            .score,
        7
    );
    let cached = CACHE.with_borrow(|cache| cache.as_ref().unwrap().1.len());
    assert_eq!(cached, 1, "one script, compiled once");
    assert_eq!(
        super::qualify(input(vec![])).unwrap_err(),
        "the config has no `script`: the host passes the rule's text there"
    );
    assert_eq!(
        super::qualify(input(vec![Field::number("script", 1.0)])).unwrap_err(),
        "config `script` must be text"
    );
    let broken = input(vec![Field::text("script", "fn qualify(input) {")]);
    assert!(
        super::qualify(broken)
            .unwrap_err()
            .starts_with("qualify.rhai")
    );
}

#[test]
fn print_and_debug_reach_the_log() {
    let lines = Rc::new(RefCell::new(Vec::new()));
    let sink = lines.clone();
    let host = ScriptHost::new(
        Limits::default(),
        Rc::new(move |level, line: &str| sink.borrow_mut().push(format!("{level:?} {line}"))),
    );
    let script = host
        .compile(
            "qualify.rhai",
            "fn qualify(input) {\n  print(`lead ${input.lead.id}`);\n  debug(input.now);\n  #{ stage: \"nurture\", score: 1 }\n}",
        )
        .unwrap();
    host.qualify(&script, &qualify_input()).unwrap();
    assert_eq!(
        *lines.borrow(),
        [
            "Info qualify.rhai: lead lead-1",
            "Debug qualify.rhai line 3: 1036800000"
        ]
    );
}
