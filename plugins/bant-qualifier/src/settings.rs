//! The org's config for `bant-qualifier`, read once per call with defaults.

use leadhost_sdk::prelude::*;

/// Thresholds and lists the org can set; see the crate README for each key.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `min-budget`: a budget at least this large meets the budget criterion.
    pub min_budget: f64,
    /// `max-timeline-days`: buying within this many days meets the timeline criterion.
    pub max_timeline_days: f64,
    /// `sales-ready-score`: the score a sales-ready lead needs.
    pub sales_ready_score: i32,
    /// `required-criteria`: how many of the four BANT criteria a sales-ready lead meets.
    pub required_criteria: usize,
    /// `competitor-domains`: domains (and their subdomains) that are discarded.
    pub competitor_domains: Vec<String>,
    /// `discard-domain-suffixes`: domain endings that are discarded (students, academics).
    pub discard_domain_suffixes: Vec<String>,
    /// `inactive-days`: a lead with no activity for this long is discarded.
    pub inactive_days: f64,
    /// `behaviour-window-days`: only activity this recent counts toward behaviour.
    pub behaviour_window_days: f64,
}

impl Settings {
    /// Reads the settings from `config`; an unusable value is an error naming its key.
    pub fn from_config(config: &[Field]) -> Result<Self, String> {
        Ok(Settings {
            min_budget: non_negative(config, "min-budget", 10_000.0)?,
            max_timeline_days: non_negative(config, "max-timeline-days", 90.0)?,
            sales_ready_score: non_negative(config, "sales-ready-score", 70.0)? as i32,
            required_criteria: match non_negative(config, "required-criteria", 3.0)? {
                count if count <= 4.0 && count.fract() == 0.0 => count as usize,
                count => {
                    return Err(format!(
                        "config `required-criteria` = {count}: expected a whole number from 0 to 4"
                    ));
                }
            },
            competitor_domains: config.list("competitor-domains"),
            discard_domain_suffixes: match config.value("discard-domain-suffixes") {
                Some(_) => config.list("discard-domain-suffixes"),
                None => vec![".edu".into(), ".ac.uk".into()],
            },
            inactive_days: non_negative(config, "inactive-days", 180.0)?,
            behaviour_window_days: non_negative(config, "behaviour-window-days", 90.0)?,
        })
    }
}

/// The number named `key`, `default` if absent; text that is not a number,
/// a flag, or a negative value is an error naming the key.
fn non_negative(config: &[Field], key: &str, default: f64) -> Result<f64, String> {
    match config
        .number_or(key, default)
        .map_err(|error| error.within("config"))?
    {
        number if number.is_finite() && number >= 0.0 => Ok(number),
        number => Err(format!(
            "config `{key}` = {number}: expected a non-negative number"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_config_is_empty() {
        let settings = Settings::from_config(&[]).unwrap();
        assert_eq!(settings.min_budget, 10_000.0);
        assert_eq!(settings.required_criteria, 3);
        assert_eq!(settings.discard_domain_suffixes, vec![".edu", ".ac.uk"]);
        assert!(settings.competitor_domains.is_empty());
    }

    #[test]
    fn unusable_values_name_their_key() {
        // Word for word: the C, JavaScript and Python ports refuse the same way.
        let error = Settings::from_config(&[Field::text("min-budget", "lots")]).unwrap_err();
        assert_eq!(
            error,
            "config `min-budget` = Scalar::Text(\"lots\"): expected a number"
        );
        let error = Settings::from_config(&[Field::flag("sales-ready-score", true)]).unwrap_err();
        assert_eq!(
            error,
            "config `sales-ready-score` = Scalar::Boolean(true): expected a number"
        );
        let error = Settings::from_config(&[Field::number("inactive-days", -3.0)]).unwrap_err();
        assert!(
            error.contains("`inactive-days`") && error.contains("non-negative"),
            "{error}"
        );
        let error = Settings::from_config(&[Field::number("required-criteria", 5.0)]).unwrap_err();
        assert!(error.contains("`required-criteria`"), "{error}");
    }

    #[test]
    fn an_empty_suffix_list_turns_the_student_rule_off() {
        let settings =
            Settings::from_config(&[Field::text("discard-domain-suffixes", "")]).unwrap();
        assert!(settings.discard_domain_suffixes.is_empty());
    }
}
