//! `lambda-trust simulate`: evaluates one request against policy files (offline).

use crate::cli::{self, Format, Global};
use crate::core::simulate;
use crate::error::{Result, Status};
use crate::report::{self, Styles};

pub fn run(g: &Global, args: &cli::SimulateArgs, styles: Styles) -> Result<Status> {
    let input = simulate::SimulateInput {
        policies: args.policies.clone(),
        trust_policy: args.trust_policy.clone(),
        boundary: args.boundary.clone(),
        principal: args.principal.clone(),
        action: args.action.clone(),
        resource: args.resource.clone(),
        context: args.context.clone(),
    };
    let outcome = simulate::run(&input, &super::read_file)?;
    match g.format {
        Format::Human => print!("{}", report::simulate_human(&outcome, styles.color)),
        _ => println!("{}", report::simulate_json(&outcome)),
    }
    Ok(if outcome.allowed() {
        Status::Ok
    } else {
        Status::Denied
    })
}
