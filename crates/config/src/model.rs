//! The config as written: every table of `lambda-trust.toml` and the values derived from it.

use std::collections::BTreeMap;

use super::genesys_model::{DataActionConfig, GenesysConfig};
use lambda_trust_iam::{Arn, AwsResource};
use serde::{Deserialize, Serialize};

/// Genesys Cloud's production account (core and satellite regions).
pub(crate) const GENESYS_CLOUD_ACCOUNT: &str = "765628985471";
/// Seen only in a Genesys blueprint comment for FedRAMP (us-east-2): must be confirmed with Genesys.
pub(crate) const GENESYS_CLOUD_FEDRAMP_ACCOUNT: &str = "325654371633";
/// The tag every resource we create carries; without it we touch nothing (unless `--adopt`).
pub const MANAGED_BY_KEY: &str = "managed-by";
/// The value of [`MANAGED_BY_KEY`] on everything lambda-trust creates.
pub const MANAGED_BY_VALUE: &str = "lambda-trust";
/// Whether an object's tags say lambda-trust created it: [`MANAGED_BY_KEY`] =
/// [`MANAGED_BY_VALUE`].
pub fn is_ours(tags: &std::collections::BTreeMap<String, String>) -> bool {
    tags.get(MANAGED_BY_KEY).map(String::as_str) == Some(MANAGED_BY_VALUE)
}
/// The tag that says which config a role was applied from: a digest of the config's identity
/// (trusted account, external ID, role path, policy name). Two configs that manage one role by
/// mistake differ here, so the second is refused instead of silently winning.
pub const CONFIG_TAG_KEY: &str = "lambda-trust:config";
/// The tag that says which deployment a resource belongs to: the config's `deployment`. Rename
/// clean-up, destroy and ownership act only within one deployment, so two configs in one
/// account never take each other's roles for their own.
pub const DEPLOYMENT_TAG_KEY: &str = "lambda-trust:deployment";
/// Tags the tool itself puts on the role (the deployment's only when the config names one).
pub(crate) const OWN_TAGS: usize = 3;

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// This deployment's identity (written by `init`): carried by everything lambda-trust
    /// creates for it, so nothing of another config is ever taken for its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    /// Who writes the setup after it was handed over (`lambda-trust export`): `terraform` or
    /// `cloudformation`. lambda-trust then only reads what that tool manages (docs/export.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<ManagedBy>,
    /// `[trust]`: who may assume the role.
    pub trust: TrustConfig,
    /// `[role]`: the role itself.
    pub role: RoleConfig,
    #[serde(default)]
    /// `[policy]`: the invoke policy.
    pub policy: PolicyConfig,
    #[serde(default)]
    /// `[aws]`: the account, region and credentials used.
    pub aws: AwsConfig,
    #[serde(default)]
    /// `[[targets]]`: the functions the role may invoke.
    pub targets: Vec<TargetConfig>,
    /// The Genesys Cloud side (optional): without it, lambda-trust stops at the AWS boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genesys: Option<GenesysConfig>,
    /// `[watch]`: the watching function `lambda-trust watch deploy` makes (docs/watch.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watch: Option<WatchConfig>,
}

/// `[watch]`: the watching function's schedule and where else it reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchConfig {
    /// When the whole setup is read, Genesys Cloud included: an EventBridge schedule
    /// expression, `rate(…)` or `cron(…)` (default `rate(1 hour)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// An SNS topic's ARN, told of each change of the result (a finding found or resolved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sns_topic: Option<String>,
    /// The ARN of the event bus of the Genesys Cloud org's Amazon EventBridge integration:
    /// its audit events of the integration, its credential and its actions re-prove the
    /// Genesys Cloud side as they happen (`eventbridge` engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genesys_event_bus: Option<String>,
    /// What hands the function its events: `eventbridge` (CloudTrail's events, the default) or
    /// `config-rule` (an AWS Config custom rule's change notifications).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<WatchEngine>,
}

/// `[watch].engine`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WatchEngine {
    /// EventBridge rules on CloudTrail's management events, and a schedule.
    #[default]
    Eventbridge,
    /// An AWS Config custom rule: configuration item changes, and its periodic evaluation.
    ConfigRule,
}

/// The schedule when `[watch].schedule` gives none.
pub const DEFAULT_WATCH_SCHEDULE: &str = "rate(1 hour)";

/// The tool a setup was handed over to (`managed_by`; displayed as its users write it):
/// lambda-trust never writes what it manages, and compares what matters (documents, grants, trust) rather than the ownership tags
/// and statement IDs it no longer controls.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::Display, strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
pub enum ManagedBy {
    /// Terraform manages both halves: the AWS objects and the Genesys Cloud ones.
    Terraform,
    /// CloudFormation manages the AWS objects (it has no Genesys Cloud resource types).
    #[strum(to_string = "CloudFormation")]
    Cloudformation,
}

impl ManagedBy {
    /// The config's value (`managed_by = "…"`).
    pub fn key(self) -> &'static str {
        match self {
            ManagedBy::Terraform => "terraform",
            ManagedBy::Cloudformation => "cloudformation",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// `[trust]`: the partner account trusted and the external ID it must send.
pub struct TrustConfig {
    /// A preset: `genesys-cloud` or `genesys-cloud-fedramp`. Exactly one of partner/account_id.
    pub partner: Option<Partner>,
    /// The trusted account, instead of a preset.
    pub account_id: Option<String>,
    /// The Genesys Cloud organization ID; required in `sts:ExternalId`.
    pub external_id: String,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "kebab-case")]
/// A partner preset: the account Genesys Cloud assumes the role from.
#[strum(serialize_all = "kebab-case")]
pub enum Partner {
    /// Genesys Cloud's production account (`genesys-cloud`).
    GenesysCloud,
    /// Genesys Cloud's FedRAMP account (`genesys-cloud-fedramp`).
    GenesysCloudFedramp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// `[role]`: the IAM role Genesys Cloud assumes.
pub struct RoleConfig {
    /// The role's name.
    pub name: String,
    /// The role's path; default `/`.
    pub path: Option<String>,
    /// The role's description.
    pub description: Option<String>,
    /// The longest session, in seconds (3,600–43,200); default IAM's, one hour.
    pub max_session_duration: Option<i64>,
    /// The ARN of the managed policy set as the role's permissions boundary.
    pub permissions_boundary: Option<String>,
    #[serde(default)]
    /// Tags of the role, beside the ones lambda-trust sets.
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// `[policy]`: the customer managed policy granting `lambda:InvokeFunction`.
pub struct PolicyConfig {
    /// Name of the managed invoke policy; default `<role name>-invoke`.
    pub name: Option<String>,
}

/// Where the tool talks to AWS. Every field can be overridden on the command line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsConfig {
    /// Default region for bare function names and for the SDK clients.
    pub region: Option<String>,
    /// Named profile from ~/.aws/config.
    pub profile: Option<String>,
    /// The account the role lives in. Optional: resolved from the caller's identity at run time;
    /// when set, live commands refuse to run against any other account, and offline commands
    /// use it to resolve bare function names.
    pub account_id: Option<String>,
    /// How to act in the accounts of cross-account targets (`[aws.accounts."ID"]`), by
    /// account ID: lambda-trust writes and reads the function policy statement that lets the
    /// role invoke each target there with that account's credentials (docs/cross-account.md).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub accounts: BTreeMap<String, AccountAccess>,
}

/// How lambda-trust reaches one other account (`[aws.accounts."ID"]`): exactly one of a named
/// profile of the AWS config files, or a role it assumes with the run's own credentials
/// (`sts:AssumeRole`, as the AWS CLI's `role_arn` profiles and Terraform's `assume_role` do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountAccess {
    /// A named profile (`~/.aws/config`, `AWS_CONFIG_FILE`), resolved as `[aws].profile` is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// A role in that account to assume (`arn:aws:iam::ID:role/…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// `sts:ExternalId` sent with AssumeRole, when the role's trust policy requires one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The role session's name (default [`DEFAULT_SESSION_NAME`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) session_name: Option<String>,
}

/// The session name of a role assumed for `[aws.accounts]` when the config gives none.
const DEFAULT_SESSION_NAME: &str = "lambda-trust";

impl AccountAccess {
    /// The session name AssumeRole is sent.
    pub fn session_name(&self) -> &str {
        self.session_name.as_deref().unwrap_or(DEFAULT_SESSION_NAME)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// `[[targets]]`: one function (or qualifier) the role may invoke.
pub struct TargetConfig {
    /// A function ARN (possibly with a qualifier), or a bare function name.
    pub function: String,
    /// The function's region, for a bare name; default `[aws].region`.
    pub region: Option<String>,
    /// An alias or version, or `*` for all qualifiers.
    pub qualifier: Option<String>,
    /// The Genesys Cloud data action that calls this target (needs `[genesys]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<DataActionConfig>,
    /// Several data actions calling this target (`[[targets.actions]]`), or none
    /// (`actions = []`: the function stays granted, no action is managed for it). Exclusive
    /// with `action`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<DataActionConfig>>,
    /// The function is meant to be invoked by several environments' roles (`[environments]`):
    /// their isolation proof then allows it, and names it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shared: bool,
}

/// The account that circulates in some tutorials as "Genesys'": it is not a Genesys account.
pub(crate) const NOT_GENESYS_ACCOUNT: &str = "691338073777";
/// IAM's limit on tags per role, including ours.
pub(crate) const MAX_ROLE_TAGS: usize = 50;

impl Partner {
    /// The preset's trusted account.
    pub const fn account_id(self) -> &'static str {
        match self {
            Partner::GenesysCloud => GENESYS_CLOUD_ACCOUNT,
            Partner::GenesysCloudFedramp => GENESYS_CLOUD_FEDRAMP_ACCOUNT,
        }
    }
}

impl Config {
    /// The managed invoke policy's name: `[policy].name`, default `<role name>-invoke`.
    pub fn policy_name(&self) -> String {
        self.policy
            .name
            .clone()
            .unwrap_or_else(|| format!("{}-invoke", self.role.name))
    }

    /// The trusted account (12 digits in a validated config).
    pub fn partner_account(&self) -> String {
        match self.trust.partner {
            Some(p) => p.account_id().to_string(),
            None => self.trust.account_id.clone().unwrap_or_default(),
        }
    }

    /// The trusted principal, `arn:aws:iam::ACCOUNT:root`. Genesys Cloud runs in the `aws`
    /// partition, FedRAMP included (us-east-2).
    pub fn partner_principal(&self) -> String {
        Arn::of("aws", &self.partner_account(), AwsResource::Root).to_string()
    }

    /// The role's path, default `/`.
    pub fn role_path(&self) -> String {
        self.role.path.clone().unwrap_or_else(|| "/".to_string())
    }

    /// The tags the role must carry: the user's plus `managed-by = lambda-trust`.
    pub fn desired_tags(&self) -> BTreeMap<String, String> {
        let mut tags = self.role.tags.clone();
        tags.insert(MANAGED_BY_KEY.to_string(), MANAGED_BY_VALUE.to_string());
        tags.insert(CONFIG_TAG_KEY.to_string(), self.identity_digest());
        if let Some(d) = &self.deployment {
            tags.insert(DEPLOYMENT_TAG_KEY.to_string(), d.clone());
        }
        tags
    }

    /// A short, stable digest of what makes this config *this* role's owner (see
    /// [`identity_digest`]).
    pub fn identity_digest(&self) -> String {
        identity_digest(
            &self.partner_account(),
            &self.trust.external_id,
            &self.role_path(),
            &self.policy_name(),
        )
    }
}

/// The `lambda-trust:config` digest: the trusted account, the external ID, the role path and
/// the policy name. Targets are left out: onboarding and offboarding change them routinely.
/// FNV-1a: an identifier, not a secret. `init --from-role` recomputes it to recover the
/// policy name of a role lambda-trust made.
pub fn identity_digest(
    partner_account: &str,
    external_id: &str,
    role_path: &str,
    policy_name: &str,
) -> String {
    let text = format!("{partner_account}\0{external_id}\0{role_path}\0{policy_name}");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}
