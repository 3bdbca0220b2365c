//! Countries: stored as ISO 3166-1 alpha-2 codes, accepted as a code
//! (alpha-2, alpha-3 or numeric) or an English name or common alias, as CRM
//! exports write them (`Germany`, `United States`, `USA`, `Holland`). The
//! names come from the `celes` crate's ISO 3166-1 tables; case, accents,
//! spaces and punctuation do not matter (`Côte d’Ivoire`, `cote divoire`).

use std::str::FromStr;

use icu_normalizer::DecomposingNormalizerBorrowed;
use icu_properties::CodePointMapData;
use icu_properties::props::GeneralCategory;

/// Spellings `celes` does not know, each a code in common use for a country
/// that has another ISO code.
const EXTRA: [(&str, &str); 2] = [
    // ISO 3166 reserves `UK` for the United Kingdom; its code is `GB`.
    ("uk", "GB"),
    ("greatbritain", "GB"),
];

/// The alpha-2 code of `raw` (already trimmed), or why it names no country.
pub(super) fn normalize_country(raw: &str) -> Result<String, String> {
    let key = lookup_key(raw);
    if let Some((_, code)) = EXTRA.iter().find(|(name, _)| *name == key) {
        return Ok((*code).to_string());
    }
    let found = if key.len() == 2 {
        // Two letters are only ever a code, never a prefix of a name.
        celes::Country::from_alpha2(&key)
    } else {
        celes::Country::from_str(&key)
    };
    found.map(|country| country.alpha2.to_string()).map_err(|_| {
        format!(
            "`{raw}` is not an ISO 3166-1 country code (like `DE`) or a country's English name (like `Germany`)"
        )
    })
}

/// Lower-case ASCII letters and digits of `raw`, accents dropped.
fn lookup_key(raw: &str) -> String {
    let marks = CodePointMapData::<GeneralCategory>::new();
    DecomposingNormalizerBorrowed::new_nfkd()
        .normalize(raw)
        .chars()
        .filter(|&c| marks.get(c) != GeneralCategory::NonspacingMark)
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_names_and_variants_become_alpha_2() {
        for (raw, code) in [
            ("de", "DE"),
            ("DEU", "DE"),
            ("276", "DE"),
            ("Germany", "DE"),
            ("GERMANY", "DE"),
            ("United States", "US"),
            ("United States of America", "US"),
            ("USA", "US"),
            ("UK", "GB"),
            ("United Kingdom", "GB"),
            ("Great Britain", "GB"),
            ("The Netherlands", "NL"),
            ("Holland", "NL"),
            ("Côte d’Ivoire", "CI"),
            ("South Korea", "KR"),
            ("Czech Republic", "CZ"),
            ("Switzerland", "CH"),
        ] {
            assert_eq!(normalize_country(raw).as_deref(), Ok(code), "{raw}");
        }
    }

    #[test]
    fn an_unknown_country_is_named() {
        for bad in ["Atlantis", "XX", "Germ", "D"] {
            let problem = normalize_country(bad).unwrap_err();
            assert!(problem.contains(&format!("`{bad}`")), "{problem}");
        }
    }
}
