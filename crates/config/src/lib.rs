//! lambda-trust's config: reads `lambda-trust.toml` into a validated [`Config`].
//!
//! The API, by what a caller does with it:
//! - **Read**: [`load`] (a file) and [`parse_str`] (a text) give a [`Loaded`] config — the
//!   [`Config`] and its [`Warning`]s — or one [`ConfigError`] naming every problem at once
//!   (each with the field and the rule, and a hint as data: the error is
//!   [`Hinted`](lambda_trust_verdict::Hinted)).
//! - **Resolve a target**: [`target_identity`] is the one resolution of a target's function
//!   reference into the function, its account and its region ([`TargetIdentity`]).
//! - **Edit in place**: [`edit`] adds and removes targets keeping the user's comments.
//! - **Write a new one**: [`init`], the commented file `lambda-trust init` writes.
//! - **The Genesys side**: [`genesys`] (`[genesys]`, each target's `[targets.action]`) and
//!   [`genesys_regions`], the Genesys Cloud region table and endpoint resolution.
//!
//! Everything here is offline but [`load`], which reads the one file. Validation follows the
//! AWS constraints in docs/aws-behaviour.md. It depends on the `iam` crate (ARNs, partitions)
//! and on no runtime, SDK or HTTP client (a test in the binary's suite holds that).

#![warn(missing_docs, unreachable_pub)]

mod action_key;
pub mod edit;
pub mod environments;
mod function;
pub mod genesys;
pub mod genesys_regions;
pub mod init;
mod json_path;
mod rules;
mod success_template;
pub use rules::{is_external_id, is_session_name};
mod validate;

pub(crate) use action_key::UnknownActionKey;
pub use function::{
    check_qualifier, parse_function, target_identity, FunctionArn, FunctionRef, RuleError,
    TargetIdentity, TargetProblem,
};
pub use genesys::{ActionConfig, GenesysConfig};
pub use rules::*;
pub(crate) use validate::validate;

// Each error's hint is data (its inherent `hint`), the shared `Hinted` the binary prints.
macro_rules! hinted {
    ($($t:ty),*) => {
        $(impl lambda_trust_verdict::Hinted for $t {
            fn hint(&self) -> Option<String> {
                <$t>::hint(self)
            }
        })*
    };
}
hinted!(ConfigError, edit::EditError, genesys_regions::RegionError);

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Genesys Cloud's production account (core and satellite regions).
pub const GENESYS_CLOUD_ACCOUNT: &str = "765628985471";
/// Seen only in a Genesys blueprint comment for FedRAMP (us-east-2): must be confirmed with Genesys.
pub const GENESYS_CLOUD_FEDRAMP_ACCOUNT: &str = "325654371633";
/// The tag every resource we create carries; without it we touch nothing (unless `--adopt`).
pub const MANAGED_BY_KEY: &str = "managed-by";
/// The value of [`MANAGED_BY_KEY`] on everything lambda-trust creates.
pub const MANAGED_BY_VALUE: &str = "lambda-trust";
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

/// The tool a setup was handed over to (`managed_by`): lambda-trust never writes what it
/// manages, and compares what matters (documents, grants, trust) rather than the ownership tags
/// and statement IDs it no longer controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ManagedBy {
    /// Terraform manages both halves: the AWS objects and the Genesys Cloud ones.
    Terraform,
    /// CloudFormation manages the AWS objects (it has no Genesys Cloud resource types).
    Cloudformation,
}

impl ManagedBy {
    /// The tool, as its users write it.
    pub fn name(self) -> &'static str {
        match self {
            ManagedBy::Terraform => "Terraform",
            ManagedBy::Cloudformation => "CloudFormation",
        }
    }

    /// The config's value (`managed_by = "…"`).
    pub fn key(self) -> &'static str {
        match self {
            ManagedBy::Terraform => "terraform",
            ManagedBy::Cloudformation => "cloudformation",
        }
    }

    /// Whether it manages the Genesys Cloud objects too (the AWS ones it always does).
    pub fn manages_genesys(self) -> bool {
        match self {
            ManagedBy::Terraform => true,
            ManagedBy::Cloudformation => false,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
/// A partner preset: the account Genesys Cloud assumes the role from.
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
    pub action: Option<ActionConfig>,
    /// Several data actions calling this target (`[[targets.actions]]`), or none
    /// (`actions = []`: the function stays granted, no action is managed for it). Exclusive
    /// with `action`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<ActionConfig>>,
    /// The function is meant to be invoked by several environments' roles (`[environments]`):
    /// their isolation proof then allows it, and names it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shared: bool,
}

// ---------------------------------------------------------------------------------------------
// Loading and validation
// ---------------------------------------------------------------------------------------------

/// The account that circulates in some tutorials as "Genesys'": it is not a Genesys account.
pub(crate) const NOT_GENESYS_ACCOUNT: &str = "691338073777";
/// IAM's limit on tags per role, including ours.
pub(crate) const MAX_ROLE_TAGS: usize = 50;

/// A validated configuration plus the non-fatal notices the user must still see.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The configuration.
    pub config: Config,
    /// Valid but worth saying (shown by `lint` and before `apply`).
    pub warnings: Vec<Warning>,
    /// The contract schema files `[targets.action]` names, read relative to the config file:
    /// path as written → JSON object (empty without actions).
    pub schemas: BTreeMap<String, serde_json::Value>,
    /// The file's text as parsed (a BOM stripped): `check` locates its findings in it.
    pub text: String,
    /// The environment this config is (`[environments.NAME]`), when the file has them.
    pub environment: Option<String>,
    /// What that environment overrides, as dotted keys (`aws.profile`).
    pub overrides: Vec<String>,
}

/// Something valid but worth the user's attention (shown by `lint` and before `apply`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable kebab-case id, reused as the lint finding code.
    pub code: &'static str,
    /// What is worth attention.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

/// One broken rule: the field (`role.name`, `targets[2].function`), what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field, e.g. `role.name` or `targets[2].function`.
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub(crate) hint: Option<String>,
}

impl fmt::Display for Problem {
    /// The field and what is wrong; the hint is printed by the caller.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
/// Why a config could not be loaded.
pub enum ConfigError {
    #[error("config file {path} not found")]
    /// The file does not exist.
    NotFound {
        /// The file.
        path: String,
    },
    #[error("cannot read config file {path}")]
    /// The file could not be read.
    Read {
        /// The file.
        path: String,
        #[source]
        /// The I/O error.
        source: std::io::Error,
    },
    #[error("config file {path} is not valid UTF-8")]
    /// The file is not UTF-8.
    Encoding {
        /// The file.
        path: String,
    },
    /// TOML syntax, a wrong type, a missing or an unknown key. `line`/`column` are 1-based;
    /// 0 when the parser could not say where.
    #[error("{}", display_toml_error(path, *line, *column, message))]
    Toml {
        /// The file.
        path: String,
        /// The line, 1-based (0: unknown).
        line: usize,
        /// The column, 1-based (0: unknown).
        column: usize,
        /// The TOML parser's message.
        message: String,
        /// What is wrong, decided from the document (not from the parser's message).
        kind: TomlProblem,
    },
    /// A key no data action has, inside `[targets.action]`, `[[targets.actions]]` or
    /// `[[genesys.actions]]`: the key, the action, and the keys an action has (the hint).
    #[error("{path}:{line}:{column}: {}: `{}` is not a key of the data action {:?}", unknown.field, unknown.key, unknown.action)]
    UnknownActionKey {
        /// The file.
        path: String,
        /// The key's line, 1-based.
        line: usize,
        /// The key's column, 1-based.
        column: usize,
        /// The key, the action and the keys an action has.
        unknown: Box<UnknownActionKey>,
    },
    /// Every rule the file breaks, not just the first: fixing one at a time is tedious.
    #[error("{}", display_problems(path, problems))]
    Invalid {
        /// The file.
        path: String,
        /// Each broken rule.
        problems: Vec<Problem>,
    },
    /// The file has environments and none was chosen.
    #[error("{path} has environments ({}): choose one", known.join(", "))]
    EnvironmentRequired {
        /// The file.
        path: String,
        /// Its environments.
        known: Vec<String>,
    },
    /// The file's `[environments]`, or the environment asked for, is wrong.
    #[error("{path}: {problem}")]
    Environment {
        /// The file.
        path: String,
        /// What is wrong.
        problem: environments::EnvironmentProblem,
    },
}

impl ConfigError {
    /// The broken rules, for callers that want them one by one (empty for other variants).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ConfigError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

impl ConfigError {
    /// What the user can do about it: the hint, kept out of the message (the binary prints it
    /// as a last line `(hint: …)`).
    pub(crate) fn hint(&self) -> Option<String> {
        let hint = match self {
            ConfigError::NotFound { .. } => "create one with `lambda-trust init` (or copy examples/lambda-trust.toml), or pass --config",
            ConfigError::Read { .. } => return None,
            ConfigError::Encoding { .. } => "save it as UTF-8",
            ConfigError::Toml { kind, .. } => kind.hint(),
            ConfigError::UnknownActionKey { unknown, .. } => return Some(unknown.hint()),
            ConfigError::Invalid { problems, .. } => match problems.as_slice() {
                [one] => return one.hint.clone(),
                _ => return None,
            },
            ConfigError::EnvironmentRequired { known, .. } => {
                let first = known.first().map_or("NAME", String::as_str);
                return Some(format!(
                    "pass --env {first} (or set LAMBDA_TRUST_ENV); `check`, `prove` and `lint` \
                     take every environment without it"
                ));
            }
            ConfigError::Environment { problem, .. } => match problem {
                environments::EnvironmentProblem::Unknown { .. } => {
                    "pass one of the config's environments to --env"
                }
                _ => "see docs/environments.md for the `[environments.NAME]` tables",
            },
        };
        Some(hint.to_string())
    }
}

/// What a TOML error is about, decided from the parsed document at the error's place: the
/// text is not TOML, or a key there is not one the config has, or a key is missing, or a
/// value has the wrong type or spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TomlProblem {
    /// Not TOML.
    Syntax,
    /// A key the config does not have.
    UnknownKey,
    /// A key the config needs is missing.
    MissingKey,
    /// A value of the wrong type or spelling.
    WrongValue,
}

impl TomlProblem {
    /// Decides from `text` and the error's byte span: not TOML → syntax; the span is a key →
    /// unknown key; a value → wrong value; a table (or nowhere) → a key it needs is missing.
    fn at(text: &str, span: Option<std::ops::Range<usize>>) -> TomlProblem {
        let Ok(doc) = toml_edit::ImDocument::parse(text) else {
            return TomlProblem::Syntax;
        };
        span.and_then(|span| in_table(doc.as_table(), &span))
            .unwrap_or(TomlProblem::MissingKey)
    }

    fn hint(self) -> &'static str {
        match self {
            TomlProblem::UnknownKey => {
                "check the spelling; every key is shown in examples/lambda-trust.toml"
            }
            TomlProblem::MissingKey => {
                "add the key; every key is shown in examples/lambda-trust.toml"
            }
            TomlProblem::WrongValue => {
                "check the value's type and spelling against examples/lambda-trust.toml"
            }
            TomlProblem::Syntax => "fix the TOML syntax at that position",
        }
    }
}

/// What sits at `span` in `table`: a key (unknown key) or a value (wrong value).
fn in_table(table: &toml_edit::Table, span: &std::ops::Range<usize>) -> Option<TomlProblem> {
    table.iter().find_map(|(name, item)| {
        let key = table.get_key_value(name).map(|(k, _)| k);
        if key.and_then(toml_edit::Key::span).as_ref() == Some(span) {
            return Some(TomlProblem::UnknownKey);
        }
        in_item(item, span)
    })
}

fn in_item(item: &toml_edit::Item, span: &std::ops::Range<usize>) -> Option<TomlProblem> {
    match item {
        toml_edit::Item::Table(t) => in_table(t, span),
        toml_edit::Item::ArrayOfTables(a) => a.iter().find_map(|t| in_table(t, span)),
        toml_edit::Item::Value(v) => in_value(v, span),
        toml_edit::Item::None => None,
    }
}

fn in_value(value: &toml_edit::Value, span: &std::ops::Range<usize>) -> Option<TomlProblem> {
    let nested = match value {
        toml_edit::Value::InlineTable(t) => in_table(&t.clone().into_table(), span),
        toml_edit::Value::Array(a) => a.iter().find_map(|v| in_value(v, span)),
        _ => None,
    };
    nested.or_else(|| (value.span().as_ref() == Some(span)).then_some(TomlProblem::WrongValue))
}

fn display_toml_error(path: &str, line: usize, column: usize, message: &str) -> String {
    let message = message.trim_end();
    if line == 0 {
        format!("{path}: {message}")
    } else {
        format!("{path}:{line}:{column}: {message}")
    }
}

fn display_problems(path: &str, problems: &[Problem]) -> String {
    match problems {
        [one] => format!("{path}: {one}"),
        many => {
            let mut out = format!("{path}: {} problems:", many.len());
            for p in many {
                out.push_str(&format!("\n- {}: {}", p.field, p.message));
                if let Some(hint) = &p.hint {
                    out.push_str(&format!("\n  (hint: {hint})"));
                }
            }
            out
        }
    }
}

/// Reads and validates a config file.
pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    load_env(path, None)
}

/// The file's text.
fn load_text(path: &Path) -> Result<String, ConfigError> {
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ConfigError::NotFound { path: shown })
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: shown,
                source,
            })
        }
    };
    String::from_utf8(bytes).map_err(|_| ConfigError::Encoding { path: shown })
}

/// The one place `config` reads files: the config file (`load`) and the contract schema files
/// it names (relative to its folder).
fn read_file(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

/// Parses and validates config text; `source` names it in messages (usually the path).
pub fn parse_str(text: &str, source: &str) -> Result<Loaded, ConfigError> {
    parse_str_reading(text, source, &read_file)
}

/// A config file, and the environment chosen in it (none: the file has no environments, or
/// none was chosen — then [`ConfigFile::load`] names them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    /// The file.
    pub path: std::path::PathBuf,
    /// The environment (`[environments.NAME]`).
    pub env: Option<String>,
}

impl ConfigFile {
    /// The file, no environment chosen.
    pub fn new(path: impl Into<std::path::PathBuf>) -> ConfigFile {
        ConfigFile {
            path: path.into(),
            env: None,
        }
    }

    /// The file's environment `env`.
    pub fn env(path: impl Into<std::path::PathBuf>, env: Option<String>) -> ConfigFile {
        ConfigFile {
            path: path.into(),
            env,
        }
    }

    /// Reads and validates it: the environment it names, when it names one.
    pub fn load(&self) -> Result<Loaded, ConfigError> {
        load_env(&self.path, self.env.as_deref())
    }
}

impl fmt::Display for ConfigFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.env {
            Some(env) => write!(f, "{} (environment {env})", self.path.display()),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// The environment `env`'s config of the file at `path` ([`environments`]); `None` for a file
/// without environments (one that has them is then an error naming them).
fn load_env(path: &Path, env: Option<&str>) -> Result<Loaded, ConfigError> {
    let text = load_text(path)?;
    parse_env(&text, &path.display().to_string(), env, &read_file)
}

/// The names of the file's environments (none: it has none). Syntax errors are left to
/// [`ConfigFile::load`], which says where they are.
pub fn environment_names(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    (toml::from_str::<toml::Table>(text).ok())
        .and_then(|t| environments::split(t).ok())
        .map(|(_, envs)| envs.into_keys().collect())
        .unwrap_or_default()
}

/// [`parse_str`] of the environment `env` (`None` for a text without environments).
pub fn parse_str_env(text: &str, source: &str, env: Option<&str>) -> Result<Loaded, ConfigError> {
    parse_env(text, source, env, &read_file)
}

/// [`parse_str_reading`] of the environment `env` ([`load_env`]).
fn parse_env(
    text: &str,
    source: &str,
    env: Option<&str>,
    read: &dyn Fn(&Path) -> std::io::Result<String>,
) -> Result<Loaded, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let problem = |problem| ConfigError::Environment {
        path: source.to_string(),
        problem,
    };
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return parse_str_reading(text, source, read);
    };
    let (base, envs) = environments::split(table).map_err(problem)?;
    match (env, envs.is_empty()) {
        (None, true) => parse_str_reading(text, source, read),
        (None, false) => Err(ConfigError::EnvironmentRequired {
            path: source.to_string(),
            known: envs.into_keys().collect(),
        }),
        (Some(name), _) => {
            let merged = environments::environment(&base, &envs, name).map_err(problem)?;
            let config: Config =
                toml::Value::Table(merged)
                    .try_into()
                    .map_err(|e| ConfigError::Toml {
                        path: format!("{source} (environment {name})"),
                        line: 0,
                        column: 0,
                        message: e.message().to_string(),
                        kind: TomlProblem::WrongValue,
                    })?;
            let mut loaded = finish(config, text, source, read)?;
            loaded.environment = Some(name.to_string());
            loaded.overrides = environments::overrides(&envs, name);
            Ok(loaded)
        }
    }
}

/// [`parse_str`] with the contract schema files read by `read` (`init --from-genesys`
/// validates a config whose files it has not written yet).
pub fn parse_str_reading(
    text: &str,
    source: &str,
    read: &dyn Fn(&Path) -> std::io::Result<String>,
) -> Result<Loaded, ConfigError> {
    // Editors on Windows like to add a BOM; it is not TOML.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let config: Config = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => line_column(text, span.start),
            None => (0, 0),
        };
        let kind = TomlProblem::at(text, e.span());
        let in_action = (e.span().filter(|_| kind == TomlProblem::UnknownKey))
            .and_then(|span| action_key::at(text, &span))
            .map(Box::new);
        if let Some(unknown) = in_action {
            return ConfigError::UnknownActionKey {
                path: source.to_string(),
                line,
                column,
                unknown,
            };
        }
        ConfigError::Toml {
            path: source.to_string(),
            line,
            column,
            message: e.message().to_string(),
            kind,
        }
    })?;
    finish(config, text, source, read)
}

/// A parsed config validated, its contract schema files read.
fn finish(
    config: Config,
    text: &str,
    source: &str,
    read: &dyn Fn(&Path) -> std::io::Result<String>,
) -> Result<Loaded, ConfigError> {
    let mut warnings = validate(&config, source)?;
    // `source` is the file's path for every caller that reads a file; schema paths are
    // relative to its folder.
    let base = Path::new(source).parent().unwrap_or(Path::new(""));
    let (schemas, problems) = genesys::read_schemas(&config, base, read);
    warnings.extend(genesys::template_warnings(&config, &schemas));
    if !problems.is_empty() {
        return Err(ConfigError::Invalid {
            path: source.to_string(),
            problems,
        });
    }
    Ok(Loaded {
        config,
        warnings,
        schemas,
        text: text.to_owned(),
        environment: None,
        overrides: Vec::new(),
    })
}

/// 1-based line and column (in characters) of a byte offset; robust to offsets past the end
/// or inside a multi-byte character.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

// ---------------------------------------------------------------------------------------------
// Derived values the later phases need
// ---------------------------------------------------------------------------------------------

impl Partner {
    /// The preset's trusted account.
    pub fn account_id(self) -> &'static str {
        match self {
            Partner::GenesysCloud => GENESYS_CLOUD_ACCOUNT,
            Partner::GenesysCloudFedramp => GENESYS_CLOUD_FEDRAMP_ACCOUNT,
        }
    }

    /// The preset's name as written in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            Partner::GenesysCloud => "genesys-cloud",
            Partner::GenesysCloudFedramp => "genesys-cloud-fedramp",
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
        format!("arn:aws:iam::{}:root", self.partner_account())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The hint of a TOML error is decided from the document at the error's place.
    #[test]
    fn a_toml_error_is_classified_by_what_sits_at_its_place() {
        let kind = |text: &str| match toml::from_str::<Config>(text) {
            Err(e) => TomlProblem::at(text, e.span()),
            Ok(_) => panic!("{text} parsed"),
        };
        assert_eq!(kind("[trust\npartner = 1"), TomlProblem::Syntax);
        assert_eq!(
            kind("[role]\nname = \"r\"\nnmae = 1"),
            TomlProblem::UnknownKey
        );
        assert_eq!(kind("[role]\nname = 3"), TomlProblem::WrongValue);
        assert_eq!(kind("[role]\nname = \"r\""), TomlProblem::MissingKey);
    }
}
