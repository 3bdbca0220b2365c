//! E-mail addresses and web domains in the one form the host compares them
//! in: an address is a lead's identity within its org, so two spellings a
//! person cannot tell apart must come out as the same string.
//!
//! The steps, in order:
//! 1. invisible code points are **removed** wherever they are (not refused:
//!    a zero-width space pasted from a web page or a byte-order mark at the
//!    start of a CSV cell is noise the sender never meant, and removing it
//!    is what makes the variants merge): every `Default_Ignorable_Code_Point`
//!    (zero-width space and joiners, soft hyphen, word joiner, variation
//!    selectors, tag characters, Hangul fillers, ...) and every format
//!    character (`General_Category=Cf`: byte-order mark, bidi marks and
//!    embeddings, ...);
//! 2. Unicode NFKC, so compatibility look-alikes become their plain form
//!    (full-width `ｊｏ＠…`, mathematical letters, ligatures, no-break space);
//! 3. surrounding white space is trimmed and the address lower-cased;
//! 4. the domain goes through UTS 46 (IDNA) to its ASCII form, so
//!    `müller.example` and `xn--mller-kva.example` are one domain.
//!
//! What is left must still be a plausible address: white space or control
//! characters inside it are refused, not repaired.

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::props::{DefaultIgnorableCodePoint, GeneralCategory};
use icu_properties::{CodePointMapData, CodePointSetData};

/// Longest e-mail address (RFC 5321).
pub(super) const EMAIL_MAX: usize = 254;
/// Longest local part (before the `@`, RFC 5321).
const LOCAL_MAX: usize = 64;

/// Normalizes and checks an e-mail address (see the module doc for the
/// steps); the error says what is wrong, quoting the address. Every path
/// that compares addresses (ingest, merge, `leadhost show`) goes through it.
pub fn normalize_email(raw: &str) -> Result<String, String> {
    let email = canonical(raw).to_lowercase();
    if email.is_empty() {
        return Err("is required".into());
    }
    if email.len() > EMAIL_MAX {
        return Err(format!("is longer than {EMAIL_MAX} characters"));
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(format!("`{email}` has no `@`"));
    };
    if domain.contains('@') {
        return Err(format!("`{email}` has more than one `@`"));
    }
    if local.is_empty() || local.len() > LOCAL_MAX {
        return Err(format!(
            "`{email}` needs 1 to {LOCAL_MAX} characters before the `@`"
        ));
    }
    if let Some(bad) = local.chars().find(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '@' | '<' | '>' | ',' | ';' | '"')
    }) {
        return Err(format!(
            "`{email}` has `{}` before the `@`",
            bad.escape_debug()
        ));
    }
    let domain =
        normalize_domain(domain).map_err(|problem| format!("`{email}`: the domain {problem}"))?;
    Ok(format!("{local}@{domain}"))
}

/// The domain part of a normalized address.
pub(super) fn domain_of(email: &str) -> &str {
    email.rsplit_once('@').map_or("", |(_, domain)| domain)
}

/// Lowercases a domain, dropping a URL's scheme, `www.`, path and a final
/// dot, maps an internationalized name to ASCII, and checks it.
pub(super) fn normalize_domain(raw: &str) -> Result<String, String> {
    let lower = canonical(raw).to_lowercase();
    let bare = lower
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default();
    let bare = bare.strip_suffix('.').unwrap_or(bare);
    let bare = bare.strip_prefix("www.").unwrap_or(bare);
    // UTS 46 also maps look-alike dots (`。`) and refuses what no domain has.
    let domain = if bare.is_ascii() {
        bare.to_string()
    } else {
        idna::domain_to_ascii(bare)
            .map_err(|_| format!("`{bare}` is not a valid internationalized domain name"))?
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let valid_label = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(valid_label) {
        return Err(format!(
            "`{domain}` is not a domain name like `example.com`"
        ));
    }
    let tld_ok = labels.last().is_some_and(|tld| {
        tld.len() >= 2 && (tld.chars().all(|c| c.is_ascii_alphabetic()) || tld.starts_with("xn--"))
    });
    if !tld_ok {
        return Err(format!(
            "`{domain}` does not end in a top-level domain like `.com`"
        ));
    }
    Ok(domain)
}

/// Invisible code points removed, then NFKC, then trimmed.
fn canonical(raw: &str) -> String {
    let visible: String = raw.chars().filter(|&c| !invisible(c)).collect();
    ComposingNormalizerBorrowed::new_nfkc()
        .normalize(&visible)
        .trim()
        .to_string()
}

/// A code point that renders as nothing: default-ignorable or a format character.
pub(super) fn invisible(c: char) -> bool {
    CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
        || CodePointMapData::<GeneralCategory>::new().get(c) == GeneralCategory::Format
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spellings of one address that look the same (or nearly) to a person.
    const VARIANTS: [&str; 16] = [
        "jo.weber@alpenbahn.example",
        "\u{200B}jo.weber@alpenbahn.example",
        "jo.weber@alpenbahn.example\u{200B}",
        "jo.\u{200B}weber@alpen\u{200D}bahn.example",
        "\u{FEFF}jo.weber@alpenbahn.example",
        "jo.we\u{00AD}ber@alpenbahn.example",
        "\u{200E}jo.weber@alpenbahn.example\u{200F}",
        "\u{202A}jo.weber@alpenbahn.example\u{202C}",
        "jo\u{2060}.weber@alpenbahn.example",
        "jo.weber\u{FE0F}@alpenbahn.example",
        "jo.weber@alpenbahn.example\u{E0041}\u{E007F}",
        "\u{00A0}JO.Weber@AlpenBahn.EXAMPLE\u{3000}",
        "ｊｏ．ｗｅｂｅｒ＠ａｌｐｅｎｂａｈｎ．ｅｘａｍｐｌｅ",
        "𝐣𝐨.weber@alpenbahn.example",
        "jo.weber@alpenbahn.example.",
        "jo.weber\u{034F}@alpenbahn\u{115F}.example",
    ];

    #[test]
    fn look_alike_variants_normalize_to_one_address() {
        for variant in VARIANTS {
            assert_eq!(
                normalize_email(variant).as_deref(),
                Ok("jo.weber@alpenbahn.example"),
                "{}",
                variant.escape_unicode()
            );
        }
    }

    #[test]
    fn internationalized_domains_compare_in_ascii() {
        assert_eq!(
            normalize_email("Jörg@Müller.Example").unwrap(),
            "jörg@xn--mller-kva.example"
        );
        assert_eq!(
            normalize_email("jörg@xn--mller-kva.example").unwrap(),
            "jörg@xn--mller-kva.example"
        );
    }

    #[test]
    fn what_is_left_must_still_be_an_address() {
        for bad in [
            "\u{200B}",
            "jo weber@alpenbahn.example",
            "jo\u{0007}@alpenbahn.example",
            "jo\n@alpenbahn.example",
            "jo@alpen bahn.example",
            "jo@@alpenbahn.example",
        ] {
            assert!(
                normalize_email(bad).is_err(),
                "{} was accepted",
                bad.escape_debug()
            );
        }
    }
}
