//! `lambda-trust prove`: decides the trust and invoke properties over every request (offline),
//! for the config's rendered documents or for policy files.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::invocation::Invocation;
use super::load;
use crate::app::files::read_file;
use crate::app::Events;
use crate::cli::ProveArgs;
use crate::core::prove::{self, FileInput, Sides};
use crate::core::render::{self, RenderContext};
use crate::error::{Error, Result, Status};
use crate::iam::arn::Arn;
use crate::iam::{prove_invoke, prove_trust, Budget};
use crate::report::{self, Proved};

pub(super) fn run(inv: &Invocation, events: &dyn Events, args: &ProveArgs) -> Result<Status> {
    check_flags(args)?;
    let input = FileInput {
        trust_policy: args.trust_policy.clone(),
        partner_account: args.partner_account.clone().unwrap_or_default(),
        external_id: args.external_id.clone().unwrap_or_default(),
        policies: args.policies.clone(),
        boundary: args.boundary.clone(),
        targets: args.targets.clone(),
        role_arn: args.role_arn.clone(),
    };
    let mut sides = if input.is_empty() {
        from_config(inv, events, args.role_arn.as_deref())?
    } else {
        prove::load_files(&input, &read_file)?
    };
    if let Some(t) = &mut sides.trust {
        t.spec.partner_principals = partner_principals(args, &t.spec.partner_account)?;
    }
    let budget = budget(args);
    let mut results = Vec::new();
    if let Some(t) = &sides.trust {
        results.extend(prove_trust(&t.policy, &t.role_arn, &t.spec, budget.clone()));
    }
    if let Some(i) = &sides.invoke {
        results.extend(prove_invoke(
            &i.identity,
            i.boundary.as_ref(),
            &i.spec,
            budget,
        ));
    }
    let org = match &args.org.org_policies {
        Some(dir) => organization(&sides, dir)?,
        None => {
            if sides.trust.is_some() && sides.invoke.is_some() {
                inv.output.note(
                    "organization policies not given (--org-policies DIR): whether an SCP or \
                     RCP stops Genesys Cloud is not claimed",
                );
            }
            None
        }
    };
    inv.output.emit(&Proved(&results, org.as_ref()))?;
    let passed = report::prove_passed(&results) && org.as_ref().is_none_or(|o| o.passed());
    Ok(Status::ok_or(passed, Status::Denied))
}

/// `--org-policies DIR`: the role's account's SCPs and RCPs from files, and the claim over
/// them (both sides needed: the trust policy and the invoke policies).
fn organization(sides: &Sides, dir: &std::path::Path) -> Result<Option<prove::OrgProof>> {
    let Some(trust) = &sides.trust else {
        return Ok(None);
    };
    let account = crate::iam::arn::account_of(&trust.role_arn);
    let orgs = crate::app::path::org_policies_from_dir(dir, account)?;
    Ok(prove::organization(sides, &orgs))
}

/// The step budget, plus the optional wall-clock cap: a timer thread sets the prover's stop
/// flag (the prover itself reads no clock). The thread ends with the process.
fn budget(args: &ProveArgs) -> Budget {
    let budget = Budget::steps(args.budget_steps);
    let Some(ms) = args.budget_ms else {
        return budget;
    };
    let flag = Arc::new(AtomicBool::new(false));
    let timer = Arc::clone(&flag);
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(ms));
        timer.store(true, Ordering::Relaxed);
    });
    budget.with_stop(flag)
}

/// The config's rendered trust and invoke documents, as `render` prints them.
fn from_config(inv: &Invocation, events: &dyn Events, role_arn: Option<&str>) -> Result<Sides> {
    let loaded = load(inv, events)?;
    let ctx = RenderContext {
        account_id: loaded.config.aws.account_id.clone(),
        default_region: inv.settings.region(Some(&loaded.config)),
    };
    let rendered = render::render(&loaded.config, &ctx, &inv.settings.templates.load()?)?;
    Ok(prove::from_config(&loaded.config, &rendered, role_arn)?)
}

/// What clap cannot check: the values of --partner-account, --external-id and --target.
fn check_flags(args: &ProveArgs) -> Result<()> {
    if let Some(acct) = &args.partner_account {
        if acct.len() != 12 || !acct.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::usage(
                format!("--partner-account {acct:?} is not a 12-digit AWS account ID"),
                "for Genesys Cloud: --partner-account 765628985471",
            ));
        }
    }
    if matches!(&args.external_id, Some(id) if id.trim().is_empty()) {
        return Err(Error::usage(
            "--external-id is empty",
            "pass your Genesys Cloud organization ID",
        ));
    }
    for target in &args.targets {
        let is_function = Arn::parse(target).is_some_and(|a| a.function_parts().is_some());
        if !is_function {
            return Err(Error::usage(
                format!("--target {target:?} is not a Lambda function ARN"),
                "for example --target arn:aws:lambda:us-east-1:111122223333:function:lookup-customer",
            ));
        }
    }
    Ok(())
}

/// `--partner-principal`: ARNs of a user, role or role session in the partner's account.
fn partner_principals(args: &ProveArgs, partner: &str) -> Result<Vec<String>> {
    for p in &args.partner_principals {
        let arn = Arn::parse(p).filter(|a| matches!(a.service.as_str(), "iam" | "sts"));
        if arn.as_ref().is_none_or(|a| a.account != partner) {
            return Err(Error::usage(
                format!("--partner-principal {p:?} is not an IAM principal ARN in the partner account {partner}"),
                format!("for example --partner-principal arn:aws:iam::{partner}:role/VendorRole"),
            ));
        }
    }
    Ok(args.partner_principals.clone())
}
