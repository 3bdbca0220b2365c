//! `{{name}}`: a lead definition (`qualify`).
//!
//! Two gates, each giving a reason so a rep can see why:
//! - **budget**: at least `min-budget` (config, a number; default 10000).
//!   Known and below it: discard, since the org cannot serve that buyer.
//! - **authority**: the contact is a decision-maker.
//!
//! Both pass: sales-ready. Otherwise the lead is kept warm on the
//! `education` nurture track until more is known.

use leadhost_sdk::prelude::*;

/// The plug-in; the SDK's macro below exports it as the component's `qualify`.
pub struct Plugin;

impl LeadDefinition for Plugin {
    fn qualify(input: QualifyInput) -> Result<Qualification, String> {
        // Missing: the default. Set but not a number: the call is refused
        // with the key and the value found (the host records why), rather
        // than the default silently taking its place.
        let min_budget = input
            .config
            .number_or("min-budget", 10_000.0)
            .map_err(|error| error.within("config"))?;
        let lead = &input.lead;

        let (budget_ok, budget_reason) = match lead.budget {
            Some(budget) if budget >= min_budget => (
                Some(true),
                format!("budget {budget:.0} meets the minimum {min_budget:.0}"),
            ),
            Some(budget) => (
                Some(false),
                format!("budget {budget:.0} is below the minimum {min_budget:.0}"),
            ),
            None => (None, "budget unknown".to_string()),
        };
        let (decides, authority_reason) = match lead.authority {
            Some(Authority::DecisionMaker) => (true, "contact is a decision-maker"),
            Some(_) => (false, "contact is not a decision-maker"),
            None => (false, "authority unknown"),
        };

        let verdict = match (budget_ok, decides) {
            (Some(false), _) => Qualification::discard(10),
            (Some(true), true) => Qualification::sales_ready(80),
            // Unknown budget or no authority: worth nurturing, not calling.
            _ => Qualification::nurture(40).track("education"),
        };
        Ok(verdict.reason(budget_reason).reason(authority_reason))
    }
}

leadhost_sdk::export_lead_definition!(crate::Plugin);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_maker_with_budget_is_sales_ready() {
        let lead = LeadBuilder::new("ada@example.com")
            .budget(50_000.0)
            .authority(Authority::DecisionMaker)
            .build();
        let verdict = Plugin::qualify(QualifyInput::new(lead, Vec::new(), 0)).unwrap();
        assert_eq!(verdict.stage, Stage::SalesReady);
        assert_eq!(verdict.reasons[0], "budget 50000 meets the minimum 10000");
    }

    #[test]
    fn a_min_budget_that_is_not_a_number_is_refused() {
        let lead = LeadBuilder::new("ada@example.com").build();
        let input = QualifyInput::new(lead, Vec::new(), 0)
            .with_config(vec![Field::text("min-budget", "lots")]);
        assert_eq!(
            Plugin::qualify(input).unwrap_err(),
            "config `min-budget` = Scalar::Text(\"lots\"): expected a number"
        );
    }
}
