//! The words of what `watch deploy|status|destroy` says beside its plan: each note and each
//! problem the workflow returns as data (`event::WatchNote`, `event::WatchProblem`,
//! `event::Restored`), written once, here.

use crate::event::{Blind, Place, Restored, WatchNote, WatchProblem};

/// The JSON an OAuth client's secret holds, and how to make it.
const SHAPE: &str = "it holds {\"client_id\": \"…\", \"client_secret\": \"…\"} (and \"base_url\" outside the region's own API)";

fn place(at: &Place) -> String {
    match &at.account {
        Some(a) => format!("{} of account {a}", at.region),
        None => at.region.clone(),
    }
}

/// A note's words.
pub(crate) fn note(n: &WatchNote) -> String {
    match n {
        WatchNote::CodeNotCompared { why } => {
            format!("the deployed code is not compared: {why} (pass --package)")
        }
        WatchNote::Home { region } => {
            format!("the function lives in {region}, where IAM's events arrive")
        }
        WatchNote::ConfigRuleEngine { rule, region, frequency } => format!(
            "engine: the AWS Config rule {rule} hands the function the changes Config records in {region} (the role, its policies, the targets there) and evaluates everything {frequency}; a recorder must record those types"
        ),
        WatchNote::RegionsForward => {
            "other regions forward their events to its default event bus".into()
        }
        WatchNote::AccountForwards { account, regions, forwarder, bus, reader } => format!(
            "account {account}: its targets' Lambda events ({}) are forwarded by its rules, with its role {forwarder}, to the watch's event bus {bus}, which admits that role alone; the function reads the account through its read-only role {reader}",
            regions.join(", ")
        ),
        WatchNote::GenesysOnEvents => "the Genesys Cloud side is read again on its org's audit events of the integration, its credential and its actions, and on the schedule".into(),
        WatchNote::GenesysOnSchedule => "the Genesys Cloud side is read on the schedule only: give [watch].genesys_event_bus for its audit events".into(),
        WatchNote::Moves { from, to } => format!(
            "the watch moves from {from} to {to}, where IAM's events arrive (docs/aws-behaviour.md): its function and rules in {from} are removed"
        ),
        WatchNote::Trail { at, trail } => {
            format!("{}: CloudTrail trail {trail} logs its management events", place(at))
        }
        WatchNote::TrailsNotRead { at, why } => format!(
            "{}: the trails were not read ({}): whether EventBridge gets its calls is not known",
            place(at),
            why.as_deref().unwrap_or("no credentials for the account")
        ),
        WatchNote::FindingsNotRead { why } => {
            format!("Security Hub: what the watch published was not read ({why})")
        }
        WatchNote::OrgHome { account, via: Some(role) } => format!(
            "the function lives in account {account}, StackSets' delegated administrator, reached through its role {role}"
        ),
        WatchNote::OrgHome { account, via: None } => format!(
            "the function lives in account {account}, StackSets' delegated administrator: these credentials"
        ),
        WatchNote::OrgCoverage { covered, accounts } => format!(
            "{covered} of the organization's {accounts} member account(s) have a CURRENT instance of each of its StackSets, as ListStackInstances says (the roles and rules there are not read)"
        ),
        WatchNote::OrgInstancesMade { accounts } => format!(
            "the StackSets' operations SUCCEEDED, each awaited until it had reached the organization's {accounts} member account(s) (not read since: `lambda-trust watch status --organization` reads each instance)"
        ),
        WatchNote::ManagementStacksNotOurs { management } => format!(
            "the management account {management}'s own stacks (StackSets never deploy there) are neither read nor written with a delegated administrator's credentials: run the same command with account {management}'s; until its stack forwards Organizations' calls, the guardrail is not watched (docs/guardrail.md)"
        ),
        WatchNote::DepartedHolds { account, held } => departed(account, held),
        WatchNote::LeftActive { account, title, cause } => format!(
            "left by `watch destroy --organization`, as it says: the finding that account {account} was not watched ({}; {title}) stays ACTIVE in the watch account's Security Hub, where nothing settles it now: archive it once fixed, or prove the account with `lambda-trust audit --organization`",
            cause.map_or("why is in that finding", blind)
        ),
        WatchNote::LedgerNotRead { why } => format!(
            "what each account's Security Hub holds (the watch's ledger) was not read ({why}): an account that left is not told"
        ),
    }
}

/// An account that left, and what its Security Hub still holds of the watch.
fn departed(account: &str, held: &lambda_trust_provision::Held) -> String {
    let more = match held.more {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!(
        "account {account} left the organization; at its last reading ({}) its Security Hub held {} active finding(s) of the watch, which the watch can no longer settle: {}{more}. Settle them with that account's credentials (`lambda-trust audit --to-security-hub` there proves and imports again), or archive them (generator prefix {}{account}/)",
        held.at,
        held.findings.len() + held.more,
        held.findings.join(", "),
        lambda_trust_model::OrgWatchGenerator::All,
    )
}

/// Why the organization watch cannot watch an account, in words.
pub(crate) fn blind(cause: Blind) -> &'static str {
    match cause {
        Blind::ReaderNotAssumed => "its reader role cannot be assumed",
        Blind::ReadRefused => "a read of its partner roles was refused or failed",
        Blind::HubOff => "its Security Hub is off",
        Blind::HubRefused => "its Security Hub refused the findings",
        Blind::NotHeard => "no trail logs its IAM calls (or its trails were not read)",
    }
}

/// A problem's words: what the function cannot do, and its fix.
pub(crate) fn problem(p: &WatchProblem) -> String {
    match p {
        WatchProblem::Unheard { account: a } => format!(
            "cannot hear account {a}: no credentials for it ([aws.accounts.\"{a}\"]) to put its rule there, so its targets' Lambda calls reach no rule and only the schedule re-proves them: give it a role_arn, then `lambda-trust watch deploy`"
        ),
        WatchProblem::ConfigRuleBlind { others, account } => format!(
            "cannot hear account {}: the AWS Config rule evaluates the resources of account {account} only, so those targets are re-proved on its periodic evaluation alone: use the EventBridge engine (leave out [watch].engine) for targets in other accounts",
            others.join(", ")
        ),
        WatchProblem::NoSecretNamed => "cannot sign in to Genesys Cloud: [genesys].oauth_secret is not set, and a sign-in from the environment does not travel to the function, so it reads no Genesys Cloud side: store the OAuth client in Secrets Manager and name it in [genesys].oauth_secret, then `lambda-trust watch deploy`".into(),
        WatchProblem::SecretMissing { name } => format!(
            "cannot sign in to Genesys Cloud: no secret {name} in this account and region, so the function reads no Genesys Cloud side: fix [genesys].oauth_secret, or create it: aws secretsmanager create-secret --name {name} --secret-string '{{\"client_id\": \"…\", \"client_secret\": \"…\"}}'"
        ),
        WatchProblem::SecretNotDescribed { name, why } => format!(
            "cannot sign in to Genesys Cloud: secret {name} could not be described ({why})"
        ),
        WatchProblem::SecretNotOAuth { name, why } => format!(
            "cannot sign in to Genesys Cloud: secret {name} is not an OAuth client ({why}); {SHAPE}"
        ),
        WatchProblem::SecretNotChecked { name, why } => {
            format!("secret {name} could not be read to check its JSON ({why})")
        }
        WatchProblem::SecretNotReadable { name, why } => format!(
            "cannot sign in to Genesys Cloud: the function's role cannot read secret {name} ({why})"
        ),
        WatchProblem::NoTrail { at } => format!(
            "cannot hear {}: no CloudTrail trail logs its management events, so EventBridge gets none of its calls and only the schedule re-proves: create a trail (aws cloudtrail create-trail --is-multi-region-trail, then start-logging)",
            place(at)
        ),
        WatchProblem::RoleMissing { role } => format!(
            "watches role {role}, which does not exist: `lambda-trust apply` creates it, or `lambda-trust watch destroy` removes the watch"
        ),
        WatchProblem::HubOff { account, region, message } => format!(
            "cannot publish: Security Hub is not enabled for account {account} in {region} ({message}), so the function's findings go nowhere: enable it (aws securityhub enable-security-hub --region {region})"
        ),
        WatchProblem::AccountNotWatched { account, title, cause } => {
            let cause = cause.map_or_else(
                || "why is in that finding".to_owned(),
                |c| blind(c).to_owned(),
            );
            format!(
                "does not watch account {account}, as its last invocation about it found: {cause} (its finding in the watch account's Security Hub: {title}); fix that, as the finding's remediation says, then the account's next change or `lambda-trust watch deploy --organization` re-reads it"
            )
        }
        WatchProblem::AccountNotCovered { account, stack_set, region, status, reason } => {
            let why = reason.as_deref().map_or_else(String::new, |r| format!(": {r}"));
            format!(
                "does not watch account {account}: StackSet {stack_set}'s stack there in {region} is {status}{why}; fix what CloudFormation says, then `lambda-trust watch deploy --organization`"
            )
        }
    }
}

/// What a failed `watch destroy --organization` left settled, as its error continues it.
pub(crate) fn restored(r: &Restored) -> String {
    let mut said = format!(
        "; the function had re-proved {} of {} account(s) a last time (archived {} \
         finding(s), kept {} active saying the watch was removed)",
        r.reproved, r.handed, r.archived, r.kept
    );
    let Some(again) = &r.again else {
        return said;
    };
    let lost: Vec<String> = (again.iter())
        .filter_map(|(account, why)| why.as_ref().map(|why| format!("{account} ({why})")))
        .collect();
    said.push_str(&format!(
        "; as the watch still runs, it put the watch's words back in {} of them",
        again.len() - lost.len()
    ));
    if !lost.is_empty() {
        said.push_str(&format!(
            "; not in {}: their findings still say the watch was removed",
            lost.join(", ")
        ));
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A place of another account is named with it; a trail not read says why, or that no
    /// credentials reached its account.
    #[test]
    fn a_place_names_its_account_and_an_unread_trail_says_why() {
        let at = |account: Option<&str>| Place {
            region: "eu-west-1".into(),
            account: account.map(str::to_owned),
        };
        let none = note(&WatchNote::TrailsNotRead {
            at: at(Some("222233334444")),
            why: None,
        });
        assert!(
            none.starts_with("eu-west-1 of account 222233334444: the trails were not read (no credentials for the account)"),
            "{none}"
        );
        let why = note(&WatchNote::TrailsNotRead {
            at: at(None),
            why: Some("AccessDenied".into()),
        });
        assert!(
            why.starts_with("eu-west-1: the trails were not read (AccessDenied)"),
            "{why}"
        );
        let blind = problem(&WatchProblem::NoTrail { at: at(None) });
        assert!(
            blind.starts_with("cannot hear eu-west-1: no CloudTrail trail"),
            "{blind}"
        );
    }

    #[test]
    fn a_failed_destroy_says_what_it_settled_and_names_each_account_not_put_back() {
        let mut r = Restored {
            reproved: 0,
            handed: 3,
            archived: 0,
            kept: 0,
            again: None,
        };
        let said = restored(&r);
        assert!(said.contains("re-proved 0 of 3 account(s)"), "{said}");
        assert!(!said.contains("put the watch's words back"), "{said}");
        r.reproved = 2;
        r.again = Some(vec![
            ("111111111111".into(), None),
            ("222222222222".into(), Some("its reader is gone".into())),
        ]);
        let said = restored(&r);
        assert!(said.contains("words back in 1 of them"), "{said}");
        assert!(
            said.contains("not in 222222222222 (its reader is gone)"),
            "{said}"
        );
    }
}
