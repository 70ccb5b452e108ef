//! CloudFormation template text (JSON or YAML) → a JSON value, with the line of each resource.
//!
//! Part of `core::iac`. JSON is a subset of YAML 1.2, so one parser (yaml-rust2, event level:
//! it gives the tag and the place of every node) reads both. The short-form tags of
//! CloudFormation YAML (`!Ref X`, `!GetAtt A.B`, `!Sub`, …) become their long forms
//! (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`), as CloudFormation itself reads them
//! (AWS CloudFormation User Guide, "Intrinsic function reference"). An unknown short-form tag
//! is an error, never a plain value.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::IacError;

/// A parsed template: its value and the line of each key under `Resources`.
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    pub value: Value,
    pub resource_lines: BTreeMap<String, usize>,
}

/// The short-form tags and their long-form function names.
const SHORT_FORMS: [(&str, &str); 17] = [
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("Join", "Fn::Join"),
    ("If", "Fn::If"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("FindInMap", "Fn::FindInMap"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("ImportValue", "Fn::ImportValue"),
    ("GetAZs", "Fn::GetAZs"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
];

/// One node under construction.
enum Open {
    Seq(Vec<Value>, Option<Tag>, Marker, usize),
    Map(
        Map<String, Value>,
        Option<String>,
        Option<Tag>,
        Marker,
        usize,
    ),
}

/// Parses `text` (the file named `file`, for messages).
pub(super) fn parse(file: &str, text: &str) -> Result<Parsed, IacError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: BTreeMap<usize, Value> = BTreeMap::new();
    let mut lines = BTreeMap::new();
    let mut root: Option<Value> = None;
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| IacError::syntax(file, e.marker().line(), e.marker().col(), e.info()))?;
        let (value, anchor) = match event {
            Event::StreamEnd => break,
            Event::SequenceStart(anchor, tag) => {
                stack.push(Open::Seq(Vec::new(), tag, mark, anchor));
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                stack.push(Open::Map(Map::new(), None, tag, mark, anchor));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(items, tag, at, anchor)) => {
                    (tagged(file, tag, Value::Array(items), at)?, anchor)
                }
                _ => {
                    return Err(IacError::syntax(
                        file,
                        mark.line(),
                        mark.col(),
                        "unbalanced sequence",
                    ))
                }
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(map, _, tag, at, anchor)) => {
                    (tagged(file, tag, Value::Object(map), at)?, anchor)
                }
                _ => {
                    return Err(IacError::syntax(
                        file,
                        mark.line(),
                        mark.col(),
                        "unbalanced mapping",
                    ))
                }
            },
            Event::Scalar(text, style, anchor, tag) => (
                tagged(file, tag.clone(), scalar(text, style, tag.is_some()), mark)?,
                anchor,
            ),
            Event::Alias(id) => match anchors.get(&id) {
                Some(v) => (v.clone(), 0),
                None => {
                    return Err(IacError::syntax(
                        file,
                        mark.line(),
                        mark.col(),
                        "alias to an unknown anchor",
                    ))
                }
            },
            _ => continue,
        };
        if anchor > 0 {
            anchors.insert(anchor, value.clone());
        }
        place(file, &mut stack, &mut root, &mut lines, value, mark)?;
    }
    let value = root.ok_or_else(|| IacError::syntax(file, 1, 1, "the file is empty"))?;
    Ok(Parsed {
        value,
        resource_lines: lines,
    })
}

/// Adds a finished node to its parent (a key or a value of a mapping, an item of a sequence).
fn place(
    file: &str,
    stack: &mut [Open],
    root: &mut Option<Value>,
    lines: &mut BTreeMap<String, usize>,
    value: Value,
    mark: Marker,
) -> Result<(), IacError> {
    let depth = stack.len();
    match stack.last_mut() {
        None => *root = Some(value),
        Some(Open::Seq(items, ..)) => items.push(value),
        Some(Open::Map(map, key, ..)) => match key.take() {
            Some(k) => {
                map.insert(k, value);
            }
            None => {
                let Value::String(k) = value else {
                    let k = match value {
                        Value::Bool(b) => b.to_string(),
                        Value::Null => String::new(),
                        other => {
                            return Err(IacError::syntax(
                                file,
                                mark.line(),
                                mark.col(),
                                &format!("a mapping key must be a string, not {other}"),
                            ))
                        }
                    };
                    *key = Some(k);
                    return Ok(());
                };
                // The resources' keys: depth 2 is `Resources:`'s mapping in the root mapping.
                if depth == 2 && is_resources(stack) {
                    lines.insert(k.clone(), mark.line());
                }
                if let Some(Open::Map(_, key, ..)) = stack.last_mut() {
                    *key = Some(k);
                }
            }
        },
    }
    Ok(())
}

fn is_resources(stack: &[Open]) -> bool {
    matches!(&stack[0], Open::Map(_, Some(k), ..) if k == "Resources")
}

/// A scalar's JSON value: plain `true`/`false`/`null` as such, everything else a string
/// (CloudFormation passes numbers to IAM as text anyway).
fn scalar(text: String, style: TScalarStyle, has_tag: bool) -> Value {
    if style != TScalarStyle::Plain || has_tag {
        return Value::String(text);
    }
    match text.as_str() {
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        "null" | "Null" | "NULL" | "~" | "" => Value::Null,
        _ => Value::String(text),
    }
}

/// Applies a tag: a CloudFormation short form becomes its long form; YAML's own tags keep
/// the value.
fn tagged(file: &str, tag: Option<Tag>, value: Value, at: Marker) -> Result<Value, IacError> {
    let Some(tag) = tag else { return Ok(value) };
    if tag.handle != "!" {
        return Ok(value);
    }
    let Some((_, long)) = SHORT_FORMS.iter().find(|(short, _)| *short == tag.suffix) else {
        let known: Vec<&str> = SHORT_FORMS.iter().map(|(s, _)| *s).collect();
        return Err(IacError::at(
            file,
            at.line(),
            at.col(),
            format!("unknown short-form tag !{}", tag.suffix),
            format!("use one of !{}", known.join(", !")),
        ));
    };
    // `!GetAtt Role.Arn` is the one short form whose scalar splits.
    let value = match (&value, *long) {
        (Value::String(s), "Fn::GetAtt") => match s.split_once('.') {
            Some((a, b)) => Value::from(vec![a, b]),
            None => value,
        },
        _ => value,
    };
    let mut map = Map::new();
    map.insert((*long).to_owned(), value);
    Ok(Value::Object(map))
}
