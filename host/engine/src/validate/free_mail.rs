//! Free-mail and disposable providers: a domain anyone can sign up at says
//! nothing about which company a person works for, so it is never taken as
//! a lead's company domain (two strangers at `gmail.com` are not one account).
//!
//! The list is `free_mail_domains.txt` beside this file; its header names
//! where it comes from and how to refresh it.

use std::collections::HashSet;
use std::sync::LazyLock;

/// The committed list, one domain a line; `#` starts a comment line.
static LIST: &str = include_str!("free_mail_domains.txt");

/// The list as a set, built on first use (~14,000 entries, well under a millisecond).
static DOMAINS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    LIST.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// Whether `domain` (lower-case ASCII, as `normalize_domain` gives it) is a
/// free-mail or disposable provider's.
pub(crate) fn is_free_mail(domain: &str) -> bool {
    DOMAINS.contains(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_big_providers_are_listed_and_companies_are_not() {
        for free in [
            "gmail.com",
            "outlook.com",
            "yahoo.com",
            "gmx.de",
            "web.de",
            "proton.me",
        ] {
            assert!(is_free_mail(free), "{free}");
        }
        for company in ["kranwerk.example", "northwind.example", "siemens.com"] {
            assert!(!is_free_mail(company), "{company}");
        }
    }
}
