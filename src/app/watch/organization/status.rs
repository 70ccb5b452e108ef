//! What the organization watch's function said it cannot watch, and what the accounts that
//! left still hold of it (its ledger): its active "account M is not
//! watched" and "account M's IAM calls do not reach the watch" findings in its own account's Security Hub (`report::watch::organization::asff`), each a
//! problem naming M — or that it cannot say it (Security Hub off there), or why they were not
//! read.

use std::collections::BTreeSet;

use crate::aws::security_hub::held;
use crate::aws::watch::organization::ledger;
use crate::aws::{Clients, InRegion};
use crate::event::{Blind, WatchNote, WatchProblem};
use lambda_trust_iam::Arn;
use lambda_trust_model::OrgWatchGenerator;

/// The accounts the function found it cannot watch, from its account's Security Hub `hub` (its
/// product) in `region`.
pub(crate) async fn not_watched(
    home: &Clients,
    region: &str,
    hub: &Arn,
) -> (Vec<WatchProblem>, Option<WatchNote>) {
    let (watch, product) = (hub.account.as_str(), hub.to_string());
    let all = OrgWatchGenerator::All.to_string();
    let key = (watch, all.as_str());
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
            let (account, code) = blind_account(f.generator())?;
            let cause = match code.as_str() {
                "not-heard" => Some(Blind::NotHeard),
                // What the function found, as it filed it (an older function's names none).
                _ => (f.listed.fields.get(Blind::FIELD)).and_then(|c| c.parse().ok()),
            };
            Some(WatchProblem::AccountNotWatched {
                account,
                title: f.title().to_owned(),
                cause,
            })
        })
        .collect();
    (problems, None)
}

/// The watch's ledger (in `region`, where the function keeps it): the accounts it has an
/// entry for, and a note for each that is not among the organization's `accounts` and holds
/// something — it left, and what its Security Hub holds is said —, or why it was not read.
pub(crate) async fn departed(
    home: &Clients,
    region: &str,
    accounts: &BTreeSet<&str>,
) -> (Vec<String>, Vec<WatchNote>) {
    let calls = crate::aws::sessions::CallCount::default();
    let at = InRegion {
        clients: home,
        region,
    };
    let all = match ledger::all_held(at, &calls).await {
        Ok(all) => all,
        Err(e) => {
            let why = crate::error::shown(&e);
            return (Vec::new(), vec![WatchNote::LedgerNotRead { why }]);
        }
    };
    let kept = all.iter().map(|(account, _)| account.clone()).collect();
    let notes = (all.into_iter())
        .filter(|(account, held)| !accounts.contains(account.as_str()) && !held.is_empty())
        .map(|(account, held)| WatchNote::DepartedHolds { account, held })
        .collect();
    (kept, notes)
}

/// The account a finding about an account itself names, and its code — not watched, not
/// heard — (`None`: a role's finding, or another tool's).
fn blind_account(generator: &str) -> Option<(String, String)> {
    let rest = generator.strip_prefix(&OrgWatchGenerator::All.to_string())?;
    let account = rest.split('/').next()?;
    let about = OrgWatchGenerator::Account { account, code: "" }.to_string();
    let code = generator.strip_prefix(&about).filter(|c| !c.is_empty())?;
    Some((account.to_owned(), code.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_finding_about_the_account_itself_names_it() {
        let account = "222233334444";
        let blind = OrgWatchGenerator::not_watched(account).to_string();
        let named = |code: &str| Some((account.to_owned(), code.to_owned()));
        assert_eq!(blind_account(&blind), named("not-watched"));
        let unheard = OrgWatchGenerator::Account {
            account,
            code: "not-heard",
        }
        .to_string();
        assert_eq!(blind_account(&unheard), named("not-heard"));
        for cause in [Blind::ReaderNotAssumed, Blind::HubOff, Blind::NotHeard] {
            let code: &str = cause.into();
            assert_eq!(
                code.parse::<Blind>(),
                Ok(cause),
                "the cause reads back from its code"
            );
        }
        let (role, code) = ("vendor", "external-id-not-ours");
        let role = OrgWatchGenerator::Role {
            account,
            role,
            code,
        }
        .to_string();
        assert_eq!(blind_account(&role), None);
        assert_eq!(blind_account("lambda-trust/audit/x"), None);
    }
}
