//! The dashboard in a real browser: Debian's headless Chromium, driven
//! over WebDriver, against a real server on loopback. Each test asserts on
//! the page's DOM (never on pixels) and leaves a screenshot in
//! `target/ui-screenshots/`.

pub mod browser;
pub mod lab;

use reqwest::Method;
use serde_json::{Value, json};

use self::browser::Browser;
use super::http::server::{TestServer, read};
use super::reload::variant;
use leadhost::builtin::BANT_QUALIFIER;

/// Posts a lead the first-party definition finds sales-ready; its id.
fn strong_lead(server: &TestServer, email: &str) -> String {
    let (status, body) = server.demo(
        Method::POST,
        "/v1/orgs/demo/leads",
        Some(
            json!({"email": email, "name": "Ana Weber", "company": "Weber AG", "budget": 90000,
            "authority": "decision-maker", "need": "high", "timeline_days": 20, "country": "DE",
            "source": "webinar"}),
        ),
    );
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

fn api_lead(server: &TestServer, id: &str) -> Value {
    let (status, body) = server.demo(Method::GET, &format!("/v1/orgs/demo/leads/{id}"), None);
    assert_eq!(status, 200, "{body}");
    body
}

/// The server's address, for the browser.
pub fn base(server: &TestServer) -> String {
    server.url("")
}

#[test]
fn signing_in_shows_the_funnel_with_the_apis_numbers_and_a_weekly_chart() {
    let server = TestServer::start_with_history(6);
    let browser = Browser::start();
    browser.sign_in(&base(&server), &server.demo);
    assert_eq!(browser.path(), "/");
    assert_eq!(browser.heading(), "Funnel");
    let (status, funnel) = server.demo(Method::GET, "/v1/orgs/demo/reports/funnel", None);
    assert_eq!(status, 200, "{funnel}");
    assert!(funnel["leads"].as_u64().unwrap() >= 200, "{funnel}");
    for metric in [
        "leads",
        "qualified",
        "sales-ready",
        "assigned",
        "accepted",
        "won",
        "lost",
        "discarded",
    ] {
        let shown = browser.text(&format!("[data-metric='{metric}']"));
        let field = metric.replace('-', "_");
        assert_eq!(shown, funnel[&field].to_string(), "{metric}");
    }
    // Six weeks of history (and the partial week now): a bar group a week.
    let weeks = funnel["weekly"].as_array().unwrap().len();
    assert!(weeks >= 6, "{funnel}");
    let bars = browser.find_all("figure svg[role=img] rect");
    assert_eq!(bars.len(), weeks * 3, "leads, sales-ready and won per week");
    // The menu reaches every section, and marks where the page is.
    let menu = browser.texts("nav a");
    assert_eq!(
        menu,
        [
            "Funnel",
            "Leads",
            "Plug-ins",
            "Backtests & shadows",
            "Reps",
            "Tasks",
            "Deliveries"
        ]
    );
    assert_eq!(browser.text("nav a[aria-current='page']"), "Funnel");
    browser.screenshot("funnel");
    // The whole page, for the README (docs/screenshots/funnel.png).
    browser
        .run(browser.client.set_window_size(1280, 1500))
        .unwrap();
    browser.screenshot("readme-funnel");
    browser
        .run(browser.client.set_window_size(1280, 800))
        .unwrap();

    // Every section opens from the menu, each at its own URL.
    for (label, path) in [
        ("Leads", "/orgs/demo/leads"),
        ("Plug-ins", "/orgs/demo/plugins"),
        ("Backtests & shadows", "/orgs/demo/lab"),
        ("Reps", "/orgs/demo/reps"),
        ("Tasks", "/orgs/demo/tasks"),
        ("Deliveries", "/orgs/demo/deliveries"),
    ] {
        let link = browser
            .find_all("nav a")
            .into_iter()
            .find(|a| browser.run(a.text()).unwrap() == label)
            .unwrap();
        browser.follow(link);
        assert_eq!(browser.path(), path);
        assert_eq!(browser.text("nav a[aria-current='page']"), label);
        browser.screenshot(&format!("section-{}", &path[11..]));
        if label == "Reps" {
            // The demo reps' display names and e-mails, from examples/demo/reps.json.
            let reps = browser.text("#reps");
            assert!(
                reps.contains("Ana Lima") && reps.contains("ana@demo.example"),
                "{reps}"
            );
        }
    }

    // Readable on a phone: nothing wider than a 390 px screen.
    let phone = Browser::start_sized(390, 844);
    phone.sign_in(&base(&server), &server.demo);
    phone.screenshot("funnel-390");
    let widest = phone
        .run(phone.client.execute(
            "return [window.innerWidth, document.documentElement.scrollWidth, \
             [...document.querySelectorAll('body *')] \
               .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1) \
               .map(e => e.tagName + '.' + e.className).slice(0, 5).join(' ')]",
            vec![],
        ))
        .unwrap();
    assert_eq!(widest[0], 390, "a phone's viewport");
    assert!(
        widest[1].as_u64().unwrap() <= 390,
        "too wide at 390 px: {widest}"
    );
    for page in ["leads", "plugins", "tasks", "reps"] {
        phone.open(&server.url(&format!("/orgs/demo/{page}")));
        let wide = phone
            .run(
                phone
                    .client
                    .execute("return document.documentElement.scrollWidth", vec![]),
            )
            .unwrap();
        phone.screenshot(&format!("{page}-390"));
        assert!(
            wide.as_u64().unwrap() <= 390,
            "{page} is {wide} px wide at 390"
        );
    }
}

#[test]
fn a_leads_page_shows_its_decisions_hashes_and_reasons_and_takes_feedback() {
    let server = TestServer::start();
    let id = strong_lead(&server, "ana@weber.example");
    let browser = Browser::start();
    browser.sign_in(&base(&server), &server.demo);
    browser.open(&server.url("/orgs/demo/leads?email=ANA@Weber.example"));
    browser.click(&format!("#leads a[href='/orgs/demo/leads/{id}']"));
    assert_eq!(browser.path(), format!("/orgs/demo/leads/{id}"));

    let lead = api_lead(&server, &id);
    let decisions: Vec<&Value> = lead["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["type"] == "decision")
        .collect();
    assert!(decisions.len() >= 2, "qualified and routed: {lead}");
    let shown: Vec<String> = browser
        .find_all("li.decision")
        .into_iter()
        .map(|li| browser.run(li.attr("data-plugin-hash")).unwrap().unwrap())
        .collect();
    let recorded: Vec<String> = decisions
        .iter()
        .map(|d| d["plugin_hash"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(shown, recorded);
    let page = browser.text("ol.timeline");
    for decision in &decisions {
        let hash = decision["plugin_hash"].as_str().unwrap();
        assert!(page.contains(&hash[..12]), "short hash {hash} shown");
        assert!(page.contains(decision["wit_version"].as_str().unwrap()));
        for reason in decision["reasons"].as_array().unwrap() {
            assert!(
                page.contains(reason.as_str().unwrap()),
                "reason {reason} shown"
            );
        }
    }
    // Why this rep: the routing decision lists the candidates it saw.
    let owner = lead["owner"].as_str().expect("assigned to a rep");
    let why = browser.text("li.decision details summary");
    assert!(why.starts_with("Why this rep"), "{why}");
    browser.click_in_page("li.decision details summary");
    assert!(
        browser
            .texts("li.decision details td")
            .iter()
            .any(|cell| cell.ends_with(&format!(" ({owner})"))),
        "the owner among the candidates, by display name and id"
    );
    // The demo reps have display names (examples/demo/reps.json).
    assert!(browser.text("dl.fields").contains(&format!(" ({owner})")));
    assert_eq!(browser.text("#stage"), "assigned");
    browser.screenshot("lead");
    // The whole page, for the README (docs/screenshots/lead.png).
    browser
        .run(browser.client.set_window_size(1280, 1500))
        .unwrap();
    browser
        .run(browser.client.execute("window.scrollTo(0, 0)", vec![]))
        .unwrap();
    browser.screenshot("readme-lead");

    // Sales feedback from the page goes through the engine.
    browser.click("form input[value=accept] ~ button");
    assert!(browser.text("p.notice").contains("Feedback recorded"));
    assert_eq!(api_lead(&server, &id)["stage"], "accepted");
    assert_eq!(browser.text("#stage"), "accepted");
    // Lost, with a reason: the page says why, as the API does.
    let reason = browser.find("form input[value=lost] ~ label input[name=reason]");
    browser
        .run(reason.send_keys("went with a competitor"))
        .unwrap();
    browser.click("form input[value=lost] ~ button");
    assert_eq!(api_lead(&server, &id)["stage"], "lost");
    assert_eq!(browser.text("#stage"), "lost");
    assert!(
        browser
            .text("#stage-detail")
            .contains("went with a competitor")
    );
    assert!(
        browser.find_all("form input[name=feedback]").is_empty(),
        "a closed lead takes no feedback"
    );
}

#[test]
fn rolling_back_from_the_plugins_page_changes_what_the_api_says_serves() {
    let server = TestServer::start();
    let active = |server: &TestServer| {
        let (status, slots) = server.demo(Method::GET, "/v1/orgs/demo/plugins", None);
        assert_eq!(status, 200, "{slots}");
        slots[0]["active"]["hash"].as_str().unwrap().to_string()
    };
    let first = active(&server);
    let response = server
        .request(
            Method::PUT,
            "/v1/orgs/demo/plugins/lead-definition?name=acme-fit",
            Some(&server.demo),
        )
        .header("content-type", "application/wasm")
        .body(variant(BANT_QUALIFIER.bytes, 5))
        .send()
        .unwrap();
    let (status, body) = read(response);
    assert_eq!(status, 200, "{body}");
    let uploaded = active(&server);
    assert_ne!(uploaded, first);

    let browser = Browser::start();
    browser.sign_in(&base(&server), &server.demo);
    browser.open(&server.url("/orgs/demo/plugins"));
    assert_eq!(browser.text("#lead-definition .active-name"), "acme-fit");
    assert_eq!(
        browser.text("#lead-definition .active-hash"),
        &uploaded[..12]
    );
    browser.screenshot("plugins");
    browser.click(&format!(
        "#lead-definition form input[name=to][value^='{first}'] ~ button"
    ));
    assert!(
        browser
            .text("p.notice")
            .contains(&format!("bant-qualifier {} is active again", &first[..12])),
        "{}",
        browser.text("p.notice")
    );
    assert_eq!(
        active(&server),
        first,
        "the API serves the version rolled back to"
    );
    assert_eq!(
        browser.text("#lead-definition .active-name"),
        "bant-qualifier"
    );

    // A refused rollback shows the API's error, with its status, and changes nothing.
    browser.submit_by_script(
        "document.querySelector('#lead-definition form input[name=to]').value = 'ffffffff'; \
         document.querySelector('#lead-definition form input[name=to]').form.submit();",
    );
    assert_eq!(browser.heading(), "Not Found");
    assert_eq!(active(&server), first);
}

#[test]
fn another_orgs_lead_is_not_found_inside_the_dashboard() {
    let server = TestServer::start();
    let id = strong_lead(&server, "kim@weber.example");
    let (other, token) = server.create_org("Other Co");
    let browser = Browser::start();
    browser.sign_in(&base(&server), &token);
    assert_eq!(browser.heading(), "Funnel");
    assert_eq!(browser.text("header .org strong"), other);
    for path in [
        format!("/orgs/demo/leads/{id}"),
        format!("/orgs/{other}/leads/{id}"),
        "/orgs/demo/funnel".into(),
    ] {
        browser.open(&server.url(&path));
        assert_eq!(browser.heading(), "Not Found", "{path}");
        assert!(!browser.text("main").contains("kim@weber.example"));
    }
    browser.screenshot("not-found");
}

#[test]
fn signing_out_ends_the_session() {
    let server = TestServer::start();
    let browser = Browser::start();
    browser.sign_in(&base(&server), &server.demo);
    let cookie = browser.session_cookie().expect("a session cookie");
    browser.click("form.sign-out button");
    assert_eq!(browser.heading(), "Sign in");
    assert_eq!(browser.session_cookie(), None);
    browser.open(&server.url("/orgs/demo/leads"));
    assert_eq!(browser.heading(), "Sign in");
    assert_eq!(browser.path(), "/?next=%2Forgs%2Fdemo%2Fleads");
    // The old cookie, sent again, opens nothing.
    let again = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(server.url("/orgs/demo/leads"))
        .header("cookie", format!("leadhost_session={cookie}"))
        .send()
        .unwrap();
    assert_eq!(again.status().as_u16(), 303);
    // Signing in again from there comes back to the page asked for.
    let field = browser.find("form input[name=token]");
    browser.run(field.send_keys(&server.demo)).unwrap();
    browser.click("form button[type=submit]");
    assert_eq!(browser.path(), "/orgs/demo/leads");
    browser.screenshot("signed-in-again");
}

#[test]
fn a_post_without_the_csrf_field_is_refused_and_changes_nothing() {
    let server = TestServer::start();
    let id = strong_lead(&server, "lea@weber.example");
    let browser = Browser::start();
    browser.sign_in(&base(&server), &server.demo);
    browser.open(&server.url(&format!("/orgs/demo/leads/{id}")));
    // The page's own accept form, its CSRF field taken out before it is sent.
    browser.submit_by_script(
        "const form = document.querySelector('form input[value=accept]').form; \
         form.querySelector('input[name=csrf]').remove(); form.submit();",
    );
    assert_eq!(browser.heading(), "Forbidden");
    assert!(browser.text("[role=alert]").contains("CSRF"));
    browser.screenshot("csrf-refused");
    assert_eq!(api_lead(&server, &id)["stage"], "assigned");
}
