//! CSV import: header names mapped to lead fields, each row turned into a
//! submission or a per-row error. Used by `leadhost import` and
//! `POST /v1/orgs/{org}/imports`; a re-run of a file merges into the leads
//! it made (same e-mails), so it creates no duplicates.
//!
//! A problem with a column (a header that cannot be used) is said once for
//! the file and the column skipped; a problem with a cell fails its row,
//! naming the field and the column; only a file no row of which could be
//! read right (no e-mail column, dates whose order the file never tells)
//! is refused as a whole, before anything is stored.

use std::io::Read;

use serde::Deserialize;

use crate::{FieldError, LeadSubmission};

mod date;
mod headers;
mod number;
mod row;

pub use date::DateOrder;
pub use headers::ColumnWarning;
pub use number::Decimal;

use date::Evidence;
use headers::Target;

/// A CSV file cannot be imported at all (a bad row only fails that row).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The header row cannot be read.
    #[error("cannot read the header row: {0}")]
    Header(String),
    /// The header row has more columns than any lead could use.
    #[error(
        "the header row has {columns} columns; at most {max} are read (a lead has at most 50 custom fields): \
         drop the columns you do not import"
    )]
    TooManyColumns {
        /// Columns in the header row.
        columns: usize,
        /// [`COLUMNS_MAX`].
        max: usize,
    },
    /// No column maps to `email`.
    #[error("no column maps to `email` (columns: {0}); name one with --map COLUMN=email")]
    NoEmail(String),
    /// A `--map` names a column the file does not have, or is not `COLUMN=FIELD`.
    #[error("--map `{0}`: {1}")]
    BadMap(String, String),
    /// The file's dates with slashes never say which number is the day.
    #[error(
        "column `{column}`: dates like `{example}` could be month or day first and no date in the file tells; \
         say which with `--dates mdy` or `--dates dmy` (over HTTP `?dates=mdy` or `?dates=dmy`)"
    )]
    DateOrderUnknown {
        /// The date column's header.
        column: String,
        /// A date that reads both ways.
        example: String,
    },
    /// The file's dates with slashes contradict each other.
    #[error(
        "column `{column}` has month-first dates (`{month_first}`) and day-first dates \
         (`{day_first}`); fix the file, or say which with `--dates mdy` or `--dates dmy`"
    )]
    DateOrderMixed {
        /// The date column's header.
        column: String,
        /// A date only month-first reads.
        month_first: String,
        /// A date only day-first reads.
        day_first: String,
    },
}

/// The query of the import endpoint.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Overrides, `COLUMN=FIELD` separated by commas (`FIELD` a lead field,
    /// `custom.NAME`, or `-` to skip the column).
    pub map: Option<String>,
    /// The file's decimal separator: `point` (`1,234.56`), `comma`
    /// (`1.234,56`) or `auto` (default: a number cell that reads as two
    /// different numbers, like `80.000`, fails its row).
    #[param(inline)]
    pub decimal: Option<Decimal>,
    /// The order of dates with slashes: `mdy` (`3/25/2024`), `dmy`
    /// (`25/3/2024`) or `auto` (default: the file's own dates decide).
    #[param(inline)]
    pub dates: Option<DateOrder>,
}

/// How to read a file: column overrides and the file's conventions.
#[derive(Debug, Clone, Default)]
pub struct ImportSettings {
    /// `COLUMN=FIELD` overrides (each may hold several, comma-separated).
    pub map: Vec<String>,
    /// The decimal separator.
    pub decimal: Decimal,
    /// The order of dates with slashes.
    pub dates: DateOrder,
}

impl From<ImportQuery> for ImportSettings {
    fn from(query: ImportQuery) -> Self {
        ImportSettings {
            map: query.map.into_iter().collect(),
            decimal: query.decimal.unwrap_or_default(),
            dates: query.dates.unwrap_or_default(),
        }
    }
}

/// How the file's columns map to lead fields.
#[derive(Debug, Clone)]
pub struct Mapping {
    targets: Vec<Target>,
    headers: Vec<String>,
    settings: ImportSettings,
    warnings: Vec<ColumnWarning>,
}

impl Mapping {
    /// Maps `headers`: `settings.map` overrides, then known field names and
    /// the headers of common CRM exports, then custom fields.
    pub fn new(headers: &[String], settings: &ImportSettings) -> Result<Self, ImportError> {
        let (targets, warnings) = headers::map_columns(headers, &settings.map)?;
        if !targets.contains(&Target::Field("email".into())) {
            return Err(ImportError::NoEmail(listing(headers)));
        }
        Ok(Mapping {
            targets,
            headers: headers.to_vec(),
            settings: settings.clone(),
            warnings,
        })
    }

    /// The columns skipped, each with why: said once for the file.
    pub fn warnings(&self) -> &[ColumnWarning] {
        &self.warnings
    }

    /// Settles `DateOrder::Auto` from the file's own dates (`rows`, all of
    /// them): any `25/3/2024` means day first, any `3/25/2024` month
    /// first; a file with both, or with only dates that read both ways, is
    /// refused once here instead of failing every row.
    pub fn settle_dates<R: Read>(&mut self, rows: &mut csv::Reader<R>) -> Result<(), ImportError> {
        let Some(column) = self
            .targets
            .iter()
            .position(|target| matches!(target, Target::Field(field) if field == "created_at"))
        else {
            return Ok(());
        };
        if self.settings.dates != DateOrder::Auto {
            return Ok(());
        }
        let (mut month_first, mut day_first, mut either) = (None, None, None);
        for record in rows.records().flatten() {
            let Some(cell) = record.get(column) else {
                continue;
            };
            let slot = match date::evidence(cell) {
                Evidence::MonthFirst => &mut month_first,
                Evidence::DayFirst => &mut day_first,
                Evidence::Either => &mut either,
                Evidence::None => continue,
            };
            slot.get_or_insert_with(|| cell.trim().to_string());
        }
        let header = self.headers[column].trim().to_string();
        self.settings.dates = match (month_first, day_first, either) {
            (Some(month_first), Some(day_first), _) => {
                return Err(ImportError::DateOrderMixed {
                    column: header,
                    month_first,
                    day_first,
                });
            }
            (Some(_), None, _) => DateOrder::Mdy,
            (None, Some(_), _) => DateOrder::Dmy,
            (None, None, Some(example)) => {
                return Err(ImportError::DateOrderUnknown {
                    column: header,
                    example,
                });
            }
            (None, None, None) => DateOrder::Auto,
        };
        Ok(())
    }
}

/// A CSV reader over `input` and its header row, as strings.
/// Most columns a file's header row may have. CRM exports with every
/// property run to a few hundred columns (HubSpot's all-properties contact
/// export: ~400); a lead takes its fields and at most 50 custom ones, and
/// each further column costs every row a little time and memory.
pub const COLUMNS_MAX: usize = 1000;

fn reader<R: Read>(input: R) -> Result<(csv::Reader<R>, Vec<String>), ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(input);
    let record = reader
        .headers()
        .map_err(|error| ImportError::Header(error.to_string()))?;
    if record.len() > COLUMNS_MAX {
        return Err(ImportError::TooManyColumns {
            columns: record.len(),
            max: COLUMNS_MAX,
        });
    }
    let headers: Vec<String> = record
        .iter()
        .map(|header| header.trim_start_matches('\u{FEFF}').to_string())
        .collect();
    Ok((reader, headers))
}

/// The headers for a message: the first 20, then how many more.
fn listing(headers: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut text = headers
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if headers.len() > SHOWN {
        text.push_str(&format!(" and {} more", headers.len() - SHOWN));
    }
    text
}

/// A CSV reader over `input` and the mapping of its header row. With
/// `DateOrder::Auto`, `rescan` (a second reader over the same bytes) is
/// read once first to settle the file's date order.
pub fn open<R: Read, S: Read>(
    input: R,
    rescan: Option<S>,
    settings: &ImportSettings,
) -> Result<(csv::Reader<R>, Mapping), ImportError> {
    let (reader, headers) = reader(input)?;
    let mut mapping = Mapping::new(&headers, settings)?;
    if let Some(rescan) = rescan {
        let (mut rows, _) = self::reader(rescan)?;
        mapping.settle_dates(&mut rows)?;
    }
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
mod tests;
