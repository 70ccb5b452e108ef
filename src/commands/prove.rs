//! `lambda-trust prove`: decides the trust and invoke properties over every request (offline),
//! for the config's rendered documents or for policy files (`app::prove`).

use super::invocation::Invocation;
use crate::app::prove::{prove, Options};
use crate::app::Events;
use crate::cli::ProveArgs;
use crate::error::{Error, Result, Status};
use crate::report::Proved;
use lambda_trust_iam::Arn;
use lambda_trust_provision::FileInput;
use lambda_trust_verdict::Judged;

/// Binds the flags: checks what clap cannot, then `app::prove`, then the report.
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
    let config = match input.is_empty() {
        true => inv.config.each_env()?,
        false => Vec::new(),
    };
    let options = Options {
        input,
        config,
        partner_principals: args.partner_principals.clone(),
        budget_steps: args.budget_steps,
        budget_ms: args.budget_ms,
        org_policies: args.org.org_policies.clone(),
    };
    let proof = prove(&inv.settings, events, options)?;
    inv.output.emit(&Proved(&proof))?;
    Ok(proof.status())
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
