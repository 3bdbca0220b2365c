//! A campaign as an admin gives it (the API or `org.toml`
//! `[[campaigns]]`), checked and normalized before the engine keeps it.
//! Every problem is reported at once, each naming its field as the
//! campaign's JSON has it (`target.countries[1]`).

use super::FieldError;
use super::country::normalize_country;
use super::text::single_line;
use crate::model::Campaign;

/// Longest campaign id, in bytes: ids are what a lead's `campaign` names.
pub const CAMPAIGN_ID_MAX: usize = 64;
/// Longest name, channel, offer or owner, in characters.
const TEXT_MAX: usize = 200;
/// Most entries in each of the target's lists.
const TARGET_ENTRIES_MAX: usize = 100;
/// Longest entry of a target's list, in characters.
const ENTRY_MAX: usize = 100;
/// Most bytes of all the target's entries together (UTF-8): every
/// listing carries the target, and an org keeps up to 1,000 campaigns,
/// so a listing stays under ~10 MB whatever an org writes.
pub const TARGET_BYTES_MAX: usize = 4 * 1024;
/// The earliest year a campaign's dates may fall in.
const YEAR_FIRST: i32 = 1970;
/// The latest year a campaign's dates may fall in: four-digit years, so
/// every sum of a date and a window the host makes stays in range.
const YEAR_LAST: i32 = 9999;

/// Whether `id` can name a campaign: 1 to [`CAMPAIGN_ID_MAX`] of ASCII
/// letters, digits, `-`, `_` and `.` (it goes into URLs as it is).
pub fn campaign_id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= CAMPAIGN_ID_MAX
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// Checks `campaign` and returns it normalized: texts trimmed, countries
/// as ISO codes in capitals, list entries trimmed.
///
/// # Errors
/// Every problem found, each naming its field: `id`, `name`, `channel`,
/// `offer`, `owner`, `launch_at` and `end_at` (outside the years 1970 to
/// 9999; `end_at` before `launch_at`), `budget` (negative or not a
/// number), `target.<list>[N]`, `target` (over [`TARGET_BYTES_MAX`]
/// together), `target.company_size_max` (below the least).
pub fn check_campaign(mut campaign: Campaign) -> Result<Campaign, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !campaign_id_ok(&campaign.id) {
        errors.push(FieldError::new(
            "id",
            format!(
                "a campaign id needs 1 to {CAMPAIGN_ID_MAX} ASCII letters, digits, `-`, `_` or `.`"
            ),
        ));
    }
    match single_line(Some(campaign.name.clone()), TEXT_MAX) {
        Ok(Some(name)) => campaign.name = name,
        Ok(None) => errors.push(FieldError::new("name", "is blank: name the campaign")),
        Err(problem) => errors.push(FieldError::new("name", problem)),
    }
    for (field, value) in [
        ("channel", &mut campaign.channel),
        ("offer", &mut campaign.offer),
        ("owner", &mut campaign.owner),
    ] {
        *value = match single_line(value.take(), TEXT_MAX) {
            Ok(text) => text,
            Err(problem) => {
                errors.push(FieldError::new(field, problem));
                None
            }
        };
    }
    for (field, date) in [
        ("launch_at", Some(campaign.launch_at)),
        ("end_at", campaign.end_at),
    ] {
        if let Some(date) = date
            && !(YEAR_FIRST..=YEAR_LAST).contains(&chrono::Datelike::year(&date))
        {
            errors.push(FieldError::new(
                field,
                format!("{date} is outside the years {YEAR_FIRST} to {YEAR_LAST}"),
            ));
        }
    }
    if campaign.end_at.is_some_and(|end| end < campaign.launch_at) {
        errors.push(FieldError::new("end_at", "is before `launch_at`"));
    }
    if campaign
        .budget
        .is_some_and(|budget| !budget.is_finite() || budget < 0.0)
    {
        errors.push(FieldError::new(
            "budget",
            "must be a number of at least 0 (the org's currency)",
        ));
    }
    let target = &mut campaign.target;
    for (name, list) in [
        ("segments", &mut target.segments),
        ("industries", &mut target.industries),
        ("titles", &mut target.titles),
        ("countries", &mut target.countries),
    ] {
        if list.len() > TARGET_ENTRIES_MAX {
            errors.push(FieldError::new(
                format!("target.{name}"),
                format!("{} entries; at most {TARGET_ENTRIES_MAX}", list.len()),
            ));
            continue;
        }
        for (at, entry) in list.iter_mut().enumerate() {
            let field = || format!("target.{name}[{at}]");
            let checked = match single_line(Some(entry.clone()), ENTRY_MAX) {
                Ok(Some(text)) if name == "countries" => normalize_country(&text),
                Ok(Some(text)) => Ok(text),
                Ok(None) => Err("is blank".to_string()),
                Err(problem) => Err(problem),
            };
            match checked {
                Ok(text) => *entry = text,
                Err(problem) => errors.push(FieldError::new(field(), problem)),
            }
        }
    }
    let bytes: usize = [
        &target.segments,
        &target.industries,
        &target.titles,
        &target.countries,
    ]
    .into_iter()
    .flatten()
    .map(String::len)
    .sum();
    if bytes > TARGET_BYTES_MAX {
        errors.push(FieldError::new(
            "target",
            format!(
                "its lists hold {bytes} bytes of text together; at most {TARGET_BYTES_MAX}: target fewer, shorter words"
            ),
        ));
    }
    if let (Some(least), Some(most)) = (target.company_size_min, target.company_size_max)
        && most < least
    {
        errors.push(FieldError::new(
            "target.company_size_max",
            format!("is below `company_size_min` ({least})"),
        ));
    }
    if errors.is_empty() {
        Ok(campaign)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign(json: serde_json::Value) -> Campaign {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_campaign_is_trimmed_and_its_countries_normalized() {
        let checked = check_campaign(campaign(serde_json::json!({
            "id": "spring", "name": "  Spring webinar ", "launch_at": "2026-12-10T09:00:00Z",
            "target": {"countries": ["de", " AT"], "titles": [" CFO "]}, "budget": 0
        })))
        .unwrap();
        assert_eq!(checked.name, "Spring webinar");
        assert_eq!(checked.target.countries, ["DE", "AT"]);
        assert_eq!(checked.target.titles, ["CFO"]);
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let errors = check_campaign(campaign(serde_json::json!({
            "id": "a b", "name": " ", "channel": "line\nbreak",
            "launch_at": "2026-12-10T09:00:00Z", "end_at": "2026-12-01T09:00:00Z",
            "budget": -5,
            "target": {"countries": ["DE", "Narnia"], "titles": [""],
                       "company_size_min": 500, "company_size_max": 50}
        })))
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "id",
                "name",
                "channel",
                "end_at",
                "budget",
                "target.titles[0]",
                "target.countries[1]",
                "target.company_size_max"
            ],
            "{errors:?}"
        );
    }

    #[test]
    fn dates_at_the_edge_of_time_and_an_outsize_target_are_refused() {
        let far = Campaign {
            launch_at: chrono::DateTime::<chrono::Utc>::MAX_UTC - chrono::Duration::days(1),
            end_at: Some(chrono::DateTime::<chrono::Utc>::MAX_UTC),
            ..campaign(serde_json::json!({
                "id": "far", "name": "Far", "launch_at": "2026-12-10T09:00:00Z"
            }))
        };
        let errors = check_campaign(far).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(fields, ["launch_at", "end_at"], "{errors:?}");
        assert!(errors[0].problem.contains("1970 to 9999"), "{errors:?}");
        let early = check_campaign(campaign(serde_json::json!({
            "id": "early", "name": "Early", "launch_at": "1969-12-31T23:59:59Z"
        })))
        .unwrap_err();
        assert_eq!(early[0].field, "launch_at");
        // Each entry and list within its own limit, together over the budget.
        let titles: Vec<String> = (0..60)
            .map(|n| format!("{n:02} {}", "x".repeat(90)))
            .collect();
        let errors = check_campaign(campaign(serde_json::json!({
            "id": "wide", "name": "Wide", "launch_at": "2026-12-10T09:00:00Z",
            "target": {"titles": titles}
        })))
        .unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "target");
        assert!(errors[0].problem.contains("5580 bytes"), "{errors:?}");
    }
}
