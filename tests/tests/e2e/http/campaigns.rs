//! `/v1/orgs/{org}/campaigns`: created, listed (what is upcoming), changed
//! and archived through the API, each org seeing its own only; a wrong
//! field named and nothing stored.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use super::server::{TestServer, read};

fn in_days(days: i64) -> String {
    (Utc::now() + Duration::days(days)).to_rfc3339()
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|campaign| campaign["id"].as_str().unwrap())
        .collect()
}

#[test]
fn a_campaign_is_created_listed_changed_and_archived_in_its_own_org() {
    let server = TestServer::start();
    // The demo org's own two campaigns, archived out of the listings.
    for id in ["autumn-webinar", "spring-trade-show"] {
        let path = format!("/v1/orgs/demo/campaigns/{id}/archive");
        let (status, archived) = server.demo(Method::POST, &path, None);
        assert_eq!(status, 200, "{archived}");
    }
    let (status, webinar) = server.demo(
        Method::POST,
        "/v1/orgs/demo/campaigns",
        Some(json!({
            "id": "spring-webinar", "name": " Spring webinar ", "channel": "webinar",
            "offer": "free audit", "launch_at": in_days(20), "end_at": in_days(30),
            "owner": "marketing", "budget": 12000,
            "target": {"countries": ["de", "AT"], "company_size_min": 50, "company_size_max": 500,
                       "titles": ["Head of Sales"]}
        })),
    );
    assert_eq!(status, 201, "{webinar}");
    assert_eq!(webinar["name"], "Spring webinar", "trimmed");
    assert_eq!(webinar["target"]["countries"], json!(["DE", "AT"]));
    let (status, mailing) = server.demo(
        Method::POST,
        "/v1/orgs/demo/campaigns",
        Some(json!({"name": "Q1 mailing: DACH", "launch_at": in_days(3)})),
    );
    assert_eq!(status, 201, "{mailing}");
    assert_eq!(mailing["id"], "q1-mailing-dach", "made from the name");
    let (status, _) = server.demo(
        Method::POST,
        "/v1/orgs/demo/campaigns",
        Some(json!({"name": "Old launch", "launch_at": in_days(-5)})),
    );
    assert_eq!(status, 201);

    let (status, taken) = server.demo(
        Method::POST,
        "/v1/orgs/demo/campaigns",
        Some(json!({"id": "spring-webinar", "name": "Again", "launch_at": in_days(1)})),
    );
    assert_eq!(status, 409, "{taken}");

    let (status, all) = server.demo(Method::GET, "/v1/orgs/demo/campaigns", None);
    assert_eq!(status, 200, "{all}");
    assert_eq!(
        ids(&all),
        ["old-launch", "q1-mailing-dach", "spring-webinar"],
        "soonest launch first"
    );
    for (window, expected) in [
        ("14d", vec!["q1-mailing-dach"]),
        ("3w", vec!["q1-mailing-dach", "spring-webinar"]),
        ("48h", vec![]),
    ] {
        let (status, upcoming) = server.demo(
            Method::GET,
            &format!("/v1/orgs/demo/campaigns?upcoming={window}"),
            None,
        );
        assert_eq!(status, 200, "{upcoming}");
        assert_eq!(ids(&upcoming), expected, "upcoming={window}");
    }

    // A field left out stays; `null` removes one.
    let path = "/v1/orgs/demo/campaigns/spring-webinar";
    let (status, changed) = server.demo(
        Method::PATCH,
        path,
        Some(json!({"offer": "two free audits", "end_at": null})),
    );
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["offer"], "two free audits");
    assert_eq!(changed["end_at"], Value::Null);
    assert_eq!(changed["channel"], "webinar");
    let (status, archived) = server.demo(Method::POST, &format!("{path}/archive"), None);
    assert_eq!(status, 200, "{archived}");
    assert!(archived["archived_at"].is_string(), "{archived}");
    let (_, listed) = server.demo(Method::GET, "/v1/orgs/demo/campaigns", None);
    assert_eq!(ids(&listed), ["old-launch", "q1-mailing-dach"]);
    let (_, listed) = server.demo(Method::GET, "/v1/orgs/demo/campaigns?archived=true", None);
    assert_eq!(
        ids(&listed).len(),
        5,
        "the demo's two, archived, among them"
    );
    let (status, one) = server.demo(Method::GET, path, None);
    assert_eq!(
        (status, one["offer"].clone()),
        (200, json!("two free audits"))
    );

    // Another org sees none of them, and cannot reach them.
    let (other, token) = server.create_org("Other Co");
    let get = |path: &str, token: &str| {
        read(
            server
                .request(Method::GET, path, Some(token))
                .send()
                .unwrap(),
        )
    };
    let (status, theirs) = get(&format!("/v1/orgs/{other}/campaigns"), &token);
    assert_eq!((status, theirs), (200, json!([])));
    let (status, _) = get(path, &token);
    assert_eq!(status, 404, "another org's token on demo's campaign");
    let (status, _) = get(
        &format!("/v1/orgs/{other}/campaigns/spring-webinar"),
        &token,
    );
    assert_eq!(status, 404, "demo's campaign under the other org's path");
    let (status, _) = server.demo(Method::GET, "/v1/orgs/demo/campaigns/nope", None);
    assert_eq!(status, 404);
}

#[test]
fn a_wrong_campaign_is_named_field_by_field_and_nothing_is_stored() {
    let server = TestServer::start();
    let (status, problem) = server.demo(
        Method::POST,
        "/v1/orgs/demo/campaigns",
        Some(json!({
            "id": "a b", "name": " ", "launch_at": in_days(10), "end_at": in_days(2),
            "budget": -1, "target": {"countries": ["Narnia"], "company_size_min": 9, "company_size_max": 1}
        })),
    );
    assert_eq!(status, 422, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "id",
            "name",
            "end_at",
            "budget",
            "target.countries[0]",
            "target.company_size_max"
        ],
        "{problem}"
    );
    let (status, problem) = server.demo(
        Method::POST,
        "/v1/orgs/demo/campaigns",
        Some(json!({"name": "No date"})),
    );
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["errors"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("missing field `launch_at`"),
        "{problem}"
    );
    let (_, listed) = server.demo(Method::GET, "/v1/orgs/demo/campaigns", None);
    assert_eq!(
        ids(&listed),
        ["autumn-webinar", "spring-trade-show"],
        "nothing stored beside the demo's own"
    );

    let (status, problem) = server.demo(Method::GET, "/v1/orgs/demo/campaigns?upcoming=soon", None);
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "upcoming");
    let (status, _) = server.demo(Method::GET, "/v1/orgs/demo/campaigns?when=soon", None);
    assert_eq!(status, 400, "an unknown parameter");

    let (status, _) = server.demo(
        Method::POST,
        "/v1/orgs/demo/campaigns",
        Some(json!({"id": "launch", "name": "Launch", "launch_at": in_days(10)})),
    );
    assert_eq!(status, 201);
    let (status, problem) = server.demo(
        Method::PATCH,
        "/v1/orgs/demo/campaigns/launch",
        Some(json!({"end_at": in_days(1)})),
    );
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "end_at");
    let (_, kept) = server.demo(Method::GET, "/v1/orgs/demo/campaigns/launch", None);
    assert_eq!(
        kept["end_at"],
        Value::Null,
        "the refused change stored nothing"
    );
    // A field every campaign has cannot be cleared: `null` is refused, not
    // read as "left out" and answered 200 for a change not made.
    for field in ["name", "launch_at", "target"] {
        let (status, problem) = server.demo(
            Method::PATCH,
            "/v1/orgs/demo/campaigns/launch",
            Some(json!({ field: null, "offer": "a free audit" })),
        );
        assert_eq!(status, 422, "{field}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let (_, kept) = server.demo(Method::GET, "/v1/orgs/demo/campaigns/launch", None);
    assert_eq!(
        kept["offer"],
        Value::Null,
        "nothing of a refused change is stored"
    );
}

#[test]
fn the_demo_org_shows_its_campaigns_to_the_reps_whose_leads_they_target_and_its_goals() {
    let server = TestServer::start();
    let (status, upcoming) = server.demo(Method::GET, "/v1/orgs/demo/campaigns?upcoming=14d", None);
    assert_eq!(status, 200, "{upcoming}");
    assert_eq!(ids(&upcoming), ["spring-trade-show"]);
    let (_, all) = server.demo(Method::GET, "/v1/orgs/demo/campaigns", None);
    assert_eq!(ids(&all), ["autumn-webinar", "spring-trade-show"]);

    // A DE lead goes to a DACH rep; the trade show (DE) targets it.
    let (status, lead) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(json!({
            "email": "jonas.weber@northwind.example", "name": "Jonas Weber", "company": "Northwind",
            "domain": "northwind.example", "country": "DE", "campaign": "autumn-webinar",
            "budget": 60000, "authority": "decision-maker", "need": "high", "timeline_days": 45
        })),
    );
    assert_eq!(status, 201, "{lead}");
    let rep = lead["owner"].as_str().expect("assigned").to_string();
    let (status, seen) = server.demo(
        Method::GET,
        &format!("/v1/orgs/demo/reps/{rep}/campaigns"),
        None,
    );
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen[0]["campaign"]["id"], "spring-trade-show", "{seen}");
    assert_eq!(seen[0]["leads"][0]["id"], lead["id"]);
    assert_eq!(seen[0]["leads"][0]["stage"], "assigned");
    let (_, nothing) = server.demo(
        Method::GET,
        &format!("/v1/orgs/demo/reps/{rep}/campaigns?upcoming=5d"),
        None,
    );
    assert_eq!(nothing, json!([]), "the trade show is ten days out");
    let (_, americas) = server.demo(Method::GET, "/v1/orgs/demo/reps/dev/campaigns", None);
    assert_eq!(americas, json!([]), "dev holds no DE lead");
    let (status, problem) = server.demo(Method::GET, "/v1/orgs/demo/reps/nobody/campaigns", None);
    assert_eq!(status, 404, "{problem}");
    let (status, problem) = server.demo(
        Method::GET,
        &format!("/v1/orgs/demo/reps/{rep}/campaigns?upcoming=soon"),
        None,
    );
    assert_eq!(status, 422, "{problem}");
    assert!(problem.to_string().contains("upcoming"), "{problem}");

    // The lead's first campaign is kept, its latest follows.
    let (_, again) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(json!({"email": "jonas.weber@northwind.example", "campaign": "spring-trade-show"})),
    );
    assert_eq!(again["campaign"], "autumn-webinar", "{again}");
    assert_eq!(again["latest_campaign"], "spring-trade-show", "{again}");

    // The funnel divides the past campaign's budget by its leads.
    let (_, funnel) = server.demo(Method::GET, "/v1/orgs/demo/reports/funnel", None);
    let cost = &funnel["campaign_costs"]["autumn-webinar"];
    assert_eq!(cost["budget"], 6000.0, "{funnel}");
    assert_eq!(cost["per_sales_ready"], 6000.0, "{funnel}");
    assert_eq!(cost["per_won"], Value::Null);

    // The demo's goals: marketing's per month, sales' per quarter.
    let (status, goals) = server.demo(Method::GET, "/v1/orgs/demo/reports/goals?past=1", None);
    assert_eq!(status, 200, "{goals}");
    assert_eq!(goals[0]["metric"], "sales-ready");
    assert_eq!(goals[0]["target"], 40.0);
    assert_eq!(goals[0]["periods"].as_array().unwrap().len(), 2);
    assert_eq!(goals[0]["periods"][1]["current"], true);
    assert_eq!(goals[0]["periods"][1]["actual"], 1.0, "{goals}");
    assert_eq!(goals[1]["metric"], "won-of-assigned");
    assert_eq!(
        goals[1]["periods"][1]["actual"], 0.0,
        "one assigned, none won"
    );
    let (status, problem) = server.demo(Method::GET, "/v1/orgs/demo/reports/goals?past=24", None);
    assert_eq!(status, 422, "{problem}");
    assert!(problem.to_string().contains("past"), "{problem}");
    let (other, token) = server.create_org("Other Co");
    let response = server
        .request(
            Method::GET,
            &format!("/v1/orgs/{other}/reports/goals"),
            Some(&token),
        )
        .send()
        .unwrap();
    assert_eq!(read(response), (200, json!([])), "no goals set");
}

#[test]
fn the_running_server_announces_a_launch_within_its_notice_once() {
    let mut background = leadhost::server::Background::default();
    background.scheduler.launch_check_ms = 50;
    let server = TestServer::start_with_background(background);
    let create = |id: &str, days: i64| {
        let (status, created) = server.demo(
            Method::POST,
            "/v1/orgs/demo/campaigns",
            Some(json!({"id": id, "name": id, "launch_at": in_days(days)})),
        );
        assert_eq!(status, 201, "{created}");
    };
    // Within the demo's notice (7 days), and beyond it.
    create("soon", 2);
    create("later", 20);
    let announced = |id: &str| {
        let (_, campaign) =
            server.demo(Method::GET, &format!("/v1/orgs/demo/campaigns/{id}"), None);
        campaign["launch_announced_at"].as_str().map(String::from)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while announced("soon").is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "not announced within 20 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let first = announced("soon");
    // Many more rounds pass: announced once, and the later one not at all.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(announced("soon"), first, "once");
    assert_eq!(announced("later"), None, "beyond its notice");
}
