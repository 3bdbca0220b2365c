//! Building inputs by hand, for native unit tests of plug-in logic.

use crate::types::{Authority, Field, Lead, Need, Timestamp};

/// Builds a [`Lead`] field by field; everything not set is unknown.
#[derive(Debug, Clone)]
pub struct LeadBuilder {
    /// The lead under construction.
    lead: Lead,
}

impl LeadBuilder {
    /// A lead with only an e-mail address, created at time 0.
    pub fn new(email: impl Into<String>) -> Self {
        LeadBuilder {
            lead: Lead {
                id: "lead-1".into(),
                email: email.into(),
                name: None,
                company: None,
                domain: None,
                #[cfg(feature = "wit-0-2")]
                phone: None,
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
            },
        }
    }

    /// Sets the id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.lead.id = id.into();
        self
    }

    /// Sets the contact's full name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.lead.name = Some(name.into());
        self
    }

    /// Sets the company.
    pub fn company(mut self, company: impl Into<String>) -> Self {
        self.lead.company = Some(company.into());
        self
    }

    /// Sets the company's domain.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.lead.domain = Some(domain.into());
        self
    }

    /// Sets the job title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.lead.title = Some(title.into());
        self
    }

    /// Sets the industry.
    pub fn industry(mut self, industry: impl Into<String>) -> Self {
        self.lead.industry = Some(industry.into());
        self
    }

    /// Sets the company size.
    pub fn company_size(mut self, employees: u32) -> Self {
        self.lead.company_size = Some(employees);
        self
    }

    /// Sets the country code.
    pub fn country(mut self, country: impl Into<String>) -> Self {
        self.lead.country = Some(country.into());
        self
    }

    /// Sets the budget.
    pub fn budget(mut self, budget: f64) -> Self {
        self.lead.budget = Some(budget);
        self
    }

    /// Sets the authority.
    pub fn authority(mut self, authority: Authority) -> Self {
        self.lead.authority = Some(authority);
        self
    }

    /// Sets the need.
    pub fn need(mut self, need: Need) -> Self {
        self.lead.need = Some(need);
        self
    }

    /// Sets the days until purchase.
    pub fn timeline_days(mut self, days: u32) -> Self {
        self.lead.timeline_days = Some(days);
        self
    }

    /// Adds a custom field.
    pub fn custom(mut self, field: Field) -> Self {
        self.lead.custom.push(field);
        self
    }

    /// Sets the phone number (WIT 0.2.0, the `wit-0-2` feature).
    #[cfg(feature = "wit-0-2")]
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.lead.phone = Some(phone.into());
        self
    }

    /// Sets when the lead was created.
    pub fn created_at(mut self, at: Timestamp) -> Self {
        self.lead.created_at = at;
        self
    }

    /// The finished lead.
    pub fn build(self) -> Lead {
        self.lead
    }
}
