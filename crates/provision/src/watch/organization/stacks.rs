//! What every account of the organization gets, as CloudFormation: a reader role the function
//! assumes, a forwarding role, and the rules that forward the calls that can change a partner
//! role or its targets to the watch's bus. Service-managed StackSets with automatic deployment
//! put them in each member, and in each account that joins
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html>);
//! they never deploy to the management account, which gets plain stacks of the same templates
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-associate-stackset-with-org.html>).
//! Roles are global, so they are in the one StackSet whose instances are in the watch's region;
//! the Lambda rules of the other regions are a second StackSet.

use lambda_trust_config::{MANAGED_BY_KEY, MANAGED_BY_VALUE};
use serde_json::{json, Map, Value};

use super::analyzer;
use super::joined;
use super::model::{forwarder_name, reader_name, Names, OrgWatchInput, ORG_WATCH};
use crate::cloudtrail_calls::{calls_on, On};
use crate::watch::deploy::role::rules_trust;
use lambda_trust_iam::{Arn, AwsResource};

/// A service-managed StackSet: its name, its template, and the regions of its instances (one
/// in each account of the organization's root, per region).
#[derive(Debug, Clone, PartialEq)]
pub struct StackSet {
    /// Its name.
    pub name: String,
    /// Its template.
    pub template: Value,
    /// The regions of its instances.
    pub regions: Vec<String>,
}

/// A plain stack in the management account.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    /// Its name.
    pub name: String,
    /// Its region.
    pub region: String,
    /// Its template.
    pub template: Value,
}

/// The global StackSet, the regional one (without a region when every target region is the
/// watch's), and the management account's stacks.
pub(crate) fn of(
    input: &OrgWatchInput,
    home: &str,
    names: &Names,
) -> (StackSet, StackSet, Vec<Stack>) {
    let global = global_template(input, names);
    let others: Vec<String> = (input.target_regions.iter())
        .filter(|r| r.as_str() != home)
        .cloned()
        .collect();
    let regional = regional_template(names);
    let mut management = vec![Stack {
        name: format!("{ORG_WATCH}-management"),
        region: home.to_owned(),
        template: with_organizations_calls(global.clone(), names),
    }];
    management.extend(others.iter().map(|region| Stack {
        name: format!("{ORG_WATCH}-management-lambda"),
        region: region.clone(),
        template: regional.clone(),
    }));
    let regional = StackSet {
        name: format!("{ORG_WATCH}-lambda"),
        template: regional,
        regions: others,
    };
    let global = StackSet {
        name: format!("{ORG_WATCH}-global"),
        template: global,
        regions: vec![home.to_owned()],
    };
    (global, regional, management)
}

/// The reader role's policy in `account` of `partition`: the reads a role's proof makes (IAM,
/// Lambda, CloudTrail's lookups, Security Hub's findings), the trails that tell whether the
/// account's IAM calls reach EventBridge, and the import of findings into that
/// account's own Security Hub, which must be called from the account a finding names
/// (Security Hub User Guide, "BatchImportFindings": `AwsAccountId`, product
/// `arn:…:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`). Resources: reads that take
/// none but `*` (Service Authorization Reference) are `*`.
pub(crate) fn reader_policy(partition: &str, account: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadRolesAndPolicies", "Effect": "Allow", "Action": [
            "iam:GetRole", "iam:ListRoles", "iam:ListRolePolicies", "iam:GetRolePolicy",
            "iam:ListAttachedRolePolicies", "iam:ListRoleTags", "iam:GetPolicy",
            "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListEntitiesForPolicy",
            "iam:GetAccountAuthorizationDetails"], "Resource": "*"},
        {"Sid": "ReadTheTargets", "Effect": "Allow", "Action": [
            "lambda:GetFunction", "lambda:GetPolicy", "lambda:ListAliases",
            "lambda:ListVersionsByFunction", "lambda:ListFunctions",
            "lambda:GetAccountSettings"], "Resource": "*"},
        {"Sid": "WhoChangedIt", "Effect": "Allow", "Action": [
            "cloudtrail:LookupEvents", "securityhub:GetFindings"], "Resource": "*"},
        {"Sid": "HeardHere", "Effect": "Allow", "Action": [
            "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus",
            "cloudtrail:GetEventSelectors"], "Resource": "*"},
        {"Sid": "PublishHere", "Effect": "Allow", "Action": "securityhub:BatchImportFindings",
            "Resource": Arn::of(partition, account, AwsResource::SecurityHubProduct { region: "*" }).to_string()}]})
}

/// The template's own account and partition, as CloudFormation substitutes them.
const ACCOUNT: &str = "${AWS::AccountId}";
const PARTITION: &str = "${AWS::Partition}";

/// The roles, the IAM rule and the watch's region's Lambda rule.
fn global_template(input: &OrgWatchInput, names: &Names) -> Value {
    let reader_trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": Arn::of(&input.partition, &input.watch_account, AwsResource::Root).to_string()},
        "Action": "sts:AssumeRole",
        "Condition": {"ArnEquals": {"aws:PrincipalArn": names.function_role}}}]});
    let reader = json!({"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": reader_name(),
        "AssumeRolePolicyDocument": reader_trust,
        "Policies": [{"PolicyName": format!("{ORG_WATCH}-reads"),
            "PolicyDocument": substituted(reader_policy(PARTITION, ACCOUNT))}],
        "Tags": tags()}});
    let forwarder = json!({"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": forwarder_name(),
        // Only the account's own rules named `lambda-trust-*` send with it.
        "AssumeRolePolicyDocument": substituted(rules_trust(PARTITION, ACCOUNT)),
        "Policies": [{"PolicyName": format!("{ORG_WATCH}-forward"),
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": "events:PutEvents", "Resource": names.bus}]}}],
        "Tags": tags()}});
    let role_arn = json!({"Fn::GetAtt": ["Forwarder", "Arn"]});
    let iam = [On::Role, On::Policy, On::NewPolicy]
        .into_iter()
        .flat_map(calls_on)
        .collect::<Vec<_>>();
    json!({"AWSTemplateFormatVersion": "2010-09-09",
        "Description": "lambda-trust's organization watch: the reader role its function assumes, and the rules forwarding every IAM role and policy write, the Lambda permission calls and IAM Access Analyzer's findings about roles to its bus",
        "Resources": {
            "Reader": reader,
            "Forwarder": forwarder,
            "IamWrites": rule("iam", calls("aws.iam", "iam.amazonaws.com", &iam), names, &role_arn),
            "LambdaPermissions": lambda_rule(names, &role_arn),
            // An analyzer of the account (an organization's, in its delegated administrator
            // or the management account) reports a role an outside account can assume.
            "AnalyzerFindings": rule("analyzer", analyzer::pattern(), names, &role_arn)}})
}

/// The Lambda rule of a region other than the watch's: it forwards with the global forwarding
/// role.
fn regional_template(names: &Names) -> Value {
    let role_arn = json!({"Fn::Sub": Arn::of(PARTITION, ACCOUNT, AwsResource::Role(&forwarder_name())).to_string()});
    json!({"AWSTemplateFormatVersion": "2010-09-09",
        "Description": "lambda-trust's organization watch: the rule forwarding this region's Lambda permission calls to its bus",
        "Resources": {"LambdaPermissions": lambda_rule(names, &role_arn)}})
}

/// The management account's global stack also forwards Organizations' own calls (SCPs and
/// RCPs changed), its membership events (`AccountJoinedOrganization`,
/// `AccountDepartedOrganization`), which CloudTrail logs only there, and the global StackSet's
/// instances now CURRENT (an account that joined, its reader in place: [`joined`])
/// (<https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-organizations.html>,
/// <https://docs.aws.amazon.com/organizations/latest/APIReference/API_AcceptHandshake.html>).
fn with_organizations_calls(mut template: Value, names: &Names) -> Value {
    let pattern = json!({"source": ["aws.organizations"],
        "detail-type": ["AWS API Call via CloudTrail", "AWS Service Event via CloudTrail"],
        "detail": {"eventSource": ["organizations.amazonaws.com"]}});
    let role_arn = json!({"Fn::GetAtt": ["Forwarder", "Arn"]});
    template["Resources"]["OrganizationCalls"] = rule("organizations", pattern, names, &role_arn);
    // Service-managed StackSets are the management account's: so are their instances' events.
    let instances = substituted(joined::pattern(&format!("{ORG_WATCH}-global")));
    template["Resources"]["StackSetInstances"] = rule("stack-sets", instances, names, &role_arn);
    template
}

fn lambda_rule(names: &Names, role_arn: &Value) -> Value {
    let pattern = calls(
        "aws.lambda",
        "lambda.amazonaws.com",
        &calls_on(On::Function),
    );
    rule("lambda", pattern, names, role_arn)
}

/// CloudTrail's "AWS API Call via CloudTrail" events of `calls`, not filtered by role or
/// function: removing Genesys Cloud's trust, or editing a partner role's permissions, never
/// names Genesys Cloud's account.
fn calls(source: &str, event_source: &str, calls: &[&str]) -> Value {
    json!({"source": [source], "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": [event_source], "eventName": calls}})
}

/// A rule forwarding `pattern`'s events to the watch's bus with the forwarding role.
fn rule(what: &str, pattern: Value, names: &Names, role_arn: &Value) -> Value {
    json!({"Type": "AWS::Events::Rule", "Properties": {
        "Name": format!("{ORG_WATCH}-{what}"),
        "EventPattern": pattern,
        "State": "ENABLED",
        "Targets": [{"Id": "lambda-trust-org-watch", "Arn": names.bus, "RoleArn": role_arn}]}})
}

fn tags() -> Value {
    json!([{"Key": MANAGED_BY_KEY, "Value": MANAGED_BY_VALUE}, {"Key": ORG_WATCH, "Value": "member"}])
}

/// `value` with each string that names the template's account or partition as `Fn::Sub`.
fn substituted(value: Value) -> Value {
    match value {
        Value::String(s) if s.contains("${AWS::") => json!({"Fn::Sub": s}),
        Value::Array(items) => Value::Array(items.into_iter().map(substituted).collect()),
        Value::Object(map) => {
            let map: Map<String, Value> = (map.into_iter())
                .map(|(k, v)| (k, substituted(v)))
                .collect();
            Value::Object(map)
        }
        other => other,
    }
}
