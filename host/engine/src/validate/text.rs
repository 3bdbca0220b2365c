//! Text fields: single-line labels (names, e-mail parts, enumerations,
//! custom field names) and free text (custom text values, activity
//! details), which keeps its line breaks and tabs.

/// Trims a single-line field; blank becomes `None`. Refuses control
/// characters (line breaks and tabs included) and the Unicode line and
/// paragraph separators: a name or a label is one line.
pub(super) fn single_line(value: Option<String>, max: usize) -> Result<Option<String>, String> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max {
        return Err(format!("is longer than {max} characters"));
    }
    if let Some(bad) = value
        .chars()
        .find(|&c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Err(format!("must be one line: contains {}", describe(bad)));
    }
    Ok(Some(value.to_string()))
}

/// Trims free text; blank becomes `None`. Line breaks (`\n`, `\r\n` and a
/// lone `\r`, all stored as `\n`) and tabs are kept; any other control
/// character is refused, naming it.
pub(super) fn free_text(value: &str, max: usize) -> Result<Option<String>, String> {
    let value = value.trim().replace("\r\n", "\n").replace('\r', "\n");
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max {
        return Err(format!("is longer than {max} characters"));
    }
    if let Some(bad) = value
        .chars()
        .find(|&c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(format!(
            "contains {}; only line breaks and tabs are allowed",
            describe(bad)
        ));
    }
    Ok(Some(value))
}

/// A control character as a reader can find it: `a line break (U+000A)`.
fn describe(c: char) -> String {
    let what = match c {
        '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => "a line break",
        '\t' => "a tab",
        _ => "the control character",
    };
    format!("{what} (U+{:04X})", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_line_field_refuses_breaks_and_tabs() {
        for bad in [
            "Dana\nFischer",
            "Dana\tFischer",
            "Dana\u{2028}Fischer",
            "Da\u{0}na",
        ] {
            let problem = single_line(Some(bad.into()), 100).unwrap_err();
            assert!(
                problem.starts_with("must be one line: contains"),
                "{problem}"
            );
        }
        assert_eq!(
            single_line(Some("  Dana Fischer ".into()), 100),
            Ok(Some("Dana Fischer".into()))
        );
    }

    #[test]
    fn free_text_keeps_breaks_and_tabs_and_refuses_other_controls() {
        assert_eq!(
            free_text("  Met at booth B12.\r\nWants:\ta demo\rin May \n", 2000),
            Ok(Some("Met at booth B12.\nWants:\ta demo\nin May".into()))
        );
        let problem = free_text("bell\u{7}", 2000).unwrap_err();
        assert!(problem.contains("U+0007"), "{problem}");
        assert!(free_text("esc\u{1b}[31m", 2000).is_err());
        assert_eq!(free_text(" \n\t ", 2000), Ok(None));
    }
}
