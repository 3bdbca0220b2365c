//! The lab in a real browser: a backtest started from its form, followed
//! to its end, and its report read against the API's.

use leadhost::builtin::BANT_QUALIFIER;
use reqwest::Method;

use super::base;
use super::browser::Browser;
use crate::e2e::http::server::TestServer;

#[test]
fn a_backtest_started_from_the_lab_shows_its_matrix_quality_and_sweep_curve() {
    let server = TestServer::start_with_history(4);
    let folder = server.host.plugins.folders().org_dir("demo");
    std::fs::write(folder.join("strict.wasm"), BANT_QUALIFIER.bytes).unwrap();
    let browser = Browser::start();
    browser.sign_in(&base(&server), &server.demo);
    browser.open(&server.url("/orgs/demo/lab"));
    let candidate = browser.find("input[name=candidate]");
    browser.run(candidate.send_keys("strict.wasm")).unwrap();
    let sweep = browser.find("input[name=sweep]");
    browser
        .run(sweep.send_keys("sales-ready-score=60..90:10"))
        .unwrap();
    browser.click("form[action='/orgs/demo/backtests'] button");
    assert!(
        browser.path().starts_with("/orgs/demo/backtests/"),
        "{}",
        browser.path()
    );
    let id = browser.path()["/orgs/demo/backtests/".len()..].to_string();
    // The page refreshes itself until the job is done.
    let started = std::time::Instant::now();
    while browser.text("#backtest-state") == "running" {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "still running"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    assert_eq!(browser.text("#backtest-state"), "done");
    let (status, job) = server.demo(Method::GET, &format!("/v1/orgs/demo/backtests/{id}"), None);
    assert_eq!(status, 200, "{job}");
    let result = &job["result"];
    // The matrix's cells add up to the leads compared, as the API's do.
    let cells: u64 = browser
        .texts("#matrix tbody td")
        .iter()
        .map(|cell| cell.parse::<u64>().unwrap())
        .sum();
    assert_eq!(
        cells,
        result["total"].as_u64().unwrap() - result["failed"].as_u64().unwrap(),
        "{result}"
    );
    let precision = result["precision"]["live"].as_f64().unwrap();
    assert_eq!(
        browser.text("#precision-live"),
        format!("{:.1} %", precision * 100.0)
    );
    // One point per swept value on the quantity curve, two lines on the quality one.
    assert_eq!(browser.find_all("figure").len(), 2);
    assert_eq!(browser.find_all("figure:first-of-type circle").len(), 4);
    assert_eq!(browser.find_all("figure polyline").len(), 3);
    browser.screenshot("backtest");
}
