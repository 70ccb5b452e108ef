//! What a target's `function` names: a Lambda function ARN or a bare name, and its qualifier.
//!
//! Part of the `config` layer (shared with `core::render`).

use super::rules::{
    is_account_id, is_function_name, is_function_name_char, is_region, is_region_shape, show,
};
use crate::iam::arn::{partition_of_region, Arn, PARTITIONS};

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
    if s.starts_with("arn:") {
        parse_function_arn(s).map(FunctionRef::Arn)
    } else {
        parse_function_name(s).map(FunctionRef::Name)
    }
}

fn parse_function_name(s: &str) -> Result<String, RuleError> {
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
    Ok(s.to_string())
}

fn parse_function_arn(s: &str) -> Result<FunctionArn, RuleError> {
    const SHAPE: &str = "arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]";
    let bad = |why: String| {
        RuleError::new(format!(
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
            "partition {} is not aws, aws-cn or aws-us-gov",
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

pub(super) fn partition_note(region: &str) -> &'static str {
    if is_region_shape(region) && partition_of_region(region).is_none() {
        "; isolated partitions are not supported"
    } else {
        ""
    }
}
