//! Every name the watch deploys or writes to Security Hub, in both scopes, snapshotted: a
//! deployment's watch (its roles, function, bus, rules, statements and tags, in its account and
//! in another) and the organization's (its home, StackSets, the management account's stacks,
//! its ledger), and every generator of their findings. A deployed watch is found again by these
//! names, and its findings settled by these generators: a change of the code that moves one of
//! them is a change of what is deployed, and shows here first
//! (`crates/provision/src/watch/snapshots/`).
#![cfg(test)]

use std::collections::BTreeSet;

use serde_json::Value;

use super::deploy::deployment;
use super::deploy::model::{watch_names, Deployment, WatchInput, WatchOwner};
use super::generator::{Settles, WatchCode, WatchGenerator};
use super::organization::home::org_watch_deployment;
use super::organization::ledger::LedgerName;
use super::organization::model::OrgWatchInput;
use crate::side::Side;
use lambda_trust_model::OrgWatchGenerator;

const ACCOUNT: &str = "111122223333";
const OTHER: &str = "444455556666";

fn input() -> WatchInput {
    let target = |region: &str, account: &str, name: &str| {
        let arn = format!("arn:aws:lambda:{region}:{account}:function:{name}");
        (region.to_owned(), name.to_owned(), arn, None)
    };
    WatchInput {
        env: Some("prod".into()),
        account: ACCOUNT.into(),
        partition: "aws".into(),
        role: "GenesysLambdaInvoker".into(),
        role_path: "/integrations/".into(),
        policies: vec![format!(
            "arn:aws:iam::{ACCOUNT}:policy/GenesysLambdaInvoker-invoke"
        )],
        targets: vec![
            target("us-east-1", ACCOUNT, "lookup"),
            target("eu-west-1", ACCOUNT, "orders"),
            target("eu-west-1", OTHER, "billing"),
        ],
        schedule: "rate(1 hour)".into(),
        architecture: "arm64".into(),
        code_sha256: "abc=".into(),
        secret: Some("genesys/oauth".into()),
        secret_cmk: true,
        sns_topic: Some(format!("arn:aws:sns:us-east-1:{ACCOUNT}:lambda-trust")),
        config_rule: false,
        genesys_bus: Some(format!(
            "arn:aws:events:us-east-1:{ACCOUNT}:event-bus/aws.partner/genesys.com/cloud/o/ev"
        )),
        accounts: [OTHER.to_owned()].into_iter().collect(),
    }
}

fn org_input() -> OrgWatchInput {
    OrgWatchInput {
        partition: "aws".into(),
        organization: "o-a1b2c3d4e5".into(),
        root: "r-ab12".into(),
        management_account: "999988887777".into(),
        watch_account: ACCOUNT.into(),
        target_regions: ["us-east-1".into(), "eu-west-1".into()]
            .into_iter()
            .collect(),
        genesys_org_ids: vec!["0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10".into()],
        baseline: None,
        aggregator: Some("org-aggregator".into()),
        schedule: "rate(1 hour)".into(),
        architecture: "x86_64".into(),
        code_sha256: "abc=".into(),
    }
}

/// Every string in `v` that names something of lambda-trust's: a name, a tag, an ARN, an ID.
fn names_in(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) if s.contains("lambda-trust") || s.contains(":organization") => {
            out.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|i| names_in(i, out)),
        Value::Object(map) => {
            for (k, v) in map {
                if k.eq_ignore_ascii_case("tags") {
                    out.insert(format!("tags: {v}"));
                }
                if k.contains("lambda-trust") {
                    out.insert(k.clone());
                }
                names_in(v, out);
            }
        }
        _ => {}
    }
}

fn deployed(d: &Deployment) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    names_in(&serde_json::to_value(d).unwrap(), &mut out);
    out
}

#[test]
fn a_deployments_watch_deploys_these_names() {
    let want = deployment(&input());
    let mut names = deployed(&want);
    let listed = watch_names(WatchOwner::Role("GenesysLambdaInvoker"));
    names.insert(format!("{listed:?}"));
    insta::assert_json_snapshot!(names);
}

#[test]
fn the_organization_watch_deploys_these_names() {
    let want = org_watch_deployment(&org_input());
    let mut names = deployed(&want.home);
    for set in [&want.global, &want.regional] {
        names.insert(set.name.clone());
        names_in(&set.template, &mut names);
    }
    for stack in &want.management {
        names.insert(format!("{} in {}", stack.name, stack.region));
        names_in(&stack.template, &mut names);
    }
    names.insert(LedgerName::Path.to_string());
    names.insert(LedgerName::Account(OTHER).to_string());
    insta::assert_json_snapshot!(names);
}

#[test]
fn the_watches_findings_carry_these_generators() {
    let role = "GenesysLambdaInvoker";
    let code = crate::drift::Code::TrustDiffers;
    let generators = [
        WatchGenerator::Finding {
            role,
            side: Side::Aws,
            code: WatchCode::Finding(code),
        },
        WatchGenerator::Finding {
            role,
            side: Side::Genesys,
            code: WatchCode::NotRead,
        },
        WatchGenerator::Settled {
            role,
            settles: Settles::Everything,
        },
        WatchGenerator::Settled {
            role,
            settles: Settles::Side(Side::Aws),
        },
        WatchGenerator::Settled {
            role,
            settles: Settles::NotRead(Side::Genesys),
        },
    ]
    .map(|g| g.to_string());
    let (account, code) = (OTHER, "external-id-missing");
    let org = [
        OrgWatchGenerator::All,
        OrgWatchGenerator::Role {
            account,
            role,
            code,
        },
        OrgWatchGenerator::Settled {
            account,
            role: Some(role),
        },
        OrgWatchGenerator::Settled {
            account,
            role: None,
        },
        OrgWatchGenerator::Account {
            account,
            code: "not-heard",
        },
        OrgWatchGenerator::Account { account, code: "" },
        OrgWatchGenerator::not_watched(account),
    ]
    .map(|g| g.to_string());
    insta::assert_json_snapshot!([generators.to_vec(), org.to_vec()]);
}
