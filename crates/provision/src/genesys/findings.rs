//! `check` findings and `verify` checks for the Genesys Cloud side.
//!
//! Part of the pure model. Severity: anything that lets Genesys Cloud reach another role
//! or a function that is not a target is `security` (a credential changed outside lambda-trust,
//! a credential binding swapped, an action calling a non-target); templates, schemas, timeouts,
//! names and a disabled or missing object are `config`.

use super::describe::{action_doc, describe_genesys, flows_text};
use super::plan::{as_observed, ConfigReason, DeleteWhy, GenesysOp, GenesysPlan};
use crate::drift::{check_finding, json_diff, one_per_resource_and_code, Code, Finding, Remedy};
use crate::verify::{Check, CheckId};
use lambda_trust_model::{ObservedFunction, *};

/// A finding and the Genesys Cloud entity it is about (`Action`, `Integration`,
/// `Credential` and its ID), so the audit trail can say who changed it.
#[derive(Debug, Clone, PartialEq)]
pub struct GenesysFinding {
    /// The finding.
    pub finding: Finding,
    /// The entity's type and ID, when the finding is about one.
    pub entity: Option<(&'static str, String)>,
}

fn is_target(desired: &DesiredGenesys, arn: &str) -> bool {
    desired.actions.iter().any(|a| a.def.function_arn() == arn)
        || desired.granted.iter().any(|g| g == arn)
}

/// The findings a Genesys plan stands for, plus foreign actions that call a non-target.
pub fn genesys_findings(desired: &DesiredGenesys, plan: &GenesysPlan) -> Vec<GenesysFinding> {
    let mut out: Vec<GenesysFinding> = plan
        .ops
        .iter()
        .flat_map(|op| refused_by_apply(op, op_findings(desired, op)))
        .collect();
    for a in &plan.foreign {
        if !is_target(desired, a.def.function_arn()) {
            out.push(GenesysFinding {
                finding: Finding::new(
                    Code::GenesysForeignAction,
                    super::describe::action_resource(&a.def.name),
                    format!(
                        "action {:?} ({}) in lambda-trust's integration, not created by lambda-trust, calls {}, which is not a target",
                        a.def.name, a.id, a.def.function_arn()
                    ),
                ),
                entity: Some(("Action", a.id.clone())),
            });
        }
    }
    out
}

/// An action `apply` would write new with a response defect is refused by it
/// ([`GenesysPlan::refuse`]): its findings' remedy is the config's fix.
fn refused_by_apply(op: &GenesysOp, mut findings: Vec<GenesysFinding>) -> Vec<GenesysFinding> {
    let GenesysOp::CreateAction { action, .. } = op else {
        return findings;
    };
    let defects = super::plan::response_defects(&action.def);
    if defects.is_empty() {
        return findings;
    }
    let fixes: Vec<String> = (defects.iter())
        .map(|d| format!("{d}: {}", d.fix()))
        .collect();
    let step = format!(
        "change the config first — apply refuses to write action {:?} as it is: {}; then run `lambda-trust apply`",
        action.def.name,
        fixes.join("; ")
    );
    for f in &mut findings {
        f.finding.remedy = Remedy::Outside { step: step.clone() };
    }
    findings
}

/// While `plan` writes an action new (or changes one) with a response defect, `apply` refuses
/// before any write, on both sides: every finding it would repair is the config's fix first.
pub(crate) fn refused_whole(findings: &mut [Finding], plan: &GenesysPlan) {
    let Err(super::plan::GenesysPlanError::Defective(found)) = plan.refuse_defective_writes()
    else {
        return;
    };
    let fixes: Vec<String> = (found.iter())
        .map(|(name, d)| format!("action {name:?}: {d}: {}", d.fix()))
        .collect();
    let step = format!(
        "change the config first — apply refuses to write anything, on either side, until then: {}; then run `lambda-trust apply`",
        fixes.join("; ")
    );
    refuse(findings, &step);
}

/// While the organization Genesys Cloud signs in to is not the configured external ID, `apply`
/// refuses before any write, on both sides (`check_external_id`): every finding it would
/// repair is the config's fix first. The external ID is part of the role's identity (its
/// `lambda-trust:config` tag), so a role already there is taken with `--adopt`.
pub(crate) fn refused_external_id(
    findings: &mut [Finding],
    configured: &str,
    observed: &ObservedGenesys,
    role_exists: bool,
) {
    let Some(org) = observed.organization_id.as_deref() else {
        return;
    };
    let Err(refused) = crate::plan::check_external_id(configured, org) else {
        return;
    };
    let fix = lambda_trust_verdict::Hinted::hint(&refused).unwrap_or_default();
    let apply = if role_exists {
        "apply --adopt"
    } else {
        "apply"
    };
    let step = format!(
        "change the config first — apply refuses to write anything, on either side, while trust.external_id {configured} is not the ID of organization {org}, which Genesys Cloud signs in to: {fix}; then run `lambda-trust {apply}`"
    );
    refuse(findings, &step);
}

fn refuse(findings: &mut [Finding], step: &str) {
    for f in findings {
        if matches!(f.remedy, Remedy::Apply | Remedy::ApplyAdopt) {
            f.remedy = Remedy::Outside {
                step: step.to_owned(),
            };
        }
        refuse(&mut f.related, step);
    }
}

/// An action whose contract differs from the config: replaced by a new one.
fn replaced_text(name: &str, r: &super::plan::Replaced) -> String {
    format!(
        "action {name:?} ({}): its {} differs from the config; a published contract never changes, so apply replaces it with a new action (new ID){}",
        r.id,
        r.differs.join(", "),
        if r.kept { " and keeps the old one while flows call it" } else { "" }
    )
}

/// An action deleted because its function is no longer a target (or never was one).
fn retired(
    desired: &DesiredGenesys,
    id: &str,
    name: &str,
    function_arn: &str,
    flows: Option<&[Flow]>,
) -> (Code, String) {
    let code = match is_target(desired, function_arn) {
        true => Code::GenesysActionRetired,
        false => Code::GenesysActionNotTarget,
    };
    let message = format!(
        "action {name:?} ({id}) calls {function_arn}, which is no longer a target ({})",
        flows_text(flows)
    );
    (code, message)
}

/// One finding about `resource`, with the Genesys Cloud entity its audit trail is read for.
fn one_finding(
    resource: &str,
    code: Code,
    message: String,
    entity: Option<(&'static str, String)>,
) -> Vec<GenesysFinding> {
    let finding = Finding::new(code, resource.to_owned(), message);
    vec![GenesysFinding { finding, entity }]
}

fn op_findings(desired: &DesiredGenesys, op: &GenesysOp) -> Vec<GenesysFinding> {
    let v = describe_genesys(op);
    let one = |code, message, entity| one_finding(&v.resource, code, message, entity);
    match op {
        GenesysOp::UpdateCredential { id, reason, .. } => one(
            Code::GenesysCredentialChanged,
            format!("credential {id}: {reason}"),
            Some(("Credential", id.clone())),
        ),
        GenesysOp::PutConfig(w) => match config_finding(w) {
            Some((code, message)) => one(code, message, integration_entity(&w.integration)),
            None => Vec::new(),
        },
        GenesysOp::UpdateAction {
            id,
            action,
            category,
            before,
            ..
        } => action_findings(desired, &v.resource, id, action, category, before),
        GenesysOp::CreateAction {
            replaces: Some(r),
            action,
            ..
        } => one(
            Code::GenesysActionReplaced,
            replaced_text(&action.def.name, r),
            Some(("Action", r.id.clone())),
        ),
        // The rename and the delete of a replaced action are part of its replacement's finding.
        GenesysOp::SupersedeAction { .. }
        | GenesysOp::DeleteAction {
            why: DeleteWhy::Replaced | DeleteWhy::Superseded,
            ..
        } => Vec::new(),
        GenesysOp::DeleteAction {
            id,
            name,
            function_arn,
            flows,
            ..
        } => {
            let (code, message) = retired(desired, id, name, function_arn, flows.as_deref());
            one(code, message, Some(("Action", id.clone())))
        }
        GenesysOp::Enable { integration, .. } => one(
            Code::GenesysDisabled,
            format!("{}: data actions do not run", v.detail),
            integration_entity(integration),
        ),
        _ => one(
            Code::GenesysMissing,
            format!("not created yet: {}", v.detail),
            None,
        ),
    }
}

fn integration_entity(r: &super::plan::IntegrationRef) -> Option<(&'static str, String)> {
    match r {
        super::plan::IntegrationRef::Existing(id) => Some(("Integration", id.clone())),
        super::plan::IntegrationRef::Created => None,
    }
}

/// The finding a config rewrite stands for, if any: rewriting the ledger after another op, or
/// to bring its records up to date, is bookkeeping, not a finding of its own; a swapped
/// credential binding is `security`.
fn config_finding(w: &super::plan::ConfigWrite) -> Option<(Code, String)> {
    let own: Vec<&ConfigReason> = w.reasons.iter().filter(|r| !r.is_consequence()).collect();
    if own.is_empty() {
        return None;
    }
    let swapped = own
        .iter()
        .any(|r| matches!(r, ConfigReason::CredentialSwapped { .. }));
    let code = if swapped {
        Code::GenesysCredentialSwapped
    } else {
        Code::GenesysConfigDiffers
    };
    let text: Vec<String> = own.iter().map(ToString::to_string).collect();
    Some((code, format!("integration config: {}", text.join("; "))))
}

/// The differing fields of an owned action: one finding for the fields that differ, one for
/// a call to a function that is not a target (each place in `changes`).
fn action_findings(
    desired: &DesiredGenesys,
    resource: &str,
    id: &str,
    action: &DesiredAction,
    category: &str,
    before: &ObservedAction,
) -> Vec<GenesysFinding> {
    let want = action_doc(&as_observed(action, category, id, before.version));
    let have = action_doc(before);
    let findings = json_diff(&want, &have)
        .into_iter()
        .map(|(path, expected, actual)| {
            let security = path.starts_with(".requestUrlTemplate")
                && !is_target(desired, before.def.function_arn());
            let what = if security {
                format!(
                    "action {:?} calls {}, which is not a target",
                    before.def.name,
                    before.def.function_arn()
                )
            } else {
                format!(
                    "action {:?}: {} differs",
                    before.def.name,
                    path.trim_start_matches('.')
                )
            };
            let code = if security {
                Code::GenesysActionNotTarget
            } else {
                Code::GenesysActionDiffers
            };
            Finding::new(code, resource, what)
                .at(path)
                .values(expected, actual)
        });
    one_per_resource_and_code(findings)
        .into_iter()
        .map(|finding| GenesysFinding {
            finding,
            entity: Some(("Action", id.to_string())),
        })
        .collect()
}

/// `verify`'s Genesys checks: the integration's (it is enabled, its credential is
/// lambda-trust's, unchanged and holds the role the AWS side proved — `aws_role_arn`, the live
/// role's ARN —, every target has an action calling exactly its ARN, and no action in the
/// integration calls anything else), then the actions' timeouts against the functions as read
/// (`functions`: a function allowed to run longer than its action waits).
pub fn genesys_checks(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    aws_role_arn: Option<&str>,
    functions: &[ObservedFunction],
) -> Vec<Check> {
    let mut checks = integration_checks(desired, observed, aws_role_arn);
    checks.extend(timeout_check(desired, functions));
    checks
}

/// The integration's checks: it is enabled, its credential is lambda-trust's, unchanged and
/// holds the role the AWS side proved (`aws_role_arn`, the live role's ARN), every target has
/// an action calling exactly its ARN, and no action in the integration calls anything else.
pub(crate) fn integration_checks(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    aws_role_arn: Option<&str>,
) -> Vec<Check> {
    let check = |code: CheckId, name: String, passed: bool, detail: String| Check {
        code,
        name,
        passed,
        detail,
    };
    let Some(i) = &observed.integration else {
        return vec![check(
            CheckId::GenesysIntegrationExists,
            "genesys: integration exists".into(),
            false,
            match &desired.integration_id {
                Some(id) => format!("no {INTEGRATION_TYPE} integration has the ID {id}"),
                None => format!("no integration named {:?}", desired.integration),
            },
        )];
    };
    let ledger = i.ledger().unwrap_or_default();
    let mut out = vec![check(
        CheckId::GenesysIntegrationEnabled,
        "genesys: integration is enabled".into(),
        i.intended_state == ENABLED,
        format!("{:?} ({}) is {}", i.name, i.id, i.intended_state),
    )];
    out.push(credential_check(
        desired,
        observed,
        i,
        &ledger,
        aws_role_arn,
    ));
    out.extend((desired.actions.iter()).map(|d| action_check(d, observed, &ledger)));
    out.extend(super::plan::reaches(desired).iter().map(|r| {
        check(
            CheckId::GenesysActionCalls,
            format!("genesys: action {:?} reaches only granted targets", r.name),
            !r.targets.is_empty(),
            reach_text(r),
        )
    }));
    out.push(stray_check(desired, observed));
    out
}

/// One desired action: lambda-trust's action of that name exists and calls exactly its ARN.
fn action_check(d: &DesiredAction, observed: &ObservedGenesys, ledger: &Ledger) -> Check {
    let a = (observed.actions.iter())
        .find(|a| a.def.name == d.def.name && ledger.record(&a.id).is_some());
    Check {
        code: match a {
            Some(_) => CheckId::GenesysActionCalls,
            None => CheckId::GenesysActionExists,
        },
        name: format!(
            "genesys: action {:?} calls exactly {}",
            d.def.name,
            d.def.function_arn()
        ),
        passed: a.is_some_and(|a| a.def.function_arn() == d.def.function_arn()),
        detail: match a {
            Some(a) => format!("action {} calls {}", a.id, a.def.function_arn()),
            None => "no such action created by lambda-trust".into(),
        },
    }
}

/// No action in the integration calls a function that is not a target.
fn stray_check(desired: &DesiredGenesys, observed: &ObservedGenesys) -> Check {
    let strays: Vec<String> = (observed.actions.iter())
        .filter(|a| !is_target(desired, a.def.function_arn()))
        .map(|a| format!("{:?} ({}) calls {}", a.def.name, a.id, a.def.function_arn()))
        .collect();
    Check {
        code: CheckId::GenesysNoStrayAction,
        name: "genesys: no action in the integration calls a function that is not a target".into(),
        passed: strays.is_empty(),
        detail: if strays.is_empty() {
            format!("{} action(s), all calling targets", observed.actions.len())
        } else {
            strays.join("; ")
        },
    }
}

/// A data action times out after its `timeoutSeconds` (1–60); a function allowed to run
/// longer fails in the flow as a timeout while Lambda keeps running it (Genesys Resource
/// Center, custom action configuration). One check over every action whose function's timeout
/// was read for exactly the qualifier it calls; `None` when none was.
pub(crate) fn timeout_check(
    desired: &DesiredGenesys,
    functions: &[ObservedFunction],
) -> Option<Check> {
    let timeout_of = |arn: &str| {
        functions.iter().find_map(|f| {
            let base = f.arn.as_deref()?;
            let called = match f.qualifier.as_deref().filter(|q| *q != "*") {
                Some(q) => format!("{base}:{q}"),
                None => base.to_string(),
            };
            (called == arn).then_some(f.timeout).flatten()
        })
    };
    let known: Vec<(&DesiredAction, i64)> = desired
        .actions
        .iter()
        .filter_map(|a| Some((a, timeout_of(a.def.function_arn())?)))
        .collect();
    if known.is_empty() {
        return None;
    }
    let over: Vec<String> = known
        .iter()
        .filter(|(a, t)| *t > a.def.config.timeout_limit())
        .map(|(a, t)| {
            format!(
                "action {:?} gives up after {} s but {} may run {t} s",
                a.def.name,
                a.def.config.timeout_limit(),
                a.def.function_arn()
            )
        })
        .collect();
    Some(Check {
        code: CheckId::GenesysTimeoutFits,
        name: "genesys: every function finishes within its action's timeout".into(),
        passed: over.is_empty(),
        detail: match over.is_empty() {
            true => format!(
                "{} action(s) with their function's timeout read",
                known.len()
            ),
            false => format!(
                "{}: the flow takes the failure path while Lambda keeps running the function; \
                 lower the function's timeout or raise timeout_seconds (at most 60)",
                over.join("; ")
            ),
        },
    })
}

fn credential_check(
    desired: &DesiredGenesys,
    observed: &ObservedGenesys,
    i: &ObservedIntegration,
    ledger: &Ledger,
    aws_role_arn: Option<&str>,
) -> Check {
    let name = "genesys: the integration's credential holds the role proved on the AWS side";
    let problem = match (&observed.credential, aws_role_arn) {
        (_, None) => Some("the AWS role does not exist".to_string()),
        (None, _) => Some("lambda-trust's credential does not exist".to_string()),
        (Some(c), Some(role)) => {
            if i.bound_credential.as_deref() != Some(c.id.as_str()) {
                Some(format!(
                    "the integration is bound to {}, not lambda-trust's credential {}",
                    i.bound_credential.as_deref().unwrap_or("no credential"),
                    c.id
                ))
            } else if role != desired.role_arn {
                Some(format!("the AWS role is {role}, not {}", desired.role_arn))
            } else {
                super::plan::credential_drift(desired, ledger, c).or_else(|| {
                    match &c.since_ledger {
                        SinceLedger::Unknown(why) => Some(format!(
                            "not proved unchanged since lambda-trust wrote it: {why}"
                        )),
                        _ => None,
                    }
                })
            }
        }
    };
    Check {
        code: CheckId::GenesysCredential,
        name: name.into(),
        passed: problem.is_none(),
        detail: problem.unwrap_or_else(|| {
            format!(
                "credential {} holds {} (written by lambda-trust at {}, unchanged since)",
                ledger.credential_id, desired.role_arn, ledger.credential_modified
            )
        }),
    }
}

/// `verify`'s failed Genesys checks as `check` findings (kind `verify`), so CI sees what
/// `verify` sees: an integration that is missing or disabled, or an action that is missing, is
/// an outage (`config`); anything else that fails lets Genesys Cloud reach what it should not,
/// or is unproved (`security`).
pub(crate) fn genesys_check_findings(checks: &[Check]) -> Vec<Finding> {
    checks
        .iter()
        .filter(|c| !c.passed && c.code.is_genesys())
        .map(|c| check_finding(c, "verification"))
        .collect()
}

/// What `plan` and `check` say that is not drift: superseded actions kept because a flow still
/// calls them, and a dependency lookup that could not be made.
/// What an action that chooses its function at run time can reach; a security note when that
/// is more than one function (any input can pick another).
pub(crate) fn reach_text(r: &super::plan::Reach) -> String {
    let what = format!(
        "genesys action {:?} chooses its function at run time ({}): it can reach {} target(s) the role grants",
        r.name,
        r.template,
        r.targets.len()
    );
    match r.targets.len() {
        0 => format!("{what}; it can invoke none (every call fails)"),
        1 => format!("{what}: {}", r.targets[0]),
        _ => format!(
            "{what}: {}; security note: the flow's input picks which, so any of them can be invoked through it",
            r.targets.join(", ")
        ),
    }
}

/// Targets in another region than the organization's: invoked (Genesys Cloud supports
/// cross-region invocation), worth knowing for latency and data residency.
fn elsewhere_text(e: &super::plan::Elsewhere) -> String {
    format!(
        "{} target(s) outside the Genesys Cloud organization's region ({}): {}; Genesys Cloud \
         invokes functions in other regions, each call crossing regions (latency) and its data \
         leaving {} (data residency)",
        e.targets.len(),
        e.region,
        e.targets.join(", "),
        e.region
    )
}

/// What the reader of a Genesys Cloud plan should know that is not drift: actions kept or waiting
/// in a draft, what dynamic actions reach, targets in other regions, and flows that could not be
/// looked up.
pub fn genesys_notes(plan: &GenesysPlan, lookup_error: Option<String>) -> Vec<String> {
    let mut out: Vec<String> = plan
        .kept
        .iter()
        .map(|k| {
            format!(
                "genesys action {:?} ({}) was replaced after a contract change and is kept: {}; apply deletes it once no published flow does",
                k.name,
                k.id,
                flows_text(k.flows.as_deref())
            )
        })
        .collect();
    out.extend(plan.reach.iter().map(reach_text));
    out.extend(plan.elsewhere.as_ref().map(elsewhere_text));
    out.extend(plan.pending.iter().map(|p| {
        format!(
            "genesys action {:?} ({}): its draft holds the configured {} while the published action does not; `apply --publish` publishes it",
            p.name,
            p.id,
            p.differs.join(", ")
        )
    }));
    if let Some(e) = lookup_error {
        out.push(format!("which flows call the actions is unknown: {e}"));
    }
    out
}
