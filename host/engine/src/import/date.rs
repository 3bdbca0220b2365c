//! Dates in CSV cells, as CRM exports write them. Accepted:
//! - RFC 3339 / ISO 8601 with a zone, as APIs and Salesforce's Data Loader
//!   write them: `2024-03-05T14:22:00Z`, `2024-03-05T14:22:00.000+0000`;
//! - ISO without a zone, as HubSpot writes them: `2024-03-05 14:22`,
//!   `2024-03-05 14:22:07`, `2024-03-05`;
//! - slashes, as Salesforce reports write them in US and UK locales:
//!   `3/5/2024`, `3/5/2024 2:22 PM`, `3/5/2024, 2:22 PM`, `05/03/2024 14:22`;
//! - dots, day first, as German locales write them: `05.03.2024 14:22`.
//!
//! A time without a zone is taken as UTC (the exports do not say which
//! zone they mean). Whether `3/5/2024` is 5 March or 3 May is the file's
//! choice, not the cell's: see [`DateOrder`].

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::Deserialize;

/// Which number comes first in a date with slashes (`--dates`, `?dates=`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Not chosen: the file's own dates decide (a first number above 12
    /// means day first, a second above 12 month first); a file whose dates
    /// never tell is refused once, before any row is stored.
    #[default]
    Auto,
    /// `3/25/2024`: month first, as US exports write it.
    Mdy,
    /// `25/3/2024`: day first, as most other locales write it.
    Dmy,
}

/// What a slash date says about the file's date order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Not a slash date, or both readings agree (`5/5/2024`).
    None,
    /// Only month-first reads it (`3/25/2024`).
    MonthFirst,
    /// Only day-first reads it (`25/3/2024`).
    DayFirst,
    /// Either reads it, differently (`3/5/2024`).
    Either,
}

/// Reads a date cell; the error says which formats are accepted or, for a
/// slash date under [`DateOrder::Auto`], both readings and how to choose.
pub fn parse_date(cell: &str, order: DateOrder) -> Result<DateTime<Utc>, String> {
    let cell = cell.trim();
    if let Ok(zoned) = DateTime::parse_from_rfc3339(cell) {
        return Ok(zoned.with_timezone(&Utc));
    }
    if let Ok(zoned) = DateTime::parse_from_str(cell, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Ok(zoned.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(cell, format) {
            return Ok(naive.and_utc());
        }
    }
    let (date, time) = split(cell);
    let time = match time {
        Some(time) => parse_time(time).ok_or_else(|| unreadable(cell))?,
        None => NaiveTime::MIN,
    };
    let day = if let Ok(day) = NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        day
    } else if let Some((day, month, year)) = numbers(date, '.') {
        NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| unreadable(cell))?
    } else if let Some((first, second, year)) = numbers(date, '/') {
        let month_first = NaiveDate::from_ymd_opt(year, first, second);
        let day_first = NaiveDate::from_ymd_opt(year, second, first);
        match (order, month_first, day_first) {
            (DateOrder::Mdy, Some(day), _) | (DateOrder::Dmy, _, Some(day)) => day,
            (DateOrder::Auto, Some(a), Some(b)) if a == b => a,
            (DateOrder::Auto, Some(a), Some(b)) => {
                return Err(format!(
                    "`{cell}` could be {} (month first) or {} (day first); say which the file \
                     uses: `--dates mdy` or `--dates dmy` (over HTTP `?dates=mdy` or `?dates=dmy`)",
                    a.format("%-d %B %Y"),
                    b.format("%-d %B %Y")
                ));
            }
            (DateOrder::Auto, Some(day), None) | (DateOrder::Auto, None, Some(day)) => day,
            _ => return Err(unreadable(cell)),
        }
    } else {
        return Err(unreadable(cell));
    };
    Ok(day.and_time(time).and_utc())
}

/// What `cell` says about the file's date order (see [`Evidence`]).
pub fn evidence(cell: &str) -> Evidence {
    let Some((first, second, year)) = numbers(split(cell.trim()).0, '/') else {
        return Evidence::None;
    };
    match (
        NaiveDate::from_ymd_opt(year, first, second),
        NaiveDate::from_ymd_opt(year, second, first),
    ) {
        (Some(a), Some(b)) if a == b => Evidence::None,
        (Some(_), Some(_)) => Evidence::Either,
        (Some(_), None) => Evidence::MonthFirst,
        (None, Some(_)) => Evidence::DayFirst,
        (None, None) => Evidence::None,
    }
}

fn unreadable(cell: &str) -> String {
    format!(
        "`{cell}` is not a date like `2024-03-05 14:22`, `2024-03-05T14:22:00Z`, \
         `3/5/2024 2:22 PM` or `05.03.2024`"
    )
}

/// The date and (if any) the time of a cell: `3/5/2024, 2:22 PM` →
/// (`3/5/2024`, `2:22 PM`).
fn split(cell: &str) -> (&str, Option<&str>) {
    match cell.split_once([' ', 'T']) {
        Some((date, time)) => (date.trim_end_matches(','), Some(time.trim())),
        None => (cell, None),
    }
}

/// `a<sep>b<sep>yyyy` as three numbers; the year needs four digits.
fn numbers(date: &str, separator: char) -> Option<(u32, u32, i32)> {
    let parts: Vec<&str> = date.split(separator).collect();
    let [a, b, year] = parts[..] else { return None };
    let short =
        |part: &str| (1..=2).contains(&part.len()) && part.chars().all(|c| c.is_ascii_digit());
    if !short(a) || !short(b) || year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, year.parse().ok()?))
}

/// `14:22`, `14:22:07`, `2:22 PM`, `2:22:07 pm`.
fn parse_time(time: &str) -> Option<NaiveTime> {
    let upper = time.to_ascii_uppercase();
    ["%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p", "%I:%M%p"]
        .iter()
        .find_map(|format| NaiveTime::parse_from_str(&upper, format).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_formats_crm_exports_write() {
        for (cell, expected) in [
            ("2024-03-05 14:22", "2024-03-05T14:22:00Z"),
            ("2024-03-05 14:22:07", "2024-03-05T14:22:07Z"),
            ("2024-03-05", "2024-03-05T00:00:00Z"),
            ("2024-03-05T14:22:00Z", "2024-03-05T14:22:00Z"),
            ("2024-03-05T14:22:00.000+0000", "2024-03-05T14:22:00Z"),
            ("2024-03-05T15:22:00+01:00", "2024-03-05T14:22:00Z"),
            ("05.03.2024 14:22", "2024-03-05T14:22:00Z"),
            ("3/25/2024 2:22 PM", "2024-03-25T14:22:00Z"),
            ("3/25/2024, 2:22 PM", "2024-03-25T14:22:00Z"),
            ("25/03/2024 14:22", "2024-03-25T14:22:00Z"),
            ("12/12/2024", "2024-12-12T00:00:00Z"),
        ] {
            assert_eq!(
                parse_date(cell, DateOrder::Auto),
                Ok(at(expected)),
                "{cell}"
            );
        }
        assert_eq!(
            parse_date("3/5/2024 2:22 PM", DateOrder::Mdy),
            Ok(at("2024-03-05T14:22:00Z"))
        );
        assert_eq!(
            parse_date("3/5/2024 2:22 PM", DateOrder::Dmy),
            Ok(at("2024-05-03T14:22:00Z"))
        );
    }

    #[test]
    fn a_date_that_reads_two_ways_names_both() {
        let problem = parse_date("3/5/2024 2:22 PM", DateOrder::Auto).unwrap_err();
        assert!(
            problem.contains("could be 5 March 2024 (month first) or 3 May 2024 (day first)"),
            "{problem}"
        );
        assert!(parse_date("25/3/2024", DateOrder::Mdy).is_err());
        for bad in [
            "yesterday",
            "2024-13-01",
            "3/5/24",
            "2024-03-05 25:00",
            "31.02.2024",
        ] {
            let problem = parse_date(bad, DateOrder::Auto).unwrap_err();
            assert!(
                problem.contains(&format!("`{bad}` is not a date")),
                "{problem}"
            );
        }
        assert_eq!(evidence("3/25/2024"), Evidence::MonthFirst);
        assert_eq!(evidence("25/3/2024 10:00"), Evidence::DayFirst);
        assert_eq!(evidence("3/5/2024, 2:22 PM"), Evidence::Either);
        assert_eq!(evidence("2024-03-05"), Evidence::None);
    }
}
