//! `verify`'s workflow: proves the live setup offline, optionally with a live probe; with
//! `[genesys]`, checks the Genesys Cloud side against what was proved (and, with
//! `--test-actions`, runs every data action end to end). `onboard` proves its result with
//! [`prove_result_read`], the same checks and proofs.

use std::path::PathBuf;
use std::time::Duration;

use super::events::{Event, Events};
use super::genesys as genesys_live;
use super::live::aws_drift;
use super::settings::Settings;
use crate::aws::prepare;
use crate::aws::{probe, Clients};
use crate::error::Result;
use crate::event::Read;
use crate::genesys::Session;
use lambda_trust_model::PathSources;
use lambda_trust_provision::Prepared;
use lambda_trust_provision::{
    genesys_checks, verify_verdict, Check, Finding, Side, Subject, Verification, VerifyRead,
};

/// What `verify` does beyond the offline proof.
pub(crate) struct Options {
    /// The config (`ConfigSource::one`).
    pub config: lambda_trust_config::ConfigFile,
    /// `--assume-profile`: assume the role with this profile and dry-run invoke every target.
    pub assume_profile: Option<String>,
    /// `--wait`: how long the live probe retries while IAM propagates.
    pub wait: Duration,
    /// `--test-actions`: run every data action end to end in Genesys Cloud.
    pub test_actions: bool,
    /// `--only`: verify one side alone.
    pub only: Option<Side>,
    /// `--org-policies DIR`: the SCPs and RCPs over the role's account, as files.
    pub org_policies: Option<PathBuf>,
    /// `--function-policies`: where the targets' function policies are read.
    pub function_policies: super::function_policies::PolicySource,
}

/// What `verify` found: the verdict, what drifted on AWS (with who changed it), and the
/// Genesys Cloud side's failure, reported beside what AWS proved.
pub(crate) struct Verified {
    /// The environment verified, when the config has them.
    pub environment: Option<String>,
    /// The role, account and region verified.
    pub subject: Subject,
    pub verification: Verification,
    pub drift: Vec<Finding>,
    pub error: Option<String>,
    /// Whether the organization's RCPs over the role's account admit the partner only with
    /// your org ID (docs/guardrail.md); `None`: not decided (not read, `--only genesys`).
    pub guarded: Option<bool>,
}

pub(crate) async fn verify(
    settings: &Settings,
    events: &dyn Events,
    options: Options,
) -> Result<Verified> {
    // Bad input is refused before any call.
    super::path::check_org_policies_dir(options.org_policies.as_deref())?;
    let (clients, prepared, early) = read_state(settings, events, &options).await?;
    genesys_live::check_only(options.only, &prepared.loaded.config)?;
    let aws = options.only != Some(Side::Genesys);
    let mut probe = Vec::new();
    if let (true, Some(profile)) = (aws, options.assume_profile.clone()) {
        probe = probe_live(settings, events, &prepared, profile, options.wait).await;
    }
    let (genesys, sources, drift) =
        read_rest(settings, events, &options, &clients, (&prepared, early)).await;
    // A Genesys Cloud failure is reported beside what AWS proved, never instead of it.
    let (mut genesys_checks, mut org, mut error) = (Vec::new(), None, None);
    match genesys {
        Ok((checks, signed_in_org)) => (genesys_checks, org) = (checks, signed_in_org),
        Err(e) => {
            error = Some(format!(
                "the Genesys Cloud side was not verified: {}",
                e.human()
            ))
        }
    }
    let mut sources = sources.transpose()?;
    if let Some(s) = &mut sources {
        s.genesys_org = org.take();
    }
    // With environments, the live role against the others (read, then judged in `verdict`).
    let isolation = match sources.is_some() {
        true => super::isolation::live_claims(settings, &options.config, &prepared),
        false => Vec::new(),
    };
    let read = VerifyRead {
        aws,
        probe,
        genesys: genesys_checks,
        sources: sources.as_ref(),
        isolation,
    };
    let verification = verify_verdict(&prepared.desired, &prepared.observed, read);
    Ok(Verified {
        environment: options.config.env.clone(),
        subject: Subject::of(&prepared.desired, clients.region()),
        verification,
        drift,
        error,
        guarded: sources.as_ref().and_then(|s| guarded(&prepared.desired, s)),
    })
}

/// Whether the RCPs over the role's account admit its partner only with the org ID Genesys
/// Cloud sends (the signed-in org's, else the configured external ID): `audit`'s own reading.
fn guarded(desired: &lambda_trust_model::Desired, sources: &PathSources) -> Option<bool> {
    let partner = lambda_trust_iam::Arn::parse(&desired.partner_principal)?.account;
    let ours = (sources.genesys_org.clone()).unwrap_or_else(|| desired.external_id.clone());
    let orgs = sources.orgs.get(&desired.account_id);
    lambda_trust_audit::guarded(orgs, &desired.role_arn(), &[partner], &[ours])
}

/// The role's state, and beside it the whole path's reads that need only the account and the
/// config ([`super::path::beside_the_role`]; none with `--only genesys`).
async fn read_state(
    settings: &Settings,
    events: &dyn Events,
    options: &Options,
) -> Result<(Clients, Prepared, Option<super::path::Early>)> {
    let loaded = super::live::load(&options.config, events)?;
    let clients = super::live::connect(settings, events, &loaded.config).await?;
    let prepare =
        |scope| super::live::read_prepared(settings, events, &clients, loaded.clone(), scope);
    let (prepared, early) = match options.only {
        Some(Side::Genesys) => (prepare(Default::default()).await?, None),
        _ => {
            let ask = path_ask(options);
            super::path::beside_the_role(&clients, &loaded.config, (ask, None), prepare).await?
        }
    };
    Ok((clients, prepared, early))
}

/// `--org-policies` and `--function-policies`.
fn path_ask(options: &Options) -> super::path::PathAsk<'_> {
    super::path::PathAsk {
        org_policies: options.org_policies.as_deref(),
        function_policies: options.function_policies,
    }
}

/// What `verify` reads once the AWS state is in, at once: the Genesys Cloud side's checks, the
/// whole path's policies (organization and the functions' own; `None` with `--only genesys`)
/// and who changed what drifted on AWS (CloudTrail).
async fn read_rest(
    settings: &Settings,
    events: &dyn Events,
    options: &Options,
    clients: &Clients,
    (prepared, early): (&Prepared, Option<super::path::Early>),
) -> (
    Result<(Vec<Check>, Option<String>)>,
    Option<Result<PathSources>>,
    Vec<Finding>,
) {
    let aws = options.only != Some(Side::Genesys);
    let genesys = async {
        match options.only {
            Some(Side::Aws) => Ok((Vec::new(), None)),
            _ => {
                let (verbose, test) = (settings.verbose, options.test_actions);
                genesys_checks_live(clients, prepared, verbose, test, events).await
            }
        }
    };
    let ask = path_ask(options);
    let sources = async {
        match aws {
            true => Some(super::path::path_sources(clients, prepared, ask, early, events).await),
            false => None,
        }
    };
    let drift = async {
        match aws {
            true => drift_explained(events, clients, prepared).await,
            false => Vec::new(),
        }
    };
    futures::join!(genesys, sources, drift)
}

/// `--assume-profile`: the role assumed and every target dry-run invoked, as checks.
async fn probe_live(
    settings: &Settings,
    events: &dyn Events,
    prepared: &Prepared,
    profile: String,
    wait: Duration,
) -> Vec<Check> {
    events.event(Event::Reading(Read::LiveProbe));
    let probe_settings = probe::ProbeSettings {
        profile,
        wait,
        endpoint_url: settings.aws.endpoint_url.clone(),
    };
    let live = probe::probe(
        &probe_settings,
        &prepared.desired,
        &prepared.observed,
        |step| events.event(Event::Step(step)),
    )
    .await;
    events.event(Event::ReadDone);
    live
}

/// What changed on AWS, and who changed it (CloudTrail): only when something drifted. A state
/// the planner refuses is `plan`'s to explain, said as a warning; the verdict stands either way.
async fn drift_explained(
    events: &dyn Events,
    clients: &Clients,
    prepared: &Prepared,
) -> Vec<Finding> {
    aws_drift(clients, prepared, &crate::aws::trail::pacer())
        .await
        .unwrap_or_else(|e| {
            events.event(Event::Warning {
                message: format!("what changed on AWS is not listed: {e}"),
                hint: None,
            });
            Vec::new()
        })
}

/// Signs in to Genesys Cloud and runs its checks, with the signed-in organization's ID (the
/// external ID Genesys Cloud sends); none without `[genesys]`.
async fn genesys_checks_live(
    clients: &Clients,
    prepared: &Prepared,
    verbose: bool,
    test_actions: bool,
    events: &dyn Events,
) -> Result<(Vec<Check>, Option<String>)> {
    match genesys_live::prepare(clients, prepared, verbose, true, events).await? {
        Some(side) => {
            let checks = genesys_part(&side, prepared, test_actions).await?;
            Ok((checks, side.observed.organization_id.clone()))
        }
        None => Ok((Vec::new(), None)),
    }
}

/// The Genesys checks; with `test_actions`, one more per action: its end-to-end test run.
async fn genesys_part(
    side: &Session,
    prepared: &Prepared,
    test_actions: bool,
) -> Result<Vec<Check>> {
    let role = prepared.observed.role.as_ref().map(|r| r.arn.as_str());
    let functions = &prepared.observed.functions;
    let mut checks = genesys_checks(&side.desired, &side.observed, role, functions);
    if test_actions {
        checks.extend(genesys_live::test_runs(side).await?);
    }
    Ok(checks)
}

/// The result of a write, read again and proved as `verify` proves it (offline checks and
/// proofs; with `[genesys]`, the Genesys checks too): `onboard`'s last step, with the IAM
/// state it proved.
pub(crate) async fn prove_result_read(
    clients: &Clients,
    prepared: &Prepared,
    genesys: Option<&Session>,
) -> Result<(Verification, lambda_trust_model::Observed)> {
    let observed = prepare::reobserve_iam(clients, prepared).await?;
    let mut read = VerifyRead {
        aws: true,
        ..VerifyRead::default()
    };
    if let Some(side) = genesys {
        let again = side.reobserve().await?;
        let role = observed.role.as_ref().map(|r| r.arn.as_str());
        let functions = &prepared.observed.functions;
        read.genesys = genesys_checks(&side.desired, &again, role, functions);
    }
    let verification = verify_verdict(&prepared.desired, &observed, read);
    Ok((verification, observed))
}
