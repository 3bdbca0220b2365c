//! CSV import: header names mapped to lead fields, each row turned into a
//! submission or a per-row error. Used by `leadhost import` and
//! `POST /v1/orgs/{org}/imports`; a re-run of a file merges into the leads
//! it made (same e-mails), so it creates no duplicates.

use std::io::Read;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::engine::{FieldError, LeadSubmission};

/// Text fields of a lead, by their JSON name.
const TEXT_FIELDS: [&str; 10] = [
    "email",
    "name",
    "company",
    "domain",
    "title",
    "industry",
    "country",
    "source",
    "campaign",
    "authority",
];
/// Numeric fields of a lead.
const NUMBER_FIELDS: [&str; 3] = ["company_size", "budget", "timeline_days"];

/// Header spellings seen in exports, and the field each means.
const ALIASES: [(&str, &str); 14] = [
    ("e_mail", "email"),
    ("email_address", "email"),
    ("full_name", "name"),
    ("company_name", "company"),
    ("organization", "company"),
    ("website", "domain"),
    ("job_title", "title"),
    ("employees", "company_size"),
    ("number_of_employees", "company_size"),
    ("size", "company_size"),
    ("lead_source", "source"),
    ("utm_source", "source"),
    ("utm_campaign", "campaign"),
    ("timeline", "timeline_days"),
];

/// Where a column goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A lead field (`email`, `budget`, `need`, ...).
    Field(String),
    /// A custom field.
    Custom(String),
    /// Nowhere.
    Ignore,
}

/// A CSV file cannot be imported at all (a bad row only fails that row).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The header row cannot be read.
    #[error("cannot read the header row: {0}")]
    Header(String),
    /// No column maps to `email`.
    #[error("no column maps to `email` (columns: {0}); name one with --map COLUMN=email")]
    NoEmail(String),
    /// A `--map` names a column the file does not have, or is not `COLUMN=FIELD`.
    #[error("--map `{0}`: {1}")]
    BadMap(String, String),
}

/// The query of the import endpoint.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Overrides, `COLUMN=FIELD` separated by commas (`FIELD` a lead field,
    /// `custom.NAME`, or `-` to skip the column).
    pub map: Option<String>,
}

/// How the file's columns map to lead fields.
#[derive(Debug, Clone)]
pub struct Mapping {
    targets: Vec<Target>,
    headers: Vec<String>,
}

fn normalize(header: &str) -> String {
    header.trim().to_lowercase().replace([' ', '-', '.'], "_")
}

fn target_of(field: &str) -> Option<Target> {
    let field = field.trim();
    if field == "-" {
        return Some(Target::Ignore);
    }
    if let Some(name) = field.strip_prefix("custom.") {
        return Some(Target::Custom(name.to_string()));
    }
    let known = TEXT_FIELDS.contains(&field) || NUMBER_FIELDS.contains(&field) || field == "need";
    known.then(|| Target::Field(field.to_string()))
}

impl Mapping {
    /// Maps `headers`: known field names and common aliases to lead fields,
    /// anything else to a custom field; `overrides` (`COLUMN=FIELD`) win.
    pub fn new(headers: &[String], overrides: &[String]) -> Result<Self, ImportError> {
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
            targets[index] = target_of(field).ok_or_else(|| {
                bad(&format!(
                    "`{}` is not a lead field, `custom.NAME` or `-`",
                    field.trim()
                ))
            })?;
        }
        if !targets.contains(&Target::Field("email".into())) {
            return Err(ImportError::NoEmail(headers.join(", ")));
        }
        Ok(Mapping {
            targets,
            headers: headers.to_vec(),
        })
    }

    /// One row as a submission, or what is wrong with it.
    pub fn submission(&self, row: &csv::StringRecord) -> Result<LeadSubmission, Vec<FieldError>> {
        let mut lead = Map::new();
        let mut custom = Map::new();
        let mut errors = Vec::new();
        for ((target, header), cell) in self.targets.iter().zip(&self.headers).zip(row.iter()) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            match target {
                Target::Ignore => {}
                Target::Custom(name) => {
                    custom.insert(name.clone(), scalar(cell));
                }
                Target::Field(field) if NUMBER_FIELDS.contains(&field.as_str()) => {
                    match cell.replace([',', '_'], "").parse::<f64>() {
                        Ok(number) if field == "budget" => {
                            lead.insert(field.clone(), Value::from(number));
                        }
                        Ok(number)
                            if number >= 0.0
                                && number.fract() == 0.0
                                && number <= f64::from(u32::MAX) =>
                        {
                            lead.insert(field.clone(), Value::from(number as u32));
                        }
                        _ => errors.push(FieldError {
                            field: field.clone(),
                            problem: format!(
                                "`{cell}` (column `{header}`) is not a whole number of 0 or more"
                            ),
                        }),
                    }
                }
                Target::Field(field) => {
                    let value = if matches!(field.as_str(), "authority" | "need") {
                        cell.to_lowercase().replace(' ', "-")
                    } else {
                        cell.to_string()
                    };
                    lead.insert(field.clone(), Value::String(value));
                }
            }
        }
        if !custom.is_empty() {
            lead.insert("custom".into(), Value::Object(custom));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        LeadSubmission::from_json(&Value::Object(lead).to_string()).map_err(|error| vec![error])
    }
}

/// `yes`/`true` → flag, numbers → number, anything else → text.
fn scalar(cell: &str) -> Value {
    match cell.to_lowercase().as_str() {
        "true" | "yes" => Value::Bool(true),
        "false" | "no" => Value::Bool(false),
        _ => cell
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map_or_else(|| Value::String(cell.into()), Value::from),
    }
}

/// A CSV reader over `input` and the mapping of its header row.
pub fn open<R: Read>(
    input: R,
    overrides: &[String],
) -> Result<(csv::Reader<R>, Mapping), ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(input);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|error| ImportError::Header(error.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let mapping = Mapping::new(&headers, overrides)?;
    Ok((reader, mapping))
}

/// The next row: its line number and its submission or errors; `None` at the end.
pub fn next_row<R: Read>(
    reader: &mut csv::Reader<R>,
    mapping: &Mapping,
    row: &mut csv::StringRecord,
) -> Option<(usize, Result<LeadSubmission, Vec<FieldError>>)> {
    match reader.read_record(row) {
        Ok(false) => None,
        Ok(true) => {
            let line = row
                .position()
                .map_or(0, |position| position.line() as usize);
            Some((line, mapping.submission(row)))
        }
        Err(error) => {
            let line = error
                .position()
                .map_or(0, |position| position.line() as usize);
            Some((
                line,
                Err(vec![FieldError {
                    field: "(row)".into(),
                    problem: error.to_string(),
                }]),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(
        csv: &str,
        overrides: &[&str],
    ) -> Vec<(usize, Result<LeadSubmission, Vec<FieldError>>)> {
        let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
        let (mut reader, mapping) = open(csv.as_bytes(), &overrides).unwrap();
        let mut row = csv::StringRecord::new();
        std::iter::from_fn(|| next_row(&mut reader, &mapping, &mut row)).collect()
    }

    #[test]
    fn headers_map_by_name_alias_and_override() {
        let csv = "E-mail,Company Name,Employees,Budget,Need,Plan,Notes\n\
                   dana@northwind.example,Northwind,\"1,200\",60000,High,pro,skip me\n";
        let parsed = rows(csv, &["Notes=-", "Plan=custom.tier"]);
        let (line, submission) = &parsed[0];
        let submission = submission.as_ref().unwrap();
        assert_eq!(*line, 2);
        assert_eq!(submission.email, "dana@northwind.example");
        assert_eq!(submission.company.as_deref(), Some("Northwind"));
        assert_eq!(submission.company_size, Some(1200));
        assert_eq!(submission.budget, Some(60000.0));
        assert_eq!(submission.need, Some(crate::model::Need::High));
        assert_eq!(submission.custom.keys().collect::<Vec<_>>(), ["tier"]);
    }

    #[test]
    fn a_bad_row_names_its_line_and_field() {
        let parsed = rows(
            "email,employees,authority\na@b.example,many,ceo\nc@d.example,5,user\n",
            &[],
        );
        let errors = parsed[0].1.as_ref().unwrap_err();
        assert_eq!((parsed[0].0, errors[0].field.as_str()), (2, "company_size"));
        assert!(
            errors[0].problem.contains("`many` (column `employees`)"),
            "{errors:?}"
        );
        assert!(parsed[1].1.is_ok());
        let authority = rows("email,authority\na@b.example,ceo\n", &[]);
        assert_eq!(authority[0].1.as_ref().unwrap_err()[0].field, "authority");
    }

    #[test]
    fn a_file_without_an_email_column_is_refused() {
        let error = open("name,company\n".as_bytes(), &[]).unwrap_err();
        assert!(
            error.to_string().contains("no column maps to `email`"),
            "{error}"
        );
        let error = open("mail\n".as_bytes(), &["nope=email".into()]).unwrap_err();
        assert!(error.to_string().contains("no column `nope`"), "{error}");
        assert!(open("mail\n".as_bytes(), &["mail=email".into()]).is_ok());
    }
}
