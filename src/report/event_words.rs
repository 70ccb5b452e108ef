//! The words of the workflows' typed events, written once: what a wait is for (its spinner and
//! `--progress json`'s `what`), a step of the live probe, a note, a said line. `events` puts
//! them on the lines people read and in the JSON record; the workflows send only the data
//! (`event::{Read, ProbeStep, Note, Said}`).

use crate::event::{Note, ProbeStep, Read, Said};
use lambda_trust_model::HubCounts;

/// What a wait is for: `reading the role, its policies and the target functions from AWS`.
pub(crate) fn reading(read: &Read) -> String {
    match read {
        Read::AwsSetup => "reading the role, its policies and the target functions from AWS".into(),
        Read::Role { name } => format!("reading the role {name} and its policies"),
        Read::Functions { region } => format!("listing the Lambda functions in {region}"),
        Read::PathPolicies => "organization and function policies".into(),
        Read::OrgPolicies { account } => {
            format!("reading the organization policies over account {account}")
        }
        Read::AccountAudit => "reading the account's IAM and proving each role".into(),
        Read::Aggregator { name } => {
            format!("reading the IAM roles and Lambda functions of AWS Config aggregator {name:?}")
        }
        Read::AcceptingRoles => {
            "finding the roles Genesys Cloud can assume with your organization ID".into()
        }
        Read::GenesysIntegrations => {
            "reading the Genesys Cloud organization's Lambda integrations and their actions".into()
        }
        Read::Integration { name } => format!("reading the integration {name:?} and its actions"),
        Read::Checking { configs } => format!("checking {configs} config(s) against AWS"),
        Read::LiveProbe => "live probe".into(),
        Read::Importing { account } => {
            format!("importing the findings into Security Hub ({account})")
        }
        Read::Publishing { account } => format!("publishing to Security Hub ({account})"),
        Read::Archiving { findings } => format!("archiving {findings} finding(s)"),
        Read::Writing { changes } => format!("writing {changes} change(s)"),
        Read::Organization => "reading the organization's accounts and RCPs".into(),
        Read::Reproving { accounts } => {
            format!("re-proving {accounts} account(s) a last time, through the function")
        }
    }
}

/// The live probe's call now made: `assuming ARN (attempt 2)`.
pub(crate) fn step(step: &ProbeStep) -> String {
    match step {
        ProbeStep::Assuming { role_arn, attempt } => {
            format!("assuming {role_arn} (attempt {attempt})")
        }
        ProbeStep::Invoking {
            function_arn,
            attempt,
        } => format!("dry-run invoke of {function_arn} (attempt {attempt})"),
    }
}

/// A note's text, after `note: `.
pub(crate) fn note(note: &Note) -> String {
    match note {
        Note::OnlyAws => "the Genesys Cloud side could not be read; nothing is written on either \
             side. To converge the AWS side alone meanwhile: `--only aws` (then, once Genesys \
             Cloud answers, run again without it)"
            .into(),
        Note::RegionNotChecked => "the targets' region was not checked against the Genesys Cloud \
             organization's: the Platform API is given as a URL (GENESYSCLOUD_API_REGION, or the \
             OAuth secret's base_url) and no [genesys].region is set"
            .into(),
        Note::OrgPoliciesNotGiven => "organization policies not given (--org-policies DIR): \
             whether an SCP or RCP stops Genesys Cloud is not claimed"
            .into(),
        Note::NoTargetsRemain => "no targets remain: the invoke policy will be detached and \
             deleted; the role stays and can invoke nothing."
            .into(),
        Note::ExternalIdNotOrg { given, org } => format!(
            "--external-id {given} is not the signed-in organization's ID ({org}); the config \
             requires {given}"
        ),
        Note::ExternalIdAssumed { configured } => format!(
            "trust.external_id {configured} is taken as the Genesys Cloud organization's ID: \
             not compared, as no [genesys] sign-in read it"
        ),
        Note::UntargetedFunctions { env, functions } => format!(
            "{env} calls functions the config's targets do not name: {} (not added: \
             environments share their targets; add a [[targets]] for each, or point a target at \
             it in [environments.{env}.targets.\"FUNCTION\"])",
            functions.join(", ")
        ),
        Note::TargetsMissing { env, targets } => format!(
            "{env} has nothing for the config's targets {} yet: `lambda-trust plan --env {env}` \
             shows what apply would create",
            targets.join(", ")
        ),
        Note::StatementsKept { account, resources } => format!(
            "lambda-trust's function policy statements in account {account} are not removed (no \
             [aws.accounts] entry to act there): {}",
            resources.join(", ")
        ),
        Note::DestroyKeeps { text } => text.clone(),
        Note::NotExported { what } => format!("not exported: {what}"),
    }
}

/// A said line.
pub(crate) fn said(said: &Said) -> String {
    match said {
        Said::Updated { what } => format!("updated {what}"),
        Said::SecurityHub {
            account,
            region,
            calls,
            counts,
        } => security_hub(account, region, *calls, counts),
        Said::Swept {
            sweep,
            put,
            accounts,
        } => format!("{sweep}: {put} of {accounts} accounts' events put on the watch's bus"),
        Said::BaselineWritten { path, entries } => format!(
            "wrote {} with {entries} [[suppress]] entr{} (one per finding: role or function, and \
             code); replace each reason with the real one",
            path.display(),
            if *entries == 1 { "y" } else { "ies" }
        ),
        Said::ListedAsComments { functions } => format!(
            "no --match given: the {functions} function(s) listed are written as commented-out \
             entries"
        ),
        Said::ExternalIdIsOrg { org } => {
            format!("the external ID is the organization's ID: {org}")
        }
        Said::SlowRead {
            actions,
            requests,
            per_minute,
        } => format!(
            "the organization has {actions} data action(s): reading them may take up to {} \
             minute(s) ({requests} requests at {per_minute} a minute)",
            requests.div_ceil((*per_minute).max(1))
        ),
        Said::ActionsRead { actions, calls } => {
            format!("read {actions} action(s) in {calls} Genesys Cloud call(s)")
        }
    }
}

/// `Security Hub (ACCOUNT, REGION): 2 imported, 1 resolved, 0 refreshed, 0 unchanged; 1
/// BatchImportFindings call(s)`, and how many were refused when some were.
fn security_hub(account: &str, region: &str, calls: usize, counts: &HubCounts) -> String {
    let HubCounts {
        imported,
        resolved,
        refreshed,
        unchanged,
        refused,
    } = counts;
    let refused = match refused {
        0 => String::new(),
        n => format!(", {n} refused"),
    };
    format!(
        "Security Hub ({account}, {region}): {imported} imported, {resolved} resolved, \
         {refreshed} refreshed, {unchanged} unchanged; {calls} BatchImportFindings call(s){refused}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every typed event says what the workflows said before it was typed, word for word.
    #[test]
    fn the_words_are_the_workflows_sentences() {
        let reads = [
            (
                Read::AwsSetup,
                "reading the role, its policies and the target functions from AWS",
            ),
            (
                Read::Role { name: "R".into() },
                "reading the role R and its policies",
            ),
            (
                Read::Functions {
                    region: "eu-west-1".into(),
                },
                "listing the Lambda functions in eu-west-1",
            ),
            (Read::PathPolicies, "organization and function policies"),
            (
                Read::OrgPolicies {
                    account: "111122223333".into(),
                },
                "reading the organization policies over account 111122223333",
            ),
            (
                Read::AccountAudit,
                "reading the account's IAM and proving each role",
            ),
            (
                Read::Aggregator { name: "org".into() },
                "reading the IAM roles and Lambda functions of AWS Config aggregator \"org\"",
            ),
            (
                Read::AcceptingRoles,
                "finding the roles Genesys Cloud can assume with your organization ID",
            ),
            (
                Read::GenesysIntegrations,
                "reading the Genesys Cloud organization's Lambda integrations and their actions",
            ),
            (
                Read::Integration {
                    name: "Lambda".into(),
                },
                "reading the integration \"Lambda\" and its actions",
            ),
            (
                Read::Checking { configs: 2 },
                "checking 2 config(s) against AWS",
            ),
            (Read::LiveProbe, "live probe"),
            (
                Read::Importing {
                    account: "1".into(),
                },
                "importing the findings into Security Hub (1)",
            ),
            (
                Read::Publishing {
                    account: "1".into(),
                },
                "publishing to Security Hub (1)",
            ),
            (Read::Archiving { findings: 3 }, "archiving 3 finding(s)"),
            (Read::Writing { changes: 4 }, "writing 4 change(s)"),
        ];
        for (read, words) in reads {
            assert_eq!(reading(&read), words);
        }
        let steps = [
            (
                ProbeStep::Assuming {
                    role_arn: "arn:r".into(),
                    attempt: 2,
                },
                "assuming arn:r (attempt 2)",
            ),
            (
                ProbeStep::Invoking {
                    function_arn: "arn:f".into(),
                    attempt: 1,
                },
                "dry-run invoke of arn:f (attempt 1)",
            ),
        ];
        for (s, words) in steps {
            assert_eq!(step(&s), words);
        }
    }

    #[test]
    fn each_note_says_the_workflows_sentence() {
        let env = || "prod".to_string();
        let notes = [
            (Note::OnlyAws, "the Genesys Cloud side could not be read; nothing is written on either side. To converge the AWS side alone meanwhile: `--only aws` (then, once Genesys Cloud answers, run again without it)"),
            (Note::RegionNotChecked, "the targets' region was not checked against the Genesys Cloud organization's: the Platform API is given as a URL (GENESYSCLOUD_API_REGION, or the OAuth secret's base_url) and no [genesys].region is set"),
            (Note::OrgPoliciesNotGiven, "organization policies not given (--org-policies DIR): whether an SCP or RCP stops Genesys Cloud is not claimed"),
            (Note::NoTargetsRemain, "no targets remain: the invoke policy will be detached and deleted; the role stays and can invoke nothing."),
            (Note::ExternalIdNotOrg { given: "g".into(), org: "o".into() }, "--external-id g is not the signed-in organization's ID (o); the config requires g"),
            (Note::ExternalIdAssumed { configured: "x".into() }, "trust.external_id x is taken as the Genesys Cloud organization's ID: not compared, as no [genesys] sign-in read it"),
            (Note::UntargetedFunctions { env: env(), functions: vec!["a".into(), "b".into()] }, "prod calls functions the config's targets do not name: a, b (not added: environments share their targets; add a [[targets]] for each, or point a target at it in [environments.prod.targets.\"FUNCTION\"])"),
            (Note::TargetsMissing { env: env(), targets: vec!["orders:live".into()] }, "prod has nothing for the config's targets orders:live yet: `lambda-trust plan --env prod` shows what apply would create"),
            (Note::StatementsKept { account: "2".into(), resources: vec!["x".into(), "y".into()] }, "lambda-trust's function policy statements in account 2 are not removed (no [aws.accounts] entry to act there): x, y"),
            (Note::DestroyKeeps { text: "managed policy P is kept".into() }, "managed policy P is kept"),
            (Note::NotExported { what: "w".into() }, "not exported: w"),
        ];
        for (n, words) in notes {
            assert_eq!(note(&n), words);
        }
    }

    #[test]
    fn each_said_line_says_the_workflows_sentence() {
        let hub = |refused| Said::SecurityHub {
            account: "1".into(),
            region: "us-east-1".into(),
            calls: 1,
            counts: HubCounts {
                imported: 2,
                resolved: 1,
                refreshed: 0,
                unchanged: 5,
                refused,
            },
        };
        let lines = [
            (Said::Updated { what: "c.toml".into() }, "updated c.toml"),
            (hub(0), "Security Hub (1, us-east-1): 2 imported, 1 resolved, 0 refreshed, 5 unchanged; 1 BatchImportFindings call(s)"),
            (hub(3), "Security Hub (1, us-east-1): 2 imported, 1 resolved, 0 refreshed, 5 unchanged; 1 BatchImportFindings call(s), 3 refused"),
            (Said::BaselineWritten { path: "b.toml".into(), entries: 1 }, "wrote b.toml with 1 [[suppress]] entry (one per finding: role or function, and code); replace each reason with the real one"),
            (Said::BaselineWritten { path: "b.toml".into(), entries: 2 }, "wrote b.toml with 2 [[suppress]] entries (one per finding: role or function, and code); replace each reason with the real one"),
            (Said::ListedAsComments { functions: 3 }, "no --match given: the 3 function(s) listed are written as commented-out entries"),
            (Said::ExternalIdIsOrg { org: "o".into() }, "the external ID is the organization's ID: o"),
            (Said::SlowRead { actions: 200, requests: 608, per_minute: 300 }, "the organization has 200 data action(s): reading them may take up to 3 minute(s) (608 requests at 300 a minute)"),
            (Said::ActionsRead { actions: 4, calls: 7 }, "read 4 action(s) in 7 Genesys Cloud call(s)"),
        ];
        for (s, words) in lines {
            assert_eq!(said(&s), words);
        }
    }
}
