//! The IAM policy document parser: JSON in, the typed statements of `model` out.
//!
//! Strict where AWS is strict (unknown elements, `Effect` spelling, conflicting
//! `Action`/`NotAction`) so that a document we accept is one AWS would accept, and every error
//! names the statement and the element.

use serde_json::{Map, Value};

use super::error::{kind, quote, show, Location, PolicyError};
use super::model::*;

const POLICY_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl Policy {
    /// The version that governs evaluation: a missing `Version` means 2008-10-17.
    pub(crate) fn effective_version(&self) -> PolicyVersion {
        self.version.unwrap_or(PolicyVersion::V2008_10_17)
    }
}

/// Parses a JSON text. AWS rejects a leading byte order mark, so this does too; for documents
/// returned by AWS (URL-encoded) use [`super::decode_document`] first.
impl std::str::FromStr for Policy {
    type Err = PolicyError;

    fn from_str(text: &str) -> Result<Policy, PolicyError> {
        if text.starts_with('\u{feff}') {
            return Err(PolicyError::Bom);
        }
        let value: Value = serde_json::from_str(text).map_err(|e| PolicyError::json(e, false))?;
        Policy::try_from(&value)
    }
}

/// Parses a JSON value into a policy, or says precisely why it is not one.
impl TryFrom<&Value> for Policy {
    type Error = PolicyError;

    fn try_from(value: &Value) -> Result<Policy, PolicyError> {
        let obj = match value {
            Value::Object(obj) => obj,
            other => {
                return Err(PolicyError::NotAPolicy {
                    reason: format!("expected a JSON object, found {}", kind(other)),
                })
            }
        };
        let statement = statement_element(obj)?;
        Ok(Policy {
            version: parse_version(obj)?,
            id: optional_string(&Location::Document, obj, "Id")?,
            statements: parse_statements(statement)?,
        })
    }
}

/// The document's `Statement` element, once the document has one and no element AWS refuses.
fn statement_element(obj: &Map<String, Value>) -> Result<&Value, PolicyError> {
    let Some(statement) = obj.get("Statement") else {
        let reason = if obj.is_empty() {
            "the document is an empty object (no \"Statement\" element)".to_owned()
        } else {
            let keys: Vec<String> = obj.keys().take(5).map(|k| quote(k)).collect();
            format!(
                "the document has no \"Statement\" element (found {})",
                keys.join(", ")
            )
        };
        return Err(PolicyError::NotAPolicy { reason });
    };
    if let Some(unknown) = obj.keys().find(|k| !POLICY_ELEMENTS.contains(&k.as_str())) {
        return Err(invalid(
            &Location::Document,
            unknown,
            "is not a policy element (expected \"Version\", \"Id\" and \"Statement\")".to_owned(),
        ));
    }
    Ok(statement)
}

fn parse_version(obj: &Map<String, Value>) -> Result<Option<PolicyVersion>, PolicyError> {
    match obj.get("Version") {
        None => Ok(None),
        Some(Value::String(s)) if s == "2012-10-17" => Ok(Some(PolicyVersion::V2012_10_17)),
        Some(Value::String(s)) if s == "2008-10-17" => Ok(Some(PolicyVersion::V2008_10_17)),
        Some(other) => Err(hinted(
            &Location::Document,
            "Version",
            format!(
                "must be \"2012-10-17\" or \"2008-10-17\", found {}",
                show(other)
            ),
            "the Version is the policy language version, not a date you choose",
        )),
    }
}

/// An optional string element (`Id`, `Sid`).
fn optional_string(
    at: &Location,
    obj: &Map<String, Value>,
    field: &str,
) -> Result<Option<String>, PolicyError> {
    match obj.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(invalid(
            at,
            field,
            format!("must be a string, found {}", kind(other)),
        )),
    }
}

/// `Statement`: one statement object or an array of them.
fn parse_statements(statement: &Value) -> Result<Vec<Statement>, PolicyError> {
    match statement {
        Value::Object(stmt) => Ok(vec![parse_statement(0, stmt)?]),
        Value::Array(items) => {
            let mut statements = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                match item {
                    Value::Object(stmt) => statements.push(parse_statement(index, stmt)?),
                    other => {
                        return Err(invalid(
                            &Location::Statement { index, sid: None },
                            "Statement",
                            format!("must be an object, found {}", kind(other)),
                        ))
                    }
                }
            }
            Ok(statements)
        }
        other => Err(invalid(
            &Location::Document,
            "Statement",
            format!(
                "must be an object or an array of objects, found {}",
                kind(other)
            ),
        )),
    }
}

fn invalid(at: &Location, field: &str, problem: String) -> PolicyError {
    PolicyError::Invalid {
        at: at.clone(),
        field: field.to_owned(),
        problem,
        hint: None,
    }
}

/// [`invalid`], with what to write instead.
fn hinted(at: &Location, field: &str, problem: String, hint: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        at: at.clone(),
        field: field.to_owned(),
        problem,
        hint: Some(hint.into()),
    }
}

fn parse_statement(index: usize, obj: &Map<String, Value>) -> Result<Statement, PolicyError> {
    // The Sid first, so every later error can name it.
    let sid = optional_string(&Location::Statement { index, sid: None }, obj, "Sid")?;
    let at = Location::Statement { index, sid };
    check_statement_elements(&at, obj)?;
    let effect = parse_effect(&at, obj)?;

    let principal = match plain_or_not(&at, obj, "Principal", "NotPrincipal")? {
        Some(Element::Plain(v)) => Some(PrincipalClause::Principal(parse_principals(
            &at,
            "Principal",
            v,
        )?)),
        Some(Element::Not(v)) => Some(PrincipalClause::NotPrincipal(parse_principals(
            &at,
            "NotPrincipal",
            v,
        )?)),
        None => None,
    };
    let action = match plain_or_not(&at, obj, "Action", "NotAction")? {
        Some(Element::Plain(v)) => ActionClause::Action(parse_actions(&at, "Action", v)?),
        Some(Element::Not(v)) => ActionClause::NotAction(parse_actions(&at, "NotAction", v)?),
        None => {
            return Err(invalid(
                &at,
                "Action",
                "is missing (a statement needs \"Action\" or \"NotAction\")".to_owned(),
            ))
        }
    };
    let resource = match plain_or_not(&at, obj, "Resource", "NotResource")? {
        Some(Element::Plain(v)) => Some(ResourceClause::Resource(string_list(&at, "Resource", v)?)),
        Some(Element::Not(v)) => Some(ResourceClause::NotResource(string_list(
            &at,
            "NotResource",
            v,
        )?)),
        None => None,
    };
    let conditions = match obj.get("Condition") {
        None => Vec::new(),
        Some(v) => parse_conditions(&at, v)?,
    };

    Ok(Statement {
        sid: at_sid(&at),
        effect,
        principal,
        action,
        resource,
        conditions,
    })
}

/// Refuses an element AWS does not know, with a hint when only its case is wrong.
fn check_statement_elements(at: &Location, obj: &Map<String, Value>) -> Result<(), PolicyError> {
    let Some(unknown) = obj
        .keys()
        .find(|k| !STATEMENT_ELEMENTS.contains(&k.as_str()))
    else {
        return Ok(());
    };
    let hint = STATEMENT_ELEMENTS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(unknown))
        .map(|known| format!("element names are case-sensitive: write \"{known}\""));
    Err(PolicyError::Invalid {
        at: at.clone(),
        field: unknown.to_owned(),
        problem: "is not a statement element".to_owned(),
        hint,
    })
}

fn parse_effect(at: &Location, obj: &Map<String, Value>) -> Result<Effect, PolicyError> {
    match obj.get("Effect") {
        Some(Value::String(s)) if s == "Allow" => Ok(Effect::Allow),
        Some(Value::String(s)) if s == "Deny" => Ok(Effect::Deny),
        Some(other) => Err(invalid(
            at,
            "Effect",
            format!("must be \"Allow\" or \"Deny\", found {}", show(other)),
        )),
        None => Err(invalid(
            at,
            "Effect",
            "is missing (every statement needs \"Effect\": \"Allow\" or \"Deny\")".to_owned(),
        )),
    }
}

/// Which element of a pair like `Action` / `NotAction` a statement has.
enum Element<'a> {
    Plain(&'a Value),
    Not(&'a Value),
}

/// The element of the pair `plain` / `not` that the statement has, if any; having both is an
/// error (AWS refuses such a statement).
fn plain_or_not<'a>(
    at: &Location,
    obj: &'a Map<String, Value>,
    plain: &str,
    not: &str,
) -> Result<Option<Element<'a>>, PolicyError> {
    match (obj.get(plain), obj.get(not)) {
        (Some(_), Some(_)) => Err(invalid(
            at,
            not,
            format!("cannot appear together with \"{plain}\" in one statement"),
        )),
        (Some(v), None) => Ok(Some(Element::Plain(v))),
        (None, Some(v)) => Ok(Some(Element::Not(v))),
        (None, None) => Ok(None),
    }
}

fn at_sid(at: &Location) -> Option<String> {
    match at {
        Location::Statement { sid, .. } => sid.clone(),
        Location::Document => None,
    }
}

/// A string or a non-empty array of strings: the shape of Action, Resource and principal lists.
fn string_list(at: &Location, field: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) if items.is_empty() => Err(invalid(
            at,
            field,
            "is an empty array (list at least one value)".to_owned(),
        )),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(invalid(
                    at,
                    field,
                    format!(
                        "must contain only strings, found {} ({})",
                        kind(other),
                        show(other)
                    ),
                )),
            })
            .collect(),
        other => Err(invalid(
            at,
            field,
            format!(
                "must be a string or an array of strings, found {}",
                kind(other)
            ),
        )),
    }
}

fn parse_actions(at: &Location, field: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    let actions = string_list(at, field, value)?;
    for action in &actions {
        // AWS refuses an action without a service prefix ("Actions/Conditions must be prefaced
        // by a vendor"); only the bare "*" is allowed.
        let well_formed = action == "*"
            || action
                .split_once(':')
                .is_some_and(|(service, name)| !service.is_empty() && !name.is_empty());
        if !well_formed {
            return Err(hinted(
                at,
                field,
                format!(
                    "value {} is not an action (expected \"service:Action\" or \"*\")",
                    quote(action)
                ),
                "for example \"lambda:InvokeFunction\" or \"sts:AssumeRole\"",
            ));
        }
    }
    Ok(actions)
}

fn parse_principals(at: &Location, field: &str, value: &Value) -> Result<Principals, PolicyError> {
    match value {
        Value::String(s) if s == "*" => Ok(Principals::Any),
        Value::Object(map) if map.is_empty() => Err(invalid(
            at,
            field,
            "is an empty object (name at least one principal)".to_owned(),
        )),
        Value::Object(map) => {
            let mut principals = PrincipalMap::default();
            for (key, v) in map {
                let list = string_list(at, &format!("{field}.{key}"), v)?;
                match key.as_str() {
                    "AWS" => principals.aws = list,
                    "Service" => principals.service = list,
                    "Federated" => principals.federated = list,
                    "CanonicalUser" => principals.canonical_user = list,
                    other => {
                        return Err(invalid(
                            at,
                            field,
                            format!(
                                "has unknown principal type {} (expected \"AWS\", \"Service\", \
                                 \"Federated\" or \"CanonicalUser\")",
                                quote(other)
                            ),
                        ))
                    }
                }
            }
            Ok(Principals::Specific(principals))
        }
        other => Err(invalid(
            at,
            field,
            format!(
                "must be \"*\" or an object such as {{\"AWS\": \"arn:aws:iam::123456789012:root\"}}, \
                 found {}",
                show(other)
            ),
        )),
    }
}

fn parse_conditions(at: &Location, value: &Value) -> Result<Vec<Condition>, PolicyError> {
    let Value::Object(operators) = value else {
        return Err(invalid(
            at,
            "Condition",
            format!(
                "must be an object of operator → {{key → values}}, found {}",
                kind(value)
            ),
        ));
    };
    let mut conditions = Vec::new();
    for (op_name, keys) in operators {
        let Some(operator) = ConditionOperator::parse(op_name) else {
            return Err(hinted(
                at,
                "Condition",
                format!("uses unknown condition operator {}", quote(op_name)),
                "operators look like StringEquals, ArnLike, Bool, IpAddress, optionally with a \
                 ForAnyValue:/ForAllValues: prefix and an IfExists suffix",
            ));
        };
        let Value::Object(keys) = keys else {
            return Err(invalid(
                at,
                "Condition",
                format!(
                    "operator {} must map to an object of key → values, found {}",
                    quote(op_name),
                    kind(keys)
                ),
            ));
        };
        if keys.is_empty() {
            return Err(invalid(
                at,
                "Condition",
                format!("operator {} has no condition keys", quote(op_name)),
            ));
        }
        let operator = Operator {
            name: op_name,
            parsed: &operator,
        };
        for (key, raw_values) in keys {
            conditions.push(parse_condition(at, operator, key, raw_values)?);
        }
    }
    Ok(conditions)
}

/// A condition operator as written and as parsed.
#[derive(Clone, Copy)]
struct Operator<'a> {
    name: &'a str,
    parsed: &'a ConditionOperator,
}

/// One condition key of `operator` with its values; a `Null` condition's values are `true` or
/// `false`.
fn parse_condition(
    at: &Location,
    operator: Operator<'_>,
    key: &str,
    raw_values: &Value,
) -> Result<Condition, PolicyError> {
    if key.is_empty() {
        return Err(invalid(
            at,
            "Condition",
            format!(
                "operator {} has an empty condition key",
                quote(operator.name)
            ),
        ));
    }
    let values = condition_values(at, operator.name, key, raw_values)?;
    if operator.parsed.kind == OperatorKind::Null {
        if let Some(bad) = values
            .iter()
            .find(|v| !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false"))
        {
            return Err(invalid(
                at,
                "Condition",
                format!(
                    "Null condition on {} must be true or false, found {}",
                    quote(key),
                    quote(bad)
                ),
            ));
        }
    }
    Ok(Condition {
        operator: operator.parsed.clone(),
        key: key.to_owned(),
        values,
    })
}

fn condition_values(
    at: &Location,
    op_name: &str,
    key: &str,
    value: &Value,
) -> Result<Vec<String>, PolicyError> {
    let scalar = |v: &Value| -> Result<String, PolicyError> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(invalid(
                at,
                "Condition",
                format!(
                    "{} {}: values must be strings, booleans or numbers, found {}",
                    op_name,
                    quote(key),
                    kind(other)
                ),
            )),
        }
    };
    match value {
        Value::Array(items) => items.iter().map(scalar).collect(),
        other => Ok(vec![scalar(other)?]),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Policy, PolicyVersion};

    #[test]
    fn a_policy_without_a_version_is_read_as_2008_10_17() {
        let text = r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#;
        let policy = text.parse::<Policy>().unwrap();
        assert_eq!(policy.effective_version(), PolicyVersion::V2008_10_17);
    }
}
