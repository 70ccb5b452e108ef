//! `guardrail`'s results: the plan or check (what covers whom, what changes, each proof, the
//! roles it stops and does not cover), what apply and destroy wrote, and the guardrail as code.

use lambda_trust_config::ManagedBy;
use schemars::JsonSchema;
use serde::Serialize;

use super::fit::wrap;
use super::output::{Format, Report};
use super::results::to_json;
use super::styles::Styles;
use super::text::printable;
use lambda_trust_audit::{
    GuardrailChange, GuardrailChoices, GuardrailChosen, GuardrailChosenFrom, GuardrailClaim,
    GuardrailMode, GuardrailPlan, RoleUnder,
};
use lambda_trust_iam::Verdict;
use lambda_trust_provision::{guardrail_code, GuardrailCode as Code};

use crate::report::fit::WIDTH;

/// `guardrail plan`, `check` and `apply`'s result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct GuardrailResult {
    #[serde(flatten)]
    pub plan: GuardrailPlan,
    /// The caller's account.
    pub caller: String,
    /// `management-account`, or `delegated-administrator` (a member delegated RCPs).
    pub acting_as: String,
    /// `apply`: the writes made (0 when in sync); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub writes: Option<usize>,
}

impl lambda_trust_verdict::Judged for GuardrailResult {
    fn status(&self) -> lambda_trust_verdict::Status {
        match self.writes {
            // What apply wrote is done: only a failed proof (refused before writing) remains.
            Some(_) => lambda_trust_verdict::Status::Ok,
            None => self.plan.status(),
        }
    }
}

fn change_line(c: &GuardrailChange) -> String {
    match c {
        GuardrailChange::EnableRcps { root } => format!("enable RCPs on the root {root}"),
        GuardrailChange::Create { name, .. } => format!("create the policy {name}"),
        GuardrailChange::Update { id, why } => format!("update {id} in place: {why}"),
        GuardrailChange::Attach { target } => format!("attach it to {target}"),
        GuardrailChange::Detach { target } => format!("detach it from {target}"),
        GuardrailChange::Differs { why } => why.clone(),
        GuardrailChange::Record {
            why,
            exported: false,
            ..
        } => format!(
            "record in its tags what changed since apply: {}",
            why.join("; ")
        ),
        GuardrailChange::Record { why, .. } => format!(
            "changed since it was exported: {}; run `guardrail export` again (with \
             --assume-role or --config-aggregator) and apply it with the tool it was exported \
             to",
            why.join("; ")
        ),
    }
}

fn claim_lines(c: &GuardrailClaim, s: Styles) -> String {
    let word = match c.verdict {
        Verdict::Proved => s.green("proved "),
        Verdict::Counterexample => s.red("FAILED "),
        Verdict::Unknown => s.yellow("unknown"),
    };
    let head = format!("  {word} {:<13} ", c.property.to_string());
    let mut out = wrap(&printable(&c.detail), &head, &" ".repeat(24), WIDTH);
    if let Some(r) = &c.counterexample {
        let context: Vec<String> = (r.context.iter())
            .map(|(k, v)| format!("{k}={}", v.join(",")))
            .collect();
        let text = format!(
            "request: {} {} on {} with {}",
            r.principal,
            r.action,
            r.resource,
            if context.is_empty() {
                "no context".into()
            } else {
                context.join(" ")
            }
        );
        out.push_str(&wrap(
            &printable(&text),
            &" ".repeat(24),
            &" ".repeat(26),
            WIDTH,
        ));
    }
    out.push_str(&hit_lines(&c.roles));
    out
}

/// The most roles a failed claim names in text (JSON names all).
const SHOWN: usize = 10;

/// The roles a failed claim hits, by account: the first [`SHOWN`], then how many more.
fn hit_lines(roles: &[String]) -> String {
    if roles.len() < 2 {
        return String::new();
    }
    let mut out = format!("{}{} roles:\n", " ".repeat(24), roles.len());
    for arn in roles.iter().take(SHOWN) {
        out.push_str(&wrap(
            &printable(arn),
            &" ".repeat(26),
            &" ".repeat(28),
            WIDTH,
        ));
    }
    if roles.len() > SHOWN {
        let more = format!(
            "… and {} more (--format json lists them all)",
            roles.len() - SHOWN
        );
        out.push_str(&format!("{}{more}\n", " ".repeat(26)));
    }
    out
}

/// Where a chosen value came from, in words.
fn from_words(from: &GuardrailChosenFrom) -> String {
    match from {
        GuardrailChosenFrom::Flag => "flag".into(),
        GuardrailChosenFrom::Recorded => "recorded at apply".into(),
        GuardrailChosenFrom::Default => "default".into(),
        GuardrailChosenFrom::Config { environment } => {
            format!("config, environment {environment}: the org its [genesys] signs in to")
        }
        GuardrailChosenFrom::ConfigNotCompared { environment } => format!(
            "config, environment {environment}: not compared, Genesys Cloud was not reached"
        ),
        GuardrailChosenFrom::ConfigWithoutGenesys { environment } => {
            format!("config, environment {environment}: not compared, no [genesys]")
        }
    }
}

/// What the guardrail is written with, each value with where it came from.
fn choices_text(c: &GuardrailChoices) -> String {
    let family = |title: &str, values: &[GuardrailChosen]| -> String {
        if values.is_empty() {
            return format!("  {title}: none\n");
        }
        let mut out = format!("  {title}:\n");
        for v in values {
            let text = format!("{} ({})", v.value, from_words(&v.from));
            out.push_str(&wrap(&printable(&text), "    ", "      ", WIDTH));
        }
        out
    };
    let mut out = "Written with:\n".to_owned();
    out.push_str(&family("org IDs", &c.org_ids));
    out.push_str(&family("partner accounts", &c.partners));
    out.push_str(&family("exempted roles", &c.exempt));
    out
}

/// The policy: in `plan` the document as it will be written (pretty-printed, as Terraform
/// shows a policy); in `check` the stored one against it, as a diff.
fn document_text(r: &GuardrailResult, s: Styles) -> String {
    let p = &r.plan.policy;
    match (r.plan.mode, &p.stored) {
        (GuardrailMode::Check, Some(stored))
            if lambda_trust_iam::semantically_equal(stored, &p.document) =>
        {
            "Policy: the stored document is the one generated.\n".to_owned()
        }
        (GuardrailMode::Check, Some(stored)) => format!(
            "Policy: the stored document (-) against the one generated (+):\n{}",
            super::plan::document_diff(stored, &p.document, s)
        ),
        _ => {
            let body: String = (super::plan::pretty(&p.document).lines())
                .map(|l| format!("    {}\n", printable(l)))
                .collect();
            format!("Policy (minified when written):\n{body}")
        }
    }
}

fn roles_lines(title: &str, roles: &[RoleUnder]) -> String {
    if roles.is_empty() {
        return String::new();
    }
    let mut out = format!("{title} ({}):\n", roles.len());
    for r in roles {
        out.push_str(&format!("  {}\n", printable(&r.arn)));
        let text = format!("{}; {}", r.admits, r.why);
        out.push_str(&wrap(&printable(&text), "    ", "    ", WIDTH));
    }
    out
}

impl Report for GuardrailResult {
    fn human(&self, s: Styles) -> String {
        let p = &self.plan;
        let id = p.policy.id.as_deref().unwrap_or("not created yet");
        let mut out = format!(
            "Guardrail {} ({id}),\n  {} of {} characters; read as the {} ({}).\n",
            p.policy.name,
            p.policy.size,
            p.policy.limit,
            self.acting_as.replace('-', " "),
            self.caller
        );
        out.push_str(&document_text(self, s));
        out.push_str(&choices_text(&p.choices));
        out.push_str("Targets:\n");
        for t in &p.targets {
            out.push_str(&format!(
                "  {} {}: {} member account(s)\n",
                t.target,
                printable(&t.name),
                t.accounts.len()
            ));
        }
        out.push_str(&changes_text(self));
        for r in &p.refused {
            out.push_str(&wrap(
                &printable(r),
                &format!("{} ", s.red("refused:")),
                "  ",
                WIDTH,
            ));
        }
        out.push_str(&merges_text(p));
        out.push_str("Proofs:\n");
        for c in &p.claims {
            out.push_str(&claim_lines(c, s));
        }
        out.push_str(&roles_lines("Roles it stops", &p.stops));
        out.push_str(&roles_lines("Roles it does not cover", &p.uncovered));
        for n in &p.not_read {
            out.push_str(&wrap(&printable(n), "not read: ", "  ", WIDTH));
        }
        for n in &p.not_read_uncovered {
            let text = format!("{n} (accounts it does not cover: apply goes on)");
            out.push_str(&wrap(&printable(&text), "not read: ", "  ", WIDTH));
        }
        out
    }
    fn json(&self) -> String {
        to_json(self)
    }
}

/// Each policy at a target at its quota, merged with the guardrail: where, its size, what was
/// proved of it; the document itself is in the JSON.
fn merges_text(p: &lambda_trust_audit::GuardrailPlan) -> String {
    let mut out = String::new();
    for m in &p.merges {
        let claims: Vec<String> = (m.claims.iter())
            .map(|c| format!("{} {}", c.property, verdict_word(c.verdict)))
            .collect();
        let text = format!(
            "merged for the owner of {} ({}) at {}: {} characters, {}; its document is in \
             --format json (merges)",
            m.name,
            m.policy,
            m.target,
            m.size,
            claims.join(", ")
        );
        out.push_str(&wrap(&printable(&text), "  ", "    ", WIDTH));
    }
    out
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Proved => "proved",
        Verdict::Counterexample => "FAILED",
        Verdict::Unknown => "unknown",
    }
}

fn changes_text(r: &GuardrailResult) -> String {
    let p = &r.plan;
    let verb = match (r.writes, p.mode) {
        (Some(n), _) => format!("Wrote {n} change(s)"),
        (None, GuardrailMode::Check) => "Differences (apply writes them)".to_owned(),
        (None, GuardrailMode::Plan) => "Changes (apply writes them)".to_owned(),
    };
    if p.changes.is_empty() {
        return "In sync: apply writes nothing.\n".to_owned();
    }
    let mut out = format!("{verb}:\n");
    for c in &p.changes {
        out.push_str(&wrap(&printable(&change_line(c)), "  + ", "    ", WIDTH));
    }
    out
}

/// `guardrail destroy`'s result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct GuardrailDestroyed {
    pub schema_version: u32,
    /// The policy removed (absent: none was found, nothing written).
    pub policy_id: Option<String>,
    /// The targets it was detached from.
    pub detached: Vec<String>,
    /// The writes made.
    pub writes: usize,
}

impl lambda_trust_verdict::Judged for GuardrailDestroyed {
    fn status(&self) -> lambda_trust_verdict::Status {
        lambda_trust_verdict::Status::Ok
    }
}

impl Report for GuardrailDestroyed {
    fn human(&self, _: Styles) -> String {
        match &self.policy_id {
            None => {
                "No guardrail of lambda-trust's in this organization: nothing written.\n".into()
            }
            Some(id) => format!(
                "Detached {id} from {} target(s) and deleted it ({} writes). RCPs stay enabled \
                 on the root: `aws organizations disable-policy-type` turns them off.\n",
                self.detached.len(),
                self.writes
            ),
        }
    }
    fn json(&self) -> String {
        to_json(self)
    }
}

/// `guardrail export`'s result: the guardrail as code.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct GuardrailCode {
    pub schema_version: u32,
    /// Its name.
    pub name: String,
    /// The document.
    pub document: serde_json::Value,
    /// Where it is attached.
    pub targets: Vec<String>,
    /// Its ID, when it exists.
    pub id: Option<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub code: Option<Code>,
}

impl GuardrailCode {
    /// `guardrail export`'s formats.
    pub(crate) const FORMATS: &'static [Format] = &[
        Format::Human,
        Format::Json,
        Format::Terraform,
        Format::Cloudformation,
    ];
}

impl Report for GuardrailCode {
    const FORMATS: &'static [Format] = GuardrailCode::FORMATS;
    fn human(&self, _: Styles) -> String {
        format!(
            "{}\n(--format terraform or --format cloudformation writes it as code)\n",
            serde_json::to_string_pretty(&self.document).expect("a JSON value")
        )
    }
    fn json(&self) -> String {
        to_json(self)
    }
    fn terraform(&self) -> Option<String> {
        self.code
            .as_ref()
            .map(|g| guardrail_code(g, ManagedBy::Terraform))
    }
    fn cloudformation(&self) -> Option<String> {
        self.code
            .as_ref()
            .map(|g| guardrail_code(g, ManagedBy::Cloudformation))
    }
}
