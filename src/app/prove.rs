//! `prove`: the trust and invoke properties decided over every request (offline), for the
//! config's rendered documents or for policy files, and with `--org-policies DIR` the claim
//! over the organization's SCPs and RCPs.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::events::{Event, Events};
use super::files::read_file;
use super::live::load;
use super::settings::Settings;
use crate::error::{Error, Result};
use crate::event::Note;
use lambda_trust_iam::{prove_invoke, prove_trust, Arn, Budget, OrgPolicies, RoleAccount};
use lambda_trust_model::RenderContext;
pub(crate) use lambda_trust_provision::Proof;
use lambda_trust_provision::{
    load_files, prove_organization, sides_from_config, FileInput, IsolationEnvironment, OrgProof,
    Sides,
};

/// What to prove, from the command's flags.
pub(crate) struct Options {
    /// Policy files; when empty, the config's rendered documents.
    pub input: FileInput,
    /// The config, read only when `input` is empty: one file, or one per environment
    /// (several: each proved, and every pair proved isolated).
    pub config: Vec<lambda_trust_config::ConfigFile>,
    /// `--partner-principal`: principals of the partner account the trust claim also asks about.
    pub partner_principals: Vec<String>,
    /// The prover's step budget.
    pub budget_steps: u64,
    /// The optional wall-clock cap, in milliseconds.
    pub budget_ms: Option<u64>,
    /// `--org-policies DIR`.
    pub org_policies: Option<PathBuf>,
}

/// Decides every property the input holds; with several environments, each one's and every
/// pair's isolation.
pub(crate) fn prove(settings: &Settings, events: &dyn Events, options: Options) -> Result<Proof> {
    let input = &options.input;
    let both = input.is_empty()
        || (input.trust_policy.is_some()
            && !(input.policies.is_empty() && input.boundary.is_none()));
    if both && options.org_policies.is_none() {
        events.event(Event::Note(Note::OrgPoliciesNotGiven));
    }
    match options.config.as_slice() {
        [_, _, ..] if input.is_empty() && options.org_policies.is_some() => Err(Error::usage(
            "--org-policies DIR holds one account's organization policies, and every \
             environment of the config is proved",
            "give the environment whose account they are: --env NAME",
        )),
        [_, _, ..] if input.is_empty() => prove_environments(settings, events, options),
        [one] if input.is_empty() => {
            let sides = from_config(settings, events, one, input.role_arn.as_deref())?;
            prove_sides(&options, sides)
        }
        _ => prove_sides(&options, load_files(input, &read_file)?),
    }
}

/// Each environment proved as a config is, then every ordered pair proved isolated.
fn prove_environments(settings: &Settings, events: &dyn Events, options: Options) -> Result<Proof> {
    let mut loaded = Vec::new();
    for file in &options.config {
        let l = load(file, events)?;
        let rendered = render_loaded(settings, &l).map_err(|e| e.to_string());
        loaded.push((file.env.clone().unwrap_or_default(), l, rendered));
    }
    let mut proof = Proof {
        results: Vec::new(),
        org: None,
        environments: Vec::new(),
        isolation: Vec::new(),
    };
    for (name, l, rendered) in &loaded {
        let rendered = match rendered {
            Ok(rendered) => rendered,
            Err(e) => {
                events.event(Event::Warning {
                    message: format!("environment {name}: its role is not proved: {e}"),
                    hint: Some("every isolation claim with it is unknown".into()),
                });
                continue;
            }
        };
        let sides = sides_from_config(&l.config, rendered, options.input.role_arn.as_deref())?;
        let one = prove_sides(&options, sides)?;
        proof.results.extend(one.results.iter().cloned());
        proof.environments.push((name.clone(), one.results));
    }
    let envs: Vec<IsolationEnvironment<'_>> = (loaded.iter())
        .map(|(name, l, rendered)| IsolationEnvironment {
            name,
            config: &l.config,
            rendered: rendered.as_ref().map_err(Clone::clone),
        })
        .collect();
    proof.isolation = lambda_trust_provision::isolation(&envs);
    Ok(proof)
}

/// The config's documents rendered as `render` prints them.
fn render_loaded(
    settings: &Settings,
    loaded: &lambda_trust_config::Loaded,
) -> Result<lambda_trust_model::Rendered> {
    let account = loaded.config.aws.account_id.clone();
    render_in(settings, loaded, account)
}

/// The config's documents rendered for the role in `account` (when known).
fn render_in(
    settings: &Settings,
    loaded: &lambda_trust_config::Loaded,
    account: Option<String>,
) -> Result<lambda_trust_model::Rendered> {
    let ctx = RenderContext {
        account_id: account,
        default_region: settings.region(Some(&loaded.config)),
    };
    Ok(lambda_trust_model::render(
        &loaded.config,
        &ctx,
        &settings.templates.load()?,
    )?)
}

/// [`render_in`], its error said as text (an isolation claim's reason to be unknown).
pub(crate) fn render_for(
    settings: &Settings,
    loaded: &lambda_trust_config::Loaded,
    account: Option<String>,
) -> std::result::Result<lambda_trust_model::Rendered, String> {
    render_in(settings, loaded, account).map_err(|e| e.human())
}

/// The properties of one pair of sides (and `--org-policies`).
fn prove_sides(options: &Options, mut sides: Sides) -> Result<Proof> {
    if let Some(t) = &mut sides.trust {
        t.spec.partner_principals = partner_principals(options, &t.spec.partner_account)?;
    }
    let budget = budget(options.budget_steps, options.budget_ms);
    let mut results = Vec::new();
    if let Some(t) = &sides.trust {
        results.extend(prove_trust(&t.policy, &t.role_arn, &t.spec, budget.clone()));
    }
    if let Some(i) = &sides.invoke {
        let boundary = i.boundary.as_ref();
        results.extend(prove_invoke(&i.identity, boundary, &i.spec, budget));
    }
    let org = match &options.org_policies {
        Some(dir) => organization(&sides, dir)?,
        None => None,
    };
    Ok(Proof {
        results,
        org,
        environments: Vec::new(),
        isolation: Vec::new(),
    })
}

/// `--org-policies DIR`: the role's account's SCPs and RCPs from files, and the claim over
/// them (both sides needed: the trust policy and the invoke policies).
fn organization(sides: &Sides, dir: &std::path::Path) -> Result<Option<OrgProof>> {
    let Some(trust) = &sides.trust else {
        return Ok(None);
    };
    let orgs = match &trust.account {
        // Files for no known account: checked, never placed (the claim is unknown).
        RoleAccount::StandIn { reason } => {
            super::path::check_org_policies_dir(Some(dir))?;
            OrgPolicies::NotRead {
                reason: reason.clone(),
            }
        }
        RoleAccount::Given => {
            let account = lambda_trust_iam::account_of(&trust.role_arn);
            super::path::org_policies_from_dir(dir, account)?
        }
    };
    Ok(prove_organization(sides, &orgs))
}

/// The step budget, plus the optional wall-clock cap: a timer thread sets the prover's stop
/// flag (the prover itself reads no clock). The thread ends with the process.
fn budget(steps: u64, ms: Option<u64>) -> Budget {
    let Some(ms) = ms else {
        return Budget::new(steps, None);
    };
    let flag = Arc::new(AtomicBool::new(false));
    let timer = Arc::clone(&flag);
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(ms));
        timer.store(true, Ordering::Relaxed);
    });
    Budget::new(steps, Some(flag))
}

/// The config's rendered trust and invoke documents, as `render` prints them.
fn from_config(
    settings: &Settings,
    events: &dyn Events,
    path: &lambda_trust_config::ConfigFile,
    role_arn: Option<&str>,
) -> Result<Sides> {
    let loaded = load(path, events)?;
    let rendered = render_loaded(settings, &loaded)?;
    Ok(sides_from_config(&loaded.config, &rendered, role_arn)?)
}

/// `--partner-principal`: ARNs of a user, role or role session in the partner's account.
fn partner_principals(options: &Options, partner: &str) -> Result<Vec<String>> {
    for p in &options.partner_principals {
        let arn = Arn::parse(p).filter(|a| matches!(a.service.as_str(), "iam" | "sts"));
        if arn.as_ref().is_none_or(|a| a.account != partner) {
            return Err(Error::usage(
                format!("--partner-principal {p:?} is not an IAM principal ARN in the partner account {partner}"),
                format!("for example --partner-principal arn:aws:iam::{partner}:role/VendorRole"),
            ));
        }
    }
    Ok(options.partner_principals.clone())
}
