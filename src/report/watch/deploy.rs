//! `watch deploy|status|destroy`: what the watching function's deployment is, what it would
//! write or wrote — human and JSON.

use schemars::JsonSchema;
use serde::Serialize;

use crate::report::fit::wrap;
use crate::report::output::Report;
use crate::report::styles::Styles;

/// The text's width (report/fit.rs keeps within it).
use crate::report::fit::WIDTH;

/// `watch deploy|status|destroy --format json`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct WatchResult {
    #[schemars(schema_with = "crate::report::schemas::schema_version")]
    pub schema_version: u32,
    /// `deploy`, `status` or `destroy`.
    pub command: String,
    /// The watched role's name; `*` for the organization watch, which watches every partner
    /// role of `organization`.
    pub role: String,
    /// `--organization`: the AWS organization's ID (`o-…`) the organization watch watches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// The watching function's name and region.
    pub function: String,
    pub region: String,
    /// Whether the function exists now.
    pub deployed: bool,
    /// The deployed code's SHA-256 (base64, Lambda's `CodeSha256`).
    pub deployed_code: Option<String>,
    /// The local package's; absent when no package was given or could be built (`status`,
    /// `destroy` go on without one).
    pub package_code: Option<String>,
    /// Its EventBridge rules (region/name).
    pub rules: Vec<String>,
    /// The writes that bring AWS where the command goes: pending, or made when `writes` is set.
    pub changes: Vec<String>,
    /// The writes made; absent when nothing was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub writes: Option<usize>,
    /// Where the function lives and why, what the events need, what is read on the schedule.
    pub notes: Vec<String>,
    /// What the function lacks, each naming its fix: a region whose calls it cannot hear (no
    /// trail logs its management events), Security Hub not enabled in its region (it cannot
    /// publish), no Genesys Cloud credentials (it cannot sign in). Any makes `status` exit 2.
    pub problems: Vec<String>,
    /// `status`: the watch's active Security Hub findings as Security Hub holds them; absent
    /// when they were not read (another command, or the read failed: `notes` says why).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_findings: Option<Vec<WatchFinding>>,
    /// `destroy` with its writes made: how many of the watch's active Security Hub findings it
    /// archived (`RecordState ARCHIVED`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived_findings: Option<usize>,
    /// `destroy`: the watch's findings that still fail (or could not be proved again), kept
    /// ACTIVE with a note that the watch was removed and what settles them — never archived
    /// silently; their titles.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept_findings: Vec<String>,
    /// `status --organization`: every account of the organization, how it is covered, and
    /// whether the function said it cannot watch it; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Vec<OrgAccountStatus>>,
    /// `destroy --organization` with its writes made: each account, re-proved a last time by
    /// the function before it was removed; absent when the function was not there to ask.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired: Option<Vec<RetiredAccount>>,
}

/// How `watch destroy --organization` says, before it asks, that the function re-proves each
/// of the organization's `accounts` accounts a last time.
pub(crate) fn org_watch_last_reproof(accounts: usize) -> String {
    format!(
        "re-prove each of the {accounts} account(s) a last time through the function: what no \
         longer holds is archived in its Security Hub, what still fails stays active, saying \
         the watch was removed"
    )
}

/// One account's last re-proof, before `watch destroy --organization` removed the watch.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct RetiredAccount {
    pub account: String,
    /// The findings that no longer hold, settled in its Security Hub.
    pub archived: usize,
    /// The findings that still fail (or are still not proved), kept ACTIVE, their text saying
    /// the watch was removed.
    pub kept: usize,
    /// The facts (informational findings: no control failed nor passed) kept ACTIVE, still
    /// so, their text saying the watch was removed.
    pub facts: usize,
    /// Why it was not re-proved: its findings stay as they were, and
    /// `lambda-trust audit --organization` proves them again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One account of the organization, as `watch status --organization` reads it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct OrgAccountStatus {
    pub account: String,
    /// `stack-set` (a member: the StackSets' instances) or `management-stack` (the management
    /// account: its own stacks, which StackSets never deploy).
    pub covered_by: String,
    /// Whether what covers it is in place: each StackSet's instance current (a member), its
    /// stacks there (the management account). Absent when not read: a delegated
    /// administrator's run does not read the management account's stacks.
    pub covered: Option<bool>,
    /// Why it is not covered: each instance that is not current, as the problem says it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_covered: Vec<String>,
    /// The function's own finding that it cannot watch the account (its title); absent: none
    /// held. When the function last proved each account is in its log and the account's hub,
    /// which status does not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_watched: Option<String>,
    /// Why, as the function found it: its reader role cannot be assumed, its Security Hub is
    /// off, no trail logs its IAM calls, …; absent with no such finding, or one that names no
    /// cause (an older function's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_watched_cause: Option<String>,
}

/// An active Security Hub finding of the watch.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct WatchFinding {
    pub title: String,
    /// Its severity label: `CRITICAL`, `HIGH`, `MEDIUM`, `LOW` or `INFORMATIONAL`.
    pub severity: String,
    /// When Security Hub last updated it (RFC 3339).
    pub updated_at: Option<String>,
    /// When it was created (RFC 3339).
    pub created_at: Option<String>,
}

impl Report for WatchResult {
    fn human(&self, styles: Styles) -> String {
        let watching = match &self.organization {
            Some(org) => format!("every partner role of organization {org}"),
            None => format!("role {}", self.role),
        };
        let head = format!(
            "{} {} ({}) watching {watching}",
            styles.bold("watch"),
            self.function,
            self.region,
        );
        let mut out = wrap(&head, "", "  ", WIDTH);
        let code = match (&self.deployed_code, self.deployed) {
            (_, true) if self.package_code.is_none() => {
                "deployed; its code not compared (no package)".into()
            }
            (Some(c), true) if Some(c) == self.package_code.as_ref() => {
                "deployed, the code is the local package's".into()
            }
            (Some(c), true) => format!("deployed, its code ({c}) is not the local package's"),
            _ => "not deployed".to_owned(),
        };
        out.push_str(&format!("  {code}; {} rule(s)\n", self.rules.len()));
        let mark = if self.writes.is_some() {
            "done "
        } else {
            "to do"
        };
        for change in &self.changes {
            let first = format!("  {} ", styles.dim(mark));
            out.push_str(&wrap(change, &first, "        ", WIDTH));
        }
        for note in &self.notes {
            out.push_str(&styles.dim(&wrap(note, "  ", "    ", WIDTH)));
        }
        out.push_str(&self.findings_text(styles));
        if let Some(n) = self.archived_findings {
            out.push_str(&format!(
                "  Security Hub: archived {n} finding(s) of this watch\n"
            ));
        }
        out.push_str(&self.retired_text(styles));
        for title in &self.kept_findings {
            let first = format!("  {} ", styles.bold("kept active"));
            out.push_str(&wrap(title, &first, "    ", WIDTH));
        }
        for problem in &self.problems {
            let first = format!("  {} ", styles.bold("problem"));
            out.push_str(&wrap(problem, &first, "    ", WIDTH));
        }
        out.push_str(&wrap(self.last_line().trim_end(), "", "  ", WIDTH));
        out
    }

    fn json(&self) -> String {
        crate::report::results::to_json(self)
    }
}

impl WatchResult {
    /// Each account's last re-proof: the totals, and each account not re-proved.
    fn retired_text(&self, styles: Styles) -> String {
        let Some(retired) = &self.retired else {
            return String::new();
        };
        let archived: usize = retired.iter().map(|r| r.archived).sum();
        let kept: usize = retired.iter().map(|r| r.kept).sum();
        let facts: usize = retired.iter().map(|r| r.facts).sum();
        let read = retired.iter().filter(|r| r.error.is_none()).count();
        let facts = match facts {
            0 => String::new(),
            n => format!(" and {n} fact(s) (informational) still so"),
        };
        let mut out = wrap(
            &format!(
                "Security Hub: {read} of {} account(s) re-proved a last time: archived \
                 {archived} finding(s) that no longer hold, kept {kept} active that still fail \
                 or are still not proved{facts}",
                retired.len()
            ),
            "  ",
            "    ",
            WIDTH,
        );
        for r in retired {
            if let Some(why) = &r.error {
                // An error's hint on its own line would land at column 0: one paragraph.
                let why = why.replace('\n', " ");
                let first = format!("  {} ", styles.bold("not re-proved"));
                let text = format!(
                    "{}: {why}; its findings stay as they were: `lambda-trust audit \
                     --organization` proves them again",
                    r.account
                );
                out.push_str(&wrap(&text, &first, "    ", WIDTH));
            }
        }
        out
    }

    /// The active findings, one line each: severity, title, when.
    fn findings_text(&self, styles: Styles) -> String {
        let Some(findings) = &self.active_findings else {
            return String::new();
        };
        if findings.is_empty() {
            return "  Security Hub: no active finding of this watch\n".into();
        }
        let mut out = format!(
            "  Security Hub: {} active finding(s) of this watch (severity, last updated, title)\n",
            findings.len()
        );
        for f in findings {
            let when = (f.updated_at.as_ref()).or(f.created_at.as_ref());
            let first = format!(
                "    {} {:<20}  ",
                styles.bold(&format!("{:<8}", f.severity)),
                when.map_or("-", String::as_str)
            );
            out.push_str(&wrap(&f.title, &first, &" ".repeat(35), WIDTH));
        }
        out
    }

    fn last_line(&self) -> String {
        let problems = self.problems.len();
        let unhealthy = match problems {
            // What a destroy removes lacks nothing.
            _ if self.command == "destroy" => String::new(),
            0 => String::new(),
            n => format!(", but the watch is not healthy: {n} problem(s)"),
        };
        if self.command == "status" && problems > 0 && self.changes.is_empty() {
            return format!("status: nothing to write{unhealthy}\n");
        }
        let org = self.organization.as_ref().map_or("", |_| " --organization");
        match (self.changes.len(), self.writes) {
            (0, _) => format!("{}: nothing to write{unhealthy}\n", self.command),
            (n, Some(w)) => format!(
                "{}: {n} change(s) made in {w} write(s){unhealthy}\n",
                self.command
            ),
            (n, None) if self.command == "status" => {
                format!("{n} change(s) pending: run `lambda-trust watch deploy{org}`\n")
            }
            (n, None) => format!(
                "{n} change(s) pending: run `lambda-trust watch {}{org} --yes` to make them\n",
                self.command
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(problems: Vec<String>, findings: Vec<WatchFinding>) -> WatchResult {
        WatchResult {
            schema_version: lambda_trust_verdict::SCHEMA_VERSION,
            command: "status".into(),
            role: "GenesysLambdaInvoker".into(),
            organization: None,
            function: "lambda-trust-watch-GenesysLambdaInvoker".into(),
            region: "us-east-1".into(),
            deployed: true,
            deployed_code: Some("abc".into()),
            package_code: Some("abc".into()),
            rules: vec!["us-east-1/r".into()],
            changes: Vec::new(),
            writes: None,
            notes: Vec::new(),
            problems,
            active_findings: Some(findings),
            archived_findings: None,
            kept_findings: Vec::new(),
            accounts: None,
            retired: None,
        }
    }

    #[test]
    fn status_lists_each_active_finding_and_each_problem_and_says_it_is_not_healthy() {
        let finding = WatchFinding {
            title: "The trust policy admits more than Genesys Cloud".into(),
            severity: "HIGH".into(),
            updated_at: Some("2026-01-02T03:04:05Z".into()),
            created_at: Some("2026-01-01T00:00:00Z".into()),
        };
        let text = status(Vec::new(), vec![finding]).human(Styles::default());
        assert!(
            text.ends_with(
                "  Security Hub: 1 active finding(s) of this watch (severity, last updated, title)\n    HIGH     2026-01-02T03:04:05Z  The trust policy admits more than Genesys\n                                   Cloud\nstatus: nothing to write\n"
            ),
            "{text}"
        );
        let problem = "cannot publish: Security Hub is not enabled".to_owned();
        let text = status(vec![problem], Vec::new()).human(Styles::default());
        assert!(
            text.ends_with(
                "  Security Hub: no active finding of this watch\n  problem cannot publish: Security Hub is not enabled\nstatus: nothing to write, but the watch is not healthy: 1 problem(s)\n"
            ),
            "{text}"
        );
    }

    /// A deploy that leaves a problem says so on its last line, as its exit code 2 does.
    #[test]
    fn a_deploy_that_leaves_a_problem_says_the_watch_is_not_healthy() {
        let mut result = status(vec!["cannot sign in to Genesys Cloud".into()], Vec::new());
        "deploy".clone_into(&mut result.command);
        result.active_findings = None;
        result.changes = vec!["create function".into(), "create rule".into()];
        result.writes = Some(2);
        let text = result.human(Styles::default());
        assert!(
            text.ends_with(
                "deploy: 2 change(s) made in 2 write(s), but the watch is not healthy: 1\n  \
                 problem(s)\n"
            ),
            "{text}"
        );
    }

    /// `destroy --organization`: the totals of the last re-proof, and each account not
    /// re-proved with why and what proves it again, within 80 columns.
    #[test]
    fn destroy_says_what_each_account_kept_and_which_it_could_not_reprove() {
        let mut result = status(Vec::new(), Vec::new());
        "destroy".clone_into(&mut result.command);
        result.active_findings = None;
        let retired = |account: &str, archived, kept, error: Option<&str>| RetiredAccount {
            account: account.into(),
            archived,
            kept,
            facts: usize::from(kept > 2),
            error: error.map(str::to_owned),
        };
        result.retired = Some(vec![
            retired("111122223333", 2, 1, None),
            retired("222233334444", 0, 3, None),
            retired(
                "333344445555",
                0,
                0,
                Some("sts:AssumeRole failed: AccessDenied"),
            ),
        ]);
        let text = result.human(Styles::default());
        assert!(
            text.contains("2 of 3 account(s) re-proved a last time: archived 2"),
            "{text}"
        );
        assert!(text.contains("kept 4 active that still fail"), "{text}");
        assert!(
            text.contains("and 1 fact(s) (informational) still so"),
            "{text}"
        );
        assert!(
            text.contains("not re-proved 333344445555: sts:AssumeRole"),
            "{text}"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    }
}
