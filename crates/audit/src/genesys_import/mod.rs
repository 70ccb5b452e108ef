//! `init --from-genesys`, the pure part: which of an integration's actions the config can
//! express exactly (so that `plan --adopt` right after changes none of them), grouped into one
//! target per function ARN, and why each other action is left out.
//!
//! Part of the pure auditor: the actions come from `genesys::observe`, read in full.

pub(crate) mod text;

use std::fmt;

use serde::Serialize;

use lambda_trust_config::{
    action_rules, parse_function, DataActionConfig, FunctionRef, NO_TIMEOUT,
};
use lambda_trust_iam::{Arn, AwsResource};
use lambda_trust_model::ObservedAction;

/// Why an action is left out of the imported config (it stays in Genesys Cloud, untouched).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub enum LeftOutWhy {
    /// The request URL template is a `${…}` expression, not a literal function ARN.
    UrlExpression {
        /// The request URL template.
        url: String,
    },
    /// The request URL template is not a Lambda function ARN lambda-trust can grant.
    NotAFunction {
        /// The request URL template.
        url: String,
        /// Why it is not one.
        problem: String,
    },
    /// The function lives in another account than the role's.
    OtherAccount {
        /// The function's account.
        account: String,
    },
    /// The config would refuse it (a translation-map default that is not JSON, a success
    /// template key its output contract forbids, …): each problem, by key.
    Refused {
        /// What the config would refuse, each with its key.
        problems: Vec<String>,
    },
    /// Another imported action (`other`: its ID) has its name (a config names each action
    /// once).
    SameName {
        /// The ID of the imported action with the same name.
        other: String,
    },
}

impl fmt::Display for LeftOutWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeftOutWhy::UrlExpression { url } => {
                write!(
                    f,
                    "its request URL template {url:?} is an expression, not a function ARN"
                )
            }
            LeftOutWhy::NotAFunction { url, problem } => {
                write!(
                    f,
                    "its request URL template {url:?} is not a grantable function ARN: {problem}"
                )
            }
            LeftOutWhy::OtherAccount { account } => {
                write!(
                    f,
                    "it calls a function in account {account}, not the role's"
                )
            }
            LeftOutWhy::Refused { problems } => {
                write!(f, "the config would refuse it: {}", problems.join("; "))
            }
            LeftOutWhy::SameName { other } => {
                write!(f, "the action {other} has the same name")
            }
        }
    }
}

/// An action left out, with the function it calls when that is a literal function ARN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct LeftOut {
    /// The action's ID.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub id: String,
    /// The action's name.
    pub name: String,
    /// Why it is left out.
    pub why: LeftOutWhy,
    /// The function ARN it calls, when it is one in the role's account (kept granted).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "String", length(min = 1)))]
    pub function: Option<String>,
}

/// One `[[targets]]` of the import: a function ARN (unqualified), its qualifier, the actions
/// that call it (none: only left-out actions call it, and it stays granted).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportTarget {
    /// The function's ARN, unqualified.
    pub function: String,
    /// The qualifier the actions call (an alias or version), if any.
    pub qualifier: Option<String>,
    /// The actions that call it, as read.
    pub actions: Vec<ObservedAction>,
}

impl ImportTarget {
    /// The ARN as an action calls it (qualified when there is a qualifier).
    pub(crate) fn called_arn(&self) -> String {
        lambda_trust_iam::qualified_arn(&self.function, self.qualifier.as_deref())
    }
}

/// What `init --from-genesys` makes of an integration's actions: targets, actions that choose their
/// function at run time, and the ones left out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Import {
    /// One target per function ARN the actions call.
    pub targets: Vec<ImportTarget>,
    /// Actions whose request URL template is an expression (`[[genesys.actions]]`).
    pub dynamic: Vec<ObservedAction>,
    /// The actions left out, and why.
    pub left_out: Vec<LeftOut>,
}

/// A literal function ARN: (unqualified ARN, qualifier, account), or why not.
fn function_of(url: &str) -> Result<(String, Option<String>, String), LeftOutWhy> {
    if url.contains("${") || url.contains('$') && url.contains('{') {
        return Err(LeftOutWhy::UrlExpression { url: url.into() });
    }
    let not = |problem: String| LeftOutWhy::NotAFunction {
        url: url.into(),
        problem,
    };
    let arn = match parse_function(url) {
        Ok(FunctionRef::Arn(arn)) => arn,
        Ok(FunctionRef::Name(_)) => return Err(not("a bare name, not an ARN".into())),
        Err(e) => return Err(not(e.message)),
    };
    let unqualified = Arn::of(
        &arn.partition,
        &arn.account_id,
        AwsResource::Function {
            region: &arn.region,
            name: &arn.name,
            qualifier: None,
        },
    )
    .to_string();
    Ok((unqualified, arn.qualifier, arn.account_id))
}

/// Whether `a`'s response has a defect Genesys Cloud runs with
/// ([`lambda_trust_config::ResponseDefect`]).
fn defective(a: &ObservedAction) -> bool {
    let response = &a.def.config.response;
    !lambda_trust_config::response_defects(
        &response.success_template,
        &response.translation_map_defaults,
        &a.def.contract.success_schema,
    )
    .is_empty()
}

/// `a` as the config writes it, its contract in `contracts/{stem}.in.json` and `.out.json`:
/// every field set, the config's spelling of each (no timeout: `0`).
pub(crate) fn as_config(a: &ObservedAction, stem: &str) -> DataActionConfig {
    let (request, response) = (&a.def.config.request, &a.def.config.response);
    DataActionConfig {
        name: Some(a.def.name.clone()),
        category: Some(a.def.category.clone()),
        input_schema: Some(format!("contracts/{stem}.in.json")),
        output_schema: Some(format!("contracts/{stem}.out.json")),
        request_template: Some(request.request_template.clone()),
        success_template: Some(response.success_template.clone()),
        timeout_seconds: Some(a.def.config.timeout_seconds.unwrap_or(NO_TIMEOUT)),
        secure: Some(a.def.secure),
        request_type: Some(request.request_type.clone()),
        headers: Some(request.headers.clone()),
        translation_map: Some(response.translation_map.clone()),
        translation_map_defaults: Some(response.translation_map_defaults.clone()),
        // An action with a response defect Genesys Cloud runs with is imported as it is.
        imported: defective(a).then_some(true),
        ..DataActionConfig::default()
    }
}

/// Why the config cannot express `a` exactly (apart from the function), if it cannot: the
/// rules of one action, on `a` as the config would hold it.
fn inexpressible(a: &ObservedAction) -> Option<LeftOutWhy> {
    let schema = &a.def.contract.success_schema;
    // Latent defects (`.1`) are Genesys Cloud's to run: the action is imported exactly, and the
    // written config says them as warnings.
    let (problems, _) = action_rules("", &a.def.name, &as_config(a, "action"), schema);
    let shown = problems.iter().map(|p| {
        let key = p.field.trim_start_matches('.');
        format!("{key}: {}", p.message)
    });
    (!problems.is_empty()).then(|| LeftOutWhy::Refused {
        problems: shown.collect(),
    })
}

/// Sorts `actions` (read in full) into targets and left-out actions. `account`: the role's
/// account; a function elsewhere is left out. Targets come in the order of their first action
/// by name; a function only left-out actions call becomes a target without an action.
/// `granted`: the functions the role grants today (`init --from-genesys --from-role`); those
/// no action calls become targets without an action, so that adopting revokes nothing.
pub fn classify(
    actions: &[ObservedAction],
    account: &str,
    granted: &[(String, Option<String>)],
) -> Import {
    let mut sorted: Vec<&ObservedAction> = actions.iter().collect();
    sorted.sort_by(|a, b| (&a.def.name, &a.id).cmp(&(&b.def.name, &b.id)));
    let mut out = Import::default();
    // Imported names → the action's ID.
    let mut named: std::collections::BTreeMap<&str, &str> = Default::default();
    for a in sorted {
        let left = |why, function| LeftOut {
            id: a.id.clone(),
            name: a.def.name.clone(),
            why,
            function,
        };
        let mut why_not = || {
            if let Some(other) = named.get(a.def.name.as_str()) {
                let other = other.to_string();
                return Some(LeftOutWhy::SameName { other });
            }
            let why = inexpressible(a);
            if why.is_none() {
                named.insert(&a.def.name, &a.id);
            }
            why
        };
        let (function, qualifier, acct) = match function_of(a.def.function_arn()) {
            Ok(f) => f,
            // Chooses its function at run time: `[[genesys.actions]]`.
            Err(LeftOutWhy::UrlExpression { .. }) => {
                match why_not() {
                    None => out.dynamic.push(a.clone()),
                    Some(why) => out.left_out.push(left(why, None)),
                }
                continue;
            }
            Err(why) => {
                out.left_out.push(left(why, None));
                continue;
            }
        };
        if acct != account {
            out.left_out
                .push(left(LeftOutWhy::OtherAccount { account: acct }, None));
            continue;
        }
        let target = target_for(&mut out.targets, function, qualifier);
        match why_not() {
            Some(why) => out.left_out.push(left(why, Some(target.called_arn()))),
            None => target.actions.push(a.clone()),
        }
    }
    for (function, qualifier) in granted {
        target_for(&mut out.targets, function.clone(), qualifier.clone());
    }
    out
}

fn target_for(
    targets: &mut Vec<ImportTarget>,
    function: String,
    qualifier: Option<String>,
) -> &mut ImportTarget {
    let pos = targets
        .iter()
        .position(|t| t.function == function && t.qualifier == qualifier);
    let pos = pos.unwrap_or_else(|| {
        targets.push(ImportTarget {
            function,
            qualifier,
            actions: Vec::new(),
        });
        targets.len() - 1
    });
    &mut targets[pos]
}
