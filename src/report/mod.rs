//! Renderers: pure functions from pipeline data (plans, verifications, drift findings, lint
//! reports, simulations, proofs, the Genesys Cloud region table) to text — human, JSON, SARIF, GitHub annotations,
//! and the audit's self-contained HTML page.
//!
//! The `report` layer sits beside `aws` above the pure `core`: it imports `core`, `config` and
//! `iam`, never `aws`. Colour is off unless the caller enables it (`--color`, or auto on a
//! terminal). The JSON shapes are the stable, documented interface (docs/json-output.md).

pub mod asff;
mod audit;
mod audit_html;
mod audit_iac;
mod check;
mod diff;
pub mod events;
mod genesys;
mod ids;
mod lint;
pub mod ocsf;
mod outcomes;
mod output;
mod plan;
mod prove;
mod results;
mod sarif;
pub mod schemas;
mod simulate;
mod text;
mod verify;
mod version;

use owo_colors::OwoColorize;

pub use audit::{
    account_human as audit_human, account_json as audit_json, account_sarif as audit_sarif,
    org_human as audit_org_human, org_json as audit_org_json, org_sarif as audit_org_sarif,
};
pub use audit_html::{account_html as audit_html, org_html as audit_org_html, HtmlMeta};
pub use audit_iac::{
    iac_human as audit_iac_human, iac_json as audit_iac_json, iac_sarif as audit_iac_sarif,
};
pub use check::{
    render_github as check_github, render_human as check_human, render_json as check_json,
    render_sarif as check_sarif,
};
pub use diff::DiffResult;
pub use genesys::{regions_human, regions_json, RegionRow};
pub use ids::IdsResult;
pub use lint::{render_human as lint_human, render_json as lint_json};
pub use outcomes::{
    AccountAudit, Applied, Destroyed, Imported, NotApplied, Onboarded, OrgAudit, Planned, Proved,
    Regions, RenderedDocuments,
};
pub use output::{accepts, render, Format, Report, Unsupported, HUMAN_JSON};
pub use plan::{
    apply_question, change_set_human, deletions_human, display_form, document_diff,
    genesys_plan_human, plan_human, ApplyQuestion, WriteStarted,
};
pub use prove::{prove_human, prove_json, prove_passed, ProveResult};
pub use results::{
    to_json, to_value, ApplyResult, DestroyResult, DryRunResult, EnvironmentWritten,
    GenesysChanges, ImportResult, ImportedRoleResult, InitResult, OnboardResult, OrgPoliciesResult,
    OrgPolicyFileWritten, PlanResult, RenderedPolicies, VerifyEnvironmentsResult, VerifyResult,
    Writes, SCHEMA_VERSION,
};
pub use simulate::{render_human as simulate_human, render_json as simulate_json};
pub use text::printable;
pub use verify::{changes_human, verification_human};
pub use version::VersionResult;

/// Whether to emit ANSI colour on one stream (decided once, `commands::Output::resolve`).
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
    pub(crate) fn green(&self, s: &str) -> String {
        self.paint(s, |s| s.green().to_string())
    }
    pub fn red(&self, s: &str) -> String {
        self.paint(s, |s| s.red().to_string())
    }
    pub(crate) fn yellow(&self, s: &str) -> String {
        self.paint(s, |s| s.yellow().to_string())
    }
    pub(crate) fn bold(&self, s: &str) -> String {
        self.paint(s, |s| s.bold().to_string())
    }
    pub(crate) fn dim(&self, s: &str) -> String {
        self.paint(s, |s| s.dimmed().to_string())
    }
    pub(crate) fn cyan(&self, s: &str) -> String {
        self.paint(s, |s| s.cyan().to_string())
    }
}
