//! CloudFormation intrinsic functions and conditions, evaluated as far as the template, its
//! parameters and the command line settle them (AWS CloudFormation User Guide, "Intrinsic
//! function reference", "Pseudo parameters reference", "Conditions syntax").
//!
//! Part of the auditor's `iac`. What cannot be settled becomes an unknown marker (`unknown_marker::marker`)
//! recorded with its reason and place; an undecided `Fn::If` in a list keeps both branches
//! (elements marked with `widen::UNDECIDED_KEY`), elsewhere it is unknown unless both
//! branches agree. A `Ref` or `Fn::GetAtt` to nothing is an error.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::widen::UNDECIDED_KEY;
use super::{Unknown, UnknownReason};
use crate::details::InputError;
use crate::unknown_marker::{marker, markers_in};

/// What a `Ref`/`Fn::GetAtt` of an IAM resource gives in the model.
#[derive(Debug, Clone)]
pub(super) struct Named {
    /// `Ref`: a role's name, a managed policy's ARN.
    pub(crate) reference: String,
    /// `Fn::GetAtt X.Arn` (roles) or `X.PolicyArn` (managed policies).
    pub(crate) arn: String,
}

/// Everything a value is evaluated against.
pub(super) struct Scope<'t> {
    pub(crate) file: &'t str,
    pub(crate) params: BTreeMap<String, Option<Value>>,
    pub(crate) pseudo: BTreeMap<&'static str, Option<String>>,
    pub(crate) mappings: &'t Map<String, Value>,
    pub(crate) conditions: &'t Map<String, Value>,
    pub(crate) resources: &'t Map<String, Value>,
    pub(crate) named: BTreeMap<String, Named>,
    pub(crate) lines: &'t BTreeMap<String, usize>,
    pub(crate) unknowns: Vec<Unknown>,
    /// The place being evaluated, for unknowns and errors: `LogicalId.Properties.Name`.
    pub(crate) at: String,
}

/// An evaluated value: a JSON value, or `AWS::NoValue` (the key or element is left out).
enum Out {
    Value(Value),
    NoValue,
}

impl Scope<'_> {
    /// Records an unknown value (once per value and place) and gives its marker.
    pub(super) fn unknown(&mut self, value: String, reason: UnknownReason) -> Value {
        let at = self.at.clone();
        let index = match self
            .unknowns
            .iter()
            .position(|u| u.value == value && u.at == at)
        {
            Some(i) => i,
            None => {
                self.unknowns.push(Unknown { value, reason, at });
                self.unknowns.len() - 1
            }
        };
        Value::String(marker(index))
    }

    /// The markers of the unknown values `v` holds, as one text: a value derived from
    /// them (a part of a split, an element of a list) is unknown because of them.
    fn carried(&self, v: &Value) -> Value {
        Value::String(markers_in(v).into_iter().map(marker).collect())
    }

    fn error(&self, message: String, hint: &str) -> InputError {
        let resource = self.at.split('.').next().unwrap_or_default();
        let line = self.lines.get(resource).copied();
        InputError::in_file(self.file, line, format!("{}: {message}", self.at), hint)
    }

    /// Evaluates `value` (a property of a resource).
    pub(super) fn eval(&mut self, value: &Value) -> Result<Value, InputError> {
        Ok(match self.eval_out(value)? {
            Out::Value(v) => v,
            Out::NoValue => Value::Null,
        })
    }

    fn eval_out(&mut self, value: &Value) -> Result<Out, InputError> {
        match value {
            Value::Object(map) if map.len() == 1 => {
                let (name, arg) = map.iter().next().expect("one entry");
                match self.function(name, arg)? {
                    Some(out) => Ok(out),
                    None => self.object(map),
                }
            }
            // A snippet macro: it rewrites the object it is in, siblings included.
            Value::Object(map) if map.contains_key("Fn::Transform") => {
                let name = text(map["Fn::Transform"].get("Name").unwrap_or(&Value::Null));
                Ok(Out::Value(self.unknown(
                    format!("Fn::Transform {name}"),
                    UnknownReason::UnevaluatedFunction,
                )))
            }
            Value::Object(map) => self.object(map),
            Value::Array(items) => self.array(items),
            other => Ok(Out::Value(other.clone())),
        }
    }

    fn object(&mut self, map: &Map<String, Value>) -> Result<Out, InputError> {
        let mut out = Map::new();
        for (k, v) in map {
            if let Out::Value(v) = self.eval_out(v)? {
                out.insert(k.clone(), v);
            }
        }
        Ok(Out::Value(Value::Object(out)))
    }

    fn array(&mut self, items: &[Value]) -> Result<Out, InputError> {
        let mut out = Vec::new();
        for item in items {
            if let Some(branches) = self.undecided_if(item)? {
                out.extend(branches);
                continue;
            }
            if let Out::Value(v) = self.eval_out(item)? {
                out.push(v);
            }
        }
        Ok(Out::Value(Value::Array(out)))
    }

    /// An array element `Fn::If` whose condition is undecided: both branches, each object
    /// marked as possibly absent.
    fn undecided_if(&mut self, item: &Value) -> Result<Option<Vec<Value>>, InputError> {
        let Some(Value::Array(args)) = item.get("Fn::If") else {
            return Ok(None);
        };
        let [Value::String(cond), a, b] = args.as_slice() else {
            return Ok(None);
        };
        if self.condition(cond)?.is_some() {
            return Ok(None);
        }
        let mark = self.unknown(
            format!("Condition {cond}"),
            UnknownReason::UndecidedCondition,
        );
        let mut out = Vec::new();
        for branch in [a, b] {
            if let Out::Value(mut v) = self.eval_out(branch)? {
                if let Value::Object(m) = &mut v {
                    m.insert(UNDECIDED_KEY.into(), mark.clone());
                }
                out.push(v);
            }
        }
        Ok(Some(out))
    }

    /// An intrinsic function, or `None` when `name` is not one (a plain one-key object).
    fn function(&mut self, name: &str, arg: &Value) -> Result<Option<Out>, InputError> {
        let v = match name {
            "Ref" => return self.reference(arg).map(Some),
            "Fn::GetAtt" => self.get_att(arg)?,
            "Fn::Sub" => self.sub(arg)?,
            "Fn::Join" => self.join(arg)?,
            "Fn::Select" => self.select(arg)?,
            "Fn::Split" => self.split(arg)?,
            "Fn::If" => return self.if_(arg).map(Some),
            "Fn::FindInMap" => self.find_in_map(arg)?,
            "Fn::ImportValue" => {
                let what = self.eval(arg)?;
                self.unknown(
                    format!("Fn::ImportValue {}", text(&what)),
                    UnknownReason::ImportValue,
                )
            }
            "Fn::Base64" | "Fn::Cidr" | "Fn::GetAZs" | "Fn::Transform" | "Fn::Length"
            | "Fn::ToJsonString" => {
                self.unknown(name.to_owned(), UnknownReason::UnevaluatedFunction)
            }
            _ => return Ok(None),
        };
        Ok(Some(Out::Value(v)))
    }

    fn reference(&mut self, arg: &Value) -> Result<Out, InputError> {
        let Some(name) = arg.as_str() else {
            return Err(self.error("Ref takes a name".into(), "write Ref: NAME (or !Ref NAME)"));
        };
        if name == "AWS::NoValue" {
            return Ok(Out::NoValue);
        }
        Ok(Out::Value(self.ref_value(name)?))
    }

    fn ref_value(&mut self, name: &str) -> Result<Value, InputError> {
        if let Some(p) = self.pseudo.get(name) {
            return Ok(match p.clone() {
                Some(v) => Value::String(v),
                None => self.unknown(format!("Ref {name}"), UnknownReason::PseudoParameter),
            });
        }
        if let Some(p) = self.params.get(name) {
            return Ok(match p.clone() {
                Some(v) => v,
                None => self.unknown(
                    format!("Ref {name}"),
                    UnknownReason::ParameterWithoutDefault,
                ),
            });
        }
        if let Some(n) = self.named.get(name) {
            return Ok(Value::String(n.reference.clone()));
        }
        if self.resources.contains_key(name) {
            return Ok(self.unknown(format!("Ref {name}"), UnknownReason::ResourceAttribute));
        }
        Err(self.error(
            format!("Ref to {name}, which is no parameter, resource or pseudo parameter"),
            "declare it under Parameters or Resources, or fix the name",
        ))
    }

    fn get_att(&mut self, arg: &Value) -> Result<Value, InputError> {
        let parts: Vec<String> = match self.eval(arg)? {
            Value::Array(items) => items.iter().map(text).collect(),
            Value::String(s) => s.splitn(2, '.').map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        let [resource, attribute] = parts.as_slice() else {
            return Err(self.error(
                "Fn::GetAtt takes [LogicalId, Attribute]".into(),
                "write !GetAtt LogicalId.Attribute",
            ));
        };
        if !self.resources.contains_key(resource) {
            return Err(self.error(
                format!("Fn::GetAtt of {resource}, which is no resource"),
                "fix the logical ID",
            ));
        }
        if let Some(n) = self.named.get(resource) {
            if matches!(attribute.as_str(), "Arn" | "PolicyArn") {
                return Ok(Value::String(n.arn.clone()));
            }
        }
        Ok(self.unknown(
            format!("Fn::GetAtt {resource}.{attribute}"),
            UnknownReason::ResourceAttribute,
        ))
    }

    fn sub(&mut self, arg: &Value) -> Result<Value, InputError> {
        let (template, vars) = match arg {
            Value::String(s) => (s.clone(), Map::new()),
            Value::Array(a) => match a.as_slice() {
                [Value::String(s), Value::Object(vars)] => (s.clone(), vars.clone()),
                _ => {
                    return Err(self.error(
                        "Fn::Sub takes a string or [string, {vars}]".into(),
                        "see the Fn::Sub reference",
                    ))
                }
            },
            _ => {
                return Err(self.error(
                    "Fn::Sub takes a string or [string, {vars}]".into(),
                    "see the Fn::Sub reference",
                ))
            }
        };
        let mut out = String::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Err(self.error(
                    format!("Fn::Sub: unclosed ${{ in {template:?}"),
                    "close every ${ with }",
                ));
            };
            let name = &after[..end];
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str(&format!("${{{literal}}}"));
                continue;
            }
            let value = match vars.get(name) {
                Some(v) => self.eval(v)?,
                None if name.contains('.') => self.get_att(&Value::String(name.into()))?,
                None => self.ref_value(name)?,
            };
            out.push_str(&text(&value));
        }
        out.push_str(rest);
        Ok(Value::String(out))
    }

    fn join(&mut self, arg: &Value) -> Result<Value, InputError> {
        let v = self.eval(arg)?;
        match v.as_array().map(Vec::as_slice) {
            Some([Value::String(sep), Value::Array(items)]) => Ok(Value::String(
                items.iter().map(text).collect::<Vec<_>>().join(sep),
            )),
            Some([Value::String(_), list]) if !markers_in(list).is_empty() => Ok(list.clone()),
            _ => Err(self.error(
                "Fn::Join takes [delimiter, [values]]".into(),
                "see the Fn::Join reference",
            )),
        }
    }

    /// `Fn::Select`. An element holding an unknown value may stand for any number of
    /// elements (an unknown text split, an undecided `Fn::If` that may be `AWS::NoValue`): the
    /// elements before the first such one are known, the rest unknown.
    fn select(&mut self, arg: &Value) -> Result<Value, InputError> {
        let Some([index, list]) = arg.as_array().map(Vec::as_slice) else {
            return Err(self.error(
                "Fn::Select takes [index, [values]]".into(),
                "see the Fn::Select reference",
            ));
        };
        let index = self.eval(index)?;
        // Each element on its own: an undecided `Fn::If` stays one unknown element.
        let list = match list {
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    if let Out::Value(v) = self.eval_out(item)? {
                        out.push(v);
                    }
                }
                Value::Array(out)
            }
            other => self.eval(other)?,
        };
        if !markers_in(&index).is_empty() {
            return Ok(self.carried(&Value::from(vec![index, list])));
        }
        let (Ok(i), Value::Array(items)) = (text(&index).parse::<usize>(), &list) else {
            if !markers_in(&list).is_empty() {
                return Ok(self.carried(&list));
            }
            return Ok(self.unknown(
                format!("Fn::Select [{}, {list}]", text(&index)),
                UnknownReason::UnevaluatedFunction,
            ));
        };
        match items.iter().position(|v| !markers_in(v).is_empty()) {
            Some(first) if i >= first => Ok(self.carried(&Value::from(items[first..].to_vec()))),
            _ => items.get(i).cloned().ok_or_else(|| {
                self.error(
                    format!("Fn::Select index {i} is past the list's end"),
                    "fix the index",
                )
            }),
        }
    }

    /// `Fn::Split`. A part holding an unknown value may be several parts: `Fn::Select` knows.
    fn split(&mut self, arg: &Value) -> Result<Value, InputError> {
        let v = self.eval(arg)?;
        match v.as_array().map(Vec::as_slice) {
            Some([Value::String(sep), Value::String(s)]) if !sep.is_empty() => {
                let cuts_marker = markers_in(&v)
                    .into_iter()
                    .any(|m| marker(m).contains(sep.as_str()));
                if cuts_marker || !markers_in(&Value::String(sep.clone())).is_empty() {
                    return Ok(self.carried(&v));
                }
                Ok(Value::from(s.split(sep.as_str()).collect::<Vec<_>>()))
            }
            _ => Err(self.error(
                "Fn::Split takes [delimiter, string]".into(),
                "see the Fn::Split reference",
            )),
        }
    }

    fn find_in_map(&mut self, arg: &Value) -> Result<Value, InputError> {
        let v = self.eval(arg)?;
        let keys: Vec<String> = v.as_array().into_iter().flatten().map(text).collect();
        let [map, top, second] = keys.as_slice() else {
            return Err(self.error(
                "Fn::FindInMap takes [map, key, key]".into(),
                "see the Fn::FindInMap reference",
            ));
        };
        if !markers_in(&v).is_empty() {
            return Ok(self.unknown(
                format!("Fn::FindInMap {map}"),
                UnknownReason::UndecidedCondition,
            ));
        }
        self.mappings
            .get(map)
            .and_then(|m| m.get(top))
            .and_then(|m| m.get(second))
            .cloned()
            .ok_or_else(|| {
                self.error(
                    format!("Fn::FindInMap: no {map}.{top}.{second}"),
                    "add it under Mappings or fix the keys",
                )
            })
    }

    fn if_(&mut self, arg: &Value) -> Result<Out, InputError> {
        let Some([Value::String(cond), a, b]) = arg.as_array().map(Vec::as_slice) else {
            return Err(self.error(
                "Fn::If takes [condition, then, else]".into(),
                "see the Fn::If reference",
            ));
        };
        match self.condition(cond)? {
            Some(true) => self.eval_out(a),
            Some(false) => self.eval_out(b),
            None => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                if a == b {
                    return Ok(Out::Value(a));
                }
                Ok(Out::Value(self.unknown(
                    format!("Fn::If {cond}"),
                    UnknownReason::UndecidedCondition,
                )))
            }
        }
    }

    /// A named condition: `Some(decided)` or `None` when it depends on an unknown.
    pub(super) fn condition(&mut self, name: &str) -> Result<Option<bool>, InputError> {
        let Some(body) = self.conditions.get(name) else {
            return Err(self.error(
                format!("condition {name} is not declared"),
                "declare it under Conditions",
            ));
        };
        let body = body.clone();
        let saved = std::mem::replace(&mut self.at, format!("Conditions.{name}"));
        let out = self.truth(&body);
        self.at = saved;
        out
    }

    fn truth(&mut self, body: &Value) -> Result<Option<bool>, InputError> {
        let Some((op, arg)) = body.as_object().and_then(|m| m.iter().next()) else {
            return Err(self.error(
                "a condition is one function".into(),
                "use Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition",
            ));
        };
        let args: Vec<Value> = arg.as_array().cloned().unwrap_or_default();
        Ok(match op.as_str() {
            "Condition" => return self.condition(&text(arg)),
            "Fn::Equals" => {
                let [a, b] = args.as_slice() else {
                    return Err(self.error(
                        "Fn::Equals takes two values".into(),
                        "see the condition functions reference",
                    ));
                };
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                if markers_in(&a).is_empty() && markers_in(&b).is_empty() {
                    Some(text(&a) == text(&b))
                } else {
                    None
                }
            }
            "Fn::Not" => self
                .truth(args.first().unwrap_or(&Value::Null))?
                .map(|b| !b),
            "Fn::And" | "Fn::Or" => {
                let and = op == "Fn::And";
                let mut undecided = false;
                for a in &args {
                    match self.truth(a)? {
                        Some(b) if b != and => return Ok(Some(b)),
                        Some(_) => {}
                        None => undecided = true,
                    }
                }
                (!undecided).then_some(and)
            }
            _ => {
                return Err(self.error(
                    format!("{op} is not a condition function"),
                    "use Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition",
                ))
            }
        })
    }
}

/// A value as text: strings as they are, other scalars as JSON.
pub(super) fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
