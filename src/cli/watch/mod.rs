//! `watch`'s commands and flags: a deployment's watch, and the organization watch's
//! (`--organization`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::args::genesys_org_id;

/// `watch`'s commands.
#[derive(Debug, Subcommand)]
pub(crate) enum WatchCommand {
    /// Serve the watching function's invocations (Lambda's Runtime API).
    ///
    /// What the function's `bootstrap` runs: each EventBridge event re-proves the config
    /// (--config, beside the binary) and publishes the result to Security Hub.
    #[command(after_long_help = "\
Outside Lambda it stops with an error naming the variable Lambda sets (AWS_LAMBDA_RUNTIME_API).

Examples:
  lambda-trust watch run      # in the function: its bootstrap runs this")]
    Run,
    /// Deploy the watching function, its read-only role and its rules.
    ///
    /// Shows what it will create or change and asks, as apply does; a second run with the
    /// same config and package writes nothing.
    #[command(after_long_help = "\
The function lives where IAM's events arrive (us-east-1 for the aws partition); targets in other \
regions forward their Lambda events to it. [watch] in the config sets its schedule (default \
rate(1 hour)) and an SNS topic told of each change of the result. Its role may read exactly what `check` reads, publish \
to Security Hub and write its own logs: lambda-trust's evaluator decides that before anything is \
written. See docs/watch.md.

With --organization, the organization watch: its function in StackSets' delegated \
administrator, and in every account a reader role and the rules forwarding IAM's and Lambda's \
calls to it, through StackSets (docs/organization.md).

Examples:
  lambda-trust watch deploy --package ./lambda-trust --yes
  echo yes | lambda-trust watch deploy --package ./lambda-trust
  lambda-trust watch deploy --organization --package ./lambda-trust --yes")]
    Deploy(WatchDeployArgs),
    /// Show what is deployed and whether it is the local package.
    #[command(after_long_help = "\
Exits 0 when the deployment is as `watch deploy` would make it, 2 when writes are pending or \
the watch lacks something. With --organization, an account without its StackSets' current \
stacks is named, and exits 2.

Examples:
  lambda-trust watch status --package ./lambda-trust --format json
  lambda-trust watch status --organization")]
    Status(WatchStatusArgs),
    /// Remove exactly what watch deploy created.
    ///
    /// Only resources tagged with this config's watch; shows them first and asks.
    #[command(after_long_help = "\
Examples:
  lambda-trust watch destroy --yes
  lambda-trust watch destroy --organization --yes")]
    Destroy(WatchDestroyArgs),
}

/// The package the function's code is compared with.
#[derive(Debug, Args)]
pub(crate) struct WatchPackageArgs {
    /// lambda-trust's Linux build or release archive.
    ///
    /// A binary Lambda's provided.al2023 runs (static, or glibc 2.34 at most), or a .tar.gz
    /// release archive, checked against PATH.sha256 when beside it [default: this binary].
    #[arg(long, value_name = "PATH")]
    pub package: Option<PathBuf>,
}

/// `watch deploy`'s flags.
#[derive(Debug, Args)]
pub(crate) struct WatchDeployArgs {
    #[command(flatten)]
    pub package: WatchPackageArgs,
    #[command(flatten)]
    pub organization: OrgWatchArgs,
    /// Write without asking.
    #[arg(long)]
    pub yes: bool,
}

/// `watch status`'s flags.
#[derive(Debug, Args)]
pub(crate) struct WatchStatusArgs {
    #[command(flatten)]
    pub package: WatchPackageArgs,
    #[command(flatten)]
    pub organization: OrgWatchArgs,
}

/// `watch destroy`'s flags.
#[derive(Debug, Args)]
pub(crate) struct WatchDestroyArgs {
    #[command(flatten)]
    pub package: WatchPackageArgs,
    #[command(flatten)]
    pub organization: OrgWatchArgs,
    /// Delete without asking.
    #[arg(long)]
    pub yes: bool,
}

/// The organization watch's flags (`--organization`).
#[derive(Debug, Args)]
pub(crate) struct OrgWatchArgs {
    /// Every partner role of the AWS organization.
    ///
    /// Every role any account of the organization grants to Genesys Cloud, re-proved on each
    /// change; no config is read. Run with the management account's credentials or StackSets'
    /// delegated administrator's (docs/organization.md).
    #[arg(long)]
    pub organization: bool,
    /// Your Genesys Cloud org's ID (repeatable).
    ///
    /// A partner role whose sts:ExternalId is none of them is `external-id-not-ours`
    /// [default: the external IDs of the config's environments, when one is found].
    #[arg(long = "genesys-org-id", value_name = "UUID", value_parser = genesys_org_id, requires = "organization")]
    pub genesys_org_ids: Vec<String>,
    /// Another region of targets (repeatable).
    ///
    /// Besides us-east-1, a region holding partner roles' functions: each gets a rule
    /// forwarding its Lambda permission calls, in every account. Deploy takes the whole list
    /// each time.
    #[arg(
        long = "function-region",
        value_name = "REGION",
        value_parser = region,
        requires = "organization"
    )]
    pub function_regions: Vec<String>,
    /// The account the function lives in.
    ///
    /// Needed when StackSets has several [default: its one delegated administrator].
    #[arg(long, value_name = "ACCOUNT", requires = "organization")]
    pub watch_account: Option<String>,
    /// Accepted findings (an audit baseline file).
    ///
    /// Each finding an entry matches is imported SUPPRESSED until the entry expires. Deploy
    /// writes what it is given; status and destroy take the deployed one.
    #[arg(long, value_name = "FILE", requires = "organization")]
    pub baseline: Option<std::path::PathBuf>,
    /// Sweep only what this Config aggregator shows.
    ///
    /// An aggregator of the watch's account and region covering the organization: each sweep
    /// re-proves only the accounts it shows a partner role in, those holding the watch's
    /// findings, and those it does not cover. Deploy writes what it is given; status and
    /// destroy take the deployed one.
    #[arg(long, value_name = "NAME", requires = "organization")]
    pub config_aggregator: Option<String>,
}

/// An AWS region's name as AWS writes them: lowercase words and a number, `eu-west-1`.
fn region(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.split('-').collect();
    let words = parts.len() >= 3
        && (parts[..parts.len() - 1].iter())
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()));
    let number = parts
        .last()
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    match words && number {
        true => Ok(s.to_owned()),
        false => {
            Err("a region's name, as `eu-west-1` (aws ec2 describe-regions lists them)".into())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_region_is_words_and_a_number() {
        for ok in [
            "eu-west-1",
            "us-gov-west-1",
            "ap-southeast-2",
            "eusc-de-east-1",
        ] {
            assert!(super::region(ok).is_ok(), "{ok}");
        }
        for bad in ["eu-west", "EU-WEST-1", "mars", "eu--1", "eu-west-1a"] {
            assert!(super::region(bad).is_err(), "{bad}");
        }
    }
}
