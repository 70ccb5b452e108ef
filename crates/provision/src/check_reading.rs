//! One config's check as read, and its judgement with no call. `check` reads everything first
//! into a [`CheckReading`] and judges it ([`CheckReading::judge`]); the watching function keeps
//! the reading, reads again into it only what an event can have changed
//! ([`CheckReading::read_genesys`], [`CheckReading::reread_aws`]) and judges it again over the
//! side it read ([`CheckReading::judge_after`]).
//!
//! Part of the pure provisioner.

use std::collections::BTreeMap;

use crate::check::{aws_drift, config_report, judge_aws, AwsRead, GenesysCheck, GenesysSide};
use crate::drift::{ConfigNote, ConfigReport, ConfigStatus, Finding};
use crate::genesys::{genesys_checks, GenesysPlan};
use crate::handover::{as_handed_over, hand_over_findings};
use crate::isolation::{findings as isolation_findings, EnvironmentsRead};
use crate::plan::PlanError;
use crate::prepare::{Prepared, TargetPolicy};
use crate::side::Side;
use crate::trail::Lookup;
use crate::verify::{Check, Subject, Verification};
use lambda_trust_config::{Loaded, ManagedBy};
use lambda_trust_model::{DesiredGenesys, Observed, ObservedGenesys, PathSources, PolicyRead};
use lambda_trust_verdict::Problem;

/// Everything one config's check reads, gathered before anything is judged.
#[derive(Debug, Clone)]
pub struct CheckReading {
    /// The config, what it wants, and the role's state as read.
    pub prepared: Prepared,
    /// The region the role's functions default to ([`Subject::of`]).
    pub region: String,
    /// The AWS side beyond the role's state; `None` when it was not read (`--only genesys`).
    pub aws: Option<AwsReading>,
    /// The Genesys Cloud side: `None` when not read (no `[genesys]`, `--only aws`), or why it
    /// could not be read; its failure is reported beside the AWS findings, never instead.
    pub genesys: Result<Option<GenesysReading>, Problem>,
}

/// What the judgement of the AWS state asks for beyond the role's state: who made its drift
/// (CloudTrail), the whole path's policies, and the other environments' claims.
#[derive(Debug, Clone)]
pub struct AwsReading {
    /// The drift the state shows, before CloudTrail was asked ([`aws_drift`]).
    pub drift: Vec<Finding>,
    /// CloudTrail's answers, by resource.
    pub lookups: BTreeMap<String, Lookup>,
    /// The organization and function policies the whole path is judged over.
    pub sources: PathSources,
    /// The other environments, read for the isolation claims judged with the rest.
    pub environments: Option<EnvironmentsRead>,
}

/// The Genesys Cloud side as read and planned as if adopting.
#[derive(Debug, Clone)]
pub struct GenesysReading {
    /// The plan's findings, each annotated with who made the change.
    pub findings: Vec<Finding>,
    /// The side as wanted and as read, for `verify`'s checks (judged with the rest).
    pub desired: Box<DesiredGenesys>,
    /// The side as read; its organization ID is the external ID Genesys Cloud sends.
    pub observed: Box<ObservedGenesys>,
    /// The action tests' verdicts (`--test-actions`).
    pub test_runs: Vec<Check>,
    /// The plan, for what is worth knowing that is not drift (kept superseded actions).
    pub plan: GenesysPlan,
    /// Why the flows calling an action could not be looked up, when they could not.
    pub lookup_error: Option<String>,
}

impl CheckReading {
    /// The reading of both sides, joined: the organization ID the Genesys Cloud side read is
    /// the external ID the whole path is judged with ([`Self::read_genesys`]).
    pub fn new(
        prepared: Prepared,
        region: String,
        aws: Option<AwsReading>,
        genesys: Result<Option<GenesysReading>, Problem>,
    ) -> CheckReading {
        let mut reading = CheckReading {
            prepared,
            region,
            aws,
            genesys: Ok(None),
        };
        reading.read_genesys(genesys);
        reading
    }

    /// The Genesys Cloud side read (again). The signed-in org's ID, when it was read, is what
    /// Genesys Cloud sends as `sts:ExternalId`, so the whole path is judged with it; a side
    /// that could not be read leaves the org read before (or the configured external ID,
    /// assumed and said so) in place.
    pub fn read_genesys(&mut self, genesys: Result<Option<GenesysReading>, Problem>) {
        let org = match &genesys {
            Ok(Some(g)) => g.observed.organization_id.clone(),
            _ => None,
        };
        if let (Some(org), Some(aws)) = (org, self.aws.as_mut()) {
            aws.sources.genesys_org = Some(org);
        }
        self.genesys = genesys;
    }

    /// The role read again (`observed`), with the resource policies read again beside it
    /// (`policies`): the drift is judged anew and nothing CloudTrail said of the old drift is
    /// kept. A setup another tool manages is judged on what matters ([`as_handed_over`]).
    pub fn reread_aws(
        &mut self,
        observed: Observed,
        policies: Vec<TargetPolicy>,
    ) -> Result<(), PlanError> {
        let prepared = &mut self.prepared;
        prepared.observed = match prepared.loaded.config.managed_by {
            Some(_) => as_handed_over(&prepared.desired, observed),
            None => observed,
        };
        let Some(aws) = self.aws.as_mut() else {
            return Ok(());
        };
        for p in policies {
            (aws.sources.reads.from).insert(p.arn.clone(), PolicyRead::GetPolicy);
            aws.sources.function_policies.insert(p.arn, p.policy);
        }
        let (desired, observed) = (&prepared.desired, &prepared.observed);
        let role = &prepared.loaded.config.role.name;
        aws.drift = aws_drift(desired, observed, &prepared.predecessors, role)?;
        aws.lookups = BTreeMap::new();
        Ok(())
    }

    /// One config's report: the sides `only` leaves in, judged; no call. What holds only on
    /// an assumption, and where function policies were read, are notes; a setup another tool
    /// manages has its findings handed over to it.
    pub fn judge(&self, name: &str, only: Option<Side>) -> ConfigReport {
        let (desired, observed) = (&self.prepared.desired, &self.prepared.observed);
        let aws = self.aws.as_ref().filter(|_| only != Some(Side::Genesys));
        let (aws, verification) = match aws {
            Some(read) => judge_aws(desired, observed, aws_read(read, observed)),
            None => (Vec::new(), Verification::from(Vec::new())),
        };
        let not_read = Ok(None);
        let genesys = match only {
            Some(Side::Aws) => &not_read,
            _ => &self.genesys,
        };
        let checks = match genesys {
            Ok(Some(g)) => genesys_side_checks(g, observed),
            _ => Vec::new(),
        };
        let side = genesys_side(genesys, &checks);
        let (config, text) = (&self.prepared.loaded.config, &self.prepared.loaded.text);
        let mut report = config_report(name, text, aws, &verification, side);
        report.notes.extend(verification_notes(&verification));
        hand_over(&mut report, config.managed_by);
        if let Ok(Some(g)) = genesys {
            crate::genesys::refused_whole(&mut report.findings, &g.plan);
            let role_exists = observed.role.is_some();
            let findings = &mut report.findings;
            let external_id = &desired.external_id;
            crate::genesys::refused_external_id(findings, external_id, &g.observed, role_exists);
        }
        report.not_checked = not_checked(only, config.genesys.is_some());
        report.subject = Some(Subject::of(desired, self.region.clone()));
        report
    }

    /// The report of the watching function's kept reading after an event, which read again
    /// only `scope`: a role's or a target's event judges the AWS side (the rest as read at
    /// `read_at`), the Genesys Cloud org's event the Genesys Cloud side, each saying so in a
    /// note; everything read again is judged whole.
    pub(crate) fn judge_after(&self, name: &str, scope: &ReadAgain, read_at: &str) -> ConfigReport {
        let read_at = read_at.to_owned();
        let (side, note) = match scope {
            ReadAgain::Everything => return self.judge(name, None),
            ReadAgain::Role => (Side::Aws, ConfigNote::WatchReadRole { read_at }),
            ReadAgain::Function { arn } => {
                let function = arn.clone();
                (
                    Side::Aws,
                    ConfigNote::WatchReadFunction { function, read_at },
                )
            }
            ReadAgain::Genesys => (Side::Genesys, ConfigNote::WatchReadGenesys),
        };
        let mut report = self.judge(name, Some(side));
        report.notes.push(note);
        report
    }
}

/// What the watching function read again after an event: the scope the watch computed from it
/// (`WatchChange::read_again`), which [`CheckReading::judge_after`] judges over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadAgain {
    /// Everything, as `check` reads it.
    Everything,
    /// The role and its invoke policies.
    Role,
    /// The role and one target's resource policy.
    Function {
        /// The target's unqualified ARN.
        arn: String,
    },
    /// The Genesys Cloud side.
    Genesys,
}

/// One side that could not be read, as the user reads it: the message, then the hint on a
/// last line `(hint: …)`.
pub(crate) fn side_human(problem: &Problem) -> String {
    match &problem.hint {
        Some(hint) => format!("{}\n(hint: {hint})", problem.message),
        None => problem.message.clone(),
    }
}

/// What a check read when the AWS side could not be read: why, and the Genesys Cloud side read
/// against what the config and the account resolve (its plan's findings stand on their own;
/// `verify`'s checks that compare it with the AWS side are not made).
#[derive(Debug, Clone)]
pub struct AwsUnread {
    /// The config as loaded.
    pub loaded: Loaded,
    /// Why the AWS side could not be read.
    pub error: Problem,
    /// The Genesys Cloud side, as [`CheckReading::genesys`].
    pub genesys: Result<Option<GenesysReading>, Problem>,
}

impl AwsUnread {
    /// The report: an error naming the AWS side, every Genesys Cloud finding beside it (and
    /// that side's own error too when it failed as well: then nothing was read).
    pub fn judge(&self, name: &str) -> ConfigReport {
        let checks = match &self.genesys {
            Ok(Some(g)) => g.test_runs.clone(),
            _ => Vec::new(),
        };
        let side = genesys_side(&self.genesys, &checks);
        let none = Verification::from(Vec::new());
        let mut report = config_report(name, &self.loaded.text, Vec::new(), &none, side);
        if let Ok(Some(_)) = &self.genesys {
            report.notes.push(ConfigNote::GenesysJudgedAlone);
        }
        hand_over(&mut report, self.loaded.config.managed_by);
        let aws = format!("the AWS side was not checked: {}", side_human(&self.error));
        report.error = Some(match report.error.take() {
            Some(genesys) => format!("{aws}; {genesys}"),
            None => aws,
        });
        report.failed_side = match report.failed_side {
            Some(Side::Genesys) => None,
            _ => Some(Side::Aws),
        };
        report.status = ConfigStatus::Error;
        report
    }
}

/// The AWS side's reading as [`judge_aws`] takes it, the other environments' failed claims on
/// the live role as findings.
fn aws_read<'a>(read: &'a AwsReading, observed: &Observed) -> AwsRead<'a> {
    let isolation = match (&read.environments, &observed.role) {
        (Some(environments), Some(role)) => {
            isolation_findings(&role.name, &environments.claims(observed))
        }
        _ => Vec::new(),
    };
    AwsRead {
        drift: read.drift.clone(),
        lookups: &read.lookups,
        sources: &read.sources,
        isolation,
    }
}

/// What the verification says beside its claims: what Genesys Cloud gets through on an
/// assumption only (said, never reported as checked), and where function policies were read.
fn verification_notes(verification: &Verification) -> Vec<ConfigNote> {
    let assumed = (verification.path.iter().flat_map(|p| &p.targets))
        .find_map(|t| t.genesys_gets_through.assumes.clone());
    let assumed = assumed.map(|role| ConfigNote::GetsThroughAssuming { role });
    let reads = verification.path.iter().flat_map(|p| &p.function_policies);
    let reads = reads.map(|said| ConfigNote::FunctionPoliciesRead { said: said.clone() });
    assumed.into_iter().chain(reads).collect()
}

/// The Genesys Cloud side as `config_report` takes it: not checked, checked (its findings and
/// `checks`), or the error that stopped it.
fn genesys_side<'a>(
    genesys: &'a Result<Option<GenesysReading>, Problem>,
    checks: &'a [Check],
) -> GenesysSide<'a> {
    match genesys {
        Ok(None) => GenesysSide::NotChecked,
        Ok(Some(g)) => GenesysSide::Checked(GenesysCheck {
            findings: g.findings.clone(),
            checks,
            plan: &g.plan,
            lookup_error: g.lookup_error.clone(),
        }),
        Err(e) => GenesysSide::Failed(side_human(e)),
    }
}

/// `verify`'s Genesys Cloud checks of the side as read, the timeouts against the functions as
/// read, then the action tests' verdicts.
fn genesys_side_checks(g: &GenesysReading, observed: &Observed) -> Vec<Check> {
    let role = observed.role.as_ref().map(|r| r.arn.as_str());
    let mut checks = genesys_checks(&g.desired, &g.observed, role, &observed.functions);
    checks.extend(g.test_runs.iter().cloned());
    checks
}

/// With `managed_by`: the findings on the sides that tool manages are fixed in its code, and
/// the report says what was not compared.
fn hand_over(report: &mut ConfigReport, tool: Option<ManagedBy>) {
    let Some(tool) = tool else { return };
    hand_over_findings(&mut report.findings, tool);
    report.notes.push(ConfigNote::HandedOver { tool });
}

/// The sides `only` leaves out: AWS when only Genesys Cloud is judged; Genesys Cloud when
/// only AWS is and the config has `[genesys]`.
fn not_checked(only: Option<Side>, has_genesys: bool) -> Vec<Side> {
    match only {
        Some(Side::Genesys) => vec![Side::Aws],
        Some(Side::Aws) if has_genesys => vec![Side::Genesys],
        _ => Vec::new(),
    }
}
