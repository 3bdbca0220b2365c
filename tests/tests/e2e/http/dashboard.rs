//! The dashboard's walls over plain HTTP: sign-in, sessions that end with
//! their token, every org page walled off from other orgs' sessions, and
//! posts refused without the session's CSRF secret or from another site.
//! (What a person sees is tested in a real browser: `e2e/ui`.)

use reqwest::Method;
use reqwest::blocking::{Client, Response};
use reqwest::redirect::Policy;
use serde_json::json;

use super::server::{TestServer, read};

/// A browser's session: its cookie and the CSRF secret its forms carry.
pub struct Session {
    cookie: String,
    csrf: String,
}

/// A client that shows redirects instead of following them.
fn client() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

/// Signs in with `token` as the sign-in form does.
fn sign_in(server: &TestServer, token: &str) -> Session {
    let response = client()
        .post(server.url("/"))
        .form(&[("token", token)])
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let page = client()
        .get(server.url("/"))
        .header("cookie", &cookie)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let csrf = page
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("every signed-in page has the sign-out form with its CSRF field")
        .to_string();
    Session { cookie, csrf }
}

fn get(server: &TestServer, session: Option<&Session>, path: &str) -> Response {
    let mut request = client().get(server.url(path));
    if let Some(session) = session {
        request = request.header("cookie", &session.cookie);
    }
    request.send().unwrap()
}

fn post(server: &TestServer, session: &Session, path: &str, form: &[(&str, &str)]) -> Response {
    client()
        .post(server.url(path))
        .header("cookie", &session.cookie)
        .form(form)
        .send()
        .unwrap()
}

/// A sales-ready lead of the demo org (the first-party definition takes it).
fn demo_lead(server: &TestServer) -> String {
    let (status, body) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(
            json!({"email": "ana@weber.example", "company": "Weber AG", "budget": 90000,
            "authority": "decision-maker", "need": "high", "timeline_days": 20, "country": "DE"}),
        ),
    );
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

#[test]
fn the_sign_in_page_posts_a_token_field_to_its_own_action_and_a_wrong_token_is_refused() {
    let server = TestServer::start();
    let page = get(&server, None, "/");
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().unwrap();
    assert!(
        html.contains(r#"<form method="post" action="/">"#),
        "{html}"
    );
    assert!(html.contains(r#"name="token""#), "{html}");
    let wrong = client()
        .post(server.url("/"))
        .form(&[("token", "lh_nope")])
        .send()
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    assert!(wrong.text().unwrap().contains("not valid"));
    // A sign-in form is small: a large body is refused before it is read whole.
    let huge = "x".repeat(100 << 10);
    let large = client()
        .post(server.url("/"))
        .form(&[("token", huge.as_str())])
        .send()
        .unwrap();
    assert_eq!(large.status().as_u16(), 413);
    // A page asked for while signed out leads to sign-in and back.
    let away = get(&server, None, "/orgs/demo/leads?stage=assigned");
    assert_eq!(away.status().as_u16(), 303);
    assert_eq!(
        away.headers()["location"],
        "/?next=%2Forgs%2Fdemo%2Fleads%3Fstage%3Dassigned"
    );
    // `next` only ever leads back into this host: a tab, which browsers drop
    // from a URL, does not make `/<TAB>/evil.example` a way out.
    for next in [
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "/\r\nSet-Cookie: x=1",
    ] {
        let signed_in = client()
            .post(server.url("/"))
            .form(&[("token", server.demo.as_str()), ("next", next)])
            .send()
            .unwrap();
        assert_eq!(signed_in.status().as_u16(), 303, "{next:?}");
        assert_eq!(signed_in.headers()["location"], "/", "{next:?}");
    }
    // The token never travels in a URL: sign-in takes it from the body only.
    let in_url = client()
        .post(server.url(&format!("/?token={}", server.demo)))
        .send()
        .unwrap();
    assert_ne!(in_url.status().as_u16(), 303);
}

#[test]
fn pages_forbid_framing_scripts_and_caching_and_answer_bad_queries_with_422() {
    let server = TestServer::start();
    let session = sign_in(&server, &server.demo);
    let page = get(&server, Some(&session), "/orgs/demo/funnel");
    assert_eq!(page.status().as_u16(), 200);
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    for bad in [
        "/orgs/demo/funnel?to=%2B262142-12-31",
        "/orgs/demo/leads?to=%2B262142-12-31",
        "/?to=%2B262142-12-31",
        "/orgs/demo/leads?from=30.11.2026",
        "/orgs/demo/leads?stage=won&stage=lost",
        "/orgs/demo/leads?stage=golden",
        "/orgs/demo/funnel?from=2026-11-20&to=2026-11-01",
        "/orgs/demo/leads?from=2026-11-20&to=2026-11-01",
    ] {
        let answer = get(&server, Some(&session), bad);
        assert_eq!(answer.status().as_u16(), 422, "{bad}");
        let content_type = answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            content_type.starts_with("text/html"),
            "{bad}: {content_type}"
        );
    }
}

#[test]
fn another_orgs_session_finds_none_of_the_demo_orgs_pages_or_forms() {
    let server = TestServer::start();
    let lead = demo_lead(&server);
    let (other, other_token) = server.create_org("Other Co");
    let session = sign_in(&server, &other_token);
    let pages = [
        "/orgs/demo".to_string(),
        "/orgs/demo/funnel".into(),
        "/orgs/demo/leads".into(),
        format!("/orgs/demo/leads/{lead}"),
        "/orgs/demo/plugins".into(),
        "/orgs/demo/lab".into(),
        "/orgs/demo/reps".into(),
        "/orgs/demo/tasks".into(),
        "/orgs/demo/deliveries".into(),
        "/orgs/demo/backtests/bt-1".into(),
        "/orgs/no-such-org/funnel".into(),
        // The demo org's lead under the other org's own path.
        format!("/orgs/{other}/leads/{lead}"),
    ];
    for page in &pages {
        let response = get(&server, Some(&session), page);
        assert_eq!(response.status().as_u16(), 404, "{page}");
    }
    let posts: [(String, Vec<(&str, &str)>); 6] = [
        (
            format!("/orgs/demo/leads/{lead}/feedback"),
            vec![("feedback", "pass-back"), ("reason", "x")],
        ),
        (
            "/orgs/demo/plugins/lead-definition/rollback".into(),
            vec![("to", "00")],
        ),
        ("/orgs/demo/tasks/task-1/done".into(), vec![]),
        ("/orgs/demo/deliveries/1/replay".into(), vec![]),
        (
            "/orgs/demo/backtests".into(),
            vec![("slot", "lead-definition"), ("candidate", "x.wasm")],
        ),
        ("/orgs/demo/shadows/lead-definition/promote".into(), vec![]),
    ];
    for (path, fields) in &posts {
        let mut form = fields.clone();
        form.push(("csrf", &session.csrf));
        let response = post(&server, &session, path, &form);
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
    // Its own pages answer.
    for page in [
        "/",
        &format!("/orgs/{other}/funnel"),
        &format!("/orgs/{other}/leads"),
    ] {
        assert_eq!(
            get(&server, Some(&session), page).status().as_u16(),
            200,
            "{page}"
        );
    }
    // The demo lead is untouched.
    let (_, view) = server.demo(Method::GET, &format!("/v1/orgs/demo/leads/{lead}"), None);
    assert_ne!(view["stage"], "recycled", "{view}");
}

#[test]
fn posts_without_the_sessions_csrf_secret_or_from_another_site_change_nothing() {
    let server = TestServer::start();
    let lead = demo_lead(&server);
    let session = sign_in(&server, &server.demo);
    let stage = || {
        server
            .demo(Method::GET, &format!("/v1/orgs/demo/leads/{lead}"), None)
            .1["stage"]
            .clone()
    };
    let before = stage();
    let path = format!("/orgs/demo/leads/{lead}/feedback");
    let form = [("feedback", "pass-back"), ("reason", "not ready")];
    let missing = post(&server, &session, &path, &form);
    assert_eq!(missing.status().as_u16(), 403);
    let wrong = post(
        &server,
        &session,
        &path,
        &[form[0], form[1], ("csrf", "0000")],
    );
    assert_eq!(wrong.status().as_u16(), 403);
    let other = sign_in(&server, &server.demo);
    let others_secret = post(
        &server,
        &session,
        &path,
        &[form[0], form[1], ("csrf", &other.csrf)],
    );
    assert_eq!(
        others_secret.status().as_u16(),
        403,
        "a secret is good for its own session only"
    );
    let with = |name: &str, value: &str| {
        client()
            .post(server.url(&path))
            .header("cookie", &session.cookie)
            .header(name, value)
            .form(&[form[0], form[1], ("csrf", &session.csrf)])
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(with("origin", "http://evil.example"), 403);
    assert_eq!(with("sec-fetch-site", "cross-site"), 403);
    // Without a session a post is refused, not sent to sign in.
    let signed_out = client().post(server.url(&path)).form(&form).send().unwrap();
    assert_eq!(signed_out.status().as_u16(), 401);
    assert_eq!(stage(), before, "no refused post changed the lead");
    // The same post with the session's secret is taken.
    let taken = post(
        &server,
        &session,
        &path,
        &[form[0], form[1], ("csrf", &session.csrf)],
    );
    assert_eq!(taken.status().as_u16(), 303);
    assert_ne!(stage(), before, "the passed-back lead left {before}");
}

#[test]
fn revoking_the_token_or_signing_out_ends_the_session() {
    let server = TestServer::start();
    let (org, token) = server.create_org("Revoked Co");
    let session = sign_in(&server, &token);
    assert_eq!(
        get(&server, Some(&session), &format!("/orgs/{org}/funnel"))
            .status()
            .as_u16(),
        200
    );
    let (status, tokens) = read(
        server
            .request(
                Method::POST,
                &format!("/v1/orgs/{org}/tokens"),
                Some(&server.admin),
            )
            .send()
            .unwrap(),
    );
    assert_eq!(status, 201, "{tokens}");
    // The first token's id, to revoke it.
    let store = server.host.engine.store().clone();
    let id = store
        .tokens()
        .unwrap()
        .into_iter()
        .find(|(hash, _)| *hash == leadhost::auth::hash(&token))
        .map(|(_, record)| record.id)
        .unwrap();
    let (status, body) = read(
        server
            .request(
                Method::DELETE,
                &format!("/v1/orgs/{org}/tokens/{id}"),
                Some(&server.admin),
            )
            .send()
            .unwrap(),
    );
    assert_eq!(status, 204, "{body}");
    let after = get(&server, Some(&session), &format!("/orgs/{org}/funnel"));
    assert_eq!(
        after.status().as_u16(),
        303,
        "a revoked token's session is over"
    );

    let session = sign_in(&server, &server.demo);
    let out = post(&server, &session, "/sign-out", &[("csrf", &session.csrf)]);
    assert_eq!(out.status().as_u16(), 303);
    assert!(
        out.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        get(&server, Some(&session), "/orgs/demo/funnel")
            .status()
            .as_u16(),
        303
    );
}

#[test]
fn the_funnel_page_shows_the_goals_as_the_report_gives_them_and_each_campaigns_cost() {
    let server = TestServer::start();
    let session = sign_in(&server, &server.demo);
    let page = get(&server, Some(&session), "/orgs/demo/funnel")
        .text()
        .unwrap();
    assert!(
        !page.contains("data-campaign="),
        "no lead of a budgeted campaign yet"
    );
    let (status, body) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(
            json!({"email": "jonas@weber.example", "company": "Weber AG", "budget": 90000,
            "authority": "decision-maker", "need": "high", "timeline_days": 20, "country": "DE",
            "campaign": "autumn-webinar"}),
        ),
    );
    assert_eq!(status, 201, "{body}");
    let (_, goals) = server.demo(Method::GET, "/v1/orgs/demo/reports/goals?past=2", None);
    let page = get(&server, Some(&session), "/orgs/demo/funnel")
        .text()
        .unwrap();
    let month = goals[0]["periods"][2]["start"].as_str().unwrap();
    let row = page
        .split(&format!(r#"data-goal="sales-ready/{}""#, &month[..10]))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap_or_else(|| panic!("the current month's row: {page}"));
    assert!(row.contains("(now)"), "{row}");
    assert!(
        row.contains(">40<") && row.contains(">1<"),
        "target 40, one so far: {row}"
    );
    assert!(
        page.contains(r#"data-goal="won-of-assigned/"#),
        "the quarter's goal too"
    );
    let costs = page
        .split(r#"data-campaign="autumn-webinar""#)
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("the campaign's cost row");
    assert!(costs.contains("6000.00"), "{costs}");
}
