//! The plain-data state the pipeline passes between its phases: what to read ([`Query`]), what
//! was read ([`Observed`]) and what should be ([`Desired`]).
//!
//! Part of the pure model: `aws::observe` fills an [`Observed`], the planner and the
//! verification checks read it, and tests build these values by hand (no network needed).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::render::{Rendered, ResolvedTarget};
use crate::shard::shard_name;
use lambda_trust_config::Config;
use lambda_trust_iam::Arn;

/// Used when the config gives no description: says who manages the role and why it exists.
pub const DEFAULT_DESCRIPTION: &str =
    "Lets Genesys Cloud invoke AWS Lambda functions (managed by lambda-trust)";
/// Used when the config gives no maximum session duration: one hour, IAM's default, in seconds.
pub const DEFAULT_MAX_SESSION: i64 = 3600;

/// What to look at. Function ARNs may not be known before the caller's account is, so targets
/// are looked up by name (or ARN) and region, exactly as configured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Query {
    /// The partition of the role's account (from the clients' region).
    pub partition: String,
    /// The role's name.
    pub role_name: String,
    /// Our invoke policy's name; shards are `<name>`, `<name>-2`, … (see `shard`).
    pub policy_name: String,
    /// Managed policy path of our policies (`/`).
    pub policy_path: String,
    /// Shards 1..=probe_shards are looked up by ARN whether attached or not; attached shards
    /// beyond that are found through the role's attachment list.
    pub probe_shards: usize,
    /// The target functions to confirm, as configured.
    pub functions: Vec<FunctionQuery>,
    /// When the account is known up front (config), our policy's reads need not wait for STS.
    pub account_hint: Option<String>,
    /// Who is calling, from an earlier read in the same run: skips GetCallerIdentity.
    #[serde(default)]
    pub known_identity: Option<CallerIdentity>,
}

/// Who a run's credentials are (`sts:GetCallerIdentity`): the account and the caller's ARN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallerIdentity {
    /// The account the credentials belong to.
    pub account: String,
    /// The caller's ARN (a user, or an assumed role's session).
    pub arn: String,
}

/// One target function to confirm exists (`GetFunction`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FunctionQuery {
    /// `FunctionName` as GetFunction takes it: a name or an unqualified ARN.
    pub function: String,
    /// The function's region.
    pub region: String,
    /// Checked with GetFunction's `Qualifier` unless absent or `*`.
    pub qualifier: Option<String>,
}

/// The live state, decoded. Documents are parsed JSON values (URL-decoded where AWS encodes).
/// Its default, with an account ID, is an account where nothing of the config exists yet
/// (what an export from the config, or a check of infrastructure as code, starts from).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    /// The account the credentials belong to (`sts:GetCallerIdentity`).
    pub account_id: String,
    /// The caller's ARN, as STS reports it.
    pub caller_arn: String,
    /// The role, when it exists.
    pub role: Option<ObservedRole>,
    /// Managed policies attached to the role (ours included, when attached), with documents.
    pub attached: Vec<ManagedPolicy>,
    /// Inline policies on the role (lambda-trust writes none), with documents.
    pub inline: Vec<InlinePolicy>,
    /// Our invoke policy shards that exist, attached or not, by shard index.
    pub policies: Vec<ObservedPolicy>,
    /// The permissions boundary the role actually has, with its document.
    pub boundary: Option<ManagedPolicy>,
    /// The target functions as read.
    pub functions: Vec<ObservedFunction>,
    /// lambda-trust's statement in the function policy of each cross-account target whose
    /// account has an `[aws.accounts]` entry (read with that account's credentials); targets
    /// of other accounts are not read.
    #[serde(default)]
    pub permissions: Vec<ObservedPermission>,
}

impl Observed {
    /// Who read it.
    pub fn caller(&self) -> CallerIdentity {
        CallerIdentity {
            account: self.account_id.clone(),
            arn: self.caller_arn.clone(),
        }
    }
}

/// The role as IAM returns it (`GetRole`, with its tags).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedRole {
    /// The role's ARN.
    pub arn: String,
    /// The role's name.
    pub name: String,
    /// The role's IAM path (`/`, `/service/`).
    pub path: String,
    /// Its description, if it has one.
    pub description: Option<String>,
    /// Its maximum session duration, in seconds.
    pub max_session_duration: i64,
    /// The ARN of its permissions boundary, if it has one.
    pub permissions_boundary: Option<String>,
    /// Its tags, key to value.
    pub tags: BTreeMap<String, String>,
    /// Its trust policy, URL-decoded.
    pub trust: Value,
    /// When IAM created it (`CreateDate`), in seconds since the epoch; `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_epoch: Option<i64>,
}

/// A managed policy attached to the role (or set as its boundary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    /// The policy's ARN.
    pub arn: String,
    /// The policy's name.
    pub name: String,
    /// The default version's document.
    pub document: Value,
}

/// An inline policy on the role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InlinePolicy {
    /// The policy's name.
    pub name: String,
    /// Its document, URL-decoded.
    pub document: Value,
}

/// One shard of our invoke policy, as IAM returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedPolicy {
    /// Shard index (1 for `<name>`, k for `<name>-k`).
    pub index: usize,
    /// The policy's ARN.
    pub arn: String,
    /// The policy's name.
    pub name: String,
    /// The ID of its default version (`v1`).
    pub default_version_id: String,
    /// The default version's document.
    pub document: Value,
    /// All versions, oldest first.
    pub versions: Vec<PolicyVersion>,
    /// Its tags, key to value.
    pub tags: BTreeMap<String, String>,
    /// How many roles, users and groups it is attached to.
    pub attachment_count: i64,
}

/// One version of a managed policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyVersion {
    /// The version's ID (`v1`).
    pub version_id: String,
    /// Whether it is the policy's default version, the one in force.
    pub is_default: bool,
    /// Seconds since the epoch, for choosing the oldest version to prune.
    pub created_epoch: i64,
    /// A non-default version's document (the default's is `ObservedPolicy::document`): anyone
    /// with `iam:SetDefaultPolicyVersion` can switch it on, so it is proved too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Value>,
}

/// One target function as read (`GetFunction`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedFunction {
    /// `FunctionName` as it was looked up: a name or an unqualified ARN.
    pub function: String,
    /// The function's region.
    pub region: String,
    /// The qualifier it was checked with (an alias or version), if any.
    pub qualifier: Option<String>,
    /// The unqualified ARN AWS reports, when the function (and qualifier) exists.
    pub arn: Option<String>,
    /// Why it could not be confirmed (not found, access denied…), when it could not.
    pub problem: Option<String>,
    /// Its configured timeout in seconds, when read for exactly this qualifier (`GetFunction`;
    /// a listing gives `$LATEST`'s only, so it counts for unqualified targets alone).
    #[serde(default)]
    pub timeout: Option<i64>,
}

/// What AWS should look like, fully resolved from the config and the rendered templates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Desired {
    /// The account the role lives in (the config's `aws.account_id`).
    pub account_id: String,
    /// The partition the role and its policies live in (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    /// The role the config wants.
    pub role: DesiredRole,
    /// The invoke policy shards (one unless the targets do not fit); empty with no targets.
    pub policies: Vec<DesiredPolicy>,
    /// The targets, each resolved to its function ARN, account and region.
    pub targets: Vec<ResolvedTarget>,
    /// The trusted principal and external ID, for verification.
    pub partner_principal: String,
    /// The external ID the trust policy requires.
    pub external_id: String,
    /// The function policy statements lambda-trust owns on cross-account targets.
    #[serde(default)]
    pub permissions: Vec<FunctionPermission>,
    /// The accounts of `[aws.accounts]`: where lambda-trust can read and write them.
    #[serde(default)]
    pub accounts: Vec<String>,
}

/// The role as the config wants it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesiredRole {
    /// The role's name.
    pub name: String,
    /// The role's IAM path.
    pub path: String,
    /// Its description ([`DEFAULT_DESCRIPTION`] when the config gives none).
    pub description: String,
    /// Its maximum session duration, in seconds.
    pub max_session_duration: i64,
    /// The ARN of its permissions boundary, if the config names one.
    pub permissions_boundary: Option<String>,
    /// Its tags, ours included.
    pub tags: BTreeMap<String, String>,
    /// The trust policy, as rendered from the config.
    pub trust: Value,
}

/// One shard of our invoke policy as the config wants it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesiredPolicy {
    /// Shard index: 1 for `<name>`, k for `<name>-k`.
    pub index: usize,
    /// The policy's name (`<name>`, `<name>-k`).
    pub name: String,
    /// The policy's IAM path.
    pub path: String,
    /// The policy's ARN.
    pub arn: String,
    /// Its document, as rendered.
    pub document: Value,
    /// Its tags, ours included.
    pub tags: BTreeMap<String, String>,
}

impl Desired {
    /// `shards` are the invoke documents by shard index (see `assign_shards`).
    pub fn new(
        config: &Config,
        rendered: &Rendered,
        account_id: &str,
        shards: Vec<(usize, Value)>,
    ) -> Desired {
        let tags = config.desired_tags();
        let base = config.policy_name();
        Desired {
            account_id: account_id.to_string(),
            partition: rendered.partition.clone(),
            role: DesiredRole {
                name: config.role.name.clone(),
                path: config.role_path(),
                description: config
                    .role
                    .description
                    .clone()
                    .unwrap_or_else(|| DEFAULT_DESCRIPTION.to_string()),
                max_session_duration: config
                    .role
                    .max_session_duration
                    .unwrap_or(DEFAULT_MAX_SESSION),
                permissions_boundary: config.role.permissions_boundary.clone(),
                tags: tags.clone(),
                trust: rendered.trust.clone(),
            },
            policies: shards
                .into_iter()
                .map(|(index, document)| {
                    let name = shard_name(&base, index);
                    DesiredPolicy {
                        index,
                        arn: Arn::iam(&rendered.partition, account_id, &format!("policy/{name}"))
                            .to_string(),
                        name,
                        path: "/".to_string(),
                        document,
                        tags: tags.clone(),
                    }
                })
                .collect(),
            targets: rendered.targets.clone(),
            partner_principal: config.partner_principal(),
            external_id: config.trust.external_id.clone(),
            permissions: function_permissions(
                config,
                &rendered.targets,
                &rendered.partition,
                account_id,
            ),
            accounts: config.aws.accounts.keys().cloned().collect(),
        }
    }

    /// The role's ARN.
    pub fn role_arn(&self) -> String {
        let resource = format!("role{}{}", self.role.path, self.role.name);
        Arn::iam(&self.partition, &self.account_id, &resource).to_string()
    }
}

/// The statement each cross-account target needs: one per target in an account other than the
/// role's, on exactly its function and qualifier. A target with qualifier `*` gets none: a
/// function policy belongs to one function, version or alias, and AddPermission's `Qualifier`
/// names one version or alias (Lambda API Reference, AddPermission and GetPolicy) — the planner
/// refuses such a target.
pub fn function_permissions(
    config: &Config,
    targets: &[ResolvedTarget],
    partition: &str,
    account_id: &str,
) -> Vec<FunctionPermission> {
    let resource = format!("role{}{}", config.role_path(), config.role.name);
    let role_arn = Arn::iam(partition, account_id, &resource).to_string();
    let sid = permission_statement_id(&role_arn, &config.role.name);
    let mut out: Vec<FunctionPermission> = targets
        .iter()
        .filter(|t| t.account_id != account_id && t.qualifier.as_deref() != Some("*"))
        .map(|t| FunctionPermission {
            account: t.account_id.clone(),
            region: t.region.clone(),
            function_arn: t.function_arn.clone(),
            qualifier: t.qualifier.clone(),
            statement_id: sid.clone(),
            principal: role_arn.clone(),
        })
        .collect();
    out.dedup();
    out
}

/// The function policy statement lambda-trust owns on a target in another account: it lets
/// the role invoke exactly that function and qualifier (Lambda API Reference, AddPermission;
/// Lambda Developer Guide, "Granting function access to other accounts"). Fully resolved:
/// `apply` sends these fields as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionPermission {
    /// The function's account, where the statement is written.
    pub account: String,
    /// The function's region (the Lambda endpoint that writes it).
    pub region: String,
    /// The unqualified function ARN (`FunctionName`).
    pub function_arn: String,
    /// `Qualifier` exactly as configured: a version or alias; none for the function itself.
    pub qualifier: Option<String>,
    /// `StatementId`, owned by lambda-trust: one per role, valid for Lambda.
    pub statement_id: String,
    /// `Principal`: the role's ARN.
    pub principal: String,
}

/// The `Action` of every statement lambda-trust writes.
pub const INVOKE_ACTION: &str = "lambda:InvokeFunction";

impl FunctionPermission {
    /// The statement's `Resource` as AWS writes it: the function ARN, with `:qualifier` when
    /// the statement is on a version or alias.
    pub fn resource(&self) -> String {
        lambda_trust_iam::qualified_arn(&self.function_arn, self.qualifier.as_deref())
    }

    /// The statement as AWS writes it into the function policy (what `matches` accepts).
    pub fn statement(&self) -> Value {
        serde_json::json!({
            "Sid": self.statement_id,
            "Effect": "Allow",
            "Principal": {"AWS": self.principal},
            "Action": INVOKE_ACTION,
            "Resource": self.resource(),
        })
    }

    /// Whether `statement` (from `GetPolicy`) is exactly this one: Allow, the invoke action,
    /// the role's ARN as the principal (AWS writes it `{"AWS": ARN}`; after the role was
    /// deleted and recreated it shows the old role's unique ID instead, which is drift), this
    /// resource, and no condition.
    pub fn matches(&self, statement: &Value) -> bool {
        let one = |v: &Value, want: &str| match v {
            Value::String(s) => s == want,
            Value::Array(a) => a.len() == 1 && a[0].as_str() == Some(want),
            _ => false,
        };
        statement["Effect"] == "Allow"
            && one(&statement["Action"], INVOKE_ACTION)
            && one(&statement["Principal"]["AWS"], &self.principal)
            && statement["Principal"]
                .as_object()
                .is_some_and(|p| p.len() == 1)
            && one(&statement["Resource"], &self.resource())
            && statement["Condition"]
                .as_object()
                .is_none_or(serde_json::Map::is_empty)
    }
}

/// What was read of one target's function policy under lambda-trust's statement ID, with
/// that account's credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedPermission {
    /// The function's unqualified ARN.
    pub function_arn: String,
    /// The qualifier whose policy was read, if any.
    pub qualifier: Option<String>,
    /// The statement ID looked up (lambda-trust's, one per role).
    pub statement_id: String,
    /// The statement under `statement_id`, as `GetPolicy` returned it; `None` when the policy
    /// has none (or the function has no policy).
    pub statement: Option<Value>,
    /// The policy's `RevisionId`, sent with `RemovePermission` so a concurrent edit fails
    /// instead of being overwritten.
    pub revision_id: Option<String>,
    /// The whole policy as read (`None`: the function has none), to tell one written whole
    /// (`lambda_trust_provision::plan::whole`), which lambda-trust does not write into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Value>,
}

/// lambda-trust's statement ID for the role `role_arn` named `role_name`:
/// `lambda-trust-<name>-<digest>`. Lambda's `StatementId` is 1–100 of `[a-zA-Z0-9-_]`
/// (botocore's model of lambda 2015-03-31); a role name is at most 64 characters of
/// `[\w+=,.@-]` (IAM API Reference, CreateRole), so the others become `-`, and 8 hex digits of
/// the role ARN's SHA-256 keep two roles of one name (other path or account) apart on one
/// function: 13 + 64 + 1 + 8 ≤ 100.
pub(crate) fn permission_statement_id(role_arn: &str, role_name: &str) -> String {
    let name: String = role_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let hex = crate::digest::short_digest(role_arn, 4);
    format!("lambda-trust-{name}-{hex}")
}

#[cfg(test)]
mod tests {
    use super::permission_statement_id;

    const ROLE_ARN: &str = "arn:aws:iam::111122223333:role/GenesysLambdaInvoker";

    #[test]
    fn statement_ids_are_valid_for_lambda_and_differ_per_role() {
        // Lambda's StatementId: 1–100 of [a-zA-Z0-9-_] (botocore's model of lambda 2015-03-31).
        let valid = |s: &str| {
            (1..=100).contains(&s.len())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        let long = format!("{}+=,.@", "r".repeat(58));
        for (arn, name) in [
            (ROLE_ARN, "GenesysLambdaInvoker"),
            (
                &*format!("arn:aws:iam::111122223333:role/a/b/{long}"),
                &*long,
            ),
        ] {
            let sid = permission_statement_id(arn, name);
            assert!(valid(&sid), "{sid}");
        }
        // Two roles of one name (another path or account) on one function do not collide.
        let a = permission_statement_id(ROLE_ARN, "GenesysLambdaInvoker");
        let b = permission_statement_id(
            "arn:aws:iam::111122223333:role/cx/GenesysLambdaInvoker",
            "GenesysLambdaInvoker",
        );
        let c = permission_statement_id(
            "arn:aws:iam::999988887777:role/GenesysLambdaInvoker",
            "GenesysLambdaInvoker",
        );
        assert!(a != b && b != c && a != c, "{a} {b} {c}");
        assert_eq!(a, permission_statement_id(ROLE_ARN, "GenesysLambdaInvoker"));
    }
}
