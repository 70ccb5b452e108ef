//! Renderers: pure functions from pipeline data (plans, verifications) to text, human or JSON.
//!
//! Colour is off unless the caller enables it (`--color`, or auto on a terminal). The JSON
//! shapes are the stable, documented interface (README "JSON output").

use owo_colors::OwoColorize;
use serde::Serialize;
use serde_json::{json, Value};

use crate::plan::{Op, Plan};
use crate::verify::Verification;

/// Whether to emit ANSI colour.
#[derive(Debug, Clone, Copy, Default)]
pub struct Styles {
    pub color: bool,
}

impl Styles {
    fn paint(&self, s: &str, f: impl Fn(&str) -> String) -> String {
        if self.color {
            f(s)
        } else {
            s.to_string()
        }
    }
    pub fn green(&self, s: &str) -> String {
        self.paint(s, |s| s.green().to_string())
    }
    pub fn red(&self, s: &str) -> String {
        self.paint(s, |s| s.red().to_string())
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint(s, |s| s.yellow().to_string())
    }
    pub fn bold(&self, s: &str) -> String {
        self.paint(s, |s| s.bold().to_string())
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint(s, |s| s.dimmed().to_string())
    }
}

/// `create` / `update` / `delete`, as in the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Delete,
}

/// One planned change as users see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeView {
    pub resource: String,
    pub action: Action,
    pub detail: String,
    /// The document before and after, for document changes and removals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

fn tag_list(tags: &std::collections::BTreeMap<String, String>) -> String {
    tags.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an op means to a user.
pub fn describe(op: &Op) -> ChangeView {
    let view = |resource: String, action, detail: String| ChangeView {
        resource,
        action,
        detail,
        before: None,
        after: None,
    };
    match op {
        Op::CreateRole {
            name,
            path,
            max_session_duration,
            permissions_boundary,
            tags,
            trust,
            ..
        } => ChangeView {
            after: Some(trust.clone()),
            ..view(
                format!("role {name}"),
                Action::Create,
                format!(
                    "path {path}, max session {max_session_duration}s, boundary {}, tags {}",
                    permissions_boundary.as_deref().unwrap_or("none"),
                    tag_list(tags)
                ),
            )
        },
        Op::UpdateTrustPolicy {
            role,
            document,
            previous,
        } => ChangeView {
            before: Some(previous.clone()),
            after: Some(document.clone()),
            ..view(
                format!("role {role} trust policy"),
                Action::Update,
                "trust policy differs from the config".into(),
            )
        },
        Op::DetachPolicy {
            role,
            arn,
            document,
            ..
        } => ChangeView {
            before: Some(document.clone()),
            ..view(
                format!("role {role} attachment {arn}"),
                Action::Delete,
                "managed policy not declared in the config; detached (the policy itself is kept)"
                    .into(),
            )
        },
        Op::DeleteInlinePolicy {
            role,
            name,
            document,
        } => ChangeView {
            before: Some(document.clone()),
            ..view(
                format!("role {role} inline policy {name}"),
                Action::Delete,
                "inline policy not declared in the config; deleted (its document is shown in full)"
                    .into(),
            )
        },
        Op::PutPermissionsBoundary {
            role,
            arn,
            previous,
        } => view(
            format!("role {role} permissions boundary"),
            Action::Update,
            format!("{} → {arn}", previous.as_deref().unwrap_or("none")),
        ),
        Op::DeletePermissionsBoundary { role, previous } => view(
            format!("role {role} permissions boundary"),
            Action::Delete,
            format!("{previous} → none (not in the config)"),
        ),
        Op::UpdateRole {
            role,
            description,
            max_session_duration,
            previous_description,
            previous_max_session_duration,
        } => {
            let mut parts = Vec::new();
            if previous_description.as_deref() != Some(description.as_str()) {
                parts.push(format!(
                    "description {:?} → {description:?}",
                    previous_description.as_deref().unwrap_or("")
                ));
            }
            if previous_max_session_duration != max_session_duration {
                parts.push(format!(
                    "max session {previous_max_session_duration}s → {max_session_duration}s"
                ));
            }
            view(format!("role {role}"), Action::Update, parts.join(", "))
        }
        Op::TagRole {
            role,
            tags,
            previous,
        } => view(
            format!("role {role} tags"),
            Action::Update,
            tags.iter()
                .map(|(k, v)| match previous.get(k) {
                    Some(old) => format!("{k}: {old:?} → {v:?}"),
                    None => format!("{k}: (absent) → {v:?}"),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Op::UntagRole { role, keys } => view(
            format!("role {role} tags"),
            Action::Delete,
            format!("remove tag(s) not in the config: {}", keys.join(", ")),
        ),
        Op::CreatePolicy {
            name,
            document,
            tags,
            ..
        } => ChangeView {
            after: Some(document.clone()),
            ..view(
                format!("managed policy {name}"),
                Action::Create,
                format!("tags {}", tag_list(tags)),
            )
        },
        Op::TagPolicy { arn, tags } => view(
            format!("managed policy {arn} tags"),
            Action::Update,
            format!("adopt: add {}", tag_list(tags)),
        ),
        Op::DeletePolicyVersion { arn, version_id } => view(
            format!("managed policy {arn} version {version_id}"),
            Action::Delete,
            "oldest non-default version, pruned to stay under the 5-version limit".into(),
        ),
        Op::CreatePolicyVersion {
            arn,
            document,
            previous,
        } => ChangeView {
            before: Some(previous.clone()),
            after: Some(document.clone()),
            ..view(
                format!("managed policy {arn}"),
                Action::Update,
                "new default version".into(),
            )
        },
        Op::DeletePolicy { arn, document } => ChangeView {
            before: Some(document.clone()),
            ..view(
                format!("managed policy {arn}"),
                Action::Delete,
                "delete the invoke policy".into(),
            )
        },
        Op::DeleteRole { name, trust } => ChangeView {
            before: Some(trust.clone()),
            ..view(
                format!("role {name}"),
                Action::Delete,
                "delete the role".into(),
            )
        },
        Op::AttachPolicy { role, arn } => view(
            format!("role {role} attachment {arn}"),
            Action::Create,
            "attach the invoke policy".into(),
        ),
    }
}

/// Keys sorted at every level, values untouched: stable to read and to diff, and shows the
/// document as written (the canonical comparison form lowercases actions and keys).
pub fn display_form(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), display_form(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(display_form).collect()),
        other => other.clone(),
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(&display_form(v)).unwrap_or_default()
}

/// A line diff of two documents, keys sorted so key order does not show.
pub fn document_diff(before: &Value, after: &Value, styles: Styles) -> String {
    let (a, b) = (pretty(before), pretty(after));
    let diff = similar::TextDiff::from_lines(&a, &b);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let line = change.to_string_lossy();
        let line = line.trim_end_matches('\n');
        match change.tag() {
            similar::ChangeTag::Delete => {
                out.push_str(&styles.red(&format!("      - {line}")));
            }
            similar::ChangeTag::Insert => {
                out.push_str(&styles.green(&format!("      + {line}")));
            }
            similar::ChangeTag::Equal => out.push_str(&format!("        {line}")),
        }
        out.push('\n');
    }
    out
}

fn indent_doc(
    doc: &Value,
    prefix: &str,
    styles: Styles,
    paint: fn(&Styles, &str) -> String,
) -> String {
    pretty(doc)
        .lines()
        .map(|l| paint(&styles, &format!("      {prefix} {l}")) + "\n")
        .collect()
}

/// The human plan: one block per change, `+` create, `~` update, `-` delete.
pub fn plan_human(plan: &Plan, styles: Styles) -> String {
    if plan.is_empty() {
        return format!(
            "{} AWS matches the config; nothing to do.\n",
            styles.green("✓ in sync:")
        );
    }
    let mut out = String::new();
    for op in &plan.ops {
        let v = describe(op);
        let (sigil, paint): (&str, fn(&Styles, &str) -> String) = match v.action {
            Action::Create => ("+", Styles::green),
            Action::Update => ("~", Styles::yellow),
            Action::Delete => ("-", Styles::red),
        };
        out.push_str(&paint(&styles, &format!("  {sigil} {}", v.resource)));
        out.push_str(&styles.dim(&format!("  ({})", v.detail)));
        out.push('\n');
        match (&v.before, &v.after) {
            (Some(b), Some(a)) => out.push_str(&document_diff(b, a, styles)),
            (Some(b), None) => out.push_str(&indent_doc(b, "-", styles, Styles::red)),
            (None, Some(a)) => out.push_str(&indent_doc(a, "+", styles, Styles::green)),
            (None, None) => {}
        }
    }
    let (c, u, d) = counts(plan);
    out.push_str(&styles.bold(&format!(
        "Plan: {c} to create, {u} to update, {d} to delete ({} write call(s)).\n",
        plan.ops.len()
    )));
    out
}

fn counts(plan: &Plan) -> (usize, usize, usize) {
    let mut n = (0, 0, 0);
    for op in &plan.ops {
        match describe(op).action {
            Action::Create => n.0 += 1,
            Action::Update => n.1 += 1,
            Action::Delete => n.2 += 1,
        }
    }
    n
}

/// `{"in_sync":bool,"changes":[{"resource","action","detail","before"?,"after"?}]}`
pub fn plan_json(plan: &Plan) -> Value {
    json!({
        "in_sync": plan.is_empty(),
        "changes": plan.ops.iter().map(describe).collect::<Vec<_>>(),
    })
}

/// The verify checklist.
pub fn verification_human(v: &Verification, styles: Styles) -> String {
    let mut out = String::new();
    for c in &v.checks {
        let mark = if c.passed {
            styles.green("PASS")
        } else {
            styles.red("FAIL")
        };
        out.push_str(&format!("  {mark}  {}\n", c.name));
        out.push_str(&styles.dim(&format!("        {}", c.detail)));
        out.push('\n');
    }
    let failed = v.checks.iter().filter(|c| !c.passed).count();
    if failed == 0 {
        out.push_str(&styles.green(&format!("✓ all {} checks passed\n", v.checks.len())));
    } else {
        out.push_str(&styles.red(&format!("✗ {failed} of {} checks failed\n", v.checks.len())));
    }
    out
}

/// `{"passed":bool,"checks":[{"name","passed","detail"}]}`
pub fn verification_json(v: &Verification) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}
