//! What the organization watch's function said it cannot watch: its active "account M is not
//! watched" findings in its own account's Security Hub (`report::asff_org_watch`), each a
//! problem naming M — or that it cannot say it (Security Hub off there), or why they were not
//! read.

use crate::aws::security_hub::held;
use crate::aws::Clients;
use crate::event::{WatchNote, WatchProblem};
use lambda_trust_model::{organization_watch_blind, product_arn, ORGANIZATION_WATCH_GENERATOR};

/// The accounts the function found it cannot watch, from its account's (`watch`) hub in
/// `region`.
pub(crate) async fn not_watched(
    home: &Clients,
    (partition, region, watch): (&str, &str, &str),
) -> (Vec<WatchProblem>, Option<WatchNote>) {
    let product = product_arn(partition, region, watch);
    let key = (watch, ORGANIZATION_WATCH_GENERATOR);
    let found = match held(home, Some(region), &product, key).await {
        Ok(found) => found,
        Err(e) if e.is_code("InvalidAccessException") => {
            let problem = WatchProblem::HubOff {
                account: watch.to_owned(),
                region: region.to_owned(),
                message: e.message.clone(),
            };
            return (vec![problem], None);
        }
        Err(e) => {
            let why = e.to_string();
            return (Vec::new(), Some(WatchNote::FindingsNotRead { why }));
        }
    };
    let problems = (found.iter())
        .filter_map(|f| {
            let account = blind_account(f.generator())?;
            Some(WatchProblem::AccountNotWatched {
                account,
                title: f.title().to_owned(),
            })
        })
        .collect();
    (problems, None)
}

/// The account a not-watched finding's generator names (`None`: another finding).
fn blind_account(generator: &str) -> Option<String> {
    let rest = generator.strip_prefix(ORGANIZATION_WATCH_GENERATOR)?;
    let account = rest.split('/').next()?;
    (organization_watch_blind(account) == generator).then(|| account.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_not_watched_finding_names_its_account() {
        let blind = organization_watch_blind("222233334444");
        assert_eq!(blind_account(&blind).as_deref(), Some("222233334444"));
        let role = lambda_trust_model::organization_watch_generator(
            "222233334444",
            "vendor",
            "external-id-not-ours",
        );
        assert_eq!(blind_account(&role), None);
        assert_eq!(blind_account("lambda-trust/audit/x"), None);
    }
}
