//! What a target's `function` names: a Lambda function ARN or a bare name, and its qualifier.
//!
//! Part of the `config` layer (shared with the model's `render`).

use super::model::TargetConfig;
use super::rules::{
    is_account_id, is_function_name, is_function_name_char, is_region, is_region_shape, show,
};
use lambda_trust_iam::{partition_of_region, Arn, PARTITIONS};
use lambda_trust_verdict::Problem;

/// A parsed Lambda function ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionArn {
    /// The partition: `aws`, `aws-cn`, `aws-us-gov`, …
    pub partition: String,
    /// The function's region.
    pub region: String,
    /// The function's account (12 digits).
    pub account_id: String,
    /// The function's name.
    pub name: String,
    /// The alias or version after the name, if the ARN has one.
    pub qualifier: Option<String>,
}

/// What a target's `function` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FunctionRef {
    /// A function ARN, possibly with a qualifier.
    Arn(FunctionArn),
    /// A bare name, resolved against a region and the role's account.
    Name(String),
}

/// A function reference or qualifier that breaks a rule: the message alone.
fn rule(message: String) -> Problem {
    Problem {
        message,
        hint: None,
    }
}

/// The rule broken, with what to write instead.
fn with_hint(mut problem: Problem, hint: &str) -> Problem {
    problem.hint = Some(hint.to_string());
    problem
}

/// Parses a target's `function`: `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`
/// or a bare name.
pub fn parse_function(s: &str) -> Result<FunctionRef, Problem> {
    if s.starts_with("arn:") {
        parse_function_arn(s).map(FunctionRef::Arn)
    } else {
        parse_function_name(s).map(FunctionRef::Name)
    }
}

fn parse_function_name(s: &str) -> Result<String, Problem> {
    if s.contains(':') {
        return Err(with_hint(
            rule(format!(
                "{} is neither a Lambda function ARN nor a bare function name",
                show(s)
            )),
            "write the full ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME) or just the name",
        ));
    }
    if !is_function_name(s) {
        return Err(rule(format!(
            "{} is not a valid function name (1–64 of [a-zA-Z0-9-_])",
            show(s)
        )));
    }
    Ok(s.to_string())
}

fn parse_function_arn(s: &str) -> Result<FunctionArn, Problem> {
    const SHAPE: &str = "arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]";
    let bad = |why: String| {
        rule(format!(
            "{} is not a Lambda function ARN ({SHAPE}): {why}",
            show(s)
        ))
    };
    let parts = s.split(':').count();
    let Some(arn) = Arn::parse(s).filter(|_| parts == 7 || parts == 8) else {
        return Err(bad(format!("it has {parts} colon-separated parts")));
    };
    let (kind, rest) = arn.resource.split_once(':').unwrap_or((&arn.resource, ""));
    let (name, qualifier) = match rest.split_once(':') {
        Some((n, q)) => (n, Some(q)),
        None => (rest, None),
    };
    if let Some(why) = function_arn_problem(&arn, kind, name) {
        return Err(bad(why));
    }
    let qualifier = match qualifier {
        Some(q) => {
            check_qualifier(q)?;
            Some(q.to_string())
        }
        None => None,
    };
    Ok(FunctionArn {
        partition: arn.partition.clone(),
        region: arn.region.clone(),
        account_id: arn.account.clone(),
        name: name.to_string(),
        qualifier,
    })
}

/// Why an ARN (of the right shape) does not name a Lambda function: the first broken part.
fn function_arn_problem(arn: &Arn, kind: &str, name: &str) -> Option<String> {
    let (partition, service, region, account) = (
        arn.partition.as_str(),
        arn.service.as_str(),
        arn.region.as_str(),
        arn.account.as_str(),
    );
    if !PARTITIONS.contains(&partition) {
        return Some(format!(
            "partition {} is not aws, aws-cn, aws-us-gov or aws-eusc",
            show(partition)
        ));
    }
    if service != "lambda" {
        return Some(format!("service {} is not lambda", show(service)));
    }
    if !is_region(region) {
        return Some(format!("region {} is not valid", show(region)));
    }
    if partition_of_region(region) != Some(partition) {
        return Some(format!(
            "region {} is not in partition {partition}",
            show(region)
        ));
    }
    if !is_account_id(account) {
        return Some(format!("account {} is not 12 digits", show(account)));
    }
    if kind != "function" {
        return Some(format!("resource type {} is not function", show(kind)));
    }
    if !is_function_name(name) {
        return Some(format!("name {} is not 1–64 of [a-zA-Z0-9-_]", show(name)));
    }
    None
}

/// A qualifier is a version number, an alias, or `*` for every qualifier (docs/aws-behaviour.md, "Lambda": grant
/// exactly the ARNs that will be invoked).
pub(crate) fn check_qualifier(q: &str) -> Result<(), Problem> {
    if q == "*" {
        return Ok(());
    }
    if q == "$LATEST" {
        return Err(with_hint(
            rule("$LATEST is not granted as a qualifier".into()),
            "remove the qualifier: the unqualified function ARN grants invoking $LATEST",
        ));
    }
    if q.contains('*') || q.contains('?') {
        return Err(with_hint(
            rule(format!(
                "{} mixes a wildcard with a name (only a lone \"*\" is allowed)",
                show(q)
            )),
            "a pattern like f* also matches other functions; use \"*\" for every qualifier",
        ));
    }
    if !(1..=128).contains(&q.len()) || !q.chars().all(is_function_name_char) {
        return Err(rule(format!(
            "{} is not a valid qualifier (a version number, an alias of 1–128 [a-zA-Z0-9-_], or \"*\")",
            show(q)
        )));
    }
    Ok(())
}

pub(super) fn partition_note(region: &str) -> &'static str {
    if is_region_shape(region) && partition_of_region(region).is_none() {
        "; isolated partitions are not supported"
    } else {
        ""
    }
}

/// A target's identity as far as its config and the defaults determine it: its function's ARN
/// parts and qualifier (from the ARN or from `qualifier`). `account` is `None` while the role's
/// account is not known (a bare name is in the role's account), the same for every bare name.
/// The one resolution of a target: `config::validate` checks it, the model's `render` grants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetIdentity {
    /// The partition of the target's region.
    pub partition: String,
    /// The function's region: the ARN's, else the target's `region`, else the default one.
    pub region: String,
    /// The function's account: the ARN's, else the role's once known.
    pub account: Option<String>,
    /// The function's name.
    pub name: String,
    /// The qualifier granted: the ARN's, else `qualifier`; `*` for every one.
    pub qualifier: Option<String>,
}

impl TargetIdentity {
    /// `*` grants the unqualified ARN and every qualifier: whether `self` already grants
    /// `other`, a qualified entry of the same function.
    pub(crate) fn covers(&self, other: &TargetIdentity) -> bool {
        self.qualifier.as_deref() == Some("*")
            && self.partition == other.partition
            && self.region == other.region
            && self.account == other.account
            && self.name == other.name
            && other.qualifier.as_deref() != Some("*")
    }
}

/// Why a target has no identity. Each caller words it for its own report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetProblem {
    /// `qualifier` is not a valid alias, version or `*`.
    Qualifier(Problem),
    /// `function` is neither a function ARN nor a bare name.
    Function(Problem),
    /// The ARN has a qualifier and `qualifier` gives one too.
    QualifierTwice,
    /// `region` is set and differs from the ARN's.
    RegionContradictsArn {
        /// The target's `region`.
        region: String,
        /// The ARN's region.
        arn_region: String,
    },
    /// A bare name with neither its own region nor a default one.
    NoRegion {
        /// The function's name.
        name: String,
    },
    /// A bare name's region (its own or the default) is not a region.
    BadRegion {
        /// The value given.
        region: String,
    },
}

/// Resolves `target` against the default region (`[aws].region`, or the run's) and the role's
/// account; every problem found, not just the first.
pub fn target_identity(
    target: &TargetConfig,
    default_region: Option<&str>,
    role_account: Option<&str>,
) -> Result<TargetIdentity, Vec<TargetProblem>> {
    let mut problems = Vec::new();
    if let Some(q) = &target.qualifier {
        if let Err(e) = check_qualifier(q) {
            problems.push(TargetProblem::Qualifier(e));
        }
    }
    let identity = match parse_function(&target.function) {
        Err(e) => {
            problems.push(TargetProblem::Function(e));
            None
        }
        Ok(FunctionRef::Arn(arn)) => Some(arn_identity(target, arn, &mut problems)),
        Ok(FunctionRef::Name(name)) => {
            let region = target.region.as_deref().or(default_region);
            name_identity(target, name, region, role_account, &mut problems)
        }
    };
    match identity {
        Some(identity) if problems.is_empty() => Ok(identity),
        _ => Err(problems),
    }
}

/// A target named by its ARN: the ARN's parts, its qualifier or the target's (not both), and
/// a `region` that must agree with the ARN's.
fn arn_identity(
    target: &TargetConfig,
    arn: FunctionArn,
    problems: &mut Vec<TargetProblem>,
) -> TargetIdentity {
    if arn.qualifier.is_some() && target.qualifier.is_some() {
        problems.push(TargetProblem::QualifierTwice);
    }
    if let Some(region) = target.region.as_ref().filter(|r| **r != arn.region) {
        problems.push(TargetProblem::RegionContradictsArn {
            region: region.clone(),
            arn_region: arn.region.clone(),
        });
    }
    TargetIdentity {
        partition: arn.partition,
        region: arn.region,
        account: Some(arn.account_id),
        name: arn.name,
        qualifier: arn.qualifier.or_else(|| target.qualifier.clone()),
    }
}

/// A target named by a bare name: in `region` (its own or the default one), which must be a
/// region, and in the role's account.
fn name_identity(
    target: &TargetConfig,
    name: String,
    region: Option<&str>,
    role_account: Option<&str>,
    problems: &mut Vec<TargetProblem>,
) -> Option<TargetIdentity> {
    match region.map(|r| (r, partition_of_region(r).filter(|_| is_region(r)))) {
        None => {
            problems.push(TargetProblem::NoRegion { name });
            None
        }
        Some((region, None)) => {
            problems.push(TargetProblem::BadRegion {
                region: region.to_string(),
            });
            None
        }
        Some((region, Some(partition))) => Some(TargetIdentity {
            partition: partition.to_string(),
            region: region.to_string(),
            account: role_account.map(str::to_string),
            name,
            qualifier: target.qualifier.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(function: &str, region: Option<&str>, qualifier: Option<&str>) -> TargetConfig {
        let mut t = toml::Table::new();
        t.insert("function".into(), function.into());
        if let Some(r) = region {
            t.insert("region".into(), r.into());
        }
        if let Some(q) = qualifier {
            t.insert("qualifier".into(), q.into());
        }
        t.try_into().unwrap()
    }

    #[test]
    fn a_bare_name_and_its_arn_resolve_to_one_identity() {
        let bare = target_identity(&target("f", None, Some("live")), Some("eu-west-1"), None);
        let arn = "arn:aws:lambda:eu-west-1:123456789012:function:f:live";
        let full = target_identity(&target(arn, None, None), None, None).unwrap();
        let bare = bare.unwrap();
        assert_eq!(
            bare.account, None,
            "a bare name waits for the role's account"
        );
        assert_eq!(
            TargetIdentity {
                account: Some("123456789012".into()),
                ..bare
            },
            full
        );
    }

    #[test]
    fn every_problem_is_told_not_just_the_first() {
        let arn = "arn:aws:lambda:eu-west-1:123456789012:function:f:live";
        let problems =
            target_identity(&target(arn, Some("us-east-1"), Some("v 1")), None, None).unwrap_err();
        assert!(matches!(problems[0], TargetProblem::Qualifier(_)));
        assert_eq!(problems[1], TargetProblem::QualifierTwice);
        assert!(matches!(
            problems[2],
            TargetProblem::RegionContradictsArn { .. }
        ));
        assert_eq!(
            target_identity(&target("f", None, None), None, None).unwrap_err(),
            [TargetProblem::NoRegion { name: "f".into() }]
        );
        assert_eq!(
            target_identity(&target("f", None, None), Some("moon-1"), None).unwrap_err(),
            [TargetProblem::BadRegion {
                region: "moon-1".into()
            }]
        );
    }
}
