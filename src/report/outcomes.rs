//! Each command's result as a [`Report`]: the text it prints in each format it has. The
//! renderers of each kind live in their own modules; this file only joins them per command.

use std::time::Duration;

use serde_json::Value;

use super::audit_html::HtmlMeta;
use super::genesys::RegionRow;
use super::output::{Format, Report};
use super::results::{
    to_json, ApplyResult, DestroyResult, DryRunResult, ImportResult, InitResult, OnboardResult,
    OrgPoliciesResult, PlanResult, RenderedPolicies, VerifyResult, Writes,
};
use super::styles::Styles;
use super::text::printable;
use super::{asff, ocsf};
use super::{audit, audit_html, audit_iac, check, genesys, lint, plan, prove, simulate, verify};
use lambda_trust_audit::{AccountReport, IacReport, OrgReport};
use lambda_trust_provision::{ChangeSet, CheckReport, LintReport, SimulateOutcome, Verification};

/// `plan`: both sides' changes.
pub(crate) struct Planned<'a>(pub &'a ChangeSet);

impl Report for Planned<'_> {
    fn human(&self, styles: Styles) -> String {
        plan::change_set_human(self.0, styles)
    }
    fn json(&self) -> String {
        to_json(&PlanResult::new(self.0))
    }
}

/// `apply`: what was written, and how long it took (people saw the plan before the writes).
pub(crate) struct Applied<'a> {
    pub set: &'a ChangeSet,
    pub writes: Writes,
    pub elapsed: Duration,
}

impl Report for Applied<'_> {
    fn human(&self, styles: Styles) -> String {
        if self.set.planned_writes() == 0 {
            return String::new();
        }
        format!(
            "{} {} change(s) applied in {:.2}s. Run `lambda-trust verify` to prove the result.\n",
            styles.green("✓ applied:"),
            self.writes.total(),
            self.elapsed.as_secs_f64()
        )
    }
    fn json(&self) -> String {
        to_json(&ApplyResult::new(self.set, self.writes))
    }
}

/// `apply` on a terminal, not confirmed: nothing written; its JSON is the plan's.
pub(crate) struct NotApplied<'a>(pub &'a ChangeSet);

impl Report for NotApplied<'_> {
    fn human(&self, _: Styles) -> String {
        "Nothing was changed: apply was not confirmed (--yes writes without asking).\n".to_owned()
    }
    fn json(&self) -> String {
        to_json(&PlanResult::new(self.0))
    }
}

/// `destroy`: nothing to delete, what would go (without `--yes`), or what went.
pub(crate) enum Destroyed<'a> {
    /// Nothing of ours exists; `yes`: a destroy that wrote nothing, else a plan (in sync).
    Nothing { set: &'a ChangeSet, yes: bool },
    /// Without `--yes`: the deletions, not made; `watch`: the deployed watch's, made first.
    Pending {
        set: &'a ChangeSet,
        watch: &'a [String],
    },
    /// With `--yes`: deleted (people saw the deletions before the writes).
    Deleted {
        set: &'a ChangeSet,
        writes: Writes,
        watch: &'a [String],
    },
}

impl Report for Destroyed<'_> {
    fn human(&self, styles: Styles) -> String {
        match self {
            Destroyed::Nothing { .. } => format!("{} nothing to delete.\n", styles.green("✓")),
            Destroyed::Pending { set, watch } => format!(
                "{}{}Nothing was deleted. Run again with --yes to delete the above.\n",
                plan::watch_removal_human(watch, styles),
                plan::deletions_human(set, styles)
            ),
            Destroyed::Deleted { writes, .. } => format!(
                "{} deleted ({} write call(s)).\n",
                styles.green("✓"),
                writes.total()
            ),
        }
    }
    fn json(&self) -> String {
        match self {
            Destroyed::Nothing { set, yes: false } => to_json(&PlanResult::new(set)),
            Destroyed::Pending { set, watch } => to_json(&PlanResult::with_watch(set, watch)),
            Destroyed::Nothing { set, yes: true } => {
                to_json(&DestroyResult::new(set, Writes::default(), &[]))
            }
            Destroyed::Deleted { set, writes, watch } => {
                to_json(&DestroyResult::new(set, *writes, watch))
            }
        }
    }
}

/// `onboard` / `offboard`: nothing to do, a dry run, or the edit applied and proved.
pub(crate) enum Onboarded<'a> {
    /// The target is already there.
    AlreadyThere { summary: String },
    /// `--dry-run`: the config diff and the plan, nothing changed.
    DryRun { diff: String, set: &'a ChangeSet },
    /// Written and proved.
    Done {
        summary: &'a str,
        set: &'a ChangeSet,
        writes: Writes,
        verification: &'a Verification,
    },
}

impl Report for Onboarded<'_> {
    fn human(&self, styles: Styles) -> String {
        match self {
            Onboarded::AlreadyThere { summary } => format!("{} {summary}.\n", styles.green("✓")),
            Onboarded::DryRun { .. } => "Dry run: nothing was changed.\n".to_owned(),
            Onboarded::Done {
                summary,
                writes,
                verification,
                ..
            } => format!(
                "{} {summary} ({} write call(s)).\n{}",
                styles.green("✓"),
                writes.total(),
                verify::verification_human(verification, styles)
            ),
        }
    }
    fn json(&self) -> String {
        match self {
            Onboarded::AlreadyThere { summary } => {
                to_json(&OnboardResult::nothing_to_do(summary.clone()))
            }
            Onboarded::DryRun { diff, set } => to_json(&DryRunResult::new(diff.clone(), set)),
            Onboarded::Done {
                summary,
                set,
                writes,
                verification,
            } => to_json(&OnboardResult::new(summary, set, *writes, verification)),
        }
    }
}

/// `verify`: the checklist, then what changed on AWS (when something did).
impl Report for VerifyResult<'_> {
    fn human(&self, styles: Styles) -> String {
        let error = match self.error {
            Some(e) => format!("{} {}\n", styles.red("✗ error:"), printable(e)),
            None => String::new(),
        };
        let header = match self.subject {
            Some(s) => styles.bold(&format!("verify: {}\n", printable(&s.to_string()))),
            None => String::new(),
        };
        // Said when it holds; the JSON says `false` too (a fact, never a failure).
        let guarded = match self.guarded {
            Some(true) => super::fit::wrap(
                "the organization's RCPs admit Genesys Cloud only with your org ID",
                "guardrail: ",
                "  ",
                super::fit::WIDTH,
            ),
            _ => String::new(),
        };
        format!(
            "{header}{guarded}{}{}{error}",
            verify::verification_human(self.verification, styles),
            verify::changes_human(self.changes.unwrap_or_default(), styles)
        )
    }
    fn json(&self) -> String {
        to_json(self)
    }
}

/// `verify` of several environments: each one's checklist under its name.
impl Report for super::results::VerifyEnvironmentsResult<'_> {
    fn human(&self, styles: Styles) -> String {
        let mut out = String::new();
        for (i, one) in self.environments.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let name = one.environment.unwrap_or_default();
            out.push_str(&styles.bold(&format!("environment {}\n", printable(name))));
            out.push_str(&one.human(styles));
        }
        let failed: Vec<&str> = (self.environments.iter())
            .filter(|e| !e.verification.passed || e.error.is_some())
            .map(|e| e.environment.unwrap_or_default())
            .collect();
        let total = self.environments.len();
        let line = match failed.as_slice() {
            [] => styles.green(&format!("✓ all {total} environments verified\n")),
            names => styles.red(&format!(
                "✗ {} of {total} environments not verified: {}\n",
                names.len(),
                printable(&names.join(", "))
            )),
        };
        out.push('\n');
        out.push_str(&line);
        out
    }
    fn json(&self) -> String {
        to_json(self)
    }
}

/// `prove`: each property's verdict, with `--org-policies` the organization's claims, and
/// with several environments each one's properties and every pair's isolation.
pub(crate) struct Proved<'a>(pub &'a lambda_trust_provision::Proof);

impl Report for Proved<'_> {
    fn human(&self, styles: Styles) -> String {
        let p = self.0;
        match (&p.org, p.environments.is_empty()) {
            (_, false) => prove::prove_environments(p, styles),
            (Some(org), true) => prove::prove_with_organization(p, org, styles),
            (None, true) => prove::prove_human(&p.results, styles),
        }
    }
    fn json(&self) -> String {
        to_json(&prove::ProveResult::of(self.0))
    }
}

impl Report for SimulateOutcome {
    fn human(&self, styles: Styles) -> String {
        simulate::render_human(self, styles)
    }
    fn json(&self) -> String {
        simulate::render_json(self)
    }
}

impl Report for LintReport {
    fn human(&self, styles: Styles) -> String {
        lint::render_human(self, styles)
    }
    fn json(&self) -> String {
        lint::render_json(self)
    }
}

/// `genesys regions`: the region table.
pub(crate) struct Regions<'a>(pub &'a [RegionRow]);

impl Report for Regions<'_> {
    fn human(&self, styles: Styles) -> String {
        genesys::regions_human(self.0, styles)
    }
    fn json(&self) -> String {
        genesys::regions_result(self.0)
    }
}

/// `render`: the documents, JSON in every format (ready for `simulate`, `prove`, `aws iam`).
pub(crate) enum RenderedDocuments<'a> {
    One(&'a Value),
    Both(RenderedPolicies<'a>),
}

impl Report for RenderedDocuments<'_> {
    fn human(&self, _: Styles) -> String {
        format!("{}\n", self.json())
    }
    fn json(&self) -> String {
        match self {
            RenderedDocuments::One(doc) => to_json(doc),
            RenderedDocuments::Both(both) => to_json(both),
        }
    }
}

/// `org-policies`: the files written, one line each, then how to use them.
impl Report for OrgPoliciesResult {
    fn human(&self, _: Styles) -> String {
        let mut out = format!(
            "wrote {} file(s) to {} for account {}{}:\n",
            self.files.len(),
            self.directory,
            self.account,
            self.organization
                .as_deref()
                .map(|o| format!(" (organization {o})"))
                .unwrap_or_default()
        );
        for f in &self.files {
            out.push_str(&format!(
                "  {}  {} {} ({}) at {}\n",
                f.file,
                f.kind,
                printable(&f.name),
                f.id,
                printable(&f.level)
            ));
        }
        out.push_str(&format!(
            "next: lambda-trust verify --org-policies {} (with the account's own credentials)\n",
            self.directory
        ));
        out
    }
    fn json(&self) -> String {
        to_json(self)
    }
}

/// `init`: the file written.
impl Report for InitResult {
    fn human(&self, _: Styles) -> String {
        let more = match self.commented_out.len() {
            0 => String::new(),
            n => format!(", {n} more listed as comments"),
        };
        if let Some(env) = &self.environment {
            let overrides = match env.overrides.as_slice() {
                [] => "nothing of the base".to_string(),
                keys => keys.join(", "),
            };
            let name = printable(&env.name);
            return format!(
                "wrote [environments.{name}] in {} (it overrides {})\nnext: lambda-trust lint --env {name}, lambda-trust prove (every pair of environments isolated), then lambda-trust plan --env {name}\n",
                printable(&self.written),
                printable(&overrides),
            );
        }
        format!(
            "wrote {} ({} target(s){more})\nnext: lambda-trust lint, then lambda-trust plan and lambda-trust apply\n",
            self.written,
            self.targets.len(),
        )
    }
    fn json(&self) -> String {
        to_json(self)
    }
}

/// `init --from-genesys` (with or without `--from-role`) and `init --from-role`.
pub(crate) enum Imported {
    Genesys(ImportResult),
    Role(ImportResult),
}

impl Report for Imported {
    fn human(&self, _: Styles) -> String {
        match self {
            Imported::Genesys(r) | Imported::Role(r) if r.environment.is_some() => {
                environment_added_human(r)
            }
            Imported::Genesys(r) => genesys_import_human(r),
            Imported::Role(r) => role_import_human(r),
        }
    }
    fn json(&self) -> String {
        match self {
            Imported::Genesys(r) | Imported::Role(r) => to_json(r),
        }
    }
}

/// `init --from-genesys`/`--from-role` with `--env` on an existing config.
fn environment_added_human(r: &ImportResult) -> String {
    let Some(env) = &r.environment else {
        return String::new();
    };
    let overrides = match env.overrides.as_slice() {
        [] => "nothing of the base".to_string(),
        keys => keys.join(", "),
    };
    let name = printable(&env.name);
    format!(
        "wrote [environments.{name}] in {} (it overrides {}) from what was read\nnext: lambda-trust prove (every pair of environments isolated), then lambda-trust plan --env {name} --adopt\n",
        printable(&r.written),
        printable(&overrides)
    )
}

fn genesys_import_human(r: &ImportResult) -> String {
    let mut out = format!(
        "wrote {}: {} action(s) imported into {} target(s), {} left out\n",
        r.written,
        r.imported,
        r.targets.len(),
        r.left_out.len()
    );
    for l in &r.left_out {
        let line = format!("  left out {:?} ({}): {}\n", l.name, l.id, l.why);
        out.push_str(&printable(&line));
    }
    out.push_str(match r.adopt {
        true => "next: lambda-trust plan --adopt (no action should change), then lambda-trust apply --adopt\n",
        // lambda-trust's own integration: --adopt would take over what another deployment owns.
        false => "next: lambda-trust plan (no action should change), then lambda-trust apply\n",
    });
    out
}

fn role_import_human(r: &ImportResult) -> String {
    let Some(role) = &r.role else {
        return format!("wrote {}\n", r.written);
    };
    let mut out = format!(
        "wrote {}: the role {} with {} target(s)\n",
        r.written,
        role.name,
        r.targets.len()
    );
    for f in &role.findings {
        out.push_str(&format!(
            "  finding [{}] {}: {}\n",
            f.severity,
            f.code,
            printable(&f.message)
        ));
    }
    for n in &role.notes {
        out.push_str(&format!("  note: {}\n", printable(n)));
    }
    out.push_str(
        "next: lambda-trust plan --adopt (review every change), then lambda-trust apply --adopt\n",
    );
    out
}

/// `check`: its renderers (report/check.rs).
impl Report for CheckReport {
    const FORMATS: &'static [Format] =
        &[Format::Human, Format::Json, Format::Sarif, Format::Github];
    fn human(&self, styles: Styles) -> String {
        check::render_human(self, styles)
    }
    fn json(&self) -> String {
        check::render_json(self)
    }
    fn sarif(&self) -> Option<String> {
        Some(check::render_sarif(self))
    }
    fn github(&self) -> Option<String> {
        Some(check::render_github(self))
    }
}

/// `audit` of an account (live or `--input`), with the HTML page's header facts.
pub(crate) struct AccountAudit<'a> {
    pub report: &'a AccountReport,
    pub meta: HtmlMeta,
}

/// The formats of a live audit.
const AUDIT_FORMATS: &[Format] = &[
    Format::Human,
    Format::Json,
    Format::Sarif,
    Format::Html,
    Format::Asff,
    Format::Ocsf,
];

impl Report for AccountAudit<'_> {
    const FORMATS: &'static [Format] = AUDIT_FORMATS;
    fn human(&self, styles: Styles) -> String {
        audit::account_human(self.report, styles)
    }
    fn json(&self) -> String {
        audit::account_json(self.report)
    }
    fn sarif(&self) -> Option<String> {
        Some(audit::account_sarif(self.report))
    }
    fn html(&self) -> Option<String> {
        Some(audit_html::account_html(self.report, &self.meta))
    }
    fn asff(&self) -> Option<String> {
        Some(asff::document(&asff::account_findings(
            self.report,
            &self.meta,
        )))
    }
    fn ocsf(&self) -> Option<String> {
        Some(asff::document(&ocsf::account_events(
            self.report,
            &self.meta,
        )))
    }
}

/// `audit --organization` / `--accounts`.
pub(crate) struct OrgAudit<'a> {
    pub report: &'a OrgReport,
    pub meta: HtmlMeta,
}

impl Report for OrgAudit<'_> {
    const FORMATS: &'static [Format] = AUDIT_FORMATS;
    fn human(&self, styles: Styles) -> String {
        audit::org_human(self.report, styles)
    }
    fn json(&self) -> String {
        audit::org_json(self.report)
    }
    fn sarif(&self) -> Option<String> {
        Some(audit::org_sarif(self.report))
    }
    fn html(&self) -> Option<String> {
        Some(audit_html::org_html(self.report, &self.meta))
    }
    fn asff(&self) -> Option<String> {
        Some(asff::document(&asff::org_findings(self.report, &self.meta)))
    }
    fn ocsf(&self) -> Option<String> {
        Some(asff::document(&ocsf::org_events(self.report, &self.meta)))
    }
}

/// `audit --template` / `--plan`.
impl Report for IacReport {
    const FORMATS: &'static [Format] = &[Format::Human, Format::Json, Format::Sarif];
    fn human(&self, styles: Styles) -> String {
        audit_iac::iac_human(self, styles)
    }
    fn json(&self) -> String {
        audit_iac::iac_json(self)
    }
    fn sarif(&self) -> Option<String> {
        Some(audit_iac::iac_sarif(self))
    }
}
