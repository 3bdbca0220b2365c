//! `[[campaigns]]`, `[[goals]]` and `[announcements]` in `org.toml`, applied
//! by the watcher: campaigns created and then changed by id (their archive
//! and announcement kept), goals and the launch notice set, and a wrong
//! entry refusing the file with nothing of it applied.

use leadhost::engine::{CampaignQuery, GoalMetric};

use super::{Folder, wait_for};

fn append(folder: &Folder, text: &str) -> String {
    let path = folder.org_dir.join("org.toml");
    let base = std::fs::read_to_string(&path).unwrap();
    let base = base.split("\n# plan\n").next().unwrap().to_string();
    let whole = format!("{base}\n# plan\n{text}");
    std::fs::write(&path, &whole).unwrap();
    whole
}

const PLAN: &str = r#"
[announcements]
campaign_launch = "5d"

[[campaigns]]
name = "Spring webinar"
channel = "webinar"
launch_at = "2027-03-10T09:00:00Z"
budget = 8000
target = { countries = ["de", "AT"], titles = ["Head of Sales"] }

[[campaigns]]
id = "trade-show"
name = "Trade show"
launch_at = "2027-05-01T09:00:00Z"

[[goals]]
metric = "sales-ready"
target = 400
period = "month"
owner = "marketing"

[[goals]]
metric = "won-of-assigned"
target = 0.25
period = "quarter"
"#;

#[test]
fn campaigns_goals_and_the_launch_notice_come_from_org_toml() {
    let folder = Folder::new();
    let engine = folder.host.engine.clone();
    append(&folder, PLAN);
    wait_for("the campaigns", || {
        engine
            .campaigns("acme", CampaignQuery::default())
            .unwrap()
            .len()
            == 2
    });
    let webinar = engine.campaign("acme", "spring-webinar").unwrap();
    assert_eq!(webinar.budget, Some(8000.0));
    assert_eq!(webinar.target.countries, ["DE", "AT"], "normalized");
    let goals = engine.settings().goals("acme");
    assert_eq!(goals.len(), 2);
    assert_eq!(goals[1].metric, GoalMetric::WonOfAssigned);
    assert_eq!(
        engine.settings().announcements("acme").launch_notice(),
        chrono::Duration::days(5)
    );

    // Archived through the API, then the file's entry changes: the edit
    // lands on the same campaign and the archive stays.
    engine.archive_campaign("acme", "trade-show").unwrap();
    append(
        &folder,
        &PLAN.replace("name = \"Trade show\"", "name = \"Trade show 2027\""),
    );
    wait_for("the edit", || {
        engine.campaign("acme", "trade-show").unwrap().name == "Trade show 2027"
    });
    assert!(
        engine
            .campaign("acme", "trade-show")
            .unwrap()
            .archived_at
            .is_some()
    );

    // A wrong entry refuses the whole file: nothing of it applies.
    let wrong = PLAN
        .replace("name = \"Trade show\"", "name = \"Trade show 2027\"")
        .replace("target = 400", "target = 500")
        .replace("budget = 8000", "budget = -1");
    append(&folder, &wrong);
    wait_for("the refusal", || {
        engine.plugins().org_file_error("acme").is_some()
    });
    let error = engine.plugins().org_file_error("acme").unwrap();
    assert!(error.contains("campaigns[0].budget"), "{error}");
    assert!(error.contains("(campaign `spring-webinar`)"), "{error}");
    assert_eq!(engine.settings().goals("acme")[0].target, 400.0, "kept");
    assert_eq!(
        engine.campaign("acme", "spring-webinar").unwrap().budget,
        Some(8000.0)
    );
}
