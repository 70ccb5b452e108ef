//! What `watch deploy|status|destroy` does with a watch — a deployment's or the
//! organization's —, resolved once from the command.

use crate::app::watch::package::PackageUse;
use crate::cli::{OrgWatchArgs, WatchCommand, WatchPackageArgs};
use crate::commands::invocation::Invocation;
use crate::error::{Result, Status};
use crate::event::{WatchNote, WatchProblem};
use crate::report;
use lambda_trust_provision::{Deployment, Seen};

/// What the command does with the watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lifecycle {
    Deploy,
    Status,
    Destroy,
}

/// Which watch a command acts on, resolved once where its arguments are: a deployment's (the
/// config's), or the AWS organization's with what it was given (`--organization`'s flags for
/// `watch deploy|status|destroy`; in the function, `watch run`'s settings from its environment).
pub(super) enum WatchScope<O> {
    Deployment,
    Organization(O),
}

/// What `watch deploy|status|destroy` was asked: what it does with the watch, with which
/// package, and whether its writes are approved (`--yes`).
#[derive(Clone, Copy)]
pub(super) struct Asked<'a> {
    pub lifecycle: Lifecycle,
    pub package: &'a WatchPackageArgs,
    pub yes: bool,
}

impl<'a> Asked<'a> {
    /// What `command` asks, and of which watch; `None` for `watch run`.
    pub(super) fn of(
        command: &'a WatchCommand,
    ) -> Option<(Asked<'a>, WatchScope<&'a OrgWatchArgs>)> {
        let (lifecycle, package, org, yes) = match command {
            WatchCommand::Run => return None,
            WatchCommand::Deploy(a) => (Lifecycle::Deploy, &a.package, &a.organization, a.yes),
            WatchCommand::Status(a) => (Lifecycle::Status, &a.package, &a.organization, false),
            WatchCommand::Destroy(a) => (Lifecycle::Destroy, &a.package, &a.organization, a.yes),
        };
        let scope = match org.organization {
            true => WatchScope::Organization(org),
            false => WatchScope::Deployment,
        };
        let asked = Asked {
            lifecycle,
            package,
            yes,
        };
        Some((asked, scope))
    }
}

impl Lifecycle {
    /// The command, as the result names it.
    pub(super) fn name(self) -> &'static str {
        match self {
            Lifecycle::Deploy => "deploy",
            Lifecycle::Status => "status",
            Lifecycle::Destroy => "destroy",
        }
    }

    /// What the command does with the package: destroy reads none of its own accord (the
    /// running binary is not zipped for nothing); one named is still read and checked.
    pub(super) fn package_use(self, named: bool) -> PackageUse {
        match self {
            Lifecycle::Deploy => PackageUse::Deployed,
            Lifecycle::Destroy if !named => PackageUse::Unused,
            Lifecycle::Status | Lifecycle::Destroy => PackageUse::Compared,
        }
    }
}

/// A watch as `watch deploy|status|destroy` read it, whichever its scope: its deployment
/// `want`, live as `seen`, the package, and what is said beside the plan.
#[derive(Clone, Copy)]
pub(super) struct WatchRead<'a> {
    pub want: &'a Deployment,
    pub seen: &'a Seen,
    pub package: &'a [u8],
    pub notes: &'a [WatchNote],
    pub problems: &'a [WatchProblem],
}

/// What `watch deploy|status|destroy` says of the watch `read` before any write (the caller
/// names what it watches: `role`, `organization`).
pub(super) fn result_of(
    lifecycle: Lifecycle,
    read: WatchRead<'_>,
    changes: Vec<String>,
) -> report::WatchResult {
    let WatchRead {
        want,
        seen,
        package,
        notes,
        problems,
    } = read;
    let f = &want.function;
    report::WatchResult {
        schema_version: crate::report::SCHEMA_VERSION,
        command: lifecycle.name().into(),
        role: String::new(),
        organization: None,
        function: f.name.clone(),
        region: f.region.clone(),
        deployed: seen.function.is_some(),
        deployed_code: seen.function.as_ref().map(|s| s.code_sha256.clone()),
        package_code: (!package.is_empty()).then(|| f.code_sha256.clone()),
        rules: (want.rules.iter())
            .map(|r| format!("{}/{}", r.region, r.name))
            .collect(),
        changes,
        writes: None,
        notes: notes.iter().map(report::watch_note).collect(),
        problems: problems.iter().map(report::watch_problem).collect(),
        active_findings: None,
        archived_findings: None,
        kept_findings: Vec::new(),
        retired: None,
        accounts: None,
    }
}

/// `watch status`'s end, whichever the watch: the result said; healthy when nothing would
/// change and nothing is lacking.
pub(super) fn said_status(
    inv: &Invocation,
    result: &report::WatchResult,
    no_changes: bool,
) -> Result<Status> {
    inv.output.emit(result)?;
    let healthy = no_changes && result.problems.is_empty();
    Ok(Status::ok_or(healthy, Status::Changes))
}

/// The end `watch deploy|destroy` shares, whichever the watch: the changes `lines` shown —
/// for a deploy, what the function will lack first (said before the question, not after the
/// answer); otherwise `first` (a destroy's last re-proof) —, asked, then `write` made into the
/// result, which is said. A deploy that leaves the function lacking something is not done
/// (docs/exit-codes.md).
pub(super) async fn asked_then_written<W>(
    inv: &Invocation,
    asked: Asked<'_>,
    first: Option<String>,
    lines: Vec<String>,
    mut result: report::WatchResult,
    write: W,
) -> Result<Status>
where
    W: AsyncFnOnce(&mut report::WatchResult) -> Result<()>,
{
    let Asked { lifecycle, yes, .. } = asked;
    let question = format!("Make these {} change(s)?", lines.len());
    let warned = (result.problems.iter()).map(|p| format!("warning: the function {p}"));
    let shown: Vec<String> = match lifecycle {
        Lifecycle::Deploy if !lines.is_empty() => warned.chain(lines.iter().cloned()).collect(),
        _ => first.into_iter().chain(lines.iter().cloned()).collect(),
    };
    if !super::super::confirm::approved_lines(inv, &shown, &question, yes)? {
        inv.output.emit(&result)?;
        return Ok(Status::ok_or(lines.is_empty(), Status::Changes));
    }
    write(&mut result).await?;
    inv.output.emit(&result)?;
    let healthy = lifecycle != Lifecycle::Deploy || result.problems.is_empty();
    Ok(Status::ok_or(healthy, Status::Changes))
}
