//! Rendering (pure, in the model): turns a validated [`Config`] into the two policy documents the role
//! needs — the trust policy and the invoke policy — from templates (`policies/*.json`, built in,
//! or a `--policies DIR`).
//!
//! Pure and offline. Templates are parsed as JSON *before* substitution and values are
//! substituted into the parsed tree, so no input (an external ID with `"` or `}` in it, say) can
//! change a document's structure. `lint` then checks the result against the invariants.
//!
//! Placeholders, each written as a JSON string `"{{name}}"` (see [`PLACEHOLDERS`]):
//! - `partner_principal`: `arn:aws:iam::ACCOUNT:root` of the trusted partner;
//! - `partner_account_id`: that account's 12 digits;
//! - `external_id`: `[trust].external_id`;
//! - `function_arns`: the granted function ARNs (sorted, deduplicated) as an array of strings;
//!   as an array element it is spliced into the enclosing array;
//! - `account_id`: the role's account (`[aws].account_id` or resolved from credentials);
//! - `role_name`, `policy_name`: the role's and the invoke policy's names.
//!
//! Scalar placeholders may also appear inside a longer string (`"arn:aws:iam::{{account_id}}:…"`);
//! `function_arns` must be a whole string value. Placeholders in object keys are refused.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use lambda_trust_config::{
    show, target_identity, Config, TargetConfig, TargetIdentity, TargetProblem,
};
use lambda_trust_iam::{partition_of_region, Arn, AwsResource};

/// Every placeholder a template may use.
pub(crate) const PLACEHOLDERS: [&str; 7] = [
    "partner_principal",
    "partner_account_id",
    "external_id",
    "function_arns",
    "account_id",
    "role_name",
    "policy_name",
];

const BUILTIN_TRUST: &str = include_str!("../../../policies/trust.json");
const BUILTIN_INVOKE: &str = include_str!("../../../policies/invoke.json");

/// `{{ name }}`; only identifier-like names are placeholders, other braces are literal text.
static PLACEHOLDER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}").expect("the placeholder regex is valid")
});

/// AWS quota: characters in one managed policy document, whitespace excluded.
pub(crate) const MAX_POLICY_CHARS: usize = 6_144;
/// AWS quota: managed policies attached to one role, by default (raisable to 20).
pub const DEFAULT_MAX_SHARDS: usize = 10;

/// Why the config and templates cannot be rendered into documents, or the granted ARNs
/// cannot be packed into invoke policies (shards).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// A template starts with a UTF-8 byte-order mark, which AWS refuses in a policy document.
    #[error("policy template {file} starts with a UTF-8 byte-order mark (BOM); AWS refuses policy documents with one")]
    TemplateBom {
        /// The template's file.
        file: String,
    },
    /// A template file does not exist.
    #[error("policy template {file} not found")]
    TemplateNotFound {
        /// The template's file.
        file: String,
    },
    /// A template file cannot be read.
    #[error("cannot read policy template {file}: {reason}")]
    TemplateRead {
        /// The template's file.
        file: String,
        /// The I/O error, as the system says it.
        reason: String,
    },
    /// A template is not valid JSON.
    #[error("{file}:{line}:{column}: invalid JSON: {message}")]
    TemplateJson {
        /// The template's file.
        file: String,
        /// The line of the error (1-based).
        line: usize,
        /// The column of the error (1-based).
        column: usize,
        /// What the JSON parser says.
        message: String,
    },
    /// A template names a placeholder that does not exist (the seven are in its hint).
    #[error("{file}: unknown placeholder {{{{{name}}}}}")]
    UnknownPlaceholder {
        /// The template's file.
        file: String,
        /// The placeholder's name.
        name: String,
    },
    /// A placeholder in an object key, where it could change the document's structure.
    #[error("{file}: placeholder in the object key {}", show(key))]
    PlaceholderInKey {
        /// The template's file.
        file: String,
        /// The key.
        key: String,
    },
    /// `{{function_arns}}` inside a longer string, where only a whole string value can hold the
    /// array.
    #[error("{file}: {{{{function_arns}}}} inside the string {}", show(value))]
    ArrayPlaceholderInString {
        /// The template's file.
        file: String,
        /// The string.
        value: String,
    },
    /// A template leaves out a placeholder it must use, so the document would not be the config's.
    #[error("{file}: the template must use the placeholder {name}")]
    MissingPlaceholder {
        /// The template's file.
        file: String,
        /// The placeholder missing.
        name: &'static str,
        /// What it is for, and how to write it.
        hint: &'static str,
    },
    /// `{{account_id}}` is used, but the role's account is known neither from the config nor from
    /// credentials.
    #[error("{file}: {{{{account_id}}}} is used but the role's account is not known")]
    AccountPlaceholderUnknown {
        /// The template's file.
        file: String,
    },
    /// A target's field cannot be resolved to an ARN.
    #[error("targets[{index}].{field}: {message}")]
    InvalidTarget {
        /// The target's position in `[[targets]]` (0-based).
        index: usize,
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        message: String,
        /// How to fix it, when there is a hint.
        hint: Option<String>,
    },
    /// A target is a bare function name, and no region is known for it.
    #[error(
        "targets[{index}].function: {} is a bare function name but no region is known for it",
        show(function)
    )]
    NoRegion {
        /// The target's position in `[[targets]]` (0-based).
        index: usize,
        /// The function name.
        function: String,
    },
    /// A target is a bare function name, and the role's account is not known.
    #[error(
        "targets[{index}].function: {} is a bare function name but the role's account is not known",
        show(function)
    )]
    NoAccount {
        /// The target's position in `[[targets]]` (0-based).
        index: usize,
        /// The function name.
        function: String,
    },
    /// Two targets resolve to the same function ARN.
    #[error("targets[{index}].function: {arn} duplicates targets[{other}]")]
    DuplicateTarget {
        /// The later target's position in `[[targets]]` (0-based).
        index: usize,
        /// The earlier one's.
        other: usize,
        /// The ARNs both grant.
        arn: String,
    },
    /// `[aws].account_id` differs from the account the credentials are for.
    #[error("[aws].account_id is {configured} but the credentials are for account {actual}")]
    AccountMismatch {
        /// The config's `[aws].account_id`.
        configured: String,
        /// The account the credentials are for.
        actual: String,
    },

    /// Shards: more ARNs than the shards allowed can hold.
    #[error("{targets} function ARN(s) do not fit in {max_shards} invoke policies of {MAX_POLICY_CHARS} characters each (about {fit} fit); nothing was changed")]
    TooManyTargets {
        /// How many ARNs are granted.
        targets: usize,
        /// About how many fit.
        fit: usize,
        /// How many shards the role may have.
        max_shards: usize,
    },
    /// Shards: the invoke template is over the size limit with a single ARN.
    #[error("the invoke template renders {len} characters for the single ARN {arn}, over the {MAX_POLICY_CHARS}-character limit of a managed policy")]
    TemplateTooLarge {
        /// The ARN.
        arn: String,
        /// The rendered policy's length, whitespace not counted.
        len: usize,
    },
}

/// One policy template: where it came from (for messages) and its JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Where the template came from: its file, or the built-in name.
    pub file: String,
    /// Its JSON text.
    pub text: String,
}

/// The two templates a render needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    /// The trust policy's template.
    pub trust: Template,
    /// The invoke policy's template.
    pub invoke: Template,
    /// False for `--policies DIR`: `lint` then reports broken invariants as the user's choice.
    pub builtin: bool,
}

impl Templates {
    /// The templates compiled into the binary (`policies/` in the source tree).
    pub fn builtin() -> Self {
        Templates {
            trust: Template {
                file: "policies/trust.json (built in)".into(),
                text: BUILTIN_TRUST.into(),
            },
            invoke: Template {
                file: "policies/invoke.json (built in)".into(),
                text: BUILTIN_INVOKE.into(),
            },
            builtin: true,
        }
    }

    /// Custom templates (e.g. read from `--policies DIR` by the command), checked: JSON,
    /// known and required placeholders.
    pub fn custom(trust: Template, invoke: Template) -> Result<Self, RenderError> {
        check_template(&trust, Kind::Trust)?;
        check_template(&invoke, Kind::Invoke)?;
        Ok(Templates {
            trust,
            invoke,
            builtin: false,
        })
    }
}

/// What the render knows beyond the config; set by the command from flags and credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderContext {
    /// The role's account, for bare function names and `{{account_id}}`. When `[aws].account_id`
    /// is also set they must agree.
    pub account_id: Option<String>,
    /// Region for bare names without their own; overrides `[aws].region` (pass the
    /// command-line override here, not the SDK's environment default).
    pub default_region: Option<String>,
}

/// A target resolved to concrete ARNs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedTarget {
    /// Position in the config's `[[targets]]` (0-based, as in messages).
    pub index: usize,
    /// The function's name.
    pub function_name: String,
    /// The function's region.
    pub region: String,
    /// The function's account.
    pub account_id: String,
    /// The function's partition (`aws`, `aws-cn`, …).
    pub partition: String,
    /// The qualifier (an alias or version; `*` for all), if the target has one.
    pub qualifier: Option<String>,
    /// The unqualified function ARN.
    pub function_arn: String,
    /// Exactly the ARNs to grant (docs/aws-behaviour.md, "Lambda").
    pub granted_arns: Vec<String>,
}

impl ResolvedTarget {
    /// The ARN Genesys Cloud invokes: the function's, with its qualifier when it has one.
    pub(crate) fn invoked_arn(&self) -> String {
        lambda_trust_iam::qualified_arn(&self.function_arn, self.qualifier.as_deref())
    }
}

/// The rendered documents and what went into them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendered {
    /// The trust policy.
    pub trust: Value,
    /// The invoke policy granting every target, as one document (before it is split into shards).
    pub invoke: Value,
    /// The targets the invoke policy grants.
    pub targets: Vec<ResolvedTarget>,
    /// Sorted, deduplicated union of every target's `granted_arns`.
    pub function_arns: Vec<String>,
    /// The role's account, when known (context or `[aws].account_id`).
    pub account_id: Option<String>,
    /// The role's partition (`aws`, `aws-cn`, `aws-us-gov`): see `role_partition`.
    pub partition: String,
    /// Whether the built-in templates were used.
    pub builtin_templates: bool,
}

/// The role's account: from the context (credentials) or the config; they must agree.
fn role_account(config: &Config, ctx: &RenderContext) -> Result<Option<String>, RenderError> {
    match (&config.aws.account_id, &ctx.account_id) {
        (Some(configured), Some(actual)) if configured != actual => {
            Err(RenderError::AccountMismatch {
                configured: configured.clone(),
                actual: actual.clone(),
            })
        }
        (configured, actual) => Ok(actual.clone().or_else(|| configured.clone())),
    }
}

/// Resolves every target to its function ARN and the ARNs to grant.
pub fn resolve_targets(
    config: &Config,
    ctx: &RenderContext,
) -> Result<Vec<ResolvedTarget>, RenderError> {
    let account = role_account(config, ctx)?;
    let default_region = ctx
        .default_region
        .clone()
        .or_else(|| config.aws.region.clone());
    let mut out: Vec<ResolvedTarget> = Vec::with_capacity(config.targets.len());
    for (index, target) in config.targets.iter().enumerate() {
        let resolved = resolve_target(index, target, &account, &default_region)?;
        if let Some(other) = out
            .iter()
            .find(|t| t.function_arn == resolved.function_arn && t.qualifier == resolved.qualifier)
        {
            return Err(RenderError::DuplicateTarget {
                index,
                other: other.index,
                arn: resolved.granted_arns.join(", "),
            });
        }
        out.push(resolved);
    }
    Ok(out)
}

/// Resolves one target (at `index` in `[[targets]]`) against the role's account and the
/// default region (`config::target_identity`, the one resolution), then grants it.
fn resolve_target(
    index: usize,
    target: &TargetConfig,
    account: &Option<String>,
    default_region: &Option<String>,
) -> Result<ResolvedTarget, RenderError> {
    let identity = target_identity(target, default_region.as_deref(), account.as_deref())
        .map_err(|problems| target_error(index, problems))?;
    let TargetIdentity {
        partition,
        region,
        account,
        name,
        qualifier,
    } = identity;
    let Some(account_id) = account else {
        return Err(RenderError::NoAccount {
            index,
            function: name,
        });
    };
    let function_arn = Arn::of(
        &partition,
        &account_id,
        AwsResource::Function {
            region: &region,
            name: &name,
            qualifier: None,
        },
    )
    .to_string();
    let granted_arns = granted_arns(&function_arn, qualifier.as_deref());
    Ok(ResolvedTarget {
        index,
        function_name: name,
        region,
        account_id,
        partition,
        qualifier,
        function_arn,
        granted_arns,
    })
}

/// The first of a target's problems, as a render error.
fn target_error(index: usize, problems: Vec<TargetProblem>) -> RenderError {
    let invalid =
        |field: &'static str, message: String, hint: Option<String>| RenderError::InvalidTarget {
            index,
            field,
            message,
            hint,
        };
    match problems.into_iter().next() {
        Some(TargetProblem::Qualifier(e)) => invalid("qualifier", e.message, e.hint),
        Some(TargetProblem::Function(e)) => invalid("function", e.message, e.hint),
        Some(TargetProblem::QualifierTwice) => invalid(
            "qualifier",
            "the function ARN already has a qualifier".into(),
            Some("put the qualifier either in the ARN or in qualifier, not both".into()),
        ),
        Some(TargetProblem::RegionContradictsArn { region, arn_region }) => invalid(
            "region",
            format!(
                "{} contradicts the function ARN's region {}",
                show(&region),
                show(&arn_region)
            ),
            Some("region is only needed for bare function names; remove it".into()),
        ),
        Some(TargetProblem::NoRegion { name }) => RenderError::NoRegion {
            index,
            function: name,
        },
        Some(TargetProblem::BadRegion { region }) => invalid(
            "region",
            format!("{} is not a valid region", show(&region)),
            None,
        ),
        // `target_identity` fails with at least one problem.
        None => invalid("function", "cannot be resolved".into(), None),
    }
}

/// Exactly the ARNs to grant for a function and its qualifier.
fn granted_arns(function_arn: &str, qualifier: Option<&str>) -> Vec<String> {
    // Since 2022 an unqualified ARN does not cover versions or aliases, and `function:f*`
    // would also match `f-other`: `*` grants the unqualified ARN and `f:*`.
    match qualifier {
        None => vec![function_arn.to_string()],
        Some("*") => vec![function_arn.to_string(), format!("{function_arn}:*")],
        Some(q) => vec![format!("{function_arn}:{q}")],
    }
}

/// The role's ARN as the config and `ctx`'s account name it (`None` without an account):
/// what the Genesys Cloud side's credential holds, known before AWS is read.
pub(crate) fn role_arn(
    config: &Config,
    ctx: &RenderContext,
    targets: &[ResolvedTarget],
) -> Option<String> {
    let account = ctx.account_id.as_ref().or(config.aws.account_id.as_ref())?;
    let partition = role_partition(config, ctx, targets);
    let resource = format!("role{}{}", config.role_path(), config.role.name);
    Some(Arn::iam(&partition, account, &resource).to_string())
}

/// The partition of the role and its policies: that of the region the AWS clients talk to
/// (the context's, else `[aws].region`), else that of the first target, else `aws`.
pub(crate) fn role_partition(
    config: &Config,
    ctx: &RenderContext,
    targets: &[ResolvedTarget],
) -> String {
    let region = ctx.default_region.as_ref().or(config.aws.region.as_ref());
    region
        .and_then(|r| partition_of_region(r))
        .map(str::to_string)
        .or_else(|| targets.first().map(|t| t.partition.clone()))
        .unwrap_or_else(|| "aws".to_string())
}

/// Renders both documents.
pub fn render(
    config: &Config,
    ctx: &RenderContext,
    templates: &Templates,
) -> Result<Rendered, RenderError> {
    let targets = resolve_targets(config, ctx)?;
    let account_id = role_account(config, ctx)?;
    let partition = role_partition(config, ctx, &targets);
    let function_arns: Vec<String> = targets
        .iter()
        .flat_map(|t| t.granted_arns.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let values = Values {
        partner_principal: config.partner_principal(),
        partner_account_id: config.partner_account(),
        external_id: config.trust.external_id.clone(),
        function_arns: function_arns.clone(),
        account_id: account_id.clone(),
        role_name: config.role.name.clone(),
        policy_name: config.policy_name(),
    };
    let trust = render_template(&templates.trust, Kind::Trust, &values)?;
    let invoke = render_template(&templates.invoke, Kind::Invoke, &values)?;
    Ok(Rendered {
        trust,
        invoke,
        targets,
        function_arns,
        account_id,
        partition,
        builtin_templates: templates.builtin,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Trust,
    Invoke,
}

struct Values {
    partner_principal: String,
    partner_account_id: String,
    external_id: String,
    function_arns: Vec<String>,
    account_id: Option<String>,
    role_name: String,
    policy_name: String,
}

fn parse_template(t: &Template) -> Result<Value, RenderError> {
    serde_json::from_str(&t.text).map_err(|e| {
        let full = e.to_string();
        // serde_json appends " at line L column C"; we put the position first, compiler-style.
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_string(),
            None => full,
        };
        RenderError::TemplateJson {
            file: t.file.clone(),
            line: e.line(),
            column: e.column(),
            message,
        }
    })
}

/// Parses a template and checks its placeholders: all known, none in keys, `function_arns` only
/// as a whole value, and the ones the document cannot do without present.
fn check_template(t: &Template, kind: Kind) -> Result<Value, RenderError> {
    let doc = parse_template(t)?;
    let mut used = BTreeSet::new();
    collect_placeholders(&doc, &t.file, &mut used)?;
    let missing = match kind {
        Kind::Trust if !used.contains("external_id") => Some((
            "external_id",
            "without \"sts:ExternalId\": \"{{external_id}}\" any Genesys Cloud organization could assume the role",
        )),
        Kind::Trust
            if !used.contains("partner_principal") && !used.contains("partner_account_id") =>
        {
            Some((
                "partner_principal (or partner_account_id)",
                "the trusted principal must come from [trust], e.g. \"Principal\": {\"AWS\": \"{{partner_principal}}\"}",
            ))
        }
        Kind::Invoke if !used.contains("function_arns") => Some((
            "function_arns",
            "the granted functions must come from [[targets]], e.g. \"Resource\": \"{{function_arns}}\"",
        )),
        _ => None,
    };
    match missing {
        Some((name, hint)) => Err(RenderError::MissingPlaceholder {
            file: t.file.clone(),
            name,
            hint,
        }),
        None => Ok(doc),
    }
}

fn collect_placeholders(
    v: &Value,
    file: &str,
    used: &mut BTreeSet<String>,
) -> Result<(), RenderError> {
    match v {
        Value::String(s) => {
            let whole = whole_placeholder(s);
            for cap in PLACEHOLDER_RE.captures_iter(s) {
                let name = cap.get(1).map_or("", |m| m.as_str());
                if !PLACEHOLDERS.contains(&name) {
                    return Err(RenderError::UnknownPlaceholder {
                        file: file.into(),
                        name: name.into(),
                    });
                }
                if name == "function_arns" && whole.is_none() {
                    return Err(RenderError::ArrayPlaceholderInString {
                        file: file.into(),
                        value: s.clone(),
                    });
                }
                used.insert(name.to_string());
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_placeholders(item, file, used)?;
            }
        }
        Value::Object(map) => {
            for (key, value) in map {
                if PLACEHOLDER_RE.is_match(key) {
                    return Err(RenderError::PlaceholderInKey {
                        file: file.into(),
                        key: key.clone(),
                    });
                }
                collect_placeholders(value, file, used)?;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

/// The placeholder's name when `s` is exactly one placeholder.
fn whole_placeholder(s: &str) -> Option<&str> {
    let cap = PLACEHOLDER_RE.captures(s)?;
    let m = cap.get(0)?;
    (m.start() == 0 && m.end() == s.len()).then(|| cap.get(1).map_or("", |n| n.as_str()))
}

fn render_template(t: &Template, kind: Kind, values: &Values) -> Result<Value, RenderError> {
    let doc = check_template(t, kind)?;
    substitute(doc, &t.file, values)
}

fn scalar<'a>(name: &str, file: &str, values: &'a Values) -> Result<&'a str, RenderError> {
    Ok(match name {
        "partner_principal" => &values.partner_principal,
        "partner_account_id" => &values.partner_account_id,
        "external_id" => &values.external_id,
        "role_name" => &values.role_name,
        "policy_name" => &values.policy_name,
        "account_id" => values
            .account_id
            .as_deref()
            .ok_or_else(|| RenderError::AccountPlaceholderUnknown { file: file.into() })?,
        // check_template has already refused anything else.
        _ => {
            return Err(RenderError::UnknownPlaceholder {
                file: file.into(),
                name: name.into(),
            })
        }
    })
}

/// Substitutes into the parsed tree. Each string is scanned once, so a substituted value that
/// itself looks like a placeholder stays literal.
fn substitute(v: Value, file: &str, values: &Values) -> Result<Value, RenderError> {
    Ok(match v {
        Value::String(s) => {
            if whole_placeholder(&s) == Some("function_arns") {
                Value::Array(
                    values
                        .function_arns
                        .iter()
                        .cloned()
                        .map(Value::String)
                        .collect(),
                )
            } else {
                Value::String(substitute_str(&s, file, values)?)
            }
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    // As an element, the list is spliced in: ["{{function_arns}}", "arn:…"].
                    Value::String(s) if whole_placeholder(&s) == Some("function_arns") => {
                        out.extend(values.function_arns.iter().cloned().map(Value::String))
                    }
                    other => out.push(substitute(other, file, values)?),
                }
            }
            Value::Array(out)
        }
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, value) in map {
                out.insert(key, substitute(value, file, values)?);
            }
            Value::Object(out)
        }
        other => other,
    })
}

fn substitute_str(s: &str, file: &str, values: &Values) -> Result<String, RenderError> {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for cap in PLACEHOLDER_RE.captures_iter(s) {
        let (Some(m), Some(name)) = (cap.get(0), cap.get(1)) else {
            continue;
        };
        out.push_str(&s[last..m.start()]);
        out.push_str(scalar(name.as_str(), file, values)?);
        last = m.end();
    }
    out.push_str(&s[last..]);
    Ok(out)
}

/// Renders the invoke template for one shard: the same values as [`render`], but granting only
/// `function_arns` (used by `shard` when the targets do not fit in one policy).
pub fn render_invoke(
    config: &Config,
    rendered: &Rendered,
    templates: &Templates,
    function_arns: &[String],
) -> Result<Value, RenderError> {
    let values = Values {
        partner_principal: config.partner_principal(),
        partner_account_id: config.partner_account(),
        external_id: config.trust.external_id.clone(),
        function_arns: function_arns.to_vec(),
        account_id: rendered.account_id.clone(),
        role_name: config.role.name.clone(),
        policy_name: config.policy_name(),
    };
    render_template(&templates.invoke, Kind::Invoke, &values)
}

impl lambda_trust_verdict::Hinted for RenderError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            RenderError::TemplateBom { .. } => "save the file as UTF-8 without BOM".to_string(),
            RenderError::TemplateNotFound { .. } => "--policies DIR must contain trust.json and invoke.json; copy them from policies/".to_string(),
            RenderError::TemplateJson { .. } => "a placeholder is written as a JSON string, e.g. \"{{external_id}}\"".to_string(),
            RenderError::UnknownPlaceholder { .. } => format!("known placeholders: {}", PLACEHOLDERS.join(", ")),
            RenderError::PlaceholderInKey { .. } => "placeholders are substituted in string values only".to_string(),
            RenderError::ArrayPlaceholderInString { .. } => "it expands to an array: write it as a whole value, \"Resource\": \"{{function_arns}}\"".to_string(),
            RenderError::MissingPlaceholder { hint, .. } => hint.to_string(),
            RenderError::InvalidTarget { hint, .. } => return hint.clone(),
            RenderError::AccountPlaceholderUnknown { .. } => "set [aws].account_id, or run a live command which resolves it from your credentials".to_string(),
            RenderError::NoRegion { .. } => "set region on this target or [aws].region, or use the function ARN".to_string(),
            RenderError::NoAccount { .. } => "set [aws].account_id, or run a live command which resolves it from your credentials".to_string(),
            RenderError::DuplicateTarget { .. } => "remove one of the two entries".to_string(),
            RenderError::AccountMismatch { configured, .. } => format!("use credentials for {configured}, or fix [aws].account_id"),
            RenderError::TooManyTargets { .. } => format!(
                "lambda-trust uses at most {DEFAULT_MAX_SHARDS} managed policies per role, the \
                 default IAM quota; split the targets across two roles, one config each"
            ),
            RenderError::TemplateTooLarge { .. } => "shorten the template in --policies".into(),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::PLACEHOLDERS;

    #[test]
    fn the_seven_documented_placeholders_are_the_known_ones() {
        assert_eq!(PLACEHOLDERS.len(), 7);
    }
}
