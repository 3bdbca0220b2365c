//! The header row: which lead field each column fills. Known field names,
//! the headers the big CRMs write in their exports (Salesforce leads,
//! HubSpot contacts, their API names too) and `--map` overrides decide;
//! any other column becomes a custom field. A column that cannot be used
//! (no header, a name that cannot be a custom field's, a second column for
//! a field already filled, one custom field too many) is skipped with one
//! warning for the file: the rows still import.

use std::collections::HashMap;

use serde::Serialize;

use super::ImportError;

/// Text fields of a lead, by their JSON name.
pub(super) const TEXT_FIELDS: [&str; 11] = [
    "email",
    "name",
    "company",
    "domain",
    "phone",
    "title",
    "industry",
    "country",
    "source",
    "campaign",
    "authority",
];
/// Numeric fields of a lead; `true` for whole numbers.
pub(super) const NUMBER_FIELDS: [(&str, bool); 3] = [
    ("company_size", true),
    ("budget", false),
    ("timeline_days", true),
];
/// Most custom fields one lead may have (the engine's limit).
const CUSTOM_MAX: usize = 50;
/// Longest custom field name (the engine's limit).
const CUSTOM_NAME_MAX: usize = 64;

/// Header spellings seen in exports (after [`normalize`]), and where each
/// goes: a lead field, `first_name`/`last_name` (joined into `name`),
/// `created_at`, or `custom.NAME`.
const ALIASES: &[(&str, &str)] = &[
    // E-mail. Salesforce: `Email`; HubSpot: `Email`; forms: `Email Address`.
    ("e_mail", "email"),
    ("email_address", "email"),
    ("emailaddress", "email"),
    // Name. Salesforce and HubSpot write `First Name` and `Last Name`
    // (API names `FirstName`, `LastName`, `firstname`, `lastname`).
    ("full_name", "name"),
    ("contact_name", "name"),
    ("first_name", "first_name"),
    ("firstname", "first_name"),
    ("given_name", "first_name"),
    ("last_name", "last_name"),
    ("lastname", "last_name"),
    ("surname", "last_name"),
    ("family_name", "last_name"),
    // Company and its web domain.
    ("company_name", "company"),
    ("organization", "company"),
    ("organisation", "company"),
    ("account_name", "company"),
    // Salesforce lead reports: `Company / Account`.
    ("company_account", "company"),
    ("website", "domain"),
    ("website_url", "domain"),
    ("company_domain_name", "domain"),
    ("company_domain", "domain"),
    // Phone. Salesforce: `Phone`; HubSpot: `Phone Number`. A mobile stays
    // a custom field: one export often has both, and a second column for
    // `phone` would be skipped.
    ("phone_number", "phone"),
    ("telephone", "phone"),
    ("business_phone", "phone"),
    // Title and size. Salesforce: `No. of Employees` (`NumberOfEmployees`);
    // HubSpot: `Number of Employees` (`numemployees`, often a band `25-50`).
    ("job_title", "title"),
    ("jobtitle", "title"),
    ("position", "title"),
    ("employees", "company_size"),
    ("number_of_employees", "company_size"),
    ("numberofemployees", "company_size"),
    ("no_of_employees", "company_size"),
    ("numemployees", "company_size"),
    ("employee_count", "company_size"),
    ("headcount", "company_size"),
    ("size", "company_size"),
    // Country. HubSpot: `Country/Region`.
    ("country_region", "country"),
    ("country_code", "country"),
    // Source and campaign. Salesforce: `Lead Source`; HubSpot: `Original Source`.
    ("lead_source", "source"),
    ("leadsource", "source"),
    ("original_source", "source"),
    ("hs_analytics_source", "source"),
    ("utm_source", "source"),
    ("utm_campaign", "campaign"),
    ("campaign_name", "campaign"),
    ("timeline", "timeline_days"),
    // When the CRM first saw the lead. Salesforce: `Created Date`
    // (`CreatedDate`); HubSpot: `Create Date` (`createdate`).
    ("created_date", "created_at"),
    ("createddate", "created_at"),
    ("create_date", "created_at"),
    ("createdate", "created_at"),
    ("date_created", "created_at"),
    ("creation_date", "created_at"),
    ("created", "created_at"),
    // Mobiles stay custom fields, under one name whatever the export says.
    ("mobile_phone_number", "custom.mobile_phone"),
    ("mobilephone", "custom.mobile_phone"),
];

/// Where a column goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Target {
    /// A lead field (`email`, `budget`, `need`, `created_at`, ...).
    Field(String),
    /// The first part of the name (joined with [`Target::LastName`]).
    FirstName,
    /// The last part of the name.
    LastName,
    /// A custom field.
    Custom(String),
    /// Nowhere.
    Ignore,
}

/// A column the import skips, said once for the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ColumnWarning {
    /// The column's header, as the file writes it.
    pub column: String,
    /// Why it is skipped, and how to import it anyway.
    pub problem: String,
}

/// `Country/Region` → `country_region`, `No. of Employees` →
/// `no_of_employees`: lower case, each run of other characters one `_`.
pub(super) fn normalize(header: &str) -> String {
    let mut name = String::new();
    for c in header.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('_') {
            name.push('_');
        }
    }
    name.trim_end_matches('_').to_string()
}

/// Where a `FIELD` of an alias or `--map` goes, if anywhere known.
pub(super) fn target_of(field: &str) -> Option<Target> {
    let field = field.trim();
    match field {
        "-" => return Some(Target::Ignore),
        "first_name" => return Some(Target::FirstName),
        "last_name" => return Some(Target::LastName),
        _ => {}
    }
    if let Some(name) = field.strip_prefix("custom.") {
        return Some(Target::Custom(name.to_string()));
    }
    let known = TEXT_FIELDS.contains(&field)
        || NUMBER_FIELDS.iter().any(|(name, _)| *name == field)
        || matches!(field, "need" | "created_at");
    known.then(|| Target::Field(field.to_string()))
}

/// Whether `name` can be a custom field's name.
fn valid_custom(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= CUSTOM_NAME_MAX
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Each column's target: overrides (`COLUMN=FIELD`) win, then aliases and
/// field names, then a custom field; unusable columns become `Ignore`
/// with a warning.
pub(super) fn map_columns(
    headers: &[String],
    overrides: &[String],
) -> Result<(Vec<Target>, Vec<ColumnWarning>), ImportError> {
    let mut targets: Vec<Target> = headers
        .iter()
        .map(|header| {
            let name = normalize(header);
            let aliased = ALIASES
                .iter()
                .find(|(alias, _)| *alias == name)
                .map(|(_, field)| *field);
            target_of(aliased.unwrap_or(&name)).unwrap_or(Target::Custom(name))
        })
        .collect();
    let mut chosen = vec![false; headers.len()];
    for rule in overrides
        .iter()
        .flat_map(|rule| rule.split(','))
        .filter(|rule| !rule.trim().is_empty())
    {
        let bad = |why: &str| ImportError::BadMap(rule.to_string(), why.to_string());
        let (column, field) = rule
            .split_once('=')
            .ok_or_else(|| bad("expected COLUMN=FIELD"))?;
        let index = headers
            .iter()
            .position(|header| header.trim() == column.trim())
            .ok_or_else(|| bad(&format!("the file has no column `{}`", column.trim())))?;
        let target = target_of(field).ok_or_else(|| {
            bad(&format!(
                "`{}` is not a lead field, `custom.NAME` or `-`",
                field.trim()
            ))
        })?;
        if let Target::Custom(name) = &target
            && !valid_custom(name)
        {
            return Err(bad(&format!(
                "`{name}`: a custom field name needs 1 to {CUSTOM_NAME_MAX} letters, digits, `_`, `-` or `.`"
            )));
        }
        targets[index] = target;
        chosen[index] = true;
    }
    let warnings = settle(headers, &mut targets, &chosen);
    Ok((targets, warnings))
}

/// Skips what cannot be imported, one warning per column: a second column
/// for one target (an override keeps its column, the last override if
/// several; otherwise the first wins), a header that is no custom field
/// name, custom fields past the limit. Linear in the number of columns.
fn settle(headers: &[String], targets: &mut [Target], chosen: &[bool]) -> Vec<ColumnWarning> {
    let mut warnings = Vec::new();
    let mut skip = |targets: &mut [Target], index: usize, problem: String| {
        targets[index] = Target::Ignore;
        warnings.push(ColumnWarning {
            column: headers[index].clone(),
            problem,
        });
    };
    let map_hint = |header: &str| {
        let header = header.trim();
        format!("name it with --map '{header}=FIELD' (over HTTP `?map={header}=FIELD`)")
    };
    // The column that keeps each target.
    let mut keeper: HashMap<Target, usize> = HashMap::new();
    for (index, target) in targets.iter().enumerate() {
        if *target == Target::Ignore {
            continue;
        }
        keeper
            .entry(target.clone())
            .and_modify(|kept| {
                if chosen[index] {
                    *kept = index;
                }
            })
            .or_insert(index);
    }
    for index in 0..targets.len() {
        if targets[index] == Target::Ignore {
            continue;
        }
        let owner = keeper[&targets[index]];
        if owner != index {
            let what = match &targets[index] {
                Target::Field(field) => format!("`{field}`"),
                Target::Custom(name) => format!("`custom.{name}`"),
                Target::FirstName => "the first name".into(),
                Target::LastName => "the last name".into(),
                Target::Ignore => unreachable!("skipped above"),
            };
            let problem = format!(
                "skipped: column `{}` already fills {what}; {}",
                headers[owner].trim(),
                map_hint(&headers[index])
            );
            skip(targets, index, problem);
            continue;
        }
        if let Target::Custom(name) = &targets[index]
            && !valid_custom(name)
        {
            let problem = if headers[index].trim().is_empty() {
                "skipped: the column has no header".to_string()
            } else {
                format!(
                    "skipped: `{name}` cannot be a custom field name (1 to {CUSTOM_NAME_MAX} \
                     letters, digits, `_`, `-` or `.`); {}",
                    map_hint(&headers[index])
                )
            };
            skip(targets, index, problem);
        }
    }
    let custom: Vec<usize> = (0..targets.len())
        .filter(|&index| matches!(targets[index], Target::Custom(_)))
        .collect();
    for &index in custom.iter().skip(CUSTOM_MAX) {
        let problem = format!(
            "skipped: a lead has at most {CUSTOM_MAX} custom fields and earlier columns fill \
             them; skip others with --map 'COLUMN=-' to keep this one"
        );
        skip(targets, index, problem);
    }
    warnings
}
