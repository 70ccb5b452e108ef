//! The organization watch in the watch's account: the function, its role, its bus and the
//! rules on it, the schedule — a [`Deployment`], planned and written as a deployment's watch
//! is — with the stacks every account gets.

use std::collections::BTreeMap;

use lambda_trust_config::{MANAGED_BY_KEY, MANAGED_BY_VALUE};
use serde_json::json;

use super::model::{forwarder_name, reader_name, Names, OrgWatchInput, ORG_WATCH};
use super::settings::{
    AGGREGATOR_VAR, BASELINE_VAR, BUS_VAR, GENESYS_ORG_IDS_VAR, ORGANIZATION_VAR,
};
use super::stacks::{self, Stack, StackSet};
use super::sweep::sweep_pattern;
use crate::watch::deploy::model::{
    Deployment, WatchBus, WatchFunction, WatchOwner, WatchRole, WatchRule, WATCH_TAG,
};
use crate::watch::deploy::role::trust;
use lambda_trust_iam::{Arn, AwsResource};

/// What the organization watch is: its home in the watch's account, and the stacks every
/// account gets.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgWatchDeployment {
    /// In the watch's account: the function, its role, its bus and the rules on it, the
    /// schedule.
    pub home: Deployment,
    /// The StackSet for what is global, one instance per account in the watch's region: the
    /// reader and forwarding roles, the IAM rule, the Lambda rule of that region.
    pub global: StackSet,
    /// The StackSet of the Lambda rule of each other target region (no region: not wanted,
    /// and removed where it is).
    pub regional: StackSet,
    /// The management account's own stacks (StackSets never deploy there): the global one,
    /// which also forwards Organizations' calls, then one per other target region.
    pub management: Vec<Stack>,
    /// The organization's root: every StackSet's instances are in each account under it.
    pub root: String,
    /// The organization's ID: the value of every StackSet's and stack's tag.
    pub organization: String,
}

/// The organization watch's deployment for `input`.
pub fn org_watch_deployment(input: &OrgWatchInput) -> OrgWatchDeployment {
    let home = lambda_trust_iam::iam_events_region(&input.partition);
    let names = Names::of(input, home);
    let deployment = Deployment {
        role: function_role(input, &names),
        forward_role: None,
        function: function(input, &names),
        rules: home_rules(input, &names),
        config_rule: None,
        account_forwarders: Vec::new(),
        account_readers: Vec::new(),
        bus: Some(bus(input, &names)),
        tags: BTreeMap::from([
            (MANAGED_BY_KEY.into(), MANAGED_BY_VALUE.into()),
            (WATCH_TAG.into(), WatchOwner::Organization.tag().into()),
            (ORG_WATCH.into(), input.organization.clone()),
        ]),
        former_home: None,
    };
    let (global, regional, management) = stacks::of(input, home, &names);
    OrgWatchDeployment {
        home: deployment,
        global,
        regional,
        management,
        root: input.root.clone(),
        organization: input.organization.clone(),
    }
}

/// The bus's policy: one statement, whatever the number of accounts — any principal of the
/// organization whose ARN is a forwarding role
/// (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html>).
fn bus(input: &OrgWatchInput, names: &Names) -> WatchBus {
    let p = &input.partition;
    let forwarders = Arn::of(p, "*", AwsResource::Role(&forwarder_name())).to_string();
    WatchBus {
        name: ORG_WATCH.into(),
        region: names.bus.split(':').nth(3).unwrap_or_default().into(),
        arn: names.bus.clone(),
        policy: json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "TheOrganizationsForwardingRoles", "Effect": "Allow",
            "Principal": {"AWS": "*"}, "Action": "events:PutEvents", "Resource": names.bus,
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": input.organization},
                "ArnLike": {"aws:PrincipalArn": forwarders}}}]}),
    }
}

/// The function's role: it assumes the organization's reader roles (and nothing else), reads
/// the organization (its accounts, its SCPs and RCPs, the StackSets' coverage), reads which
/// accounts hold partner roles through its account's Config aggregators and which hold its
/// findings through Security Hub, puts the sweep's events on its own bus, publishes what
/// it finds about an account it cannot read to its own account's Security Hub, keeps its
/// ledger of what each account holds (`ledger`), and writes its logs.
fn function_role(input: &OrgWatchInput, names: &Names) -> WatchRole {
    let (p, account) = (&input.partition, &input.watch_account);
    let region = names.bus.split(':').nth(3).unwrap_or_default();
    let readers = Arn::of(p, "*", AwsResource::Role(&reader_name())).to_string();
    WatchRole {
        account: None,
        name: ORG_WATCH.into(),
        trust: trust("lambda.amazonaws.com"),
        // The name a watch's teardown deletes its function role's policy by.
        policy_name: "lambda-trust-watch-reads".into(),
        policy: json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "TheReadersOfTheOrganization", "Effect": "Allow", "Action": "sts:AssumeRole",
                "Resource": readers,
                "Condition": {"StringEquals": {"aws:ResourceOrgID": input.organization}}},
            {"Sid": "TheOrganizationAndItsCoverage", "Effect": "Allow", "Action": [
                "organizations:DescribeOrganization", "organizations:ListAccounts",
                "organizations:ListRoots", "organizations:ListParents",
                "organizations:ListPoliciesForTarget", "organizations:DescribePolicy",
                "organizations:DescribeOrganizationalUnit",
                // The guardrail's check (docs/guardrail.md): the tree and every RCP.
                "organizations:ListPolicies", "organizations:ListTargetsForPolicy",
                "organizations:ListTagsForResource",
                "organizations:ListOrganizationalUnitsForParent",
                "organizations:ListAccountsForParent",
                "cloudformation:ListStackInstances", "securityhub:GetFindings",
                "securityhub:ListMembers"],
                "Resource": "*"},
            {"Sid": "WhichAccountsHoldPartnerRoles", "Effect": "Allow", "Action": [
                "config:ListAggregateDiscoveredResources",
                "config:BatchGetAggregateResourceConfig"],
                "Resource": Arn::of(p, account, AwsResource::ConfigAggregator { region, id: "*" }).to_string()},
            {"Sid": "TheSweepOneEventPerAccount", "Effect": "Allow",
                "Action": "events:PutEvents", "Resource": names.bus},
            {"Sid": "WhatItCannotRead", "Effect": "Allow",
                "Action": "securityhub:BatchImportFindings",
                "Resource": Arn::of(p, account, AwsResource::SecurityHubProduct { region }).to_string()},
            {"Sid": "ItsLedgerOfWhatEachAccountHolds", "Effect": "Allow", "Action": [
                "ssm:GetParameter", "ssm:PutParameter"],
                "Resource": Arn::of(p, account, AwsResource::Parameter { region, name: &format!("{}/*", crate::watch::organization::ledger::LedgerName::Path) }).to_string()},
            {"Sid": "ItsOwnLogs", "Effect": "Allow", "Action": [
                "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": Arn::of(p, account, AwsResource::FunctionLogs { region, function: ORG_WATCH }).to_string()}]}),
    }
}

/// The most invocations the organization watch's function runs at once: a sweep of a
/// thousand accounts is a thousand events, and unreserved they could take the whole account's
/// concurrency (1,000 by default) from its other functions. Lambda keeps the events it cannot
/// run yet and retries them
/// (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html>,
/// <https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html>).
const ORG_WATCH_CONCURRENCY: i32 = 20;

fn function(input: &OrgWatchInput, names: &Names) -> WatchFunction {
    let mut environment = BTreeMap::from([
        (ORGANIZATION_VAR.into(), input.organization.clone()),
        (GENESYS_ORG_IDS_VAR.into(), input.genesys_org_ids.join(",")),
        (BUS_VAR.into(), names.bus.clone()),
    ]);
    if let Some(baseline) = &input.baseline {
        environment.insert(BASELINE_VAR.into(), baseline.clone());
    }
    if let Some(aggregator) = &input.aggregator {
        environment.insert(AGGREGATOR_VAR.into(), aggregator.clone());
    }
    WatchFunction {
        name: ORG_WATCH.into(),
        region: names.bus.split(':').nth(3).unwrap_or_default().into(),
        arn: names.function.clone(),
        role_arn: names.function_role.clone(),
        architecture: input.architecture.clone(),
        code_sha256: input.code_sha256.clone(),
        timeout: 900,
        memory: 1024,
        environment,
        reserved_concurrency: Some(ORG_WATCH_CONCURRENCY),
    }
}

/// The rules on the watch's bus, which take every forwarded call — and Organizations'
/// membership events (`AccountJoinedOrganization`, `AccountDepartedOrganization`, service
/// events logged in the management account), IAM Access Analyzer's findings, and the global
/// StackSet's instances now CURRENT — and the
/// sweep's own events to the function, and the schedule's on the default bus.
fn home_rules(input: &OrgWatchInput, names: &Names) -> Vec<WatchRule> {
    let region = names.bus.split(':').nth(3).unwrap_or_default().to_owned();
    let changes = WatchRule {
        account: None,
        region: region.clone(),
        name: format!("{ORG_WATCH}-changes"),
        pattern: Some(json!({
            "source": ["aws.iam", "aws.lambda", "aws.organizations", "aws.access-analyzer",
                "aws.cloudformation"],
            "detail-type": ["AWS API Call via CloudTrail", "AWS Service Event via CloudTrail",
                "Access Analyzer Finding", "CloudFormation StackSet StackInstance Status Change"]})),
        schedule: None,
        target: names.function.clone(),
        target_role: None,
        bus: Some(names.bus.clone()),
    };
    let sweep = WatchRule {
        name: format!("{ORG_WATCH}-sweep"),
        pattern: Some(sweep_pattern(&input.watch_account)),
        ..changes.clone()
    };
    let tick = WatchRule {
        name: format!("{ORG_WATCH}-tick"),
        pattern: None,
        schedule: Some(input.schedule.clone()),
        bus: None,
        ..changes.clone()
    };
    vec![changes, sweep, tick]
}
