//! `{{name}}`: a duplicate rule (`match-lead`, WIT 0.2.0).
//!
//! Of the candidates the host found by blocking keys, takes for the same
//! person one with the same address but for dots and a `+tag` (0.97) or
//! the same name at the same e-mail domain (0.9); others are left out.
//! Candidates under `min-confidence` (config, number; default 0.5) are
//! not answered at all.

use leadhost_sdk::prelude::*;

/// The plug-in; the SDK's macro below exports it as the component's
/// `match-lead`.
pub struct Plugin;

/// An address's local part without `+tag`, dots, `-` and `_`, and its
/// domain, lower-case.
fn bare(email: &str) -> Option<(String, String)> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.rsplit_once('@')?;
    let local = local.split('+').next().unwrap_or(local);
    let local: String = local.chars().filter(|c| !matches!(c, '.' | '-' | '_')).collect();
    Some((local, domain.to_string()))
}

impl DuplicateRule for Plugin {
    fn match_lead(input: MatchInput) -> Result<Vec<Duplicate>, String> {
        let least = input
            .config
            .number_or("min-confidence", 0.5)
            .map_err(|error| error.within("config"))?;
        let ours = bare(&input.lead.email);
        let our_name = input.lead.name.as_deref().map(str::to_lowercase);
        let mut found = Vec::new();
        for candidate in &input.candidates {
            let theirs = bare(&candidate.lead.email);
            let their_name = candidate.lead.name.as_deref().map(str::to_lowercase);
            let same_domain = matches!((&ours, &theirs), (Some(a), Some(b)) if a.1 == b.1);
            let (confidence, reason) = if ours.is_some() && ours == theirs {
                (0.97, format!("{} is {} but for dots or a tag", input.lead.email, candidate.lead.email))
            } else if same_domain && our_name.is_some() && our_name == their_name {
                (0.9, format!("the same name at {}", theirs.map(|t| t.1).unwrap_or_default()))
            } else {
                continue;
            };
            if confidence >= least {
                found.push(Duplicate {
                    candidate: candidate.lead.id.clone(),
                    confidence,
                    reasons: vec![reason],
                });
            }
        }
        Ok(found)
    }
}

leadhost_sdk::export_duplicate_rule!(crate::Plugin);

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: &str, email: &str, name: Option<&str>) -> Candidate {
        let mut lead = LeadBuilder::new(email).id(id);
        if let Some(name) = name {
            lead = lead.name(name);
        }
        Candidate {
            lead: lead.build(),
            owner: None,
            keys: vec!["email-domain".into()],
        }
    }

    #[test]
    fn the_same_address_or_name_at_one_domain_is_a_duplicate_and_a_colleague_is_not() {
        let input = MatchInput {
            lead: LeadBuilder::new("ada.weber+news@acme.example").name("Ada Weber").build(),
            candidates: vec![
                candidate("ld-1", "adaweber@acme.example", None),
                candidate("ld-2", "a.w@acme.example", Some("Ada Weber")),
                candidate("ld-3", "bo@acme.example", Some("Bo Lind")),
            ],
            config: Vec::new(),
            now: 0,
        };
        let found = Plugin::match_lead(input).unwrap();
        let ids: Vec<(&str, f64)> = found.iter().map(|d| (d.candidate.as_str(), d.confidence)).collect();
        assert_eq!(ids, [("ld-1", 0.97), ("ld-2", 0.9)]);
    }
}
