//! One CSV row as a submission: each cell into the field its column
//! fills, numbers and dates read as the file writes them.

use serde_json::{Map, Value};

use super::Mapping;
use super::date::parse_date;
use super::headers::{NUMBER_FIELDS, Target};
use super::number::{custom_number, parse_number};
use crate::{FieldError, LeadSubmission};

impl Mapping {
    /// One row as a submission, or what is wrong with it (each problem
    /// naming the field and the column).
    pub fn submission(&self, row: &csv::StringRecord) -> Result<LeadSubmission, Vec<FieldError>> {
        let mut lead = Map::new();
        let mut custom = Map::new();
        let mut errors = Vec::new();
        let (mut first, mut last) = (None, None);
        for ((target, header), cell) in self.targets.iter().zip(&self.headers).zip(row.iter()) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            let problem = |field: &str, problem: String| FieldError {
                field: field.to_string(),
                problem: format!("{problem} (column `{}`)", header.trim()),
            };
            match target {
                Target::Ignore => {}
                Target::FirstName => first = Some(cell),
                Target::LastName => last = Some(cell),
                Target::Custom(name) => {
                    custom.insert(name.clone(), self.scalar(cell));
                }
                Target::Field(field) if field == "created_at" => {
                    match parse_date(cell, self.settings.dates) {
                        Ok(at) => {
                            lead.insert(field.clone(), Value::String(at.to_rfc3339()));
                        }
                        Err(why) => errors.push(problem(field, why)),
                    }
                }
                Target::Field(field) => {
                    if let Some((_, whole)) = NUMBER_FIELDS.iter().find(|(name, _)| name == field) {
                        match self.number(field, cell, *whole) {
                            Ok(number) => {
                                lead.insert(field.clone(), number);
                            }
                            Err(why) => errors.push(problem(field, why)),
                        }
                        continue;
                    }
                    let value = if matches!(field.as_str(), "authority" | "need") {
                        cell.to_lowercase().replace([' ', '_'], "-")
                    } else {
                        cell.to_string()
                    };
                    lead.insert(field.clone(), Value::String(value));
                }
            }
        }
        if !lead.contains_key("name") {
            let parts: Vec<&str> = [first, last].into_iter().flatten().collect();
            if !parts.is_empty() {
                lead.insert("name".into(), Value::String(parts.join(" ")));
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

    /// A number field's value. A company size may be a band, as HubSpot
    /// writes it (`25-50`, `1000+`): its lower bound is taken, the size the
    /// company is known to have reached.
    fn number(&self, field: &str, cell: &str, whole: bool) -> Result<Value, String> {
        let band = (field == "company_size")
            .then(|| {
                cell.strip_suffix('+')
                    .or_else(|| cell.split_once('-').map(|(low, _)| low))
            })
            .flatten()
            .filter(|low| !low.trim().is_empty());
        let number = parse_number(band.unwrap_or(cell).trim(), self.settings.decimal, whole)?;
        if !whole {
            return Ok(Value::from(number));
        }
        if number >= 0.0 && number.fract() == 0.0 && number <= f64::from(u32::MAX) {
            Ok(Value::from(number as u32))
        } else {
            Err(format!("`{cell}` is not a whole number of 0 or more"))
        }
    }

    /// `yes`/`true` → flag, an unmistakable number → number, anything
    /// else → text, as written.
    fn scalar(&self, cell: &str) -> Value {
        match cell.to_lowercase().as_str() {
            "true" | "yes" => Value::Bool(true),
            "false" | "no" => Value::Bool(false),
            _ => custom_number(cell, self.settings.decimal)
                .map_or_else(|| Value::String(cell.into()), Value::from),
        }
    }
}
