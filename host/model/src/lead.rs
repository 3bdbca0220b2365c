//! A lead and its activity.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A scalar value: a custom lead field or a config entry. In JSON it is the
/// bare string, number or boolean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Scalar {
    /// A yes/no flag.
    Boolean(bool),
    /// A number.
    Number(f64),
    /// Free text.
    Text(String),
}

impl Scalar {
    /// Whether this is a number that is not finite (`nan`, `inf`): TOML can
    /// write one and JSON cannot, so it would be shown as `null`, and a
    /// plug-in comparing with it silently answers `false`. Refused wherever
    /// a value comes in.
    pub fn is_non_finite(&self) -> bool {
        matches!(self, Scalar::Number(number) if !number.is_finite())
    }
}

/// A plug-in's config: names to values, as the org set them.
pub type Config = BTreeMap<String, Scalar>;

/// How much say the contact has in the purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Authority {
    /// Signs off the purchase.
    DecisionMaker,
    /// Shapes the decision.
    Influencer,
    /// Would use the product.
    User,
    /// No part in the purchase.
    None,
}

/// How strongly the contact's organization needs what is sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    /// A pressing need.
    High,
    /// A real need without urgency.
    Medium,
    /// A passing interest.
    Low,
    /// No need.
    None,
}

/// A lead: the contact, what is known of BANT so far, and the org's own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Lead {
    /// The host's id for the lead, unique within the org.
    #[serde(default)]
    pub id: String,
    /// E-mail address.
    pub email: String,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Company.
    #[serde(default)]
    pub company: Option<String>,
    /// The company's web domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// Phone number, as given (`+49 30 1234-567`); duplicate matching
    /// compares its digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Job title.
    #[serde(default)]
    pub title: Option<String>,
    /// Industry, in the org's vocabulary.
    #[serde(default)]
    pub industry: Option<String>,
    /// Number of employees.
    #[serde(default)]
    pub company_size: Option<u32>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default)]
    pub country: Option<String>,
    /// Where the lead came from.
    #[serde(default)]
    pub source: Option<String>,
    /// The campaign that brought it in.
    #[serde(default)]
    pub campaign: Option<String>,
    /// Budget in the org's currency, when known.
    #[serde(default)]
    pub budget: Option<f64>,
    /// Authority, when known.
    #[serde(default)]
    pub authority: Option<Authority>,
    /// Need, when known.
    #[serde(default)]
    pub need: Option<Need>,
    /// Days until the planned purchase, when known.
    #[serde(default)]
    pub timeline_days: Option<u32>,
    /// The org's own fields.
    #[serde(default)]
    pub custom: BTreeMap<String, Scalar>,
    /// When the host first saw the lead.
    pub created_at: DateTime<Utc>,
}

/// What kind of thing a lead did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ActivityKind {
    /// Visited a page.
    PageVisit,
    /// Downloaded content.
    Download,
    /// Registered for or attended a webinar.
    Webinar,
    /// Opened an e-mail.
    EmailOpen,
    /// Clicked a link in an e-mail.
    EmailClick,
    /// Replied to an e-mail.
    EmailReply,
    /// Submitted a form.
    Form,
    /// Answered a question (`detail` is `question-id: answer`).
    Answer,
    /// Took part in a meeting.
    Meeting,
    /// Took part in a call.
    Call,
    /// Anything else.
    Other,
}

/// One thing a lead did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// What kind of activity.
    pub kind: ActivityKind,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The page, the content, the answer, ...
    #[serde(default)]
    pub detail: String,
}
