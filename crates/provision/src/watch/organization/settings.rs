//! What the organization watch's function runs with, from the variables its deployment sets
//! (`home::function`): the AWS organization, the Genesys Cloud organizations that are ours,
//! the partner it watches for, and the reader role it assumes in each account.

use super::model::{reader_name, ORG_WATCH};
use lambda_trust_config::Partner;

/// The variable naming the AWS organization (`o-…`): set, the function is the organization's.
pub(super) const ORGANIZATION_VAR: &str = "LAMBDA_TRUST_ORGANIZATION";
/// The variable holding the baseline of accepted findings, JSON.
pub(super) const BASELINE_VAR: &str = "LAMBDA_TRUST_BASELINE";
/// The variable naming the watch's bus (its ARN), where the sweep puts its events.
pub(super) const BUS_VAR: &str = "LAMBDA_TRUST_BUS";
/// The variable naming the AWS Config aggregator the sweep reads (in the function's account and
/// region).
pub(super) const AGGREGATOR_VAR: &str = "LAMBDA_TRUST_CONFIG_AGGREGATOR";
/// The variable listing the Genesys Cloud organization IDs that are ours, comma-separated.
pub(super) const GENESYS_ORG_IDS_VAR: &str = "LAMBDA_TRUST_GENESYS_ORG_IDS";

/// The organization watch's function's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgWatchSettings {
    /// The AWS organization's ID (`o-…`).
    pub organization: String,
    /// The Genesys Cloud organization IDs that are ours: a partner role's `sts:ExternalId`
    /// that is none of them is a finding (`external-id-not-ours`).
    pub genesys_org_ids: Vec<String>,
    /// The partner accounts judged: Genesys Cloud's (`--partner genesys-cloud`).
    pub partners: Vec<String>,
    /// The reader role's name, in every account.
    pub reader: String,
    /// The session name the function's reads show under in each account's CloudTrail.
    pub session: String,
    /// The watch's bus (its ARN), where the sweep puts one event per account; `None`: a
    /// function deployed before the sweep, which cannot sweep until deployed again.
    pub bus: Option<String>,
    /// The baseline of accepted findings (`{"suppress": [...]}`, JSON), as deployed.
    pub baseline: Option<String>,
    /// The AWS Config aggregator the sweep reads which accounts hold a partner role through;
    /// `None`: every account is swept.
    pub aggregator: Option<String>,
}

impl OrgWatchSettings {
    /// The settings `var` holds (`std::env::var`, in the function); `None` when the AWS
    /// organization is not named: the function is a deployment's watch, not the
    /// organization's.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Option<OrgWatchSettings> {
        let organization = var(ORGANIZATION_VAR).filter(|o| !o.trim().is_empty())?;
        let ids = var(GENESYS_ORG_IDS_VAR).unwrap_or_default();
        Some(OrgWatchSettings {
            organization: organization.trim().to_owned(),
            genesys_org_ids: (ids.split(','))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            partners: vec![Partner::GenesysCloud.account_id().to_owned()],
            reader: reader_name(),
            session: ORG_WATCH.to_owned(),
            bus: var(BUS_VAR).filter(|b| !b.trim().is_empty()),
            baseline: var(BASELINE_VAR).filter(|b| !b.trim().is_empty()),
            aggregator: var(AGGREGATOR_VAR).filter(|a| !a.trim().is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_organization_names_the_function_and_the_ids_are_a_list() {
        let vars = |k: &str| match k {
            ORGANIZATION_VAR => Some("o-abc123".to_owned()),
            GENESYS_ORG_IDS_VAR => Some(" a , ,b".to_owned()),
            BUS_VAR => Some("arn:aws:events:us-east-1:111122223333:event-bus/b".to_owned()),
            AGGREGATOR_VAR => Some("org".to_owned()),
            _ => None,
        };
        let s = OrgWatchSettings::from_vars(vars).unwrap();
        assert_eq!(s.organization, "o-abc123");
        assert_eq!(s.genesys_org_ids, ["a", "b"]);
        assert_eq!(s.reader, "lambda-trust-org-watch-read");
        assert_eq!(
            s.bus.as_deref(),
            Some("arn:aws:events:us-east-1:111122223333:event-bus/b")
        );
        assert_eq!(s.aggregator.as_deref(), Some("org"));
        assert_eq!(OrgWatchSettings::from_vars(|_| None), None);
        assert_eq!(OrgWatchSettings::from_vars(|_| Some(" ".into())), None);
    }
}
