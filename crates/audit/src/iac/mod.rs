//! Infrastructure as code → the audit's account model (pure).
//!
//! A CloudFormation template (`cfn`, read by `yaml`) becomes the same plain data the live
//! audit reads from `GetAccountAuthorizationDetails` (`lambda_trust_audit::AccountIam`), so the same
//! prover decides the same questions before anything is deployed. A value the template cannot
//! settle (a parameter without a default, `!GetAtt` of a non-IAM resource, `!ImportValue`, a
//! condition that depends on those, …) is recorded as an [`Unknown`] and left in the
//! documents as a marker; `widen` then turns every document holding a marker into one that
//! allows at least as much (an Allow widened, a Deny dropped), and [`audit()`] reports the
//! weaker claim and names the value. Unknown is never proved.

mod build;
mod cfn;
mod intrinsic;
mod permission;
mod terraform;
mod widen;
mod yaml;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::account::{AccountIam, AuditOptions};
use crate::audit::judge_path;
use crate::details::InputError;
use crate::findings::{Code, Finding};
use crate::path::AuditPath;
use crate::report::{AccountReport, IdKind, RoleReport};
use lambda_trust_iam::{OrgPolicies, Policy, RoleAccount};
use lambda_trust_model::{FunctionPolicy, PathSources};

pub use cfn::{read_template, TemplateInput};
pub use terraform::{read_plan, PlanInput};

/// Why a value is not known before deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum UnknownReason {
    /// A template parameter without a default and not given with `--parameter`.
    ParameterWithoutDefault,
    /// A pseudo parameter (`AWS::Region`, `AWS::StackName`, …) not given on the command line.
    PseudoParameter,
    /// An attribute only known once the resource exists (`Fn::GetAtt`, `Ref` of a resource
    /// that is not an IAM role or managed policy).
    ResourceAttribute,
    /// An output of another stack (`Fn::ImportValue`).
    ImportValue,
    /// A condition that depends on an unknown value: both branches are read.
    UndecidedCondition,
    /// A function the reader does not evaluate (`Fn::Base64`, `Fn::Cidr`, `Fn::GetAZs`, …).
    UnevaluatedFunction,
    /// A template macro the reader does not run (a top-level `Transform` other than SAM's,
    /// a template-level `Fn::Transform`): it may rewrite the whole template, so every role's
    /// trust policy and permissions.
    Macro,
    /// A nested stack (`AWS::CloudFormation::Stack`, `AWS::Serverless::Application`), not
    /// read: it may attach policies to a role whose name it is given or that has a fixed name.
    NestedStack,
    /// Terraform: a value the plan marks unknown until apply (`after_unknown`).
    KnownAfterApply,
    /// Terraform: a value generated at apply by a `random_*` resource (`random_uuid`, …).
    GeneratedAtApply,
    /// Terraform: a data source read only at apply (its arguments were unknown at plan time).
    DataReadAtApply,
    /// Terraform: a policy ARN whose document is not in the plan (AWS managed, or made
    /// outside this configuration).
    NotInPlan,
    /// Terraform: an unknown value whose references cannot be followed to a resource of the
    /// plan (a `local`, a root variable, a registry module): it may name any role.
    UnresolvedReference,
}

/// The reason in words, as reports print it.
impl std::fmt::Display for UnknownReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UnknownReason::ParameterWithoutDefault => "a parameter without a default",
            UnknownReason::PseudoParameter => "a pseudo parameter not given",
            UnknownReason::ResourceAttribute => "known only after deployment",
            UnknownReason::ImportValue => "another stack's export",
            UnknownReason::UndecidedCondition => "an undecided condition (both branches read)",
            UnknownReason::UnevaluatedFunction => "a function not evaluated",
            UnknownReason::Macro => "a template macro, not run: it may rewrite the whole template",
            UnknownReason::NestedStack => {
                "a nested stack, not read: it may attach policies to the role"
            }
            UnknownReason::KnownAfterApply => "known only after apply",
            UnknownReason::GeneratedAtApply => "generated at apply",
            UnknownReason::DataReadAtApply => "a data source read only at apply",
            UnknownReason::NotInPlan => "a policy whose document is not in the plan",
            UnknownReason::UnresolvedReference => {
                "unknown, and its references lead to no resource of the plan"
            }
        })
    }
}

/// A value the template does not settle, and where it is used.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct Unknown {
    /// The expression, e.g. `Ref PartnerAccount`, `Fn::GetAtt Fn.Arn`.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub value: String,
    /// Why it is not known before deployment.
    pub reason: UnknownReason,
    /// Where it is used: `LogicalId.Properties.Name`.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub at: String,
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}) at {}", self.value, self.reason, self.at)
    }
}

/// A resource that can grant IAM permissions but is not read, or a template macro not run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct NotAnalysed {
    /// The logical ID (or Terraform address); a template macro's name.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub resource: String,
    /// The resource type; `Transform` for a template macro.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub resource_type: String,
    /// Its line; null when not found.
    #[cfg_attr(feature = "schemars", schemars(range(min = 1)))]
    pub line: Option<usize>,
    /// The file `line` is in, when it is not the file read (a plan's `.tf` source).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "String", length(min = 1)))]
    pub file: Option<String>,
}

/// Where a role comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct Source {
    /// The CloudFormation logical ID (or Terraform address).
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub resource: String,
    /// Its line; null when not found.
    #[cfg_attr(feature = "schemars", schemars(range(min = 1)))]
    pub line: Option<usize>,
    /// The file `line` is in, when it is not the file read (a plan's `.tf` source).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "String", length(min = 1)))]
    pub file: Option<String>,
}

/// A role's settings the audit does not use and `check --template` compares; `None`: a value
/// unknown before deployment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleSettings {
    /// The role's description (`None`: unknown before deployment).
    pub description: Option<String>,
    /// Its maximum session duration in seconds (`None`: unknown before deployment).
    pub max_session_duration: Option<i64>,
}

/// What was read: a report's heading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "lowercase")]
pub enum IacInput {
    /// A CloudFormation template.
    #[default]
    Template,
    /// A Terraform plan (`terraform show -json`).
    Plan,
}

/// A template or plan read into the audit's model.
#[derive(Debug, Clone, PartialEq)]
pub struct IacModel {
    pub(crate) input: IacInput,
    /// The account's roles and policies; `iam.account_id` is a stand-in (`000000000001`)
    /// unless `account_given`.
    pub iam: AccountIam,
    /// `--account-id` was given: without it, whether an ARN naming an account is the code's
    /// own is not known, and the whole path says so instead of judging it.
    pub(crate) account_given: bool,
    /// By role name: the resource it comes from.
    pub sources: BTreeMap<String, Source>,
    /// The values not known before deployment.
    pub unknowns: Vec<Unknown>,
    /// By role name: the indexes into `unknowns` its trust policy holds.
    pub trust_unknowns: BTreeMap<String, Vec<usize>>,
    /// By role name: the indexes into `unknowns` its permissions hold.
    pub access_unknowns: BTreeMap<String, Vec<usize>>,
    pub(crate) not_analysed: Vec<NotAnalysed>,
    /// By role name: the settings `check` compares (a role without an entry: not read).
    pub settings: BTreeMap<String, RoleSettings>,
    /// The function policies the Lambda permissions make, by function ARN (qualifier
    /// included): `AWS::Lambda::Permission`, `aws_lambda_permission`.
    pub(crate) function_policies: BTreeMap<String, Value>,
    /// The permissions whose function is not known before deployment: (resource, value).
    pub(crate) unresolved_permissions: Vec<(String, String)>,
}

fn place(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

/// A bad template or plan is an [`InputError`]: the file, the place and what to fix.
impl InputError {
    fn syntax(file: &str, line: usize, column: usize, info: &str) -> InputError {
        InputError::at(
            file,
            line,
            column,
            format!("syntax error: {info}"),
            "fix the YAML/JSON syntax at that place".to_owned(),
        )
    }

    fn at(file: &str, line: usize, column: usize, message: String, hint: String) -> InputError {
        InputError {
            file: file.to_owned(),
            place: place(Some(line), Some(column)),
            message,
            hint,
        }
    }

    fn in_file(file: &str, line: Option<usize>, message: String, hint: &str) -> InputError {
        InputError {
            file: file.to_owned(),
            place: place(line, None),
            message,
            hint: hint.to_owned(),
        }
    }
}

/// The audit of a template: the account report plus what the template left unknown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct IacReport {
    /// The audit of the accounts' model built from the file.
    #[serde(flatten)]
    pub report: AccountReport,
    /// The file read.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub source_file: String,
    /// By role name: the resource each reported role comes from.
    pub sources: BTreeMap<String, Source>,
    /// Every value the input leaves unknown before deployment (never proved: the roles
    /// holding one get the weaker claim).
    pub unknowns: Vec<Unknown>,
    /// Resources that can grant IAM permissions and are not read, and template macros not
    /// run.
    pub not_analysed: Vec<NotAnalysed>,
    /// Whether a template or a plan was read.
    #[serde(skip)]
    pub input: IacInput,
}

impl lambda_trust_verdict::Judged for IacReport {
    /// The account report's status; and Changes (exit 2) when a template macro was not run,
    /// even with no role to report: the template deployed is not the one read (a macro may
    /// add roles), so it is never clean.
    fn status(&self) -> lambda_trust_verdict::Status {
        let rewritten = self
            .unknowns
            .iter()
            .any(|u| u.reason == UnknownReason::Macro);
        match self.report.status() {
            lambda_trust_verdict::Status::Ok if rewritten => lambda_trust_verdict::Status::Changes,
            status => status,
        }
    }
}
/// Audits a template's model: `report` is `lambda_trust_audit`'s report of `model.iam`, the
/// widened documents proved (`audit_account`; the live command proves the roles on every core:
/// `app::prove_roles::prove_roles`). Each role whose documents held an unknown value gets the
/// weaker claim, naming the values; then the whole path of each role over the function
/// policies its Lambda permissions make, with the organization policies given
/// (`--org-policies`; `None`: not given, said once).
pub fn audit_proved(
    model: &IacModel,
    opts: &AuditOptions,
    source_file: &str,
    orgs: Option<OrgPolicies>,
    mut report: AccountReport,
) -> IacReport {
    let path = path(model, &report, orgs);
    judge_path(&mut report, &model.iam, opts, &path);
    for role in &mut report.roles {
        let names = |ix: Option<&Vec<usize>>| -> Vec<String> {
            ix.into_iter()
                .flatten()
                .map(|i| model.unknowns[*i].to_string())
                .collect()
        };
        let trust = names(model.trust_unknowns.get(&role.role));
        if !trust.is_empty() {
            weaker_trust(role, &trust);
        }
        let access = names(model.access_unknowns.get(&role.role));
        if !access.is_empty() {
            weaker_access(role, &access);
        }
        role.findings.sort_by_key(|f| (f.severity, f.code));
        for f in &mut role.findings {
            f.message = widen::readable(&f.message, &model.unknowns);
        }
    }
    let functions = report.path.iter_mut().flat_map(|p| &mut p.functions);
    for f in functions.flat_map(|f| &mut f.findings) {
        f.message = widen::readable(&f.message, &model.unknowns);
    }
    let sources = report
        .roles
        .iter()
        .filter_map(|r| Some((r.role.clone(), model.sources.get(&r.role)?.clone())))
        .collect();
    IacReport {
        report,
        source_file: source_file.to_owned(),
        sources,
        unknowns: model.unknowns.clone(),
        not_analysed: model.not_analysed.clone(),
        input: model.input,
    }
}

/// The policy of the function `arn` as the template or plan makes it: its permissions, none
/// when no permission names it, not known while a permission names an unknown function.
fn function_policy(model: &IacModel, arn: &str, unknown: &[String]) -> FunctionPolicy {
    match model.function_policies.get(arn) {
        _ if !unknown.is_empty() => FunctionPolicy::NotRead {
            reason: unknown.join("; "),
        },
        Some(doc) => match Policy::try_from(doc) {
            Ok(p) => FunctionPolicy::Policy(p),
            Err(e) => FunctionPolicy::NotRead {
                reason: format!("its Lambda permissions do not make a policy: {e}"),
            },
        },
        None => FunctionPolicy::None,
    }
}

/// What the path of `report`'s roles is judged on: the function policies the template's
/// Lambda permissions make (a function no permission names has none; any function may be the
/// one a permission with an unknown function names: then none is known), the organization
/// policies given, and whether the account is (`--account-id`: without it, a target naming
/// another account is judged both ways, and what differs is unknown).
fn path(model: &IacModel, report: &AccountReport, orgs: Option<OrgPolicies>) -> AuditPath {
    let not_given = orgs.is_none();
    let orgs = orgs.unwrap_or(OrgPolicies::NotRead {
        reason: "not given: give them with --org-policies DIR".into(),
    });
    let mut arns: Vec<String> = (report.roles.iter())
        .flat_map(|r| &r.invokable)
        .filter(|a| !a.contains(['*', '?']))
        .cloned()
        .collect();
    arns.extend(model.function_policies.keys().cloned());
    let unknown: Vec<String> = (model.unresolved_permissions.iter())
        .map(|(resource, value)| {
            let value = widen::readable(value, &model.unknowns);
            format!("{resource} names a function unknown before deployment ({value})")
        })
        .collect();
    let function_policies = (arns.into_iter())
        .map(|arn| {
            let policy = function_policy(model, &arn, &unknown);
            (arn, policy)
        })
        .collect();
    let accounts = std::iter::once(model.iam.account_id.clone());
    AuditPath {
        sources: PathSources {
            genesys_org: None,
            orgs: accounts.map(|a| (a, orgs.clone())).collect(),
            function_policies,
            ..PathSources::default()
        },
        functions: None,
        not_listed: Some(format!("a {} lists no functions", model.input)),
        scan: model.function_policies.keys().cloned().collect(),
        orgs_not_given: not_given,
        no_function_policies: false,
        account: match model.account_given {
            true => RoleAccount::Given,
            false => RoleAccount::StandIn {
                reason: format!(
                    "the {}'s account is not given: give it with --account-id",
                    model.input
                ),
            },
        },
    }
}

/// The trust policy held unknown values: the external IDs are not proved, whatever the
/// widened policy showed.
fn weaker_trust(role: &mut RoleReport, unknown: &[String]) {
    let id_codes = [
        Code::NoExternalId,
        Code::ExternalIdPattern,
        Code::ExternalIdUnproved,
    ];
    role.findings.retain(|f| !id_codes.contains(&f.code));
    // Widened for the unknown values, the policy lets in every account: that is not known of
    // the one deployed, so neither is "any account".
    role.assumable_by.retain(|p| p != "*");
    for f in (role.findings.iter_mut()).filter(|f| f.code == Code::OtherPrincipals) {
        let prefix = format!("{} (", crate::trust::ANY_ACCOUNT);
        if let Some(rest) = f.message.strip_prefix(&prefix) {
            f.message = rest.strip_suffix(')').unwrap_or(rest).to_owned();
        }
    }
    role.external_ids.kind = IdKind::Any;
    role.external_ids.values.clear();
    role.findings.push(Finding::new(
        Code::ExternalIdUnproved,
        format!(
            "the trust policy depends on values unknown before deployment: {}",
            unknown.join("; ")
        ),
        None,
    ));
}

/// The permissions held unknown values: what the role can do is not proved.
fn weaker_access(role: &mut RoleReport, unknown: &[String]) {
    let note = format!(
        "not proved: the role's policies depend on values unknown before deployment: {}",
        unknown.join("; ")
    );
    match role
        .findings
        .iter_mut()
        .find(|f| f.code == Code::BeyondInvoke)
    {
        Some(f) => f.message = format!("{} ({note})", f.message),
        None => role
            .findings
            .push(Finding::new(Code::BeyondInvoke, note, None)),
    }
}
