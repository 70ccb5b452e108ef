//! `init --from-genesys`, the pure part: which of an integration's actions the config can
//! express exactly (so that `plan --adopt` right after changes none of them), grouped into one
//! target per function ARN, and why each other action is left out.
//!
//! Part of the pure `core` layer: the actions come from `genesys::observe`, read in full.

use std::fmt;

use serde::Serialize;

use super::state::ObservedAction;
use crate::config::genesys::TIMEOUT_RANGE;
use crate::config::{check_qualifier, parse_function, FunctionRef};

/// Why an action is left out of the imported config (it stays in Genesys Cloud, untouched).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
#[schemars(deny_unknown_fields)]
pub enum LeftOutWhy {
    /// The request URL template is a `${…}` expression, not a literal function ARN.
    UrlExpression { url: String },
    /// The request URL template is not a Lambda function ARN lambda-trust can grant.
    NotAFunction { url: String, problem: String },
    /// The function lives in another account than the role's.
    OtherAccount { account: String },
    /// A timeout outside the 1–60 seconds the config takes (0: none set).
    Timeout { seconds: i64 },
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
            LeftOutWhy::Timeout { seconds: 0 } => {
                write!(f, "it sets no timeout (the config takes 1–60 seconds)")
            }
            LeftOutWhy::Timeout { seconds } => {
                write!(f, "its timeout {seconds} s is outside 1–60 seconds")
            }
        }
    }
}

/// An action left out, with the function it calls when that is a literal function ARN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LeftOut {
    #[schemars(length(min = 1))]
    pub id: String,
    pub name: String,
    pub why: LeftOutWhy,
    /// The function ARN it calls, when it is one in the role's account (kept granted).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1))]
    pub function: Option<String>,
}

/// One `[[targets]]` of the import: a function ARN (unqualified), its qualifier, the actions
/// that call it (none: only left-out actions call it, and it stays granted).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportTarget {
    pub function: String,
    pub qualifier: Option<String>,
    pub actions: Vec<ObservedAction>,
}

impl ImportTarget {
    /// The ARN as an action calls it (qualified when there is a qualifier).
    pub fn called_arn(&self) -> String {
        match &self.qualifier {
            Some(q) => format!("{}:{q}", self.function),
            None => self.function.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Import {
    pub targets: Vec<ImportTarget>,
    /// Actions whose request URL template is an expression (`[[genesys.actions]]`).
    pub dynamic: Vec<ObservedAction>,
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
    if let Some(q) = &arn.qualifier {
        check_qualifier(q).map_err(|e| not(e.message))?;
    }
    let unqualified = format!(
        "arn:{}:lambda:{}:{}:function:{}",
        arn.partition, arn.region, arn.account_id, arn.name
    );
    Ok((unqualified, arn.qualifier, arn.account_id))
}

/// Why the config cannot express `a` exactly (apart from the function), if it cannot.
fn inexpressible(a: &ObservedAction) -> Option<LeftOutWhy> {
    (!TIMEOUT_RANGE.contains(&a.def.config.timeout_seconds)).then_some(LeftOutWhy::Timeout {
        seconds: a.def.config.timeout_seconds,
    })
}

/// Sorts `actions` (read in full) into targets and left-out actions. `account`: the role's
/// account; a function elsewhere is left out. Targets come in the order of their first action
/// by name; a function only left-out actions call becomes a target without an action.
pub fn classify(actions: &[ObservedAction], account: &str) -> Import {
    let mut sorted: Vec<&ObservedAction> = actions.iter().collect();
    sorted.sort_by(|a, b| (a.name(), &a.id).cmp(&(b.name(), &b.id)));
    let mut out = Import::default();
    for a in sorted {
        let left = |why, function| LeftOut {
            id: a.id.clone(),
            name: a.def.name.clone(),
            why,
            function,
        };
        let (function, qualifier, acct) = match function_of(a.function_arn()) {
            Ok(f) => f,
            // Chooses its function at run time: `[[genesys.actions]]`.
            Err(LeftOutWhy::UrlExpression { .. }) => {
                match inexpressible(a) {
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
        match inexpressible(a) {
            Some(why) => out.left_out.push(left(why, Some(target.called_arn()))),
            None => target.actions.push(a.clone()),
        }
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

/// Adds the functions the role grants today that no action calls as targets without an action
/// (`init --from-genesys --from-role`), so that adopting revokes nothing.
pub fn add_granted(import: &mut Import, granted: &[(String, Option<String>)]) {
    for (function, qualifier) in granted {
        target_for(&mut import.targets, function.clone(), qualifier.clone());
    }
}
