//! `lambda-trust simulate`: evaluates one request against policy files (offline).

use super::invocation::Output;
use crate::app::files::read_file;
use crate::cli;
use crate::error::{Result, Status};
use lambda_trust_provision::SimulateInput;
use lambda_trust_verdict::Judged;

pub(super) fn run(output: &Output, args: &cli::SimulateArgs) -> Result<Status> {
    let input = SimulateInput {
        policies: args.policies.clone(),
        trust_policy: args.trust_policy.clone(),
        boundary: args.boundary.clone(),
        principal: args.principal.clone(),
        action: args.action.clone(),
        resource: args.resource.clone(),
        context: args.context.clone(),
        org_policies: match &args.org_policies {
            // The files describe the resource's account.
            Some(dir) => {
                crate::app::path::check_org_policies_dir(Some(dir))?;
                let account = lambda_trust_iam::account_of(&args.resource);
                Some(crate::app::path::org_policies_from_dir(dir, account)?)
            }
            None => None,
        },
    };
    let outcome = lambda_trust_provision::simulate(&input, &read_file)?;
    output.emit(&outcome)?;
    Ok(outcome.status())
}
