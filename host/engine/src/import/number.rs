//! Numbers in CSV cells, written the way the file's locale writes them:
//! `80,000.00` (decimal point) or `80.000,00` (decimal comma). A cell is
//! read strictly for the chosen convention; with none chosen, a cell is
//! read the one way it can be read, and one that reads as two different
//! numbers (`80.000`, `1,500`) is refused rather than guessed.

use serde::Deserialize;

/// The decimal separator a file uses (`--decimal`, `?decimal=`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Decimal {
    /// Not chosen: each cell is read the one way it can be; a cell that
    /// reads as two different numbers (`80.000`: 80 or 80000) is refused.
    #[default]
    Auto,
    /// `1,234.56`: a point before the decimals, commas between thousands.
    Point,
    /// `1.234,56`: a comma before the decimals, points between thousands.
    Comma,
}

/// Characters that may group thousands in either convention (space,
/// no-break spaces, the Swiss apostrophe, a programmer's underscore).
const GROUPING: [char; 5] = [' ', '\u{A0}', '\u{202F}', '\'', '_'];
/// Currency signs a budget cell may carry before or after the number.
const CURRENCY: [char; 8] = ['$', '€', '£', '¥', '₹', '₽', '₩', '₺'];

/// Reads a number cell; `whole` when only whole numbers make sense (a
/// count: then a reading with decimals is no reading). The error says what
/// the cell could not be, and for an ambiguous cell both readings and how
/// to choose.
pub fn parse_number(cell: &str, decimal: Decimal, whole: bool) -> Result<f64, String> {
    let usable = |number: Option<f64>| number.filter(|n| !whole || n.fract() == 0.0);
    match decimal {
        Decimal::Point | Decimal::Comma => {
            read(cell, decimal).ok_or_else(|| malformed(cell, decimal, whole))
        }
        Decimal::Auto => match (
            usable(read(cell, Decimal::Point)),
            usable(read(cell, Decimal::Comma)),
        ) {
            (Some(point), Some(comma)) if point == comma => Ok(point),
            (Some(point), Some(comma)) => Err(format!(
                "`{cell}` could be {point} (decimal point) or {comma} (decimal comma); \
                 say which the file uses: `--decimal point` or `--decimal comma` \
                 (over HTTP `?decimal=point` or `?decimal=comma`)"
            )),
            (Some(number), None) | (None, Some(number)) => Ok(number),
            (None, None) => Err(format!(
                "`{cell}` is not {}",
                if whole { "a whole number" } else { "a number" }
            )),
        },
    }
}

/// A number as a custom field's value: only a cell that reads as exactly
/// one number, with no leading zero or `+` (codes and phone numbers stay
/// text, as written).
pub fn custom_number(cell: &str, decimal: Decimal) -> Option<f64> {
    let digits = cell.trim_start_matches('-');
    let code_like = cell.starts_with('+')
        || (digits.len() > 1 && digits.starts_with('0') && !digits[1..].starts_with(['.', ',']));
    if code_like || cell.chars().any(|c| CURRENCY.contains(&c)) {
        return None;
    }
    parse_number(cell, decimal, false).ok()
}

fn malformed(cell: &str, decimal: Decimal, whole: bool) -> String {
    let (example, other) = match decimal {
        Decimal::Comma => ("1.234,56", "point"),
        _ => ("1,234.56", "comma"),
    };
    let kind = if whole { "a whole number" } else { "a number" };
    format!(
        "`{cell}` is not {kind} written with a decimal {} (like `{example}`); \
         if the file uses a decimal {other}, import it with `--decimal {other}` \
         (over HTTP `?decimal={other}`)",
        if decimal == Decimal::Comma {
            "comma"
        } else {
            "point"
        }
    )
}

/// The number `cell` spells under one convention, if it is one.
fn read(cell: &str, decimal: Decimal) -> Option<f64> {
    let (point, group) = match decimal {
        Decimal::Comma => (',', '.'),
        _ => ('.', ','),
    };
    let cell = cell
        .trim()
        .trim_matches(|c: char| CURRENCY.contains(&c))
        .trim();
    let (negative, body) = match cell.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cell.strip_prefix('+').unwrap_or(cell)),
    };
    let (integer, fraction) = match body.split_once(point) {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (body, None),
    };
    if let Some(fraction) = fraction
        && (fraction.is_empty() || !fraction.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let separators: Vec<char> = integer
        .chars()
        .filter(|c| *c == group || GROUPING.contains(c))
        .collect();
    let digits: String = if separators.is_empty() {
        integer.to_string()
    } else {
        // One grouping character, groups of three after a first of 1 to 3.
        let mark = separators[0];
        if separators.iter().any(|c| *c != mark) {
            return None;
        }
        let groups: Vec<&str> = integer.split(mark).collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|group| group.len() != 3) {
            return None;
        }
        groups.concat()
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let text = match fraction {
        Some(fraction) => format!("{digits}.{fraction}"),
        None => digits,
    };
    let number: f64 = text.parse().ok()?;
    Some(if negative { -number } else { number })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_both_ways() {
        use Decimal::*;
        assert_eq!(parse_number("80.000,00", Comma, false), Ok(80000.0));
        assert_eq!(parse_number("80,000.00", Point, false), Ok(80000.0));
        for (cell, decimal) in [("80.000,00", Point), ("80,000.00", Comma)] {
            let problem = parse_number(cell, decimal, false).unwrap_err();
            assert!(
                problem.contains(&format!("`{cell}` is not a number")),
                "{problem}"
            );
        }
        // Not chosen: a cell with one reading is read that way.
        assert_eq!(parse_number("80.000,00", Auto, false), Ok(80000.0));
        assert_eq!(parse_number("80,000.00", Auto, false), Ok(80000.0));
    }

    #[test]
    fn a_cell_that_reads_two_ways_is_refused_unless_the_file_says() {
        for (cell, point, comma) in [("80.000", "80", "80000"), ("1,500", "1500", "1.5")] {
            let problem = parse_number(cell, Decimal::Auto, false).unwrap_err();
            assert!(
                problem.contains(&format!(
                    "could be {point} (decimal point) or {comma} (decimal comma)"
                )),
                "{problem}"
            );
            assert!(problem.contains("--decimal comma"), "{problem}");
        }
        assert_eq!(parse_number("80.000", Decimal::Comma, false), Ok(80000.0));
        assert_eq!(parse_number("80.000", Decimal::Point, false), Ok(80.0));
        // A count cannot be 1.2: `1,200` employees is 1200 either way.
        assert_eq!(parse_number("1,200", Decimal::Auto, true), Ok(1200.0));
        assert!(parse_number("80.000", Decimal::Auto, true).is_err());
    }

    #[test]
    fn grouping_must_be_in_threes() {
        use Decimal::*;
        for (cell, decimal, number) in [
            ("1 234 567,5", Comma, 1234567.5),
            ("1'234'567.50", Point, 1234567.5),
            ("€ 60.000", Comma, 60000.0),
            ("$60,000", Point, 60000.0),
            ("12,5", Auto, 12.5),
            ("0.75", Auto, 0.75),
            ("-3", Point, -3.0),
            ("1_000", Point, 1000.0),
        ] {
            assert_eq!(parse_number(cell, decimal, false), Ok(number), "{cell}");
        }
        for cell in [
            "1,23,456",
            "12,34.5",
            "1.2.3",
            "80.",
            "many",
            "1e5",
            "",
            "1,,000",
            "1 000,000",
        ] {
            assert!(parse_number(cell, Point, false).is_err(), "{cell}");
        }
    }

    #[test]
    fn custom_numbers_only_when_unmistakable() {
        assert_eq!(custom_number("42", Decimal::Auto), Some(42.0));
        assert_eq!(custom_number("12,5", Decimal::Auto), Some(12.5));
        assert_eq!(
            custom_number("1,500", Decimal::Auto),
            None,
            "ambiguous stays text"
        );
        assert_eq!(
            custom_number("00123", Decimal::Auto),
            None,
            "a code keeps its zeros"
        );
        assert_eq!(
            custom_number("+4930123", Decimal::Auto),
            None,
            "a phone number"
        );
        assert_eq!(custom_number("0,5", Decimal::Comma), Some(0.5));
    }
}
