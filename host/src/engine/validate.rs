//! A submitted lead, checked and normalized before the engine keeps it.
//! Every problem is reported at once, each naming its field.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Activity, Authority, Lead, Need, Scalar, Time};

/// Longest e-mail address (RFC 5321).
const EMAIL_MAX: usize = 254;
/// Longest name, company or title.
const NAME_MAX: usize = 200;
/// Longest industry, source or campaign.
const LABEL_MAX: usize = 100;
/// Most custom fields on one lead.
const CUSTOM_MAX: usize = 50;
/// Longest custom field name.
const CUSTOM_NAME_MAX: usize = 64;
/// Longest custom text value or activity detail.
const TEXT_MAX: usize = 2000;
/// Most activities in one submission.
const ACTIVITIES_MAX: usize = 100;
/// Largest company size accepted.
const COMPANY_SIZE_MAX: u32 = 10_000_000;
/// Longest timeline accepted, in days.
const TIMELINE_MAX: u32 = 3650;

/// A lead as a client submits it: the lead's fields, optionally with
/// activities that came with it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadSubmission {
    /// E-mail address: the lead's identity within the org.
    pub email: String,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Company.
    #[serde(default)]
    pub company: Option<String>,
    /// The company's web domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// Job title.
    #[serde(default)]
    pub title: Option<String>,
    /// Industry.
    #[serde(default)]
    pub industry: Option<String>,
    /// Number of employees.
    #[serde(default)]
    #[schema(maximum = 10_000_000)]
    pub company_size: Option<u32>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default)]
    pub country: Option<String>,
    /// Where the lead came from.
    #[serde(default)]
    pub source: Option<String>,
    /// The campaign that brought it in.
    #[serde(default)]
    pub campaign: Option<String>,
    /// Budget, when known.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub budget: Option<f64>,
    /// Authority, when known.
    #[serde(default)]
    pub authority: Option<Authority>,
    /// Need, when known.
    #[serde(default)]
    pub need: Option<Need>,
    /// Days until the planned purchase, when known.
    #[serde(default)]
    #[schema(maximum = 3650)]
    pub timeline_days: Option<u32>,
    /// The org's own fields (at most 50; names of 1 to 64 letters, digits,
    /// `_`, `-` or `.`).
    #[serde(default)]
    pub custom: BTreeMap<String, Scalar>,
    /// What the lead did, if the submission brings it.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub activities: Vec<Activity>,
}

/// One problem with one field of a submission.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error, utoipa::ToSchema,
)]
#[error("{field}: {problem}")]
pub struct FieldError {
    /// The field, as a JSON path (`email`, `custom.plan`, `activities[2].detail`).
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
}

impl FieldError {
    fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

impl LeadSubmission {
    /// Parses a submission from JSON; a malformed one names the field at fault.
    pub fn from_json(text: &str) -> Result<Self, FieldError> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let path = error.path().to_string();
            let field = if path == "." || path == "?" {
                "(body)".to_string()
            } else {
                path
            };
            FieldError::new(field, error.into_inner().to_string())
        })
    }

    /// Checks and normalizes the submission into a lead (without an id yet)
    /// and its activities, or lists every problem found.
    pub fn validate(self, now: Time) -> Result<(Lead, Vec<Activity>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let email = normalize_email(&self.email).unwrap_or_else(|problem| {
            errors.push(FieldError::new("email", problem));
            String::new()
        });
        let mut text = |field: &str,
                        value: Option<String>,
                        max: usize,
                        check: fn(&str) -> Result<String, String>| {
            label(value, max)
                .and_then(|value| value.map(|value| check(&value)).transpose())
                .unwrap_or_else(|problem| {
                    errors.push(FieldError::new(field, problem));
                    None
                })
        };
        let as_is = |value: &str| Ok(value.to_string());
        let name = text("name", self.name, NAME_MAX, as_is);
        let company = text("company", self.company, NAME_MAX, as_is);
        let title = text("title", self.title, NAME_MAX, as_is);
        let industry = text("industry", self.industry, LABEL_MAX, as_is);
        let source = text("source", self.source, LABEL_MAX, as_is);
        let campaign = text("campaign", self.campaign, LABEL_MAX, as_is);
        let domain = text("domain", self.domain, EMAIL_MAX, normalize_domain);
        let country = text("country", self.country, LABEL_MAX, normalize_country);
        if self
            .company_size
            .is_some_and(|size| size > COMPANY_SIZE_MAX)
        {
            errors.push(FieldError::new(
                "company_size",
                format!("must be at most {COMPANY_SIZE_MAX}"),
            ));
        }
        if let Some(budget) = self.budget
            && !(budget.is_finite() && budget >= 0.0)
        {
            errors.push(FieldError::new("budget", "must be a number of 0 or more"));
        }
        if self.timeline_days.is_some_and(|days| days > TIMELINE_MAX) {
            errors.push(FieldError::new(
                "timeline_days",
                format!("must be at most {TIMELINE_MAX} days"),
            ));
        }
        let custom = check_custom(self.custom, &mut errors);
        let activities = check_activities(self.activities, now, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let lead = Lead {
            id: String::new(),
            email,
            name,
            company,
            domain,
            title,
            industry,
            company_size: self.company_size,
            country,
            source,
            campaign,
            budget: self.budget,
            authority: self.authority,
            need: self.need,
            timeline_days: self.timeline_days,
            custom,
            created_at: now,
        };
        Ok((lead, activities))
    }
}

/// Trims, lowercases and checks an e-mail address.
pub fn normalize_email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("is required".into());
    }
    if email.len() > EMAIL_MAX {
        return Err(format!("is longer than {EMAIL_MAX} characters"));
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(format!("`{email}` has no `@`"));
    };
    if domain.contains('@') {
        return Err(format!("`{email}` has more than one `@`"));
    }
    if local.is_empty() || local.len() > 64 {
        return Err(format!("`{email}` needs 1 to 64 characters before the `@`"));
    }
    if let Some(bad) = local.chars().find(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '@' | '<' | '>' | ',' | ';' | '"')
    }) {
        return Err(format!("`{email}` has `{bad}` before the `@`"));
    }
    normalize_domain(domain).map_err(|problem| format!("`{email}`: the domain {problem}"))?;
    Ok(email)
}

/// Lowercases a domain, dropping a URL's scheme, `www.` and path, and checks it.
fn normalize_domain(raw: &str) -> Result<String, String> {
    let lower = raw.trim().to_lowercase();
    let bare = lower
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default();
    let domain = bare.strip_prefix("www.").unwrap_or(bare);
    let labels: Vec<&str> = domain.split('.').collect();
    let valid_label = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(valid_label) {
        return Err(format!(
            "`{domain}` is not a domain name like `example.com`"
        ));
    }
    if !labels
        .last()
        .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return Err(format!(
            "`{domain}` does not end in a top-level domain like `.com`"
        ));
    }
    Ok(domain.to_string())
}

/// Uppercases and checks an ISO 3166-1 alpha-2 code.
fn normalize_country(raw: &str) -> Result<String, String> {
    let code = raw.to_ascii_uppercase();
    if code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(format!(
            "`{raw}` is not a two-letter ISO 3166-1 country code"
        ))
    }
}

/// Trims a text field; blank becomes `None`.
fn label(value: Option<String>, max: usize) -> Result<Option<String>, String> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max {
        return Err(format!("is longer than {max} characters"));
    }
    if value.chars().any(char::is_control) {
        return Err("contains control characters".into());
    }
    Ok(Some(value.to_string()))
}

fn check_custom(
    custom: BTreeMap<String, Scalar>,
    errors: &mut Vec<FieldError>,
) -> BTreeMap<String, Scalar> {
    if custom.len() > CUSTOM_MAX {
        errors.push(FieldError::new(
            "custom",
            format!("has more than {CUSTOM_MAX} fields"),
        ));
    }
    let mut clean = BTreeMap::new();
    for (name, value) in custom {
        let field = format!("custom.{name}");
        let good_name = !name.is_empty()
            && name.len() <= CUSTOM_NAME_MAX
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !good_name {
            errors.push(FieldError::new(
                field,
                format!(
                    "a field name needs 1 to {CUSTOM_NAME_MAX} letters, digits, `_`, `-` or `.`"
                ),
            ));
            continue;
        }
        let value = match value {
            Scalar::Text(text) => match label(Some(text), TEXT_MAX) {
                Ok(Some(text)) => Scalar::Text(text),
                Ok(None) => continue,
                Err(problem) => {
                    errors.push(FieldError::new(field, problem));
                    continue;
                }
            },
            Scalar::Number(number) if !number.is_finite() => {
                errors.push(FieldError::new(field, "must be a finite number"));
                continue;
            }
            other => other,
        };
        clean.insert(name, value);
    }
    clean
}

fn check_activities(
    activities: Vec<Activity>,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) -> Vec<Activity> {
    if activities.len() > ACTIVITIES_MAX {
        errors.push(FieldError::new(
            "activities",
            format!("has more than {ACTIVITIES_MAX} entries; send the rest separately"),
        ));
    }
    let mut clean: Vec<Activity> = activities
        .into_iter()
        .enumerate()
        .map(|(index, activity)| check_one(&format!("activities[{index}]."), activity, now, errors))
        .collect();
    clean.sort_by_key(|activity| activity.at);
    clean
}

/// Checks one activity added to a lead on its own.
pub fn check_activity(activity: Activity, now: Time) -> Result<Activity, Vec<FieldError>> {
    let mut errors = Vec::new();
    let activity = check_one("", activity, now, &mut errors);
    if errors.is_empty() {
        Ok(activity)
    } else {
        Err(errors)
    }
}

/// Trims an activity's detail and checks its length and time; `path` prefixes field names.
fn check_one(
    path: &str,
    mut activity: Activity,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) -> Activity {
    activity.detail = activity.detail.trim().to_string();
    if activity.detail.chars().count() > TEXT_MAX {
        errors.push(FieldError::new(
            format!("{path}detail"),
            format!("is longer than {TEXT_MAX} characters"),
        ));
    }
    // A little clock skew between the client and the host is tolerated.
    if activity.at > now + chrono::Duration::days(1) {
        errors.push(FieldError::new(
            format!("{path}at"),
            format!("{} is in the future", activity.at.to_rfc3339()),
        ));
    }
    activity
}

#[cfg(test)]
mod tests;
