//! Ids made from names, for what people create by name (an org, a
//! campaign): the same name gives the same id everywhere.

/// An id made from `name`: letters transliterated to ASCII (`Ölwerk
/// Zürich` → `olwerk-zurich`, `東京` → `dong-jing`), lower-cased, anything
/// else a single `-`, at most `max` bytes and never ending in `-`. Empty
/// when the name has nothing to make one from (`!!!`).
pub fn slug(name: &str, max: usize) -> String {
    let ascii = deunicode::deunicode_with_tofu(name.trim(), " ");
    let mut slug = String::new();
    for c in ascii.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    // ASCII only, so a byte cut is a character cut.
    slug.truncate(max);
    slug.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn a_slug_transliterates_joins_words_and_keeps_its_bound() {
        assert_eq!(slug("  Acme Corp. (EU) ", 40), "acme-corp-eu");
        assert_eq!(slug("Ölwerk Zürich", 40), "olwerk-zurich");
        assert_eq!(slug("ÄÖÜ", 40), "aou");
        assert_eq!(slug("Ærø Ström & Søn", 40), "aero-strom-son");
        assert_eq!(slug("東京 Trading", 40), "dong-jing-trading");
        assert_eq!(slug("  --  ", 40), "");
        assert_eq!(slug("!!!", 40), "");
        let long = slug(&"ab ".repeat(30), 40);
        assert!(long.len() <= 40 && !long.ends_with('-'), "{long}");
    }
}
