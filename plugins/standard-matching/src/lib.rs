//! `standard-matching`: a duplicate rule (WIT 0.2.0 `match-lead`). Of the
//! candidates the host found by blocking keys, it takes for the same
//! person one that has
//!
//! - the same address but for dots, `-`, `_` or a `+tag` in its local part
//!   (`jonas.weber+events@` and `jonasweber@`): 0.97;
//! - the same name at the same company domain: 0.92;
//! - a local-part variant at the same domain, an initial for a first name
//!   (`j.weber@` and `jonas.weber@`): 0.85;
//! - the same phone (its last 8 digits): 0.8;
//!
//! and several of these together are surer (1 − Π(1 − each), at most
//! 0.99). A candidate at the same account domain and nothing else is a
//! colleague: `account-confidence` (0.3), below any review threshold, so
//! the host only links the lead to that account's owner.
//!
//! Config: `account-confidence` (number 0–1, default 0.3); 0 leaves
//! colleagues out.

mod names;

/// The bindings of WIT 0.2.0's `duplicate-rule` world.
#[allow(missing_docs)]
mod bindings {
    wit_bindgen::generate!({
        path: "../../wit/v0.2.0",
        world: "duplicate-rule",
    });
}

/// The world's trait, which [`StandardMatching`] implements.
pub use bindings::Guest;
pub use bindings::leadhost::plugin::types::{Candidate, Duplicate, Lead, MatchInput, Scalar};

pub use names::{Address, name_key, phone_key};

/// The plug-in.
pub struct StandardMatching;

/// The confidence of each kind of evidence alone.
const SAME_ADDRESS: f64 = 0.97;
const SAME_NAME_AND_DOMAIN: f64 = 0.92;
const ADDRESS_VARIANT: f64 = 0.85;
const SAME_PHONE: f64 = 0.8;
const ACCOUNT_DEFAULT: f64 = 0.3;
/// Surest a rule says two records are one: the host merges at or above its
/// threshold, and certainty is for e-mail equality, which never reaches a
/// rule.
const MOST: f64 = 0.99;

impl Guest for StandardMatching {
    fn match_lead(input: MatchInput) -> Result<Vec<Duplicate>, String> {
        let account = account_confidence(&input)?;
        Ok(input
            .candidates
            .iter()
            .filter_map(|candidate| judge(&input.lead, candidate, account))
            .collect())
    }
}

fn account_confidence(input: &MatchInput) -> Result<f64, String> {
    match input
        .config
        .iter()
        .find(|field| field.name == "account-confidence")
    {
        None => Ok(ACCOUNT_DEFAULT),
        Some(field) => match field.value {
            Scalar::Number(number) if (0.0..=1.0).contains(&number) => Ok(number),
            _ => Err("config `account-confidence` must be a number from 0 to 1".into()),
        },
    }
}

/// Whether `candidate` is the same person as `lead`, or at its account,
/// and how sure, with the evidence as reasons.
pub fn judge(lead: &Lead, candidate: &Candidate, account: f64) -> Option<Duplicate> {
    let theirs = &candidate.lead;
    let (ours_at, theirs_at) = (Address::of(&lead.email), Address::of(&theirs.email));
    let mut evidence: Vec<(f64, String)> = Vec::new();
    if let (Some(ours), Some(them)) = (&ours_at, &theirs_at) {
        if ours.domain == them.domain && ours.bare() == them.bare() {
            evidence.push((
                SAME_ADDRESS,
                format!(
                    "{} and {}: the same address but for dots or a tag",
                    lead.email, theirs.email
                ),
            ));
        } else if ours.domain == them.domain && ours.variant_of(them) {
            evidence.push((
                ADDRESS_VARIANT,
                format!(
                    "{} and {}: an initial for the first name",
                    lead.email, theirs.email
                ),
            ));
        }
    }
    let company = |lead: &Lead| {
        lead.domain
            .clone()
            .or_else(|| Address::of(&lead.email).map(|address| address.domain))
    };
    let same_company = company(lead).is_some() && company(lead) == company(theirs);
    if let (Some(ours), Some(them)) = (lead.name.as_deref(), theirs.name.as_deref())
        && same_company
        && name_key(ours).is_some()
        && name_key(ours) == name_key(them)
    {
        evidence.push((
            SAME_NAME_AND_DOMAIN,
            format!(
                "{ours} at {}: the same name at the same company",
                company(lead).unwrap_or_default()
            ),
        ));
    }
    if let (Some(ours), Some(them)) = (lead.phone.as_deref(), theirs.phone.as_deref())
        && phone_key(ours).is_some()
        && phone_key(ours) == phone_key(them)
    {
        evidence.push((SAME_PHONE, format!("the same phone number ({them})")));
    }
    if evidence.is_empty() {
        return (same_company && account > 0.0).then(|| Duplicate {
            candidate: theirs.id.clone(),
            confidence: account,
            reasons: vec![format!(
                "a colleague at {}: the same account, not the same person",
                company(lead).unwrap_or_default()
            )],
        });
    }
    evidence.sort_by(|a, b| b.0.total_cmp(&a.0));
    let doubt: f64 = evidence
        .iter()
        .map(|(confidence, _)| 1.0 - confidence)
        .product();
    Some(Duplicate {
        candidate: theirs.id.clone(),
        // Two decimals: a confidence reads as a percentage in reviews.
        confidence: (((1.0 - doubt) * 100.0).round() / 100.0).min(MOST),
        reasons: evidence.into_iter().map(|(_, reason)| reason).collect(),
    })
}

// Natively the crate is the logic alone, for its tests.
#[cfg(target_arch = "wasm32")]
bindings::export!(StandardMatching with_types_in bindings);

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(id: &str, email: &str, name: Option<&str>, phone: Option<&str>) -> Lead {
        Lead {
            id: id.into(),
            email: email.into(),
            name: name.map(Into::into),
            company: None,
            domain: None,
            phone: phone.map(Into::into),
            title: None,
            industry: None,
            company_size: None,
            country: None,
            source: None,
            campaign: None,
            budget: None,
            authority: None,
            need: None,
            timeline_days: None,
            custom: Vec::new(),
            created_at: 0,
        }
    }

    fn candidate(lead: Lead) -> Candidate {
        Candidate {
            lead,
            owner: None,
            keys: vec!["email-domain".into()],
        }
    }

    fn confidence(new: &Lead, known: Lead) -> Option<f64> {
        judge(new, &candidate(known), ACCOUNT_DEFAULT).map(|duplicate| duplicate.confidence)
    }

    #[test]
    fn evidence_adds_up_and_a_colleague_is_only_an_account() {
        let jonas = lead("new", "j.weber@acme.example", Some("Jonas Weber"), None);
        assert_eq!(
            confidence(&jonas, lead("ld-1", "jonas.weber@acme.example", None, None)),
            Some(ADDRESS_VARIANT)
        );
        // The name too: 1 - 0.15 * 0.08.
        assert_eq!(
            confidence(
                &jonas,
                lead(
                    "ld-1",
                    "jonas.weber@acme.example",
                    Some("Jonas Weber"),
                    None
                )
            ),
            Some(0.99)
        );
        assert_eq!(
            confidence(
                &jonas,
                lead("ld-2", "jonasweber+news@acme.example", None, None)
            ),
            Some(ACCOUNT_DEFAULT),
            "no separator in the other: not a variant, only the account"
        );
        let dotted = lead("new", "jonas.weber+news@acme.example", None, None);
        assert_eq!(
            confidence(&dotted, lead("ld-2", "jonasweber@acme.example", None, None)),
            Some(SAME_ADDRESS)
        );
        assert_eq!(
            confidence(
                &jonas,
                lead("ld-3", "mara.klein@acme.example", Some("Mara Klein"), None)
            ),
            Some(ACCOUNT_DEFAULT),
            "a colleague"
        );
        let by_phone = lead("new", "jw@home.example", None, Some("+49 30 1234 5678"));
        assert_eq!(
            confidence(
                &by_phone,
                lead("ld-4", "x@other.example", None, Some("030/12345678"))
            ),
            Some(SAME_PHONE)
        );
        assert_eq!(
            confidence(
                &by_phone,
                lead("ld-5", "y@third.example", None, Some("030/99995678"))
            ),
            None
        );
    }

    #[test]
    fn a_bad_account_confidence_is_refused_naming_the_key() {
        let input = MatchInput {
            lead: lead("new", "a@b.example", None, None),
            candidates: Vec::new(),
            config: vec![bindings::leadhost::plugin::types::Field {
                name: "account-confidence".into(),
                value: Scalar::Number(2.0),
            }],
            now: 0,
        };
        let error = StandardMatching::match_lead(input).unwrap_err();
        assert!(error.contains("account-confidence"), "{error}");
    }
}
