//! Phase 1 of the pipeline: reads `lambda-trust.toml` into a validated [`Config`].
//!
//! Everything here is offline. Validation follows the AWS constraints in DOMAIN.md and every
//! message names the field and the rule, so the user knows what to fix.

pub mod edit;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::iam::arn::{self, Arn};

/// Genesys Cloud's production account (core and satellite regions).
pub const GENESYS_CLOUD_ACCOUNT: &str = "765628985471";
/// Seen only in a Genesys blueprint comment for FedRAMP (us-east-2): must be confirmed with Genesys.
pub const GENESYS_CLOUD_FEDRAMP_ACCOUNT: &str = "325654371633";
/// The tag every resource we create carries; without it we touch nothing (unless `--adopt`).
pub const MANAGED_BY_KEY: &str = "managed-by";
pub const MANAGED_BY_VALUE: &str = "lambda-trust";
/// The tag that says which config a role was applied from: a digest of the config's identity
/// (trusted account, external ID, role path, policy name). Two configs that manage one role by
/// mistake differ here, so the second is refused instead of silently winning.
pub const CONFIG_TAG_KEY: &str = "lambda-trust:config";
/// Tags the tool itself puts on the role.
pub const OWN_TAGS: usize = 2;

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub trust: TrustConfig,
    pub role: RoleConfig,
    #[serde(default)]
    pub policy: PolicyConfig,
    #[serde(default)]
    pub aws: AwsConfig,
    #[serde(default)]
    pub targets: Vec<TargetConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
pub enum Partner {
    GenesysCloud,
    GenesysCloudFedramp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleConfig {
    pub name: String,
    pub path: Option<String>,
    pub description: Option<String>,
    pub max_session_duration: Option<i64>,
    pub permissions_boundary: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    /// A function ARN (possibly with a qualifier), or a bare function name.
    pub function: String,
    pub region: Option<String>,
    /// An alias or version, or `*` for all qualifiers.
    pub qualifier: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Loading and validation
// ---------------------------------------------------------------------------------------------

/// The account that circulates in some tutorials as "Genesys'": it is not a Genesys account.
pub const NOT_GENESYS_ACCOUNT: &str = "691338073777";
pub use crate::iam::arn::{partition_of_region, PARTITIONS};
/// IAM's limit on tags per role, including ours.
pub const MAX_ROLE_TAGS: usize = 50;

/// A validated configuration plus the non-fatal notices the user must still see.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub config: Config,
    pub warnings: Vec<Warning>,
}

/// Something valid but worth the user's attention (shown by `lint` and before `apply`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable kebab-case id, reused as the lint finding code.
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

/// One broken rule: the field (`role.name`, `targets[2].function`), what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n(hint: {hint})")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path} not found\n(hint: create one (see examples/lambda-trust.toml) or pass --config)")]
    NotFound { path: String },
    #[error("cannot read config file {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {path} is not valid UTF-8\n(hint: save it as UTF-8)")]
    Encoding { path: String },
    /// TOML syntax, a wrong type, a missing or an unknown key. `line`/`column` are 1-based;
    /// 0 when the parser could not say where.
    #[error("{}", display_toml_error(path, *line, *column, message))]
    Toml {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// Every rule the file breaks, not just the first: fixing one at a time is tedious.
    #[error("{}", display_problems(path, problems))]
    Invalid {
        path: String,
        problems: Vec<Problem>,
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

fn display_toml_error(path: &str, line: usize, column: usize, message: &str) -> String {
    let message = message.trim_end();
    let hint = if message.contains("unknown field") {
        "check the spelling; every key is shown in examples/lambda-trust.toml"
    } else if message.contains("missing field") {
        "add the key; every key is shown in examples/lambda-trust.toml"
    } else if message.contains("invalid type") || message.contains("unknown variant") {
        "check the value's type and spelling against examples/lambda-trust.toml"
    } else {
        "fix the TOML syntax at that position"
    };
    if line == 0 {
        format!("{path}: {message}\n(hint: {hint})")
    } else {
        format!("{path}:{line}:{column}: {message}\n(hint: {hint})")
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
    let text = String::from_utf8(bytes).map_err(|_| ConfigError::Encoding {
        path: shown.clone(),
    })?;
    parse_str(&text, &shown)
}

/// Parses and validates config text; `source` names it in messages (usually the path).
pub fn parse_str(text: &str, source: &str) -> Result<Loaded, ConfigError> {
    // Editors on Windows like to add a BOM; it is not TOML.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let config: Config = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => line_column(text, span.start),
            None => (0, 0),
        };
        ConfigError::Toml {
            path: source.to_string(),
            line,
            column,
            message: e.message().to_string(),
        }
    })?;
    let warnings = validate(&config, source)?;
    Ok(Loaded { config, warnings })
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

/// Checks every rule on an already deserialized config (for callers that build or override
/// one, e.g. from command-line flags). Returns the warnings, or every broken rule.
pub fn validate(config: &Config, source: &str) -> Result<Vec<Warning>, ConfigError> {
    let mut v = Validator::default();
    v.trust(&config.trust);
    v.role(&config.role);
    v.policy(config);
    v.aws(&config.aws);
    v.targets(config);
    if v.problems.is_empty() {
        Ok(v.warnings)
    } else {
        Err(ConfigError::Invalid {
            path: source.to_string(),
            problems: v.problems,
        })
    }
}

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
    warnings: Vec<Warning>,
}

impl Validator {
    fn problem(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            field: field.into(),
            message: message.into(),
            hint: None,
        });
    }

    fn problem_hint(
        &mut self,
        field: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.problems.push(Problem {
            field: field.into(),
            message: message.into(),
            hint: Some(hint.into()),
        });
    }

    fn warn(&mut self, code: &'static str, message: String, hint: Option<String>) {
        self.warnings.push(Warning {
            code,
            message,
            hint,
        });
    }

    fn trust(&mut self, trust: &TrustConfig) {
        match (&trust.partner, &trust.account_id) {
            (Some(_), Some(_)) => self.problem_hint(
                "trust",
                "set exactly one of partner and account_id, not both",
                "remove account_id to use the preset, or partner to trust another account",
            ),
            (None, None) => self.problem_hint(
                "trust",
                "set exactly one of partner and account_id",
                "partner = \"genesys-cloud\" trusts Genesys Cloud's production account",
            ),
            _ => {}
        }
        if let Some(account) = &trust.account_id {
            if !is_account_id(account) {
                self.problem(
                    "trust.account_id",
                    format!(
                        "{} is not an AWS account ID (exactly 12 digits)",
                        show(account)
                    ),
                );
            } else if account == NOT_GENESYS_ACCOUNT {
                self.problem_hint(
                    "trust.account_id",
                    format!(
                        "{} is not a Genesys Cloud account (it circulates in tutorials)",
                        show(account)
                    ),
                    "use partner = \"genesys-cloud\" (account 765628985471)",
                );
            }
        }
        if trust.partner == Some(Partner::GenesysCloudFedramp) {
            self.warn(
                "fedramp-account-unconfirmed",
                format!(
                    "trust.partner: the genesys-cloud-fedramp preset trusts account \
                     {GENESYS_CLOUD_FEDRAMP_ACCOUNT}, which appears only in a Genesys blueprint \
                     comment and is not documented by Genesys"
                ),
                Some(
                    "confirm the account with your Genesys representative before relying on it"
                        .into(),
                ),
            );
        }

        let ext = &trust.external_id;
        let len = ext.chars().count();
        if !(2..=1224).contains(&len) || !ext.chars().all(is_external_id_char) {
            self.problem_hint(
                "trust.external_id",
                format!(
                    "{} is not a valid external ID (2–1224 of [\\w+=,.@:/-])",
                    show(ext)
                ),
                "use your Genesys Cloud organization ID (Admin > Organization Settings)",
            );
        } else if trust.partner.is_some() || trust.account_id.as_deref().is_some_and(is_genesys) {
            if !is_uuid(ext) {
                self.warn(
                    "external-id-not-uuid",
                    format!(
                        "trust.external_id: {} does not look like a Genesys Cloud organization \
                         ID (a UUID)",
                        show(ext)
                    ),
                    Some(
                        "Genesys sends your organization ID as the external ID; copy it from \
                         Admin > Organization Settings"
                            .into(),
                    ),
                );
            } else if ext.chars().any(|c| c.is_ascii_uppercase()) {
                // StringEquals is case-sensitive; Genesys shows organization IDs in lowercase.
                self.warn(
                    "external-id-uppercase",
                    format!(
                        "trust.external_id: {} has uppercase letters, but sts:ExternalId is \
                         compared case-sensitively",
                        show(ext)
                    ),
                    Some("write the organization ID exactly as Genesys Cloud shows it".into()),
                );
            }
        }
    }

    fn role(&mut self, role: &RoleConfig) {
        if !is_role_name(&role.name) {
            self.problem(
                "role.name",
                format!(
                    "{} is not a valid role name (1–64 of [\\w+=,.@-])",
                    show(&role.name)
                ),
            );
        }
        if let Some(path) = &role.path {
            if !is_iam_path(path) {
                self.problem_hint(
                    "role.path",
                    format!(
                        "{} is not a valid IAM path (\"/\" or \"/…/\", 1–512 of ! to ~)",
                        show(path)
                    ),
                    "a path starts and ends with /, e.g. \"/genesys/\"",
                );
            }
        }
        if let Some(desc) = &role.description {
            if desc.chars().count() > 1000 {
                self.problem(
                    "role.description",
                    format!("is {} characters long (at most 1000)", desc.chars().count()),
                );
            } else if let Some(c) = desc.chars().find(|c| !is_description_char(*c)) {
                self.problem(
                    "role.description",
                    format!(
                        "contains {c:?}, which IAM refuses (allowed: tab, newlines, printable \
                         ASCII and Latin-1)"
                    ),
                );
            }
        }
        if let Some(d) = role.max_session_duration {
            if !(3600..=43200).contains(&d) {
                self.problem(
                    "role.max_session_duration",
                    format!("{d} is out of range (3600–43200 seconds)"),
                );
            }
        }
        if let Some(b) = &role.permissions_boundary {
            if !is_policy_arn(b) {
                self.problem_hint(
                    "role.permissions_boundary",
                    format!("{} is not an IAM managed policy ARN", show(b)),
                    "e.g. \"arn:aws:iam::111122223333:policy/Boundary\"",
                );
            }
        }
        if role.tags.len() + OWN_TAGS > MAX_ROLE_TAGS {
            self.problem(
                "role.tags",
                format!(
                    "{} tags plus the tool's {OWN_TAGS} ({MANAGED_BY_KEY}, {CONFIG_TAG_KEY}) exceed \
                     IAM's limit of {MAX_ROLE_TAGS} per role",
                    role.tags.len()
                ),
            );
        }
        if role
            .tags
            .keys()
            .any(|k| k.to_ascii_lowercase().starts_with("lambda-trust:"))
        {
            self.problem_hint(
                "role.tags",
                "tag keys starting with \"lambda-trust:\" are reserved for the tool",
                "rename the tag",
            );
        }
        for (key, value) in &role.tags {
            let field = format!("role.tags[{}]", show(key));
            let key_len = key.chars().count();
            if key.eq_ignore_ascii_case(MANAGED_BY_KEY) {
                self.problem_hint(
                    field,
                    format!("the {MANAGED_BY_KEY} tag is set by the tool"),
                    "remove it: lambda-trust adds managed-by = \"lambda-trust\" itself",
                );
            } else if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
                self.problem(field, "the aws: prefix is reserved for AWS");
            } else if !(1..=128).contains(&key_len) || !key.chars().all(is_tag_char) {
                self.problem(
                    "role.tags",
                    format!(
                        "key {} is not a valid tag key (1–128 of letters, digits, spaces and \
                         _.:/=+-@)",
                        show(key)
                    ),
                );
            } else if value.chars().count() > 256 || !value.chars().all(is_tag_char) {
                self.problem(
                    field,
                    format!(
                        "{} is not a valid tag value (0–256 of letters, digits, spaces and \
                         _.:/=+-@)",
                        show(value)
                    ),
                );
            }
        }
    }

    fn policy(&mut self, config: &Config) {
        if let Some(name) = &config.policy.name {
            if !is_policy_name(name) {
                self.problem(
                    "policy.name",
                    format!(
                        "{} is not a valid policy name (1–128 of [\\w+=,.@-])",
                        show(name)
                    ),
                );
            }
        }
    }

    fn aws(&mut self, aws: &AwsConfig) {
        if let Some(region) = &aws.region {
            if !is_region(region) {
                self.problem(
                    "aws.region",
                    format!(
                        "{} is not a valid region (like us-east-1){}",
                        show(region),
                        partition_note(region)
                    ),
                );
            }
        }
        if let Some(profile) = &aws.profile {
            if profile.trim().is_empty() || profile.chars().any(char::is_control) {
                self.problem(
                    "aws.profile",
                    format!("{} is not a valid profile name", show(profile)),
                );
            }
        }
        if let Some(account) = &aws.account_id {
            if !is_account_id(account) {
                self.problem(
                    "aws.account_id",
                    format!(
                        "{} is not an AWS account ID (exactly 12 digits)",
                        show(account)
                    ),
                );
            }
        }
    }

    fn targets(&mut self, config: &Config) {
        // No targets is a valid state (e.g. after offboarding the last one): the role trusts
        // the partner but may invoke nothing, and no invoke policy exists. Worth a warning.
        if config.targets.is_empty() {
            self.warn(
                "no-targets",
                "no [[targets]]: the role will be allowed to invoke nothing (no invoke policy is created)".into(),
                Some("add [[targets]] with function = \"<function ARN or name>\", or run `lambda-trust onboard FUNCTION`".into()),
            );
        }
        // An invalid [aws].region is reported on its own; here it still counts as "set".
        let default_region = config.aws.region.clone();
        let role_account = config.aws.account_id.clone().filter(|a| is_account_id(a));
        // Resolved identities of the targets checked so far, for duplicate detection.
        let mut seen: Vec<(usize, TargetKey)> = Vec::new();
        for (i, target) in config.targets.iter().enumerate() {
            let field = format!("targets[{i}]");
            let Some(key) = self.target(&field, target, default_region.as_deref(), &role_account)
            else {
                continue;
            };
            if let Some((j, _)) = seen.iter().find(|(_, k)| *k == key) {
                self.problem_hint(
                    format!("{field}.function"),
                    format!(
                        "{} duplicates targets[{j}] (same function and qualifier)",
                        show(&target.function)
                    ),
                    "remove one of the two entries",
                );
                continue;
            }
            // `*` grants the unqualified ARN and every qualifier: other entries are redundant.
            if let Some((j, _)) = seen.iter().find(|(_, k)| k.covers(&key) || key.covers(k)) {
                self.warn(
                    "target-redundant",
                    format!(
                        "targets[{i}] and targets[{j}] overlap: qualifier \"*\" already grants \
                         every qualifier of the function"
                    ),
                    Some("remove the narrower entry, or drop the \"*\" qualifier".into()),
                );
            }
            seen.push((i, key));
        }
    }

    /// Validates one target; returns its resolved identity when it is valid.
    fn target(
        &mut self,
        field: &str,
        target: &TargetConfig,
        default_region: Option<&str>,
        role_account: &Option<String>,
    ) -> Option<TargetKey> {
        let mut ok = true;
        if let Some(region) = &target.region {
            if !is_region(region) {
                self.problem(
                    format!("{field}.region"),
                    format!(
                        "{} is not a valid region (like us-east-1){}",
                        show(region),
                        partition_note(region)
                    ),
                );
                ok = false;
            }
        }
        if let Some(q) = &target.qualifier {
            if let Err(e) = check_qualifier(q) {
                self.problems.push(Problem {
                    field: format!("{field}.qualifier"),
                    message: e.message,
                    hint: e.hint,
                });
                ok = false;
            }
        }
        let parsed = match parse_function(&target.function) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.problems.push(Problem {
                    field: format!("{field}.function"),
                    message: e.message,
                    hint: e.hint,
                });
                return None;
            }
        };
        match parsed {
            FunctionRef::Arn(arn) => {
                if arn.qualifier.is_some() && target.qualifier.is_some() {
                    self.problem_hint(
                        format!("{field}.qualifier"),
                        "the function ARN already has a qualifier",
                        "put the qualifier either in the ARN or in qualifier, not both",
                    );
                    ok = false;
                }
                if let Some(region) = &target.region {
                    if *region != arn.region {
                        self.problem_hint(
                            format!("{field}.region"),
                            format!(
                                "{} contradicts the function ARN's region {}",
                                show(region),
                                show(&arn.region)
                            ),
                            "region is only needed for bare function names; remove it",
                        );
                        ok = false;
                    }
                }
                let qualifier = arn.qualifier.or_else(|| target.qualifier.clone());
                ok.then_some(TargetKey {
                    partition: arn.partition,
                    region: arn.region,
                    account: Some(arn.account_id),
                    name: arn.name,
                    qualifier,
                })
            }
            FunctionRef::Name(name) => {
                let region = target
                    .region
                    .clone()
                    .or_else(|| default_region.map(str::to_string));
                let Some(region) = region else {
                    if target.region.is_none() {
                        self.problem_hint(
                            format!("{field}.function"),
                            format!(
                                "{} is a bare function name but no region is known for it",
                                show(&name)
                            ),
                            "set region on this target or [aws].region, or use the function ARN",
                        );
                    }
                    return None;
                };
                let partition = partition_of_region(&region)?;
                ok.then_some(TargetKey {
                    partition: partition.to_string(),
                    region,
                    account: role_account.clone(),
                    name,
                    qualifier: target.qualifier.clone(),
                })
            }
        }
    }
}

/// A target's resolved identity as far as the config alone determines it; `account: None`
/// means "the caller's account", which is the same for every bare name.
#[derive(Debug, PartialEq, Eq)]
struct TargetKey {
    partition: String,
    region: String,
    account: Option<String>,
    name: String,
    qualifier: Option<String>,
}

impl TargetKey {
    fn covers(&self, other: &TargetKey) -> bool {
        self.qualifier.as_deref() == Some("*")
            && self.partition == other.partition
            && self.region == other.region
            && self.account == other.account
            && self.name == other.name
            && other.qualifier.as_deref() != Some("*")
    }
}

// ---------------------------------------------------------------------------------------------
// Function references (shared with `render`)
// ---------------------------------------------------------------------------------------------

/// A parsed Lambda function ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionArn {
    pub partition: String,
    pub region: String,
    pub account_id: String,
    pub name: String,
    pub qualifier: Option<String>,
}

/// What a target's `function` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FunctionRef {
    Arn(FunctionArn),
    /// A bare name, resolved against a region and the role's account.
    Name(String),
}

/// Why a function reference or qualifier is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub message: String,
    pub hint: Option<String>,
}

impl RuleError {
    fn new(message: String) -> Self {
        RuleError {
            message,
            hint: None,
        }
    }
    fn hint(mut self, hint: &str) -> Self {
        self.hint = Some(hint.to_string());
        self
    }
}

/// Parses a target's `function`: `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`
/// or a bare name.
pub fn parse_function(s: &str) -> Result<FunctionRef, RuleError> {
    const SHAPE: &str = "arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]";
    if !s.starts_with("arn:") {
        if s.contains(':') {
            return Err(RuleError::new(format!(
                "{} is neither a Lambda function ARN nor a bare function name",
                show(s)
            ))
            .hint(
                "write the full ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME) or just the name",
            ));
        }
        if !is_function_name(s) {
            return Err(RuleError::new(format!(
                "{} is not a valid function name (1–64 of [a-zA-Z0-9-_])",
                show(s)
            )));
        }
        return Ok(FunctionRef::Name(s.to_string()));
    }
    let bad = |why: String| {
        Err(RuleError::new(format!(
            "{} is not a Lambda function ARN ({SHAPE}): {why}",
            show(s)
        )))
    };
    let parts = s.split(':').count();
    let Some(arn) = Arn::parse(s).filter(|_| parts == 7 || parts == 8) else {
        return bad(format!("it has {parts} colon-separated parts"));
    };
    let (partition, service, region, account) = (
        arn.partition.as_str(),
        arn.service.as_str(),
        arn.region.as_str(),
        arn.account.as_str(),
    );
    let (kind, rest) = arn.resource.split_once(':').unwrap_or((&arn.resource, ""));
    let (name, qualifier) = match rest.split_once(':') {
        Some((n, q)) => (n, Some(q)),
        None => (rest, None),
    };
    if !PARTITIONS.contains(&partition) {
        return bad(format!(
            "partition {} is not aws, aws-cn or aws-us-gov",
            show(partition)
        ));
    }
    if service != "lambda" {
        return bad(format!("service {} is not lambda", show(service)));
    }
    if !is_region(region) {
        return bad(format!("region {} is not valid", show(region)));
    }
    if partition_of_region(region) != Some(partition) {
        return bad(format!(
            "region {} is not in partition {partition}",
            show(region)
        ));
    }
    if !is_account_id(account) {
        return bad(format!("account {} is not 12 digits", show(account)));
    }
    if kind != "function" {
        return bad(format!("resource type {} is not function", show(kind)));
    }
    if !is_function_name(name) {
        return bad(format!("name {} is not 1–64 of [a-zA-Z0-9-_]", show(name)));
    }
    let qualifier = match qualifier {
        Some(q) => {
            check_qualifier(q)?;
            Some(q.to_string())
        }
        None => None,
    };
    Ok(FunctionRef::Arn(FunctionArn {
        partition: partition.to_string(),
        region: region.to_string(),
        account_id: account.to_string(),
        name: name.to_string(),
        qualifier,
    }))
}

/// A qualifier is a version number, an alias, or `*` for every qualifier (DOMAIN.md: grant
/// exactly the ARNs that will be invoked).
pub fn check_qualifier(q: &str) -> Result<(), RuleError> {
    if q == "*" {
        return Ok(());
    }
    if q == "$LATEST" {
        return Err(
            RuleError::new("$LATEST is not granted as a qualifier".into())
                .hint("remove the qualifier: the unqualified function ARN grants invoking $LATEST"),
        );
    }
    if q.contains('*') || q.contains('?') {
        return Err(RuleError::new(format!(
            "{} mixes a wildcard with a name (only a lone \"*\" is allowed)",
            show(q)
        ))
        .hint("a pattern like f* also matches other functions; use \"*\" for every qualifier"));
    }
    if !(1..=128).contains(&q.len()) || !q.chars().all(is_function_name_char) {
        return Err(RuleError::new(format!(
            "{} is not a valid qualifier (a version number, an alias of 1–128 [a-zA-Z0-9-_], or \"*\")",
            show(q)
        )));
    }
    Ok(())
}

fn partition_note(region: &str) -> &'static str {
    if is_region_shape(region) && partition_of_region(region).is_none() {
        "; isolated partitions are not supported"
    } else {
        ""
    }
}

// ---------------------------------------------------------------------------------------------
// Rules (DOMAIN.md, "AWS constraints"); `\w` there is ASCII, as in Java's regexes.
// ---------------------------------------------------------------------------------------------

/// At most this many characters of a user value are echoed in a message.
const SHOW_MAX: usize = 80;

/// Quotes (and escapes) a user value for a message, shortened if long.
pub(crate) fn show(s: &str) -> String {
    if s.chars().count() > SHOW_MAX {
        let head: String = s.chars().take(SHOW_MAX).collect();
        format!("{head:?}…")
    } else {
        format!("{s:?}")
    }
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_external_id_char(c: char) -> bool {
    is_word(c) || "+=,.@:/-".contains(c)
}

fn is_name_char(c: char) -> bool {
    is_word(c) || "+=,.@-".contains(c)
}

fn is_function_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn is_description_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{a1}'..='\u{ff}')
}

fn is_tag_char(c: char) -> bool {
    // IAM: [\p{L}\p{Z}\p{N}_.:/=+\-@]
    c.is_alphabetic()
        || c.is_numeric()
        || (c.is_whitespace() && !c.is_control())
        || "_.:/=+-@".contains(c)
}

/// `^\d{12}$`
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// 1–64 of `[\w+=,.@-]`
pub fn is_role_name(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(is_name_char)
}

/// 1–128 of `[\w+=,.@-]`
pub fn is_policy_name(s: &str) -> bool {
    (1..=128).contains(&s.len()) && s.chars().all(is_name_char)
}

/// `/` or `/…/`, 1–512 of `!`–`~`.
pub fn is_iam_path(s: &str) -> bool {
    s == "/"
        || (s.len() >= 3
            && s.len() <= 512
            && s.starts_with('/')
            && s.ends_with('/')
            && s.bytes().all(|b| (b'!'..=b'~').contains(&b)))
}

/// 1–64 of `[a-zA-Z0-9-_]`
pub fn is_function_name(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(is_function_name_char)
}

/// `xx-xxxx-N` (`us-east-1`, `us-gov-west-1`), in a supported partition.
pub fn is_region(s: &str) -> bool {
    is_region_shape(s) && partition_of_region(s).is_some()
}

fn is_region_shape(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return false;
    };
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && (1..=2).contains(&last.len())
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// `arn:PARTITION:iam::(ACCOUNT|aws):policy/[PATH/]NAME`
pub fn is_policy_arn(s: &str) -> bool {
    let Some([_, partition, service, region, account, resource]) = arn::split(s) else {
        return false;
    };
    let Some(path_name) = resource.strip_prefix("policy/") else {
        return false;
    };
    let (path, name) = match path_name.rfind('/') {
        Some(i) => (&path_name[..=i], &path_name[i + 1..]),
        None => ("", path_name),
    };
    PARTITIONS.contains(&partition)
        && service == "iam"
        && region.is_empty()
        && (is_account_id(account) || account == "aws")
        && (path.is_empty() || is_iam_path(&format!("/{path}")))
        && is_policy_name(name)
}

/// 8-4-4-4-12 hexadecimal digits.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_genesys(account: &str) -> bool {
    account == GENESYS_CLOUD_ACCOUNT || account == GENESYS_CLOUD_FEDRAMP_ACCOUNT
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
        tags
    }

    /// A short, stable digest of what makes this config *this* role's owner: the trusted
    /// account, the external ID, the role path and the policy name. Targets are left out:
    /// onboarding and offboarding change them routinely. FNV-1a: an identifier, not a secret.
    pub fn identity_digest(&self) -> String {
        let text = format!(
            "{}\0{}\0{}\0{}",
            self.partner_account(),
            self.trust.external_id,
            self.role_path(),
            self.policy_name()
        );
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}
