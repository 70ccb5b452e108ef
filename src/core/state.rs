//! The plain-data state the pipeline passes between its phases: what to read ([`Query`]), what
//! was read ([`Observed`]) and what should be ([`Desired`]).
//!
//! Part of the pure `core` layer: `aws::observe` fills an [`Observed`], the planner and the
//! verification checks read it, and tests build these values by hand (no network needed).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::{Config, MANAGED_BY_KEY, MANAGED_BY_VALUE};
use crate::core::render::{Rendered, ResolvedTarget};
use crate::core::shard::shard_name;
use crate::iam::arn::Arn;

/// Used when the config gives no description: says who manages the role and why it exists.
pub const DEFAULT_DESCRIPTION: &str =
    "Lets Genesys Cloud invoke AWS Lambda functions (managed by lambda-trust)";
pub const DEFAULT_MAX_SESSION: i64 = 3600;

/// What to look at. Function ARNs may not be known before the caller's account is, so targets
/// are looked up by name (or ARN) and region, exactly as configured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Query {
    /// The partition of the role's account (from the clients' region).
    pub partition: String,
    pub role_name: String,
    /// Our invoke policy's name; shards are `<name>`, `<name>-2`, … (see `shard`).
    pub policy_name: String,
    /// Managed policy path of our policies (`/`).
    pub policy_path: String,
    /// Shards 1..=probe_shards are looked up by ARN whether attached or not; attached shards
    /// beyond that are found through the role's attachment list.
    pub probe_shards: usize,
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
    pub account: String,
    pub arn: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FunctionQuery {
    /// `FunctionName` as GetFunction takes it: a name or an unqualified ARN.
    pub function: String,
    pub region: String,
    /// Checked with GetFunction's `Qualifier` unless absent or `*`.
    pub qualifier: Option<String>,
}

/// The live state, decoded. Documents are parsed JSON values (URL-decoded where AWS encodes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    pub account_id: String,
    pub caller_arn: String,
    pub role: Option<ObservedRole>,
    /// Managed policies attached to the role (ours included, when attached), with documents.
    pub attached: Vec<ManagedPolicy>,
    pub inline: Vec<InlinePolicy>,
    /// Our invoke policy shards that exist, attached or not, by shard index.
    pub policies: Vec<ObservedPolicy>,
    /// The permissions boundary the role actually has, with its document.
    pub boundary: Option<ManagedPolicy>,
    pub functions: Vec<ObservedFunction>,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedRole {
    pub arn: String,
    pub name: String,
    pub path: String,
    pub description: Option<String>,
    pub max_session_duration: i64,
    pub permissions_boundary: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub trust: Value,
}

impl ObservedRole {
    pub fn is_ours(&self) -> bool {
        self.tags.get(MANAGED_BY_KEY).map(String::as_str) == Some(MANAGED_BY_VALUE)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub arn: String,
    pub name: String,
    /// The default version's document.
    pub document: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InlinePolicy {
    pub name: String,
    pub document: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedPolicy {
    /// Shard index (1 for `<name>`, k for `<name>-k`).
    pub index: usize,
    pub arn: String,
    pub name: String,
    pub default_version_id: String,
    pub document: Value,
    /// All versions, oldest first.
    pub versions: Vec<PolicyVersion>,
    pub tags: BTreeMap<String, String>,
    pub attachment_count: i64,
}

impl ObservedPolicy {
    pub fn is_ours(&self) -> bool {
        self.tags.get(MANAGED_BY_KEY).map(String::as_str) == Some(MANAGED_BY_VALUE)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyVersion {
    pub version_id: String,
    pub is_default: bool,
    /// Seconds since the epoch, for choosing the oldest version to prune.
    pub created_epoch: i64,
    /// A non-default version's document (the default's is `ObservedPolicy::document`): anyone
    /// with `iam:SetDefaultPolicyVersion` can switch it on, so it is proved too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedFunction {
    pub function: String,
    pub region: String,
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
    pub account_id: String,
    /// The partition the role and its policies live in (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    pub role: DesiredRole,
    /// The invoke policy shards (one unless the targets do not fit); empty with no targets.
    pub policies: Vec<DesiredPolicy>,
    pub targets: Vec<ResolvedTarget>,
    /// The trusted principal and external ID, for verification.
    pub partner_principal: String,
    pub external_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesiredRole {
    pub name: String,
    pub path: String,
    pub description: String,
    pub max_session_duration: i64,
    pub permissions_boundary: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub trust: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesiredPolicy {
    /// Shard index: 1 for `<name>`, k for `<name>-k`.
    pub index: usize,
    pub name: String,
    pub path: String,
    pub arn: String,
    pub document: Value,
    pub tags: BTreeMap<String, String>,
}

impl Desired {
    /// `shards` are the invoke documents by shard index (see `shard::assign`).
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
        }
    }
}
