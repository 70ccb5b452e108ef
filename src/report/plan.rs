//! The plan as users read it: a human diff (`+` create, `~` update, `-` delete) and JSON.

use serde_json::Value;

use super::styles::Styles;
use super::text::printable;
use lambda_trust_provision::{
    describe_genesys, describe_plan, genesys_notes, ChangeAction, ChangeSet, ChangeView,
    GenesysPlan, HandedOver, Plan, Side,
};

/// Keys sorted at every level, values untouched: stable to read and to diff, and shows the
/// document as written (the canonical comparison form lowercases actions and keys).
pub(crate) fn display_form(v: &Value) -> Value {
    let mut sorted = v.clone();
    sorted.sort_all_objects();
    sorted
}

pub(crate) fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(&display_form(v)).unwrap_or_default()
}

/// A unified diff of a config file's text before and after an edit (`onboard --dry-run`).
pub(crate) fn config_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(2)
        .header(path, &format!("{path} (after)"))
        .to_string()
}

/// A line diff of two documents, keys sorted so key order does not show. JSON escapes C0
/// controls but not DEL, C1 or bidi controls: each line goes through [`printable`].
pub(crate) fn document_diff(before: &Value, after: &Value, styles: Styles) -> String {
    let (a, b) = (pretty(before), pretty(after));
    let diff = similar::TextDiff::from_lines(&a, &b);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let line = change.to_string_lossy();
        let line = printable(line.trim_end_matches('\n'));
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

/// [`document_diff`] around the changed lines only (two lines of context, `…` between
/// hunks), each line behind `indent`: for findings, where the whole document would bury the
/// change.
pub(crate) fn document_diff_near(
    before: &Value,
    after: &Value,
    indent: &str,
    styles: Styles,
) -> String {
    let (a, b) = (pretty(before), pretty(after));
    let diff = similar::TextDiff::from_lines(&a, &b);
    let mut out = String::new();
    for (i, group) in diff.grouped_ops(2).iter().enumerate() {
        if i > 0 {
            out.push_str(&format!("{indent}  …\n"));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let line = change.to_string_lossy();
                let line = printable(line.trim_end_matches('\n'));
                let text = match change.tag() {
                    similar::ChangeTag::Delete => styles.red(&format!("{indent}- {line}")),
                    similar::ChangeTag::Insert => styles.green(&format!("{indent}+ {line}")),
                    similar::ChangeTag::Equal => format!("{indent}  {line}"),
                };
                out.push_str(&text);
                out.push('\n');
            }
        }
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
        .map(|l| paint(&styles, &format!("      {prefix} {}", printable(l))) + "\n")
        .collect()
}

/// The human plan: one block per change, `+` create, `~` update, `-` delete.
pub(crate) fn plan_human(plan: &Plan, styles: Styles) -> String {
    if plan.ops.is_empty() {
        // This side only: the other may still have changes below.
        return format!(
            "{} AWS in sync with the config: no AWS change.\n",
            styles.green("✓")
        );
    }
    let views = describe_plan(plan);
    let mut out = change_blocks(&views, styles);
    let (c, u, d) = counts(&views);
    out.push_str(&styles.bold(&format!(
        "Plan: {c} to create, {u} to update, {d} to delete ({} write call(s)).\n",
        plan.ops.len()
    )));
    out
}

/// One block per change: `+` create, `~` update (with a document diff), `-` delete.
fn change_blocks(views: &[ChangeView], styles: Styles) -> String {
    let mut out = String::new();
    for v in views {
        let (sigil, paint): (&str, fn(&Styles, &str) -> String) = match v.action {
            ChangeAction::Create => ("+", Styles::green),
            ChangeAction::Update => ("~", Styles::yellow),
            ChangeAction::Delete => ("-", Styles::red),
        };
        let (resource, detail) = (printable(&v.resource), printable(&v.detail));
        out.push_str(&paint(&styles, &format!("  {sigil} {resource}")));
        out.push_str(&styles.dim(&format!("  ({detail})")));
        out.push('\n');
        match (&v.before, &v.after) {
            (Some(b), Some(a)) => out.push_str(&document_diff(b, a, styles)),
            (Some(b), None) => out.push_str(&indent_doc(b, "-", styles, Styles::red)),
            (None, Some(a)) => out.push_str(&indent_doc(a, "+", styles, Styles::green)),
            (None, None) => {}
        }
    }
    out
}

fn counts(views: &[ChangeView]) -> (usize, usize, usize) {
    let mut n = (0, 0, 0);
    for v in views {
        match v.action {
            ChangeAction::Create => n.0 += 1,
            ChangeAction::Update => n.1 += 1,
            ChangeAction::Delete => n.2 += 1,
        }
    }
    n
}

/// Both sides' plans, in the order they are written; the Genesys Cloud side only with
/// `[genesys]`.
pub(crate) fn change_set_human(set: &ChangeSet, styles: Styles) -> String {
    set.sides
        .into_iter()
        .map(|side| {
            let on_side = |h: &&HandedOver| h.side == side;
            let handed: Vec<&HandedOver> = set.handed_over.iter().filter(on_side).collect();
            match (side, &set.genesys, handed) {
                (side, _, handed) if !handed.is_empty() => handed_over_human(side, &handed, styles),
                (Side::Aws, _, _) => plan_human(&set.aws, styles),
                (Side::Genesys, Some(g), _) => genesys_plan_human(g, styles),
                (Side::Genesys, None, _) => String::new(),
            }
        })
        .collect()
}

/// A side handed over to another tool (`managed_by`): what its code must change; never "in sync".
fn handed_over_human(side: Side, handed: &[&HandedOver], styles: Styles) -> String {
    let views: Vec<ChangeView> = handed.iter().map(|h| h.change.clone()).collect();
    let tool = handed.first().map_or("", |h| h.tool);
    let mut out = change_blocks(&views, styles);
    out.push_str(&styles.bold(&format!(
        "{} differs from the config in {} change(s), left to {tool} (managed_by): lambda-trust writes none of them.\n",
        side,
        views.len()
    )));
    out
}

/// A change set's write, as it starts (progress on stderr).
#[derive(Debug, Clone, Copy)]
pub(crate) struct WriteStarted<'a> {
    pub side: Side,
    /// 0-based.
    pub index: usize,
    pub total: usize,
    pub change: &'a ChangeView,
}

impl WriteStarted<'_> {
    /// `[2/5] updating policy …`; Genesys Cloud's writes say so: `[genesys 1/3] creating …`.
    pub(crate) fn line(&self) -> String {
        let verb = match self.change.action {
            ChangeAction::Create => "creating",
            ChangeAction::Update => "updating",
            ChangeAction::Delete => "removing",
        };
        let side = match self.side {
            Side::Aws => "",
            Side::Genesys => "genesys ",
        };
        let (n, total, resource) = (self.index + 1, self.total, &self.change.resource);
        format!("[{side}{n}/{total}] {verb} {resource}")
    }
}

/// What `apply` asks on a terminal once the plan is shown: `warning`, the deletions named
/// (said before the question, so a yes is never given to a deletion unseen), and the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApplyQuestion {
    pub warning: Option<String>,
    pub question: String,
}

/// The question `apply` asks about `set` (not in sync).
pub(crate) fn apply_question(set: &ChangeSet) -> ApplyQuestion {
    let mut deleted: Vec<String> = Vec::new();
    for side in set.write_order() {
        let views: Vec<ChangeView> = match (side, &set.genesys) {
            (Side::Aws, _) => describe_plan(&set.aws),
            (Side::Genesys, Some(g)) => g.ops.iter().map(describe_genesys).collect(),
            (Side::Genesys, None) => Vec::new(),
        };
        deleted.extend(
            views
                .into_iter()
                .filter(|v| v.action == ChangeAction::Delete)
                .map(|v| v.resource),
        );
    }
    let warning = (!deleted.is_empty()).then(|| {
        let items = match deleted.len() {
            1 => "1 item".to_string(),
            n => format!("{n} items"),
        };
        format!("these changes remove {items}: {}", deleted.join("; "))
    });
    ApplyQuestion {
        warning,
        question: format!("Make these {} write call(s)?", set.planned_writes()),
    }
}

/// `destroy`: the config's deployed watch, removed before anything else (so it never hears the
/// role's deletion); empty without one.
pub(crate) fn watch_removal_human(watch: &[String], styles: Styles) -> String {
    if watch.is_empty() {
        return String::new();
    }
    let mut out = String::from("The watch of this config is deployed; it is removed first:\n");
    for line in watch {
        out.push_str(&format!("  {} {line}\n", styles.red("-")));
    }
    out
}

/// `destroy`'s deletions, in the order they are made; a side with nothing to delete is not
/// shown.
pub(crate) fn deletions_human(set: &ChangeSet, styles: Styles) -> String {
    set.write_order()
        .map(|side| match (side, &set.genesys) {
            (Side::Genesys, Some(g)) => genesys_plan_human(g, styles),
            (Side::Genesys, None) => String::new(),
            (Side::Aws, _) => plan_human(&set.aws, styles),
        })
        .collect()
}

/// The Genesys Cloud plan, after the AWS one: its changes, the actions in our integration
/// that lambda-trust does not own (never touched), and a summary line.
pub(crate) fn genesys_plan_human(plan: &GenesysPlan, styles: Styles) -> String {
    let mut out = String::new();
    for a in &plan.foreign {
        let line = format!(
            "  ! genesys action {:?} ({}) calls {}: not created by lambda-trust, left alone\n",
            a.def.name,
            a.id,
            a.def.function_arn()
        );
        out.push_str(&styles.dim(&printable(&line)));
    }
    for n in genesys_notes(plan, None) {
        out.push_str(&styles.dim(&format!("  ! {}\n", printable(&n))));
    }
    if plan.ops.is_empty() {
        out.push_str(&format!(
            "{} Genesys Cloud in sync with the config: no Genesys Cloud change.\n",
            styles.green("✓")
        ));
        return out;
    }
    let views: Vec<ChangeView> = plan.ops.iter().map(describe_genesys).collect();
    out.push_str(&change_blocks(&views, styles));
    let (c, u, d) = counts(&views);
    out.push_str(&styles.bold(&format!(
        "Genesys Cloud plan: {c} to create, {u} to update, {d} to delete ({} write call(s)).\n",
        plan.ops.len()
    )));
    out
}
