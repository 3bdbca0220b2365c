//! A submitted lead, checked and normalized before the engine keeps it.
//! Every problem is reported at once, each naming its field.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Activity, Authority, Lead, Need, Scalar, Time};

mod campaign;
mod country;
mod email;
mod free_mail;
mod phone;
mod rep;
mod text;

#[cfg(test)]
pub(crate) use campaign::campaign_id_ok;
pub use campaign::{CAMPAIGN_ID_MAX, check_campaign};
use country::normalize_country;
pub use email::normalize_email;
use email::{EMAIL_MAX, domain_of, normalize_domain};
pub(crate) use free_mail::is_free_mail;
pub use rep::check_rep;
use text::{free_text, single_line};

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
/// activities that came with it. Kept apart from [`Lead`], the checked
/// record: its fields are raw (a country's name, a domain as a URL) and
/// documented as a client sends them. A test keeps the two in step.
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
    /// The company's web domain. When absent, the e-mail's domain is taken,
    /// unless it is a free-mail or disposable provider's (`gmail.com`, ...):
    /// colleagues then reach their account's owner without the client
    /// having to send it.
    #[serde(default)]
    pub domain: Option<String>,
    /// Phone number: digits and `+ - . / ( )` and spaces, kept as given.
    #[serde(default)]
    pub phone: Option<String>,
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
    /// The country: an ISO 3166-1 code (alpha-2, alpha-3 or numeric) or its
    /// English name or a common alias (`Germany`, `USA`, `UK`); stored as
    /// the alpha-2 code.
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
    /// The org's own fields (at most 50). Text values may span lines (line
    /// breaks and tabs are kept); names are 1 to 64 letters, digits, `_`,
    /// `-` or `.`.
    #[serde(default)]
    pub custom: BTreeMap<String, Scalar>,
    /// What the lead did, if the submission brings it.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub activities: Vec<Activity>,
    /// When the lead first came in, if earlier than now: a lead migrated
    /// from another system keeps its creation date, so funnels by time stay
    /// true. Absent: now. At most a day ahead of the host's clock.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
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
            single_line(value, max)
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
        let domain = text("domain", self.domain, EMAIL_MAX, normalize_domain).or_else(|| {
            let derived = domain_of(&email);
            (!derived.is_empty() && !is_free_mail(derived)).then(|| derived.to_string())
        });
        let country = text("country", self.country, LABEL_MAX, normalize_country);
        let phone = text("phone", self.phone, LABEL_MAX, phone::normalize_phone);
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
        if let Some(created) = self.created_at
            && created > now + chrono::Duration::days(1)
        {
            errors.push(FieldError::new(
                "created_at",
                format!("{} is in the future", created.to_rfc3339()),
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
            phone,
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
            created_at: self.created_at.unwrap_or(now).min(now),
        };
        Ok((lead, activities))
    }
}

/// The domain that names the lead's account: its domain, unless that is a
/// free-mail or disposable provider's (even when the client sent it), so
/// strangers who share a provider never share an account owner.
pub(crate) fn account_domain(lead: &Lead) -> Option<&str> {
    lead.domain
        .as_deref()
        .filter(|domain| !is_free_mail(domain))
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
            Scalar::Text(text) => match free_text(&text, TEXT_MAX) {
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

/// Trims an activity's detail (free text: it may span lines) and checks its
/// length and time; `path` prefixes field names.
fn check_one(
    path: &str,
    mut activity: Activity,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) -> Activity {
    match free_text(&activity.detail, TEXT_MAX) {
        Ok(detail) => activity.detail = detail.unwrap_or_default(),
        Err(problem) => errors.push(FieldError::new(format!("{path}detail"), problem)),
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
