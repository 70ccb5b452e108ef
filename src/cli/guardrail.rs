//! `guardrail`'s commands and flags: the organization's resource control policy that lets
//! Genesys Cloud assume a member account's role only with your org IDs (docs/guardrail.md).

use clap::{Args, Subcommand};

use super::args::{account_id, genesys_org_id};

/// `guardrail`'s commands.
#[derive(Debug, Subcommand)]
pub(crate) enum GuardrailCommand {
    /// Show what the guardrail covers and stops, proved.
    #[command(after_long_help = "\
Reads the organization (its OUs, accounts and RCPs) and, through --assume-role or \
--config-aggregator, the member accounts' roles; then proves the guardrail over the RCPs as \
they would stand: every role Genesys Cloud reaches with one of your org IDs still admits it \
(availability), no request from Genesys Cloud's account with another external ID or none gets \
into a covered role (exclusivity), no other caller is affected (no collateral), and AWS \
Organizations accepts the document (syntax). Lists every role it would stop and every one it \
cannot cover (the management account's: RCPs never apply there).

Exit 0 in sync, 2 when apply would write or something is refused, 3 when a proof fails.

Examples:
  lambda-trust guardrail plan --assume-role SecurityAudit \\
      --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10
  lambda-trust guardrail plan --config-aggregator org-iam --format json \\
      --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10")]
    Plan(GuardrailArgs),
    /// Write the guardrail, then attach it.
    ///
    /// Shows the plan and asks (or --yes); refuses before any write when a proof fails,
    /// something is refused, or the roles were not read. A second run writes nothing.
    #[command(after_long_help = "\
Only lambda-trust's own policy is written (tagged managed-by = lambda-trust): other RCPs and \
RCPFullAWSAccess are never changed. EnablePolicyType is asynchronous: apply waits until the \
root says ENABLED.

Examples:
  lambda-trust guardrail apply --assume-role SecurityAudit --yes \\
      --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10")]
    Apply(GuardrailApplyArgs),
    /// Prove the attached guardrail again (read-only, for CI).
    #[command(after_long_help = "\
Exit 0 in sync; 2 for a difference that keeps Genesys Cloud out of covered roles without your \
org IDs (a stricter hand edit, a target missing that covers no one else) or a claim it could \
not decide; 3 when what is attached fails availability, exclusivity or coverage (a hand edit \
admitting another org's ID, with the request it admits; a detach or RCPs disabled, naming \
the accounts left uncovered).

Examples:
  lambda-trust guardrail check --assume-role SecurityAudit --format json \\
      --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10")]
    Check(GuardrailArgs),
    /// Detach and delete lambda-trust's guardrail alone.
    ///
    /// Found by its tag; RCPs stay enabled on the root. Shows what it removes and asks.
    #[command(after_long_help = "\
Examples:
  lambda-trust guardrail destroy --yes")]
    Destroy {
        /// Write without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Print the guardrail as Terraform or CloudFormation.
    #[command(after_long_help = "\
--format terraform: aws_organizations_policy and one aws_organizations_policy_attachment per \
target, with import blocks for what exists. --format cloudformation: an \
AWS::Organizations::Policy with its TargetIds (import it with its policy ID). Its tags carry \
apply's record (the targets, the accounts under them, and with --assume-role or \
--config-aggregator the roles it stops), so that guardrail check compares as after apply.

Examples:
  lambda-trust guardrail export --format terraform \\
      --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10 > guardrail.tf
  lambda-trust guardrail export --format cloudformation \\
      --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10 > guardrail.json")]
    Export(GuardrailArgs),
}

/// What the guardrail is written from.
#[derive(Debug, Args)]
pub(crate) struct GuardrailPolicyArgs {
    /// Your Genesys Cloud org's ID (repeatable).
    ///
    /// A lowercase UUID, as Admin > Account Settings > Organization Settings > Organization
    /// Details > Advanced > Organization ID shows it: the guardrail compares it
    /// case-sensitively, as Genesys Cloud sends it [default: the config's environments'
    /// external IDs, when a config is given or found].
    #[arg(long = "genesys-org-id", value_name = "UUID", value_parser = genesys_org_id)]
    pub genesys_org_ids: Vec<String>,
    /// Where to attach it (repeatable).
    ///
    /// r-…, ou-… or a 12-digit account; never the management account [default: the root].
    #[arg(long = "target", value_name = "ID")]
    pub targets: Vec<String>,
    /// A role left outside it (repeatable).
    ///
    /// Its ARN, without wildcards: written as NotResource.
    #[arg(long = "exempt-role", value_name = "ARN")]
    pub exempt_roles: Vec<String>,
    /// Exempt no role, whatever apply recorded.
    ///
    /// Without --exempt-role, the roles apply exempted stay exempted; this drops them.
    #[arg(long, conflicts_with = "exempt_roles")]
    pub no_exempt_roles: bool,
    /// An account held to your IDs (repeatable).
    ///
    /// Another account that assumes your roles as Genesys Cloud does (the FedRAMP region's,
    /// as Genesys gives it) [default: 765628985471, Genesys Cloud's].
    #[arg(long = "partner-account", value_name = "ACCOUNT", value_parser = account_id)]
    pub partner_accounts: Vec<String>,
}

/// `plan`, `check` and `export`'s flags.
#[derive(Debug, Args)]
pub(crate) struct GuardrailArgs {
    #[command(flatten)]
    pub policy: GuardrailPolicyArgs,
    /// The role that reads each account's roles.
    ///
    /// Its name; in each account, arn:PARTITION:iam::ACCOUNT:role/NAME (as audit
    /// --organization).
    #[arg(long, value_name = "NAME", conflicts_with = "config_aggregator")]
    pub assume_role: Option<String>,
    /// Read roles through a Config aggregator.
    ///
    /// The aggregator NAME in the caller's account and region (as audit --config-aggregator).
    #[arg(long, value_name = "NAME")]
    pub config_aggregator: Option<String>,
    /// Accounts read at once.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// `apply`'s flags.
#[derive(Debug, Args)]
pub(crate) struct GuardrailApplyArgs {
    #[command(flatten)]
    pub args: GuardrailArgs,
    /// Write without asking.
    #[arg(long)]
    pub yes: bool,
}
