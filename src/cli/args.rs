//! The flags of the commands that have more than a few: one struct each (clap's `Args`),
//! flattened into [`super::Command`]'s variants.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// `export`'s targets.
#[derive(Debug, Subcommand)]
pub(crate) enum ExportCommand {
    /// Write Terraform, with import blocks.
    ///
    /// For the aws and genesyscloud providers: a flat root module: one resource block and one import block per live object, the
    /// values that differ per environment as variables in terraform.tfvars.
    #[command(after_long_help = "\
Examples:
  lambda-trust export terraform --out infra/genesys-lambda
  lambda-trust export terraform --from-config --out infra/genesys-lambda")]
    Terraform(ExportArgs),
    /// Write CloudFormation templates and their import files.
    ///
    /// The role's template (the role and its invoke policies), one template per other account
    /// for the statements on its functions, each with the file `create-change-set
    /// --change-set-type IMPORT` takes. Every resource is retained on deletion.
    #[command(after_long_help = "\
Examples:
  lambda-trust export cloudformation --out infra/genesys-lambda-cfn")]
    Cloudformation(ExportArgs),
}

/// `export terraform|cloudformation`'s flags.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// The directory to write into.
    ///
    /// Made if missing [default: lambda-trust-export].
    #[arg(
        long,
        value_name = "DIR",
        default_value = "lambda-trust-export",
        hide_default_value = true
    )]
    pub out: PathBuf,
    /// Export what the config would create, without any call.
    ///
    /// No import blocks and no IDs: the config must name [aws].account_id.
    #[arg(long)]
    pub from_config: bool,
    /// Replace files already in DIR.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum GenesysCommand {
    /// Print the Genesys Cloud regions and their URLs.
    ///
    /// Each region's name, Platform API URL and login URL.
    #[command(after_long_help = "\
The region name is what [genesys].region and GENESYSCLOUD_REGION take; GENESYSCLOUD_API_REGION \
takes an API URL instead (its login URL is the API URL with `api.` replaced by `login.`).

Examples:
  lambda-trust genesys regions
  lambda-trust genesys regions --format json")]
    Regions,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Your Genesys Cloud organization ID.
    ///
    /// The role's required sts:ExternalId.
    #[arg(long, value_name = "ORG-ID")]
    pub external_id: Option<String>,
    /// A function to grant: name or ARN (repeatable).
    ///
    /// A function Genesys Cloud may invoke: a name (in --region) or a function ARN.
    #[arg(long = "function", value_name = "NAME|ARN")]
    pub functions: Vec<String>,
    /// The role's AWS account (12 digits).
    ///
    /// Written as [aws].account_id; needed with bare function names so that `lint` and `render`
    /// resolve them offline.
    #[arg(long, value_name = "ACCOUNT")]
    pub account_id: Option<String>,
    /// The role's name [default: GenesysLambdaInvoker].
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// Your organization's Genesys Cloud region.
    ///
    /// The Genesys Cloud region of your organization: an AWS region name, e.g. eu-west-1, or
    /// its domain as `lambda-trust genesys regions` lists it, e.g. mypurecloud.de.
    #[arg(long, value_name = "REGION", value_parser = genesys_region)]
    pub genesys_region: Option<String>,
    /// Choose targets from the account's functions.
    ///
    /// Lists the account's Lambda functions in --region to choose targets from.
    #[arg(long)]
    pub from_account: bool,
    /// Functions to make targets, e.g. 'genesys-*'.
    ///
    /// With --from-account: make the functions whose names match this glob targets
    /// (repeatable).
    #[arg(long = "match", value_name = "GLOB", requires = "from_account")]
    pub matches: Vec<String>,
    /// Overwrite an existing config file.
    #[arg(long)]
    pub force: bool,
    /// Never prompt, even on a terminal.
    #[arg(long)]
    pub no_input: bool,
    /// Import an existing Genesys Cloud integration.
    ///
    /// An existing `aws-lambda-data-actions` integration, its credential and every action
    /// (read-only; docs/genesys.md "Bring an existing integration under lambda-trust").
    #[arg(long, conflicts_with_all = ["from_account", "functions"])]
    pub from_genesys: bool,
    /// The integration to import, by name or ID.
    ///
    /// With --from-genesys.
    #[arg(long, value_name = "NAME|ID", requires = "from_genesys")]
    pub integration: Option<String>,
    /// The role's ARN, when Genesys Cloud hides it.
    ///
    /// With --from-genesys: the role's ARN, when Genesys Cloud redacts the credential's.
    #[arg(long, value_name = "ARN", requires = "from_genesys")]
    pub role_arn: Option<String>,
    /// Write the config from an existing role.
    ///
    /// Reads the existing IAM role NAME (read-only): its trusted account and external ID
    /// (proved), settings, tags and the functions it may invoke become the config; findings
    /// and what the config would change are written as comments. Alone, or with
    /// --from-genesys (the role the integration's credential holds).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["from_account", "functions"])]
    pub from_role: Option<String>,
}

/// More outputs of the same run, as files: AWS is read once, stdout keeps `--format`.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ReportFiles {
    /// Also write SARIF 2.1.0 to FILE.
    ///
    /// The report as SARIF 2.1.0, for GitHub code scanning.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Also write the JSON report to FILE.
    ///
    /// The report in the `--format json` shape.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Which {
    Trust,
    Invoke,
    All,
}

#[derive(Debug, Args)]
pub(crate) struct SimulateArgs {
    /// An identity policy of the caller (repeatable).
    #[arg(id = "policy_files", long = "policy", value_name = "FILE")]
    pub policies: Vec<PathBuf>,
    /// The role's trust policy.
    ///
    /// The request must be explicitly allowed by it.
    #[arg(long, value_name = "FILE")]
    pub trust_policy: Option<PathBuf>,
    /// A permissions boundary capping the policies.
    ///
    /// A permissions boundary that caps the identity policies.
    #[arg(long, value_name = "FILE")]
    pub boundary: Option<PathBuf>,
    /// The caller: an ARN, or `*` for an anonymous one.
    #[arg(long, value_name = "ARN")]
    pub principal: String,
    /// The action, e.g. sts:AssumeRole.
    ///
    /// The action, e.g. sts:AssumeRole or lambda:InvokeFunction.
    #[arg(long, value_name = "ACTION")]
    pub action: String,
    /// The resource ARN.
    #[arg(long, value_name = "ARN")]
    pub resource: String,
    /// A context key's value, e.g. sts:ExternalId=ID.
    ///
    /// A request context key, e.g. sts:ExternalId=ORG-ID (repeat a key for several values).
    #[arg(long, value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// The SCPs and RCPs over the resource's account.
    ///
    /// The SCPs and RCPs of the resource's account, as files (verify's --org-policies: its own
    /// files, or the AWS CLI's describe-policy with list-policies-for-target, or with
    /// list-targets-for-policy, list-parents and list-policies outputs): the RCPs
    /// judge the request when RCPs cover its service, the SCPs when the caller is in that
    /// account.
    #[arg(long, value_name = "DIR")]
    pub org_policies: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ProveArgs {
    /// A trust policy file to prove.
    ///
    /// Proved instead of the config's.
    #[arg(long, value_name = "FILE", requires_all = ["partner_account", "external_id"])]
    pub trust_policy: Option<PathBuf>,
    /// The account the trust policy must admit.
    ///
    /// The account the trust policy is meant to admit (12 digits), e.g. 765628985471.
    #[arg(long, value_name = "ACCOUNT", requires = "trust_policy")]
    pub partner_account: Option<String>,
    /// The sts:ExternalId it must require.
    ///
    /// The sts:ExternalId the trust policy is meant to require.
    #[arg(long, value_name = "ID", requires = "trust_policy")]
    pub external_id: Option<String>,
    /// An identity policy file (repeatable).
    ///
    /// An identity policy file of the role; several are proved together, as one role.
    // Its own id: the global `--policies DIR` is `policies`, and clap would merge the two.
    #[arg(
        id = "policy_files",
        long = "policy",
        value_name = "FILE",
        requires = "targets"
    )]
    pub policies: Vec<PathBuf>,
    /// A permissions boundary file.
    ///
    /// A permissions boundary file that caps the identity policies.
    #[arg(long, value_name = "FILE", requires_all = ["policy_files", "targets"])]
    pub boundary: Option<PathBuf>,
    /// A function ARN it may invoke (repeatable).
    ///
    /// A function ARN the role is meant to invoke, as granted: `…:function:f`,
    /// `…:function:f:live`, or `…:function:f:*`.
    #[arg(long = "target", value_name = "ARN", requires = "policy_files")]
    pub targets: Vec<String>,
    /// A partner principal to allow (repeatable).
    ///
    /// A principal of the partner that must be allowed, e.g. the one role a vendor calls
    /// sts:AssumeRole from.
    ///
    /// [default: the partner's root and a partner role session]
    #[arg(long = "partner-principal", value_name = "ARN")]
    pub partner_principals: Vec<String>,
    /// The role the trust policy belongs to.
    ///
    /// [default: built from the config; with --trust-policy, a placeholder]
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// Step budget per side.
    ///
    /// Step budget per side (trust, invoke), in units of work; past it a property is `unknown`.
    #[arg(long, value_name = "N", default_value_t = lambda_trust_iam::Budget::DEFAULT_STEPS)]
    pub budget_steps: u64,
    /// A wall-clock cap per run, in milliseconds.
    ///
    /// Optional, on top of the step budget; when it fires the properties still undecided are
    /// `unknown` (the answer may then vary with machine load).
    #[arg(long, value_name = "MS")]
    pub budget_ms: Option<u64>,
    #[command(flatten)]
    pub org: OrgPoliciesArgs,
}

/// A partner preset for `audit --partner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PartnerPreset {
    /// Genesys Cloud, account 765628985471.
    GenesysCloud,
    /// Genesys Cloud FedRAMP, account 325654371633 (seen only in a Genesys blueprint: confirm
    /// it with Genesys).
    GenesysCloudFedramp,
}

pub(super) fn account_id(s: &str) -> Result<String, String> {
    if lambda_trust_iam::is_account_id(s) {
        Ok(s.to_owned())
    } else {
        Err("an AWS account ID is 12 digits".to_owned())
    }
}

/// A Genesys Cloud region by name or domain, as its name (what the config holds); anything else
/// as typed, for `init`'s own check to refuse with the list of regions.
fn genesys_region(s: &str) -> Result<String, String> {
    Ok(lambda_trust_config::genesys_region_named(s)
        .map_or_else(|| s.to_owned(), |r| r.name.to_owned()))
}

fn external_id(s: &str) -> Result<String, String> {
    lambda_trust_config::is_external_id(s)
        .then(|| s.to_owned())
        .ok_or_else(|| "an external ID is 2 to 1224 of letters, digits and +=,.@:/-_".to_owned())
}

pub(super) fn genesys_org_id(s: &str) -> Result<String, String> {
    lambda_trust_config::is_uuid(s)
        .then(|| s.to_owned())
        .ok_or_else(|| format!("a Genesys Cloud organization ID is a UUID (8-4-4-4-12 hexadecimal digits), as {} shows it", lambda_trust_config::ORG_ID_WHERE))
}

fn session_name(s: &str) -> Result<String, String> {
    lambda_trust_config::is_session_name(s)
        .then(|| s.to_owned())
        .ok_or_else(|| "a role session name is 2 to 64 of letters, digits and +=,.@-_".to_owned())
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("offline").args(["template", "input", "plan"])))]
pub(crate) struct AuditArgs {
    /// genesys-cloud or genesys-cloud-fedramp.
    ///
    /// The partner whose account to audit for (repeatable): genesys-cloud (Genesys Cloud,
    /// account 765628985471) or genesys-cloud-fedramp (Genesys Cloud FedRAMP, account
    /// 325654371633, seen only in a Genesys blueprint: confirm it with Genesys).
    #[arg(long, value_enum, value_name = "PRESET", hide_possible_values = true)]
    pub partner: Vec<PartnerPreset>,
    /// A partner account ID (repeatable).
    ///
    /// A partner account ID to audit for. Without --partner or --partner-account, every
    /// account other than the audited one counts, and anyone.
    #[arg(long, value_name = "ACCOUNT", value_parser = account_id)]
    pub partner_account: Vec<String>,
    /// A partner principal to allow (repeatable).
    ///
    /// A principal of a partner that must be able to assume the role, e.g. the one role a
    /// vendor assumes from: the role lists it instead of the account root, or reports
    /// `partner-refused` [default: the audit speaks of whole accounts].
    #[arg(long = "partner-principal", value_name = "ARN")]
    pub partner_principals: Vec<String>,
    /// Your Genesys Cloud org's ID (repeatable).
    ///
    /// The Genesys Cloud organizations that are yours (Admin > Account Settings > Organization
    /// Settings > Organization Details > Advanced > Organization ID; not the AWS
    /// organization's o-… ID). A role that lets the partner in under an
    /// sts:ExternalId that is none of them is `external-id-not-ours`; one that is not a UUID,
    /// `external-id-not-uuid` [default: the values are not judged].
    #[arg(long = "genesys-org-id", value_name = "UUID", value_parser = genesys_org_id)]
    pub genesys_org_ids: Vec<String>,
    /// Audit every account of the organization.
    ///
    /// Every active account (organizations:ListAccounts), through --assume-role.
    #[arg(long, requires = "assume_role", conflicts_with = "accounts")]
    pub organization: bool,
    /// Audit the accounts listed in FILE.
    ///
    /// One ID per line, `#` comments; through --assume-role.
    #[arg(long, value_name = "FILE", requires = "assume_role")]
    pub accounts: Option<PathBuf>,
    /// Audit what an AWS Config aggregator covers.
    ///
    /// Every account and region the AWS Config aggregator NAME covers (in the caller's account
    /// and region), read from Config: no role assumed in any account (docs/audit.md "Whole
    /// organizations through AWS Config").
    #[arg(long, value_name = "NAME", conflicts_with_all = ["organization", "accounts", "template", "plan", "input"])]
    pub config_aggregator: Option<String>,
    /// The role to assume in each account.
    ///
    /// Its name; in each account, arn:PARTITION:iam::ACCOUNT:role/NAME.
    #[arg(long, value_name = "NAME")]
    pub assume_role: Option<String>,
    /// The sts:ExternalId --assume-role requires.
    ///
    /// The sts:ExternalId the --assume-role role's trust policy requires (as Prowler's
    /// --external-id).
    #[arg(long, value_name = "ID", requires = "assume_role", value_parser = external_id)]
    pub assume_role_external_id: Option<String>,
    /// Session name.
    ///
    /// The session name of --assume-role: what the audit's calls show as in each account's
    /// CloudTrail.
    #[arg(long, value_name = "NAME", requires = "assume_role", default_value = "lambda-trust-audit", value_parser = session_name)]
    pub role_session_name: String,
    /// Accounts audited at once.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    #[command(flatten)]
    pub files: ReportFiles,
    /// Also write an HTML page to FILE.
    ///
    /// The report as one self-contained HTML page (sortable, filterable; no network request).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Also write the findings as ASFF to FILE.
    ///
    /// The findings in the AWS Security Finding Format (a JSON array, what Security Hub CSPM's
    /// BatchImportFindings takes).
    #[arg(long, value_name = "FILE")]
    pub asff: Option<PathBuf>,
    /// Also write OCSF 1.6.0 findings to FILE.
    ///
    /// The findings as OCSF 1.6.0 Detection Findings (a JSON array).
    #[arg(long, value_name = "FILE")]
    pub ocsf: Option<PathBuf>,
    /// Accepted findings (TOML or JSON).
    ///
    /// TOML, or JSON by the .json extension: each [[suppress]] entry a role ARN or pattern, a
    /// code, a reason and optionally `expires`. Matched findings are shown as suppressed and do
    /// not change the exit code; stale and expired entries are reported.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["template", "plan"])]
    pub baseline: Option<PathBuf>,
    /// Write a baseline accepting every finding.
    ///
    /// A baseline accepting every finding of this run, to FILE (TOML), to edit: give each entry
    /// its reason.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["template", "plan"])]
    pub write_baseline: Option<PathBuf>,
    /// Import the findings into Security Hub CSPM.
    ///
    /// In each audited account and the run's region (BatchImportFindings), resolving those that
    /// no longer fire; an unchanged run writes nothing (docs/audit.md "Security Hub: import and
    /// lifecycle").
    #[arg(long, conflicts_with_all = ["template", "plan"])]
    pub to_security_hub: bool,
    /// Also judge Genesys Cloud's data actions.
    ///
    /// Also reads the Genesys Cloud organization's AWS Lambda data-action integrations (the
    /// OAuth client of plan and check: GENESYSCLOUD_OAUTHCLIENT_ID/SECRET, else --config's
    /// [genesys].oauth_secret) and report, on each audited role, which functions every action
    /// choosing its function at run time can reach (docs/audit.md). Live single account only.
    #[arg(long, conflicts_with_all = ["organization", "accounts", "template", "input", "plan"])]
    pub genesys: bool,
    /// Days until a role is unused.
    ///
    /// A role a partner can assume that has not been used for N days (IAM's RoleLastUsed, which
    /// covers the trailing 400 days) is an unused-partner-role finding.
    #[arg(long, default_value_t = 90, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub unused_days: u32,
    /// Audit a CloudFormation template instead.
    ///
    /// JSON or YAML, CDK's cdk.out/*.template.json, instead of a live account: no AWS call
    /// (docs/iac.md).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["organization", "accounts", "plan"])]
    pub template: Option<PathBuf>,
    /// Audit saved IAM details (JSON) instead.
    ///
    /// A saved `aws iam get-account-authorization-details` answer (JSON), instead of a live
    /// account: no AWS call.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["organization", "accounts", "template", "plan"])]
    pub input: Option<PathBuf>,
    /// Audit a Terraform plan instead.
    ///
    /// The JSON of `terraform show -json PLANFILE`, instead of a live account: no AWS call
    /// (docs/iac.md).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["organization", "accounts"])]
    pub plan: Option<PathBuf>,
    /// Where the plan's .tf files are.
    ///
    /// For the findings' source lines [default: the plan file's directory].
    #[arg(long, value_name = "DIR", requires = "plan")]
    pub source_dir: Option<PathBuf>,
    /// A template parameter's value (repeatable).
    ///
    /// With --template; the others take their default.
    #[arg(long = "parameter", value_name = "KEY=VALUE", requires = "template", value_parser = key_value)]
    pub parameters: Vec<(String, String)>,
    /// The account of the template, plan or input.
    ///
    /// The account the template or plan is deployed to (AWS::AccountId; with --template or
    /// --plan), or the account of the --input file (default: the one its ARNs name).
    #[arg(long, value_name = "ACCOUNT", value_parser = account_id, requires = "offline")]
    pub account_id: Option<String>,
    /// The SCPs and RCPs, as files.
    ///
    /// The SCPs and RCPs over the audited account, as files (the files of verify's
    /// --org-policies): Genesys Cloud's access is decided against them. Live, for an account
    /// that may not read them (a member account); with --template, --plan or --input, without
    /// it the offline audits say they were not given (docs/audit.md). Not with several accounts.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["organization", "accounts", "config_aggregator"])]
    pub org_policies: Option<PathBuf>,
}

/// `check --template`: the IaC to check instead of the live account.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("code").args(["template", "plan"])))]
pub(crate) struct CheckIacArgs {
    /// Check a CloudFormation template instead.
    ///
    /// JSON or YAML, CDK's cdk.out/*.template.json, against the config instead of the live
    /// account: no AWS call (docs/iac.md).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Check a Terraform plan instead.
    ///
    /// The JSON of `terraform show -json PLANFILE`, against the config instead of the live
    /// account: no AWS call (docs/iac.md).
    #[arg(long, value_name = "FILE", conflicts_with = "template")]
    pub plan: Option<PathBuf>,
    /// Where the plan's .tf files are.
    ///
    /// For the findings' lines [default: the plan's directory].
    #[arg(long, value_name = "DIR", requires = "plan")]
    pub source_dir: Option<PathBuf>,
    /// A template parameter's value (repeatable).
    ///
    /// With --template; the others take their default.
    #[arg(long = "parameter", value_name = "KEY=VALUE", requires = "template", value_parser = key_value)]
    pub parameters: Vec<(String, String)>,
    /// The account the template or plan deploys to.
    ///
    /// [default: the config's aws.account_id]
    #[arg(long, value_name = "ACCOUNT", value_parser = account_id, requires = "code")]
    pub account_id: Option<String>,
}

fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err("write KEY=VALUE".to_owned()),
    }
}

/// `--org-policies DIR`: the organization's SCPs and RCPs as files (verify, check).
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct OrgPoliciesArgs {
    /// The SCPs and RCPs over the role's account.
    ///
    /// As files, for when they cannot be read.
    ///
    /// One JSON file per policy: {"kind": "SCP"|"RCP", "id", "name", "level": {"kind":
    /// "root"|"organizational-unit"|"account", "id", "name", "depth" (OUs)}, "document"}, for
    /// every level from the root to the account, FullAWSAccess and RCPFullAWSAccess included
    /// (a level without either kind leaves it unknown; `aws organizations list-roots` says
    /// which kinds are not enabled); or the AWS CLI's own outputs as it prints them
    /// (docs/verify.md, "Organization policies"). Without it they are read from AWS
    /// Organizations (the management account or a delegated administrator may); where they
    /// cannot be read, Genesys Cloud's access is "not proved" (docs/audit.md).
    #[arg(long, value_name = "DIR")]
    pub org_policies: Option<std::path::PathBuf>,
}

/// `--function-policies`: where the targets' function policies are read (verify, check).
#[derive(Debug, Clone, Copy, Default, Args)]
pub(crate) struct FunctionPoliciesArgs {
    /// Where function policies come from.
    ///
    /// `auto` (default): from the account's own AWS Config in each region whose recorder
    /// records AWS::Lambda::Function continuously — a few BatchGetResourceConfig calls for
    /// every target, each item captured after the role's last change — and with
    /// lambda:GetPolicy (one call per target) for the rest: other accounts, versions and
    /// aliases, items missing or older. `config`: daily recording too, and a region that
    /// records no function is an error. `api`: lambda:GetPolicy only (docs/check.md).
    #[arg(
        long = "function-policies",
        value_enum,
        value_name = "FROM",
        default_value = "auto",
        hide_default_value = true,
        hide_possible_values = true
    )]
    pub from: FunctionPoliciesFrom,
}

/// The source `--function-policies` names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum FunctionPoliciesFrom {
    #[default]
    Auto,
    Config,
    Api,
}

/// `--only aws|genesys`: one side of the integration (plan, apply, check, verify).
#[derive(Debug, Clone, Copy, Default, Args)]
pub(crate) struct OnlyArgs {
    /// One side only.
    ///
    /// With [genesys], one side alone.
    ///
    /// `aws`: the role and its policies; `genesys`: the credential, the integration, the data
    /// actions. For when one side is down or not yours to change; `apply --only genesys` is
    /// refused while AWS has a change it relies on (the role, its trust or its grants). Without
    /// it, a Genesys Cloud failure stops plan and apply before any write, and check and verify
    /// report it beside every AWS finding.
    #[arg(long, value_enum, value_name = "SIDE")]
    pub only: Option<OnlySide>,
}

/// The side `--only` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OnlySide {
    Aws,
    Genesys,
}

impl OnlyArgs {
    /// The side as the layers below name it.
    pub(crate) fn side(self) -> Option<lambda_trust_provision::Side> {
        use lambda_trust_provision::Side;
        self.only.map(|only| match only {
            OnlySide::Aws => Side::Aws,
            OnlySide::Genesys => Side::Genesys,
        })
    }
}

// `apply`'s flags (its help is on its variant of `Command`: a doc comment here would replace it).
#[derive(Debug, Args)]
pub(crate) struct ApplyArgs {
    /// Take over a role or policy lambda-trust did not create.
    ///
    /// A role or policy with the configured name that lambda-trust did not create: tag it
    /// managed-by = lambda-trust and converge it.
    #[arg(long)]
    pub adopt: bool,
    /// Delete data actions even when flows call them.
    ///
    /// With [genesys]: delete data actions even when a published Architect flow calls
    /// them (that breaks those flows; without it such a run exits 1 and writes nothing).
    #[arg(long)]
    pub force: bool,
    /// Write without asking, even on a terminal.
    #[arg(long)]
    pub yes: bool,
    /// Publish the actions' drafts (publish = "draft").
    ///
    /// With [genesys] publish = "draft": publish the actions' drafts that hold the
    /// configured change (`POST …/actions/{id}/draft/publish`).
    #[arg(long)]
    pub publish: bool,
    #[command(flatten)]
    pub only: OnlyArgs,
}

// `verify`'s flags (its help is on its variant of `Command`: a doc comment here would replace it).
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Also assume the role and dry-run invoke.
    ///
    /// Also assume the role with this profile's credentials and the external ID, then
    /// dry-run invoke every target.
    #[arg(long, value_name = "PROFILE")]
    pub assume_profile: Option<String>,
    /// Seconds the live probe retries.
    ///
    /// How long the live probe keeps retrying while IAM propagates, in seconds.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub wait: u64,
    /// Also test every data action in Genesys Cloud.
    ///
    /// With [genesys]: also run every data action end to end in Genesys Cloud
    /// (`POST /api/v2/integrations/actions/{id}/test` with the target's sample_input).
    #[arg(long)]
    pub test_actions: bool,
    #[command(flatten)]
    pub only: OnlyArgs,
    #[command(flatten)]
    pub org: OrgPoliciesArgs,
    #[command(flatten)]
    pub function_policies: FunctionPoliciesArgs,
}

// `onboard`'s flags (its help is on its variant of `Command`: a doc comment here would replace it).
#[derive(Debug, Args)]
pub(crate) struct OnboardArgs {
    /// The function: ARN, alias ARN or name.
    pub function: String,
    /// An alias or version to grant.
    ///
    /// Granted instead of the unqualified function.
    #[arg(long, value_name = "ALIAS|VERSION")]
    pub qualifier: Option<String>,
    /// Grant every version and alias.
    ///
    /// `function:f` and `function:f:*`; said loudly.
    #[arg(long)]
    pub all_aliases: bool,
    /// The new target's data action name.
    ///
    /// With [genesys] [default: the function's name; with the qualifier or region added
    /// when another action has it].
    #[arg(long, value_name = "NAME")]
    pub action_name: Option<String>,
    /// Show the diff and the plan; change nothing.
    ///
    /// Show the config diff and the plan; change nothing (exit 2 if anything would change).
    #[arg(long)]
    pub dry_run: bool,
    /// Write without asking.
    ///
    /// Even when stdin is a terminal.
    #[arg(long)]
    pub yes: bool,
}

// `offboard`'s flags (its help is on its variant of `Command`: a doc comment here would replace it).
#[derive(Debug, Args)]
pub(crate) struct OffboardArgs {
    /// The function: ARN, alias ARN or name.
    pub function: String,
    /// Remove only the entry with this qualifier.
    #[arg(long, value_name = "ALIAS|VERSION")]
    pub qualifier: Option<String>,
    /// Show the diff and the plan; change nothing.
    ///
    /// Show the config diff and the plan; change nothing (exit 2 if anything would change).
    #[arg(long)]
    pub dry_run: bool,
    /// Delete data actions even when flows call them.
    ///
    /// With [genesys]: delete data actions even when a published Architect flow calls
    /// them (that breaks those flows; without it such a run exits 1 and writes nothing).
    #[arg(long)]
    pub force: bool,
    /// Write without asking.
    ///
    /// Even when stdin is a terminal.
    #[arg(long)]
    pub yes: bool,
}
