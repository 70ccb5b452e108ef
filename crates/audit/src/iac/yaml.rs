//! CloudFormation template text (JSON or YAML) → a JSON value, with the line of each resource.
//!
//! Part of the auditor's `iac`. JSON is a subset of YAML 1.2, so one parser (yaml-rust2, event level:
//! it gives the tag and the place of every node) reads both. The short-form tags of
//! CloudFormation YAML (`!Ref X`, `!GetAtt A.B`, `!Sub`, …) become their long forms
//! (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`), as CloudFormation itself reads them
//! (AWS CloudFormation User Guide, "Intrinsic function reference"). An unknown short-form tag
//! is an error, never a plain value.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::details::InputError;

/// A parsed template: its value, the line of each key under `Resources` and of each
/// top-level key (`Transform`, …).
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    pub(crate) value: Value,
    pub(crate) resource_lines: BTreeMap<String, usize>,
    pub(crate) section_lines: BTreeMap<String, usize>,
}

/// The short-form tags and their long-form function names.
const SHORT_FORMS: [(&str, &str); 18] = [
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
    ("Transform", "Fn::Transform"),
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

/// yaml-rust2's refusal of a quoted scalar whose continuation lines are not indented past
/// the key's, which CloudFormation (and PyYAML, which cfn-lint uses) accepts.
const QUOTED_INDENT: &str = "invalid indentation in quoted scalar";

/// Parses `text` (the file named `file`, for messages).
///
/// A multi-line quoted scalar whose continuation lines sit at (or left of) its key's
/// indentation is accepted, as CloudFormation accepts it: those lines are indented further
/// and the text parsed again. A quoted scalar's line breaks fold and its continuation lines'
/// leading white space is not content (YAML 1.2, 7.3 "Flow Scalar Styles"), so the value is
/// the same; no line moves, so lines and errors still point into the file as written.
pub(super) fn parse(file: &str, text: &str) -> Result<Parsed, InputError> {
    let mut text = std::borrow::Cow::Borrowed(text);
    loop {
        match events(file, &text) {
            Err(Failed::QuotedIndent(error, start)) => match reindent(&text, start) {
                Some(fixed) => text = std::borrow::Cow::Owned(fixed),
                None => return Err(error),
            },
            Err(Failed::Error(error)) => return Err(error),
            Ok(parsed) => return Ok(parsed),
        }
    }
}

/// Why one parse stopped.
enum Failed {
    Error(InputError),
    /// [`QUOTED_INDENT`], with the quoted scalar's start.
    QuotedIndent(InputError, Start),
}

/// Where a quoted scalar starts: its line (from 1) and column (chars, from 0).
#[derive(Clone, Copy)]
struct Start {
    line: usize,
    column: usize,
}

impl Start {
    fn of(marker: &Marker) -> Self {
        Start {
            line: marker.line(),
            column: marker.col(),
        }
    }
}

impl From<InputError> for Failed {
    fn from(e: InputError) -> Self {
        Failed::Error(e)
    }
}

/// `text` with the continuation lines of the quoted scalar starting at `start` indented past
/// its opening quote; `None` when they already are or the scalar does not close (the parser's
/// error then stands).
fn reindent(text: &str, start: Start) -> Option<String> {
    let Start { line, column } = start;
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let (offset, quote) = text[line_start..].char_indices().nth(column)?;
    if !matches!(quote, '"' | '\'') {
        return None;
    }
    let at = line_start + offset;
    let body = &text[at + quote.len_utf8()..];
    let mut chars = body.char_indices();
    let end = loop {
        match (chars.next()?, quote) {
            ((_, '\\'), '"') => {
                chars.next();
            }
            ((i, '\''), '\'') if body[i + 1..].starts_with('\'') => {
                chars.next();
            }
            ((i, c), _) if c == quote => break at + quote.len_utf8() + i,
            _ => {}
        }
    };
    let pad = " ".repeat(column + 1);
    let mut out = String::with_capacity(text.len() + pad.len() * 4);
    out.push_str(&text[..at]);
    let mut changed = false;
    for (n, line) in text[at..=end].split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
            // A document marker at column 0 ends the scalar for every parser: left as is.
            let marker = (line.starts_with("---") || line.starts_with("..."))
                && line[3..].chars().next().is_none_or(char::is_whitespace);
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            if !marker && indent <= column {
                out.push_str(&pad);
                changed = true;
            }
        }
        out.push_str(line);
    }
    out.push_str(&text[end + 1..]);
    changed.then_some(out)
}

/// One parse of `text` (see [`parse`]).
fn events(file: &str, text: &str) -> Result<Parsed, Failed> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: BTreeMap<usize, Value> = BTreeMap::new();
    let mut lines = Lines::default();
    let mut root: Option<Value> = None;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            let error = InputError::syntax(file, e.marker().line(), e.marker().col(), e.info());
            match e.info() {
                QUOTED_INDENT => Failed::QuotedIndent(error, Start::of(e.marker())),
                _ => Failed::Error(error),
            }
        })?;
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
                    return Err(InputError::syntax(
                        file,
                        mark.line(),
                        mark.col(),
                        "unbalanced sequence",
                    )
                    .into())
                }
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(map, _, tag, at, anchor)) => {
                    (tagged(file, tag, Value::Object(map), at)?, anchor)
                }
                _ => {
                    return Err(InputError::syntax(
                        file,
                        mark.line(),
                        mark.col(),
                        "unbalanced mapping",
                    )
                    .into())
                }
            },
            Event::Scalar(text, style, anchor, tag) => (
                tagged(file, tag.clone(), scalar(text, style, tag.is_some()), mark)?,
                anchor,
            ),
            Event::Alias(id) => match anchors.get(&id) {
                Some(v) => (v.clone(), 0),
                None => {
                    return Err(InputError::syntax(
                        file,
                        mark.line(),
                        mark.col(),
                        "alias to an unknown anchor",
                    )
                    .into())
                }
            },
            _ => continue,
        };
        if anchor > 0 {
            anchors.insert(anchor, value.clone());
        }
        place(file, &mut stack, &mut root, &mut lines, value, mark)?;
    }
    let value = root.ok_or_else(|| InputError::syntax(file, 1, 1, "the file is empty"))?;
    Ok(Parsed {
        value,
        resource_lines: lines.resources,
        section_lines: lines.sections,
    })
}

/// The lines of the keys a report points at.
#[derive(Default)]
struct Lines {
    resources: BTreeMap<String, usize>,
    sections: BTreeMap<String, usize>,
}

/// Adds a finished node to its parent (a key or a value of a mapping, an item of a sequence).
fn place(
    file: &str,
    stack: &mut [Open],
    root: &mut Option<Value>,
    lines: &mut Lines,
    value: Value,
    mark: Marker,
) -> Result<(), InputError> {
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
                            return Err(InputError::syntax(
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
                    lines.resources.insert(k.clone(), mark.line());
                }
                if depth == 1 {
                    lines.sections.insert(k.clone(), mark.line());
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
fn tagged(file: &str, tag: Option<Tag>, value: Value, at: Marker) -> Result<Value, InputError> {
    let Some(tag) = tag else { return Ok(value) };
    if tag.handle != "!" {
        return Ok(value);
    }
    let Some((_, long)) = SHORT_FORMS.iter().find(|(short, _)| *short == tag.suffix) else {
        let known: Vec<&str> = SHORT_FORMS.iter().map(|(s, _)| *s).collect();
        return Err(InputError::at(
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
