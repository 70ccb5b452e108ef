//! The function's role: exactly the reads `check` makes, its publishing and its logs — proved
//! read-only with the evaluator before anything is written.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::model::{WatchInput, WatchRole};
use lambda_trust_iam::{evaluate, Decision, EvalInput, LabeledPolicy, Policy, Request};
use lambda_trust_iam::{Arn, AwsResource};

pub(crate) fn trust(service: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
}

/// The trust of the role EventBridge's rules of `account` forward with: only for a rule of that
/// account named `lambda-trust-*`, on any bus and in any region (`aws:SourceAccount`,
/// `aws:SourceArn`: EventBridge User Guide, "Cross-service confused deputy prevention"). One
/// role serves rules of several regions, and a rule naming it cannot be named back (a `GetAtt`
/// would be circular), so the ARN is a pattern; a rule on another bus has the bus in its ARN
/// (`rule/BUS/NAME`, and a name holds no `/`).
pub(crate) fn rules_trust(partition: &str, account: &str) -> Value {
    let rule = |path| Arn::of(partition, account, AwsResource::Rule { region: "*", path });
    let rule = |path| rule(path).to_string();
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": account},
            "ArnLike": {"aws:SourceArn": [rule("lambda-trust-*"), rule("*/lambda-trust-*")]}}}]})
}

/// A forwarding role: its name, the account holding it (`None`: the function's own), and the
/// partition and account whose rules forward with it.
#[derive(Clone, Copy)]
pub(super) struct ForwardRole<'a> {
    pub(super) name: &'a str,
    pub(super) of: Option<&'a str>,
    pub(super) partition: &'a str,
    pub(super) account: &'a str,
}

/// The forwarding role `role`, with which rules forward events to the bus `bus_arn`, trusted by
/// its account's rules alone ([`rules_trust`]).
pub(super) fn forward_role(role: ForwardRole<'_>, bus_arn: &str) -> WatchRole {
    WatchRole {
        account: role.of.map(str::to_owned),
        name: role.name.into(),
        trust: rules_trust(role.partition, role.account),
        policy_name: "lambda-trust-watch-forward".into(),
        policy: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "events:PutEvents", "Resource": bus_arn}]}),
    }
}

/// The read-only role the function assumes in `account`: trusted by the function's account
/// with `aws:PrincipalArn` naming the function's role (a role-ARN principal is pinned to the
/// role's unique ID, so recreating the function's role would silently break it: IAM User
/// Guide, "AWS JSON policy elements: Principal"), allowed exactly the reads `check` makes of
/// that account's targets.
pub(super) fn reader_role(input: &WatchInput, account: &str) -> WatchRole {
    let p = &input.partition;
    let function_role = super::model::name_of(input.owner(), "");
    let function_role = Arn::of(p, &input.account, AwsResource::Role(&function_role)).to_string();
    let mut functions: Vec<String> = (input.targets.iter())
        .filter(|t| super::model::target_account(&t.2) == account)
        .flat_map(|t| [t.2.clone(), format!("{}:*", t.2)])
        .collect();
    functions.sort();
    functions.dedup();
    WatchRole {
        account: Some(account.to_owned()),
        name: super::model::reader_role_name(input.owner()),
        trust: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": Arn::of(p, &input.account, AwsResource::Root).to_string()},
            "Action": "sts:AssumeRole",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": function_role}}}]}),
        policy_name: "lambda-trust-watch-reads".into(),
        policy: json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "TheTargets", "Effect": "Allow", "Action": [
                "lambda:GetFunction", "lambda:GetPolicy", "lambda:ListAliases",
                "lambda:ListVersionsByFunction"], "Resource": functions},
            // Listing and counting take no resource but `*` (Service Authorization
            // Reference, "Actions defined by AWS Lambda").
            {"Sid": "WhereTheyAreListed", "Effect": "Allow", "Action": [
                "lambda:ListFunctions", "lambda:GetAccountSettings"], "Resource": "*"}]}),
    }
}

/// Exactly the reads `check` makes for the config, the Security Hub import, the function's own
/// logs, and the one OAuth secret. `lambda:ListFunctions` and `lambda:GetAccountSettings` (the
/// region's function count, which decides between listing and one `GetFunction` per target)
/// take no resource but `*` (Service Authorization Reference, "Actions defined by AWS Lambda").
pub(super) fn reads_policy(input: &WatchInput, home: &str, function: &str) -> Value {
    let (p, account) = (&input.partition, &input.account);
    let role = format!("{}{}", input.role_path, input.role);
    let role = Arn::of(p, account, AwsResource::Role(&role)).to_string();
    let mut functions: Vec<String> = Vec::new();
    for (_, _, arn, _) in &input.targets {
        functions.push(arn.clone());
        functions.push(format!("{arn}:*"));
    }
    functions.sort();
    functions.dedup();
    let mut statements = vec![
        json!({"Sid": "TheRole", "Effect": "Allow", "Action": [
            "iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy",
            "iam:ListAttachedRolePolicies"], "Resource": role}),
        // Any policy attached to the role, by hand included, is read to be judged; ListRoles
        // (the roles at its path, where `check` looks for a predecessor the config renamed)
        // takes no resource (Service Authorization Reference, IAM): `*` is the only one.
        json!({"Sid": "ItsPolicies", "Effect": "Allow", "Action": [
            "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListRoles"],
            "Resource": "*"}),
        json!({"Sid": "TheTargets", "Effect": "Allow", "Action": [
            "lambda:GetFunction", "lambda:GetPolicy", "lambda:ListAliases",
            "lambda:ListVersionsByFunction"], "Resource": functions}),
        json!({"Sid": "WhereTheyAreListedAndRecorded", "Effect": "Allow", "Action": [
            "lambda:ListFunctions", "lambda:GetAccountSettings",
            "config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus",
            "config:BatchGetResourceConfig",
            "organizations:DescribeOrganization", "organizations:ListRoots",
            "organizations:ListParents", "organizations:ListPoliciesForTarget",
            "organizations:DescribePolicy", "organizations:DescribeOrganizationalUnit",
            "cloudtrail:LookupEvents", "securityhub:GetFindings"], "Resource": "*"}),
        json!({"Sid": "PublishTheResult", "Effect": "Allow",
            "Action": "securityhub:BatchImportFindings",
            "Resource": Arn::of(p, account, AwsResource::SecurityHubProduct { region: home }).to_string()}),
        json!({"Sid": "ItsOwnLogs", "Effect": "Allow", "Action": [
            "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": Arn::of(p, account, AwsResource::FunctionLogs { region: home, function }).to_string()}),
    ];
    statements.extend(what_the_config_adds(input));
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The statements only some configs need: the Config rule's answer, the SNS topic, the OAuth
/// secret, the other accounts' roles.
fn what_the_config_adds(input: &WatchInput) -> Vec<Value> {
    let (p, account) = (&input.partition, &input.account);
    let mut out = Vec::new();
    if input.config_rule {
        // PutEvaluations has no resource-level permission: `*` is the only resource it takes.
        out.push(json!({"Sid": "AnswerTheConfigRule", "Effect": "Allow",
            "Action": "config:PutEvaluations", "Resource": "*"}));
    }
    if let Some(topic) = &input.sns_topic {
        out.push(json!({"Sid": "TellTheTopic", "Effect": "Allow",
            "Action": "sns:Publish", "Resource": topic}));
    }
    if let Some(secret) = &input.secret {
        let arn = if secret.starts_with("arn:") {
            secret.clone()
        } else {
            let name = &format!("{secret}-??????");
            Arn::of(p, account, AwsResource::Secret { region: "*", name }).to_string()
        };
        out.push(json!({"Sid": "TheOAuthSecret", "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue", "Resource": arn}));
        if input.secret_cmk {
            out.push(secret_key_statement(&arn, p, account));
        }
    }
    let readers = super::model::reader_arns(input);
    if !readers.is_empty() {
        out.push(json!({"Sid": "TheOtherAccountsReads", "Effect": "Allow",
            "Action": "sts:AssumeRole", "Resource": readers}));
    }
    out
}

/// `kms:Decrypt` of the secret's customer managed key, for this one secret: Secrets Manager
/// decrypts with the encryption context `SecretARN` = the secret's ARN (Secrets Manager User
/// Guide, "Secret encryption and decryption"), so the condition pins it to this secret, read
/// through Secrets Manager.
fn secret_key_statement(secret: &str, partition: &str, account: &str) -> Value {
    let region = secret
        .split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .unwrap_or("*");
    json!({"Sid": "TheOAuthSecretsKey", "Effect": "Allow", "Action": "kms:Decrypt",
        "Resource": Arn::of(partition, account, AwsResource::KmsKey { region, id: "*" }).to_string(),
        "Condition": {"StringEquals": {"kms:EncryptionContext:SecretARN": secret}}})
}

/// The function's role holding `policy` alone, as the evaluator takes it.
fn as_the_functions_role(policy: Policy) -> EvalInput {
    EvalInput {
        identity_policies: vec![LabeledPolicy {
            label: "lambda-trust-watch-reads".into(),
            policy,
        }],
        resource_policy: None,
        resource_policy_is_trust: false,
        boundary: None,
    }
}

/// Whether `policy` lets its holder read `secret` (a full ARN), decided with the evaluator:
/// `GetSecretValue` on it and, with a customer managed key, `kms:Decrypt` as Secrets Manager
/// asks for it. `Err` says what it cannot do.
pub fn secret_readable(policy: &Value, secret: &str, cmk: bool) -> Result<(), String> {
    let parsed = Policy::try_from(policy).map_err(|e| e.to_string())?;
    let input = as_the_functions_role(parsed);
    let allowed = |action: &str, resource: String, context: BTreeMap<String, Vec<String>>| {
        let request = Request {
            principal: "arn:aws:iam::111122223333:role/lambda-trust-watch".into(),
            action: action.into(),
            resource,
            context,
        };
        evaluate(&input, &request).decision == Decision::Allow
    };
    if !allowed(
        "secretsmanager:GetSecretValue",
        secret.into(),
        BTreeMap::new(),
    ) {
        return Err(format!(
            "its policy does not allow secretsmanager:GetSecretValue on {secret}"
        ));
    }
    let (partition, region, account) = {
        let parts: Vec<&str> = secret.split(':').collect();
        (
            parts.get(1).copied().unwrap_or("aws"),
            parts.get(3).copied().unwrap_or(""),
            parts.get(4).copied().unwrap_or(""),
        )
    };
    let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
    let key = Arn::of(partition, account, AwsResource::KmsKey { region, id }).to_string();
    let context = BTreeMap::from([(
        "kms:EncryptionContext:SecretARN".to_owned(),
        vec![secret.to_owned()],
    )]);
    if cmk && !allowed("kms:Decrypt", key, context) {
        return Err(format!("the secret's customer managed KMS key needs kms:Decrypt, which its policy does not allow for {secret}"));
    }
    Ok(())
}

/// The writes the function's role may make: publishing (Security Hub, its SNS topic, its
/// Config rule's evaluations, the organization watch's sweep events on its own bus), the
/// organization watch's ledger (its own parameters: `WRITES_REFUSED` holds it on any other)
/// and its own logs.
const WRITES_ALLOWED: &[&str] = &[
    "ssm:PutParameter",
    "securityhub:BatchImportFindings",
    "config:PutEvaluations",
    "sns:Publish",
    "events:PutEvents",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "sts:AssumeRole",
    // A read: the one OAuth secret's customer managed key, through Secrets Manager only.
    "kms:Decrypt",
];

/// Writes that would let the function change what it watches or act beyond it, each decided
/// against the role's policy with the evaluator.
const WRITES_REFUSED: &[&str] = &[
    "ssm:PutParameter",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:PassRole",
    "iam:CreateRole",
    "iam:DeleteRole",
    "lambda:AddPermission",
    "lambda:RemovePermission",
    "lambda:UpdateFunctionCode",
    "lambda:InvokeFunction",
    "events:PutRule",
    "securityhub:BatchUpdateFindings",
    "secretsmanager:PutSecretValue",
    "organizations:DetachPolicy",
];

/// Decides that `policy` lets its holder write nothing but `WRITES_ALLOWED`: every action it
/// allows is a read by its verb (`Get`, `List`, `Describe`, `BatchGet`, `Lookup`) or one of
/// those, and the evaluator denies each of `WRITES_REFUSED` on any resource. `Err` names
/// what it would allow.
pub fn prove_read_only(policy: &Value) -> Result<(), String> {
    let parsed = Policy::try_from(policy).map_err(|e| e.to_string())?;
    let reads = ["Get", "List", "Describe", "BatchGet", "Lookup"];
    for statement in policy["Statement"].as_array().into_iter().flatten() {
        if statement["Effect"] != "Allow" {
            continue;
        }
        let actions = match &statement["Action"] {
            Value::String(a) => vec![a.as_str()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            _ => {
                return Err("a statement allows every action but those it names (NotAction)".into())
            }
        };
        for action in actions {
            let verb = action.split_once(':').map_or("", |(_, v)| v);
            let read = reads.iter().any(|r| verb.starts_with(r)) && !verb.contains('*')
                || reads
                    .iter()
                    .any(|r| verb.strip_suffix('*').is_some_and(|s| s.starts_with(r)));
            if !read && !WRITES_ALLOWED.contains(&action) {
                return Err(format!("it allows {action}"));
            }
        }
    }
    let input = as_the_functions_role(parsed);
    for action in WRITES_REFUSED {
        let request = Request {
            principal: "arn:aws:iam::111122223333:role/lambda-trust-watch".into(),
            action: (*action).into(),
            resource: "*".into(),
            context: BTreeMap::new(),
        };
        if evaluate(&input, &request).decision == Decision::Allow {
            return Err(format!("it allows {action}"));
        }
    }
    Ok(())
}
