//! The closed-loop funnel counts every lead exactly once, by where it is
//! now, and its milestones, rates and times follow what happened.

use chrono::Duration;
use leadhost::builtin::BANT_QUALIFIER;
use leadhost::engine::{Feedback, Window};
use leadhost::runtime::Slot;

use super::support::{TestOrg, almost, start_time, strong, student};

#[test]
fn the_funnel_adds_up_and_follows_the_leads() {
    let org = TestOrg::new();
    let won = org
        .ingest(strong("a@northwind.example"))
        .record
        .id()
        .to_string();
    let lost = org
        .ingest(strong("b@northwind.example"))
        .record
        .id()
        .to_string();
    let back = org
        .ingest(strong("c@northwind.example"))
        .record
        .id()
        .to_string();
    org.ingest(almost("d@fjord.example"));
    org.ingest(almost("e@fjord.example"));
    org.ingest(student("f"));
    org.ingest(student("g"));
    org.engine
        .plugins()
        .deactivate(org.org, Slot::LeadDefinition);
    org.ingest(strong("h@northwind.example"));
    org.activate_builtin(BANT_QUALIFIER);

    org.clock.advance(Duration::hours(2));
    let feedback = |id: &str, feedback| org.engine.feedback(org.org, id, feedback).unwrap();
    feedback(&won, Feedback::Accept { rep: None });
    feedback(&lost, Feedback::Accept { rep: None });
    feedback(
        &back,
        Feedback::PassBack {
            reason: "no budget yet".into(),
        },
    );
    org.clock.advance(Duration::hours(3));
    feedback(&won, Feedback::Won);
    feedback(
        &lost,
        Feedback::Lost {
            reason: "price".into(),
        },
    );
    org.clock.advance(Duration::days(1));
    org.ingest(strong("later@northwind.example"));

    let first_day = Window {
        from: Some(start_time()),
        to: Some(start_time() + Duration::days(1)),
    };
    let funnel = org.engine.funnel(org.org, first_day).unwrap();
    let total = &funnel.total;
    assert_eq!(total.leads, 8);
    assert_eq!(
        total.won + total.lost + total.discarded + total.active,
        total.leads,
        "{total:#?}"
    );
    assert_eq!(total.active_by_stage.values().sum::<u64>(), total.active);
    assert_eq!(total.lost_by_reason.values().sum::<u64>(), total.lost);
    assert_eq!(
        total.discarded_by_reason.values().sum::<u64>(),
        total.discarded
    );
    assert_eq!(
        total.active_by_nurture_step.values().sum::<u64>(),
        total.active_by_stage["nurturing"]
    );
    assert_eq!(
        (total.won, total.lost, total.discarded, total.active),
        (1, 1, 2, 4)
    );
    assert_eq!(total.lost_by_reason["price"], 1);
    assert_eq!(total.active_by_stage["nurturing"], 3);
    assert_eq!(total.active_by_stage["needs-review"], 1);
    assert_eq!(
        (
            total.qualified,
            total.sales_ready,
            total.assigned,
            total.recycled
        ),
        (7, 3, 3, 1)
    );
    assert_eq!(total.conversion.won_of_assigned, Some(1.0 / 3.0));
    // The won and the lost lead were accepted first; the third assigned one
    // was passed back unaccepted.
    assert_eq!(total.accepted, 2);
    assert_eq!(total.conversion.accepted_of_assigned, Some(2.0 / 3.0));
    // One day's leads: one week, with the same counts as the whole.
    let [week] = funnel.weekly.as_slice() else {
        panic!("one week: {:?}", funnel.weekly)
    };
    assert_eq!(
        (week.leads, week.sales_ready, week.won, week.discarded),
        (total.leads, total.sales_ready, total.won, total.discarded)
    );
    assert_eq!(chrono::Datelike::weekday(&week.week), chrono::Weekday::Mon);
    assert_eq!(total.conversion.qualified_of_leads, Some(7.0 / 8.0));
    assert_eq!(total.median_hours_in_stage["assigned"], 2.0);
    assert_eq!(total.median_hours_in_stage["accepted"], 3.0);

    let by_source: u64 = funnel.by_source.values().map(|section| section.leads).sum();
    assert_eq!(by_source, total.leads);
    assert_eq!(funnel.by_source["webinar"].won, 1);
    assert_eq!(funnel.by_source["webinar"].leads, 4);
    assert_eq!(funnel.by_source["organic"].discarded, 2);
    assert_eq!(funnel.by_campaign["guide"].leads, 2);

    let next_day = Window {
        from: Some(start_time() + Duration::days(1)),
        to: None,
    };
    assert_eq!(org.engine.funnel(org.org, next_day).unwrap().total.leads, 1);
    assert_eq!(
        org.engine
            .funnel(org.org, Window::default())
            .unwrap()
            .total
            .leads,
        9
    );
}

#[test]
fn another_orgs_leads_are_not_counted() {
    let org = TestOrg::new();
    org.ingest(strong("a@northwind.example"));
    org.engine.create_org("other", "Other Inc").unwrap();
    let other = org.engine.funnel("other", Window::default()).unwrap();
    assert_eq!(other.total.leads, 0);
    assert_eq!(other.total.conversion.won_of_leads, None);
    assert!(org.engine.funnel("nobody", Window::default()).is_err());
}
