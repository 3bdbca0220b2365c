//! How figures read on a page: times in UTC to the minute, rates as
//! percentages, hashes shortened, microseconds as milliseconds.

use chrono::{DateTime, NaiveDate, Utc};

/// `2026-11-30 14:05 UTC`.
pub fn time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `2026-11-30`.
pub fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// A fraction as a percentage with one decimal (`37.5 %`), `–` for none.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".into(), |rate| format!("{:.1} %", rate * 100.0))
}

/// The first 12 hex digits of a sha256: enough to tell versions apart on a
/// page, and what the API's rollback accepts as a prefix.
pub fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Microseconds as milliseconds with two decimals (`1.27 ms`).
pub fn micros(us: u64) -> String {
    format!("{:.2} ms", us as f64 / 1000.0)
}

/// Hours with one decimal, or days past 48 h (`5.5 h`, `3.2 d`).
pub fn hours(hours: f64) -> String {
    if hours >= 48.0 {
        format!("{:.1} d", hours / 24.0)
    } else {
        format!("{hours:.1} h")
    }
}

/// A value's name as its JSON gives it (`sales-ready`, `email-open`).
pub fn name(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A form's day field (`2026-11-30`, from `<input type=date>`) as midnight
/// UTC; an empty field is no bound.
///
/// Errors: the text is not a day; the message names `field`.
pub fn parse_day(field: &str, text: Option<&str>) -> Result<Option<DateTime<Utc>>, String> {
    match text.map(str::trim).filter(|text| !text.is_empty()) {
        None => Ok(None),
        // Four-digit years only: chrono also reads `+262142-12-31`, whose
        // next day is past what a time can hold.
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| text.len() == 10 && text.as_bytes()[0].is_ascii_digit())
            .map(|day| Some(day.and_time(chrono::NaiveTime::MIN).and_utc()))
            .ok_or_else(|| format!("`{field}` must be a day like 2026-11-30, not `{text}`")),
    }
}

/// A form's last-day field (`to`, the day included) as the first instant
/// after it: midnight UTC of the next day.
///
/// Errors: as [`parse_day`].
pub fn parse_last_day(field: &str, text: Option<&str>) -> Result<Option<DateTime<Utc>>, String> {
    parse_day(field, text)?
        .map(|day| {
            day.checked_add_days(chrono::Days::new(1))
                .ok_or_else(|| format!("`{field}` is later than the last day a time can hold"))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_plainly() {
        assert_eq!(percent(Some(0.375)), "37.5 %");
        assert_eq!(percent(None), "–");
        assert_eq!(short_hash("0123456789abcdef"), "0123456789ab");
        assert_eq!(short_hash("abc"), "abc");
        assert_eq!(micros(1270), "1.27 ms");
        assert_eq!(hours(5.5), "5.5 h");
        assert_eq!(hours(76.8), "3.2 d");
    }

    #[test]
    fn a_day_field_is_midnight_utc_and_a_bad_one_is_named() {
        let day = parse_day("from", Some("2026-11-30")).unwrap().unwrap();
        assert_eq!(day.to_rfc3339(), "2026-11-30T00:00:00+00:00");
        assert_eq!(parse_day("from", Some(" ")).unwrap(), None);
        let error = parse_day("to", Some("30.11.2026")).unwrap_err();
        assert!(
            error.contains("`to`") && error.contains("30.11.2026"),
            "{error}"
        );
    }
}
