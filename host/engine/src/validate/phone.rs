//! A lead's phone number: kept as given, so a rep dials what the lead
//! wrote, once it is plainly a phone number.

/// Fewest and most digits of a phone number: a short extension is not a
/// number to match people by, and E.164 allows 15 (a few more for an
/// extension written after it).
const DIGITS: std::ops::RangeInclusive<usize> = 5..=20;

/// `phone`, trimmed, when it holds 5 to 20 digits and otherwise only `+`,
/// spaces, `-`, `.`, `/` and parentheses (`+49 (30) 1234-5678`).
///
/// Errors: what is wrong with it.
pub fn normalize_phone(phone: &str) -> Result<String, String> {
    let phone = phone.trim();
    if let Some(other) = phone
        .chars()
        .find(|c| !(c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '/' | '(' | ')')))
    {
        return Err(format!(
            "`{other}` is not part of a phone number: give digits, `+`, spaces, `-`, `.`, `/` or parentheses"
        ));
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !DIGITS.contains(&digits) {
        return Err(format!(
            "has {digits} digits; a phone number has {} to {}",
            DIGITS.start(),
            DIGITS.end()
        ));
    }
    Ok(phone.to_string())
}

#[cfg(test)]
mod tests {
    use super::normalize_phone;

    #[test]
    fn a_phone_is_digits_and_the_marks_people_write_between_them() {
        assert_eq!(
            normalize_phone(" +49 (30) 1234-5678 ").unwrap(),
            "+49 (30) 1234-5678"
        );
        assert!(normalize_phone("call me").unwrap_err().contains("`c`"));
        assert!(normalize_phone("1234").unwrap_err().contains("4 digits"));
        assert!(
            normalize_phone(&"1".repeat(21))
                .unwrap_err()
                .contains("21 digits")
        );
    }
}
