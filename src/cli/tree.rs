//! The command tree clap parses: the global flags, each command and its flags (`args`), the
//! version request, the exit codes `--help` lists, and the one table of each command's
//! `--format`s.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;
use crate::report::{self, Report};

use super::args::*;
use super::guardrail::GuardrailCommand;
use super::watch::WatchCommand;

/// The heading of the flags every command takes, after each command's own.
pub(super) const GLOBAL_HEADING: &str = "Global options";
/// The heading of the AWS flags, shown by the commands that call AWS.
pub(super) const AWS_HEADING: &str = "AWS access";

const EXIT_CODES: &str = "\
Exit codes:
  0  success: AWS matches the config, verification passed; simulate: Allow
  1  error: bad input, an AWS or Genesys Cloud failure, or a refused operation;
     bad input and refusals write nothing, a failed write stops where it got
     to (a re-run converges)
  2  changes pending or drift (plan, check; destroy without --yes; apply not
     confirmed; onboard/offboard --dry-run); a security finding (audit)
  3  verification failed (verify), the request was denied (simulate), or a
     property was not proved (prove)";

// Help text is written as clap shows it: a paragraph is one line, which clap wraps at the
// terminal's width (a `\` at a line's end continues the line here); examples and tables are
// lines of their own, which fit in 80 columns (`tests/it/help_width.rs`). `-h` shows the
// short forms (`about`, a flag's first sentence, the examples); `--help` the rest.

const ABOUT: &str =
    "Sets up, checks and proves the IAM role that lets Genesys Cloud invoke your AWS Lambda functions.";

const LONG_ABOUT: &str = "\
Sets up, checks and proves the IAM role that lets Genesys Cloud invoke your AWS Lambda functions.

The role trusts only the Genesys Cloud account, and only with your Genesys organization ID as \
sts:ExternalId; its one managed policy allows lambda:InvokeFunction on exactly the configured \
functions. Every change is planned first and shown as a diff; a second apply makes no calls that \
write.";

const AFTER_HELP: &str = "\
Typical session:
  lambda-trust lint                 # check lambda-trust.toml, offline
  lambda-trust plan                 # what would change in AWS (read-only)
  lambda-trust apply                # show the plan, ask, then write
  lambda-trust verify               # prove who can assume it, what it invokes
  lambda-trust audit --partner genesys-cloud   # every role Genesys can assume

AWS access uses the SDK's default chain (environment, profiles, SSO, instance roles); \
--profile, --region and --endpoint-url (or AWS_ENDPOINT_URL) override it.
";

/// `--version`: the crate version and the commit it was built from (build.rs; "unknown" outside
/// a git checkout).
pub(crate) const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("LAMBDA_TRUST_COMMIT"),
    ")"
);

/// How `--version` was asked for: clap prints the version as soon as it meets the flag, before it
/// has read the rest, so the flags that shape the answer are looked up in the raw arguments
/// (up to a `--`). `--verbose`/`-v` adds the build facts; `--format json` prints them as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct VersionRequest {
    pub verbose: bool,
    pub json: bool,
}

impl VersionRequest {
    pub(crate) fn from_args(args: &[std::ffi::OsString]) -> VersionRequest {
        let args: Vec<&str> = args
            .iter()
            .skip(1)
            .map(|a| a.to_str().unwrap_or(""))
            .take_while(|a| *a != "--")
            .collect();
        let short_verbose = |a: &str| {
            a.strip_prefix('-').is_some_and(|s| {
                !s.starts_with('-') && s.contains('v') && s.chars().all(|c| c == 'v' || c == 'V')
            })
        };
        let verbose = args.iter().any(|a| *a == "--verbose" || short_verbose(a));
        let json = args.iter().enumerate().any(|(i, a)| {
            *a == "--format=json" || (*a == "--format" && args.get(i + 1) == Some(&"json"))
        });
        VersionRequest { verbose, json }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "lambda-trust",
    version = VERSION,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_long_help = format!("{AFTER_HELP}\n{EXIT_CODES}")
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = GLOBAL_HEADING)]
pub(crate) struct Global {
    /// The config [default: ./lambda-trust.toml].
    ///
    /// The configuration file [default: ./lambda-trust.toml, else the one at the git root; also
    /// LAMBDA_TRUST_CONFIG]. `check` takes several (repeat the flag, or give a directory or a
    /// glob such as 'configs/*.toml'); `init` writes it [default: ./lambda-trust.toml]; `audit`
    /// reads it only when given; simulate, completions and man ignore it.
    #[arg(
        short,
        long,
        global = true,
        env = "LAMBDA_TRUST_CONFIG",
        hide_env = true,
        value_name = "FILE",
        action = clap::ArgAction::Append
    )]
    pub config: Vec<PathBuf>,

    /// The config's environment (repeat it, or `all`).
    ///
    /// The environment of a config with `[environments.NAME]` tables [also LAMBDA_TRUST_ENV,
    /// comma-separated]. `check`, `verify`, `prove` and `lint` take every environment without
    /// it; the others need exactly one (`init --env NAME` writes one).
    #[arg(
        long,
        global = true,
        env = "LAMBDA_TRUST_ENV",
        hide_env = true,
        value_name = "NAME",
        value_delimiter = ',',
        action = clap::ArgAction::Append
    )]
    pub env: Vec<String>,
    /// Your own trust.json and invoke.json from DIR.
    ///
    /// Use your own trust.json and invoke.json templates from DIR instead of the built-in ones.
    #[arg(long, global = true, value_name = "DIR")]
    pub policies: Option<PathBuf>,
    /// The output format (see each command's -h).
    ///
    /// The format of the results on stdout; each command's help lists the ones it has.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human, hide_possible_values = true, hide_default_value = true)]
    pub format: Format,
    /// When to colour: auto (default), always, never.
    ///
    /// When to colour stdout and stderr alike: `auto` colours a terminal, unless NO_COLOR is set
    /// [default: auto] [possible values: auto, always, never]
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, hide_possible_values = true, hide_default_value = true)]
    pub color: ColorChoice,
    /// How progress, notes and warnings are told on stderr.
    ///
    /// `auto`: a spinner while waiting on a terminal, plain lines otherwise; `json`: one JSON
    /// object per event and line, for a program that runs lambda-trust (schema:
    /// docs/schemas/event.schema.json). Results stay on stdout in the --format chosen.
    #[arg(long, global = true, value_enum, default_value_t = ProgressChoice::Auto, value_name = "HOW", hide_short_help = true)]
    pub progress: ProgressChoice,
    /// More detail on stderr (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Accept templates that break an invariant.
    ///
    /// Accept custom templates that break a security invariant, each printed as a warning: a
    /// wildcard principal, a missing ExternalId condition, a wildcard resource…
    #[arg(long, global = true)]
    pub allow_weaker_policies: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
#[command(next_help_heading = AWS_HEADING)]
pub(crate) struct AwsArgs {
    /// Named profile from your AWS config.
    ///
    /// [default: the config's aws.profile, then AWS_PROFILE]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// The AWS region.
    ///
    /// Over the config's aws.region, AWS_REGION and the profile's. The region of the SDK clients and of bare function names (a target's own region wins
    /// for that target). For onboard/offboard only the region of FUNCTION when it is a bare name.
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Send every AWS call to this endpoint.
    ///
    /// Every AWS call goes to this endpoint, e.g. a local moto server (also: AWS_ENDPOINT_URL).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Attempts per AWS or Genesys Cloud call.
    ///
    /// The first try included; throttling and transient errors are retried with backoff.
    #[arg(long, global = true, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,
    /// Give up a call after SECONDS (default 60).
    ///
    /// The most one AWS or Genesys Cloud call may take, its retries and waits included: an
    /// endpoint that never answers ends the run after this.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProgressChoice {
    Auto,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand, strum::IntoStaticStr)]
#[strum(serialize_all = "kebab-case")]
pub(crate) enum Command {
    /// Write a commented lambda-trust.toml, from flags or by asking.
    #[command(after_long_help = "\
Writes ./lambda-trust.toml (or --config FILE). On a terminal without --external-id it asks for \
each value, with defaults and the same checks as `lint` as you type; otherwise (a script, CI: \
stdin is not a terminal) it takes the flags and names any missing one. An existing file is never \
overwritten without --force. --region (the global flag, else AWS_REGION) becomes [aws].region.

Your Genesys Cloud organization ID is in Genesys Cloud under Admin > Account Settings > \
Organization Settings > Organization Details > Advanced > Organization ID.

--from-account lists the Lambda functions of the account and region (ListFunctions, read-only) \
and makes those whose names match a --match glob targets; the others are written as \
commented-out entries.

--from-genesys reads the integration's actions and writes each exactly as Genesys Cloud holds it \
(no timeout: timeout_seconds = 0; translation maps and their JSON defaults as written). An action \
the config cannot hold is left out with its reason, as a comment; the others are imported.

--env NAME writes [environments.NAME]: added to an existing config with what differs \
(--external-id, --account-id, --profile, --region, --role-name, --genesys-region; with \
--from-genesys or --from-role, what they read), the rest of the file kept.

Examples:
  lambda-trust init
  lambda-trust init --external-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10 \\
      --region eu-west-1 --account-id 111122223333 \\
      --function lookup-customer --function lookup-order
  lambda-trust init --external-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10 \\
      --region us-east-1 --from-account --match 'lookup-*'
  # an existing setup, read-only: the integration and its role
  lambda-trust init --from-genesys --from-role GenesysLambda
  # an existing role alone
  lambda-trust init --from-role GenesysLambda
  # an environment added to the config (docs/environments.md)
  lambda-trust init --env test \\
      --external-id 33333333-3333-4333-8333-333333333333 \\
      --account-id 333333333333")]
    Init(InitArgs),
    /// Print the rendered trust and invoke policies (offline).
    #[command(after_long_help = "Example:\n  lambda-trust render --which trust")]
    Render {
        /// What to print.
        ///
        /// The trust policy, the invoke policies, or all [default: all].
        #[arg(long, value_enum, default_value_t = Which::All, hide_default_value = true)]
        which: Which,
    },
    /// Check the config's policies for errors and weak spots (offline).
    ///
    /// The config and the policies it renders, or the policy files given (--trust-policy,
    /// --policy) as written.
    #[command(
        after_long_help = "Exit 1 when there is any error; warnings alone exit 0.\n\nExamples:\n  lambda-trust lint --config prod.toml\n  lambda-trust lint --trust-policy trust.json --policy invoke.json"
    )]
    Lint {
        /// A trust policy file to check as written.
        ///
        /// Checked instead of the config's.
        #[arg(long, value_name = "FILE")]
        trust_policy: Option<PathBuf>,
        /// An identity policy file to check (repeatable).
        ///
        /// Checked as written.
        #[arg(id = "policy_files", long = "policy", value_name = "FILE")]
        policies: Vec<PathBuf>,
    },
    /// Evaluate one request against policy files, offline.
    #[command(after_long_help = "\
The evaluator follows AWS's logic: an explicit Deny wins, then an Allow, else an implicit deny. \
A trust policy (--trust-policy) must allow the principal explicitly.

Example: may Genesys Cloud assume the role with this external ID?
  lambda-trust render --which trust > trust.json
  lambda-trust simulate --trust-policy trust.json \\
      --principal arn:aws:iam::765628985471:root --action sts:AssumeRole \\
      --resource arn:aws:iam::111122223333:role/GenesysLambdaInvoker \\
      --context sts:ExternalId=0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10

With --org-policies DIR the organization's SCPs and RCPs judge it too (an RCP that denies \
sts:AssumeRole to callers outside the organization, say); one that applies but is not known \
leaves it undecided (exit 3).

Exit 0 on Allow, 3 on ExplicitDeny, ImplicitDeny or undecided, 1 on bad input.",
        // clap does not wrap the usage line.
        override_usage = "lambda-trust simulate [OPTIONS] --principal <ARN> --action <ACTION>\n       \
                          --resource <ARN>"
    )]
    Simulate(SimulateArgs),
    /// Prove who can assume the role and what it can invoke (offline).
    #[command(after_long_help = "\
Decides four properties over every request, not a sample; no AWS call is made:
  trust-only-partner-with-external-id
      only the partner account, with exactly the external ID as
      sts:ExternalId, may sts:AssumeRole
  trust-partner-allowed
      the partner (its root, or one of its role sessions) with the
      external ID is allowed
  invoke-only-targets
      the identity policies (capped by the boundary) allow nothing but
      lambda:InvokeFunction on the targets
  invoke-targets-allowed
      every target may be invoked

Without policy files it proves the documents rendered from the config (as `render` prints \
them; the config's permissions boundary is an ARN, so it is not part of the offline proof). \
With --trust-policy and/or --policy it proves exactly those files (raw or URL-encoded JSON). \
Without --role-arn a trust policy file is proved for the placeholder role \
arn:aws:iam::000000000000:role/lambda-trust-prove, and no whole-path claim is proved over it. \
From a config, the role's account is [aws].account_id, else the one account all its targets \
are in; when neither tells it, the organization's claim is unknown.

Verdicts:
  proved          holds for every request
  counterexample  a concrete request that breaks it, confirmed by the evaluator,
                  with the statement that decides it: the one that lets it in,
                  or, for \"…-allowed\", the one that refuses it
  unknown         the prover cannot decide (policy variables, step budget…);
                  never a silent pass

The budget is counted in steps (units of work), so a verdict never depends on how busy the \
machine is; --budget-ms adds an optional wall-clock cap on top (a cap that fires is `unknown`, \
with that reason).

Exit 0 when every property is proved, 3 on any counterexample or unknown, 1 on bad input.

Examples:
  lambda-trust prove
  lambda-trust prove --format json
  lambda-trust prove --trust-policy trust.json --partner-account 765628985471 \\
      --external-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10
  lambda-trust prove --policy invoke.json --boundary boundary.json \\
      --target arn:aws:lambda:us-east-1:111122223333:function:lookup-customer \\
      --target arn:aws:lambda:us-east-1:111122223333:function:lookup-order")]
    Prove(ProveArgs),
    /// Show what `apply` would change in AWS, as a diff (read-only).
    #[command(
        after_long_help = "Exit 0 when AWS matches the config, 2 when changes are pending.\n\nExample:\n  lambda-trust plan --format json"
    )]
    Plan {
        /// Plan as if --adopt were given to apply.
        #[arg(long)]
        adopt: bool,
        /// Delete data actions even when flows call them.
        ///
        /// With [genesys]: delete data actions even when a published Architect flow calls
        /// them (that breaks those flows; without it such a run exits 1 and writes nothing).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        only: OnlyArgs,
    },
    /// Create or repair the role and its policy to match the config.
    #[command(after_long_help = "\
Creates the role (trust policy, path, description, max session, boundary, tags incl. \
managed-by = lambda-trust) and the managed invoke policy, or repairs each drifted part in place. \
Managed or inline policies on the role that the config does not declare are removed, after \
they are printed in full. A role or policy with our name but without our managed-by tag is \
never modified unless you pass --adopt.

When stdin is a terminal it shows the plan and asks before writing, whatever stdout and stderr \
are (`apply 2>&1 | tee apply.log` asks too; a plan that deletes something says what first). \
Only the line `yes` and Enter writes; anything else (`y`, an empty line) writes nothing and \
exits 2. Off a terminal (a script, CI) one line is read all the same: `yes` writes; anything \
else, or no line at all, writes nothing and exits 1 (as terraform apply needs -auto-approve). \
--yes writes without asking.

Examples:
  lambda-trust apply            # shows the plan, asks
  lambda-trust apply --yes      # no question
  echo yes | lambda-trust apply # the answer piped in")]
    Apply(ApplyArgs),
    /// Prove the live role: who can assume it, and what it can invoke.
    #[command(after_long_help = "\
Evaluates the live trust and permission policies offline: the Genesys principal with the right \
external ID is allowed; a wrong or missing external ID, another account and anonymous callers \
are denied; every target is invokable and nothing else is. With --assume-profile it also \
assumes the role for real and dry-run invokes each target (for test accounts where the trusted \
principal is your own).

Exit 0 when every check passes, 3 when any fails.

Example:
  lambda-trust verify --assume-profile genesys-test --wait 120")]
    Verify(VerifyArgs),
    /// The drift check for CI: plan and verify, read-only, no prompt.
    #[command(after_long_help = "\
Answers \"is the role still exactly what the config says, and is it still safe?\". Each finding \
has a severity: `security` (the live role is broader: external ID condition weakened, extra \
principal, action, resource or policy, boundary removed) or `config` (description, tags, max \
session, a target missing). Several configs are checked concurrently, with one report.

Exit 0 in sync and verified, 2 drift (any planned change or failed verification), 1 error.

With --template FILE: no AWS call; the CloudFormation template is checked instead of the live \
account: would it leave the configured role exactly as the config says, every property proved? \
Findings point at the template's line (docs/iac.md).

Examples:
  lambda-trust check
  lambda-trust check --config prod.toml --config staging.toml --format github
  lambda-trust check --config 'configs/*.toml' --format sarif > check.sarif
  lambda-trust check --format github --sarif check.sarif --json check.json
  lambda-trust check --template template.yaml --account-id 111122223333 \\
      --format github")]
    Check {
        #[command(flatten)]
        files: ReportFiles,
        #[command(flatten)]
        iac: CheckIacArgs,
        /// Also test every data action in Genesys Cloud.
        ///
        /// With [genesys]: also run every data action end to end in Genesys Cloud and judge its
        /// answer (output contract, error payloads, `expect`), as `verify --test-actions`.
        #[arg(long)]
        test_actions: bool,
        #[command(flatten)]
        only: OnlyArgs,
        #[command(flatten)]
        org: OrgPoliciesArgs,
        #[command(flatten)]
        function_policies: FunctionPoliciesArgs,
    },
    /// Every role a partner can assume, and what it can do (read-only).
    ///
    /// Every role in the account (or the organization) a partner can assume: with which external
    /// IDs, and what it can do — proved.
    #[command(after_long_help = "\
Reads the account's IAM in one paginated GetAccountAuthorizationDetails pass, then decides \
offline, for each role that a principal of a partner account (or, without --partner…, of any \
other account, or anyone) can assume: who can assume it, the accepted sts:ExternalId values \
(fixed, several, pattern or any), the functions it may invoke, whether it can do anything \
else, latent access in non-default policy versions, and whether lambda-trust manages it \
(with --config: whether it matches that config).

Finding codes: no-external-id, external-id-pattern, external-id-unproved, other-principals, \
beyond-invoke, all-functions, latent-version (security); config-mismatch, partner-refused \
(config); unmanaged, unused-partner-role (info: not used for --unused-days days, from \
RoleLastUsed).

Exit 0 when no role has a security finding, 2 when one does, 1 on error (with several \
accounts: 1 when any account could not be audited).

Examples:
  lambda-trust audit --partner genesys-cloud
  lambda-trust audit --partner-account 765628985471 --format sarif > audit.sarif
  lambda-trust audit --partner genesys-cloud \\
      --sarif audit.sarif --json audit.json
  lambda-trust audit --partner genesys-cloud --organization \\
      --assume-role SecurityAudit --html audit.html
  lambda-trust audit --accounts accounts.txt --assume-role SecurityAudit \\
      --format json
  lambda-trust audit --partner genesys-cloud --config-aggregator org-iam
  aws iam get-account-authorization-details > gaad.json
  lambda-trust audit --input gaad.json --partner genesys-cloud")]
    Audit(Box<AuditArgs>),
    /// Add a Lambda function to the config and grant it.
    ///
    /// The config file is edited in place, its comments kept.
    #[command(after_long_help = "\
FUNCTION is a function ARN, an alias ARN (…:function:NAME:ALIAS) or a bare name (with --region \
or [aws].region; --region sets the new entry's region). Checks that the function (and \
qualifier) exists, adds a [[targets]] entry to the config file, then converges like `apply` and \
proves the result like `verify`. A target that is already there is a no-op. With [genesys] the \
target gets a data action named after the function; when another target's action has that name, \
the qualifier (or region) is added: `lookup-order (live)`; --action-name names it.

It shows the config diff and the plan and asks first, as apply does (off a terminal it reads \
one line; --yes: no question); nothing is written, the config file neither, unless the answer \
is yes.

Examples:
  lambda-trust onboard lookup-invoice --region us-east-1 --qualifier live --yes
  lambda-trust onboard --dry-run \\
      arn:aws:lambda:us-east-1:111122223333:function:lookup-order
  lambda-trust onboard lookup-order --all-aliases --yes
  lambda-trust onboard lookup-order --qualifier live --yes \\
      --action-name lookup-order-live")]
    Onboard(OnboardArgs),
    /// Remove a Lambda function from the config and revoke its grant.
    #[command(after_long_help = "\
Removes every [[targets]] entry for FUNCTION (or only the one with --qualifier), then converges \
and verifies. Offboarding the last target detaches and deletes the invoke policy; the role stays, \
trusting Genesys Cloud but allowed to invoke nothing. With [genesys], when a published Architect \
flow calls the target's data action, nothing is written (the config file neither) and the run \
exits 1 naming the flows, unless --force. It asks first, as apply does (off a terminal it \
reads one line; --yes: no question).

Examples:
  lambda-trust offboard lookup-order --dry-run
  lambda-trust offboard --qualifier live \\
      arn:aws:lambda:us-east-1:111122223333:function:lookup-invoice")]
    Offboard(OffboardArgs),
    /// Delete the role and the policy that lambda-trust created.
    #[command(after_long_help = "\
Without --yes it only shows what it would delete (exit 2). Refuses anything that lacks the \
managed-by = lambda-trust tag. Policies attached to the role that are not ours are detached, \
never deleted. With [genesys], a data action that a published Architect flow calls is not \
deleted: the run exits 1 naming the flows and writes nothing, unless --force.

Example:
  lambda-trust destroy          # review
  lambda-trust destroy --yes    # delete")]
    Destroy {
        /// Really delete.
        #[arg(long)]
        yes: bool,
        /// Delete data actions even when flows call them.
        ///
        /// With [genesys]: delete data actions even when a published Architect flow calls
        /// them (that breaks those flows; without it such a run exits 1 and writes nothing).
        #[arg(long)]
        force: bool,
    },
    /// Write one account's SCPs and RCPs as --org-policies files.
    #[command(after_long_help = "\
Reads the SCPs and RCPs that apply to an account, from the organization's root through each OU \
to the account, and writes them as the files `--org-policies DIR` reads (one per policy and \
level, with the organization's ID). Run it with credentials that may read them: the \
organization's management account or a delegated administrator. Then `verify`, `check`, \
`prove` and `audit` judge the whole path with the account's own credentials, which usually \
cannot read them.

DIR is made if missing and must hold no .json file yet (every one is read). Exit 0 written, \
1 error (not readable, the management account, an account in no organization).

Example:
  lambda-trust org-policies --account-id 111122223333 --out org/ \\
      --profile management")]
    OrgPolicies {
        /// The account whose path from the root to write.
        #[arg(long, value_name = "ACCOUNT", value_parser = super::args::account_id)]
        account_id: String,
        /// The directory to write the files into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Print a shell completion script.
    #[command(after_long_help = "\
Examples:
  lambda-trust completions bash \\
      > ~/.local/share/bash-completion/completions/lambda-trust
  lambda-trust completions zsh > \"${fpath[1]}/_lambda-trust\"
  lambda-trust completions fish \\
      > ~/.config/fish/completions/lambda-trust.fish")]
    Completions {
        /// The shell.
        ///
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page, or write one per command with --out-dir.
    ///
    /// The man page is roff, for `man -l -`; --out-dir writes lambda-trust.1 and one
    /// lambda-trust-COMMAND.1 per command.
    #[command(after_long_help = "\
Examples:
  lambda-trust man | man -l -
  lambda-trust man --out-dir ~/.local/share/man/man1")]
    Man {
        /// Write one page per command into DIR.
        ///
        /// Writes lambda-trust.1 and one lambda-trust-COMMAND.1 per command into DIR.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
    /// Compare two environments live, their overrides taken out.
    #[command(
        long_about = "\
Compare two environments of the config live, with their configured overrides taken out (each \
one's org ID, accounts, deployment and the functions its targets resolve to): the role (trust \
policy, settings, your tags), the grants of its invoke policies and each Genesys Cloud data \
action, its contract named when it differs. Read-only. Exit 0 when they are the same, 2 when \
they differ.",
        after_long_help = "\
Example:
  lambda-trust diff --env dev --env prod"
    )]
    Diff,
    /// Print the org's Genesys Cloud IDs, to promote flows.
    #[command(
        long_about = "\
Print the Genesys Cloud IDs of the config's integration, credential and data actions, read \
from the org (nothing is written). Every org gives each its own ID; flows are promoted from \
one environment to the next by substituting them: --format archy prints an Archy options \
file's `substitutions:`, --format terraform a `substitutions` map for genesyscloud_flow, each \
keyed the same in every environment (category_name in lowercase words).",
        after_long_help = "\
Examples:
  lambda-trust ids --env prod
  lambda-trust ids --env prod --format archy > prod-options.yaml
  lambda-trust ids --env prod --format terraform > prod.auto.tfvars"
    )]
    Ids,
    /// Write what lambda-trust manages as Terraform or CloudFormation.
    #[command(
        long_about = "Write what lambda-trust manages as Terraform or CloudFormation, with imports of the live objects.\n\nReads what is live (the role, its invoke policies, the statements on functions in other accounts and, with [genesys], the Genesys Cloud integration, credential and data actions, each with its ID), or with --from-config what the config would create, and writes code that adopts it as it is: moving to infrastructure as code costs nothing. Nothing is written to AWS or Genesys Cloud.",
        after_long_help = "\
Examples:
  lambda-trust export terraform --out infra/genesys-lambda
  lambda-trust export cloudformation --out infra/genesys-lambda-cfn"
    )]
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Genesys Cloud helpers (offline).
    Genesys {
        #[command(subcommand)]
        command: GenesysCommand,
    },
    /// Re-prove on every change, from a Lambda function.
    #[command(
        long_about = "Re-prove the setup on every change, as a Lambda function behind EventBridge.\n\nThe watching function is lambda-trust itself: CloudTrail's events on the role, its invoke policies and the targets' resource policies (or an AWS Config rule's notices: [watch].engine), the Genesys Cloud org's audit events ([watch].genesys_event_bus) and a schedule ([watch].schedule, hourly by default) each re-prove the setup, reading again only what the event can have changed, and publish the result to Security Hub (a finding resolved when the proof holds again) and [watch].sns_topic. See docs/watch.md.",
        after_long_help = "\
Examples:
  lambda-trust watch deploy --package ./lambda-trust --yes
  lambda-trust watch status --package ./lambda-trust"
    )]
    Watch {
        #[command(subcommand)]
        command: WatchCommand,
    },
    /// Keep Genesys Cloud out of roles without your org IDs.
    #[command(
        long_about = "Keep Genesys Cloud out of every role of the organization unless it sends one of your org IDs.\n\nA resource control policy (RCP) of AWS Organizations denies sts:AssumeRole to Genesys Cloud's account whenever its sts:ExternalId is none of your Genesys Cloud org IDs, in every member account's roles, including those made tomorrow by hand or by Terraform. lambda-trust writes it, proves it over the organization's RCPs and roles before it is attached, and checks it while it is. See docs/guardrail.md.",
        after_long_help = "\
Examples:
  lambda-trust guardrail plan --assume-role SecurityAudit \\
      --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10
  lambda-trust guardrail apply --assume-role SecurityAudit --yes \\
      --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10
  lambda-trust guardrail check --assume-role SecurityAudit \\
      --genesys-org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"
    )]
    Guardrail {
        #[command(subcommand)]
        command: GuardrailCommand,
    },
}

/// One result a command can print: whether the command's flags choose it, and its formats
/// (its `report::Report::FORMATS`).
type Printed = (fn(&Command) -> bool, &'static [Format]);

/// Whatever the flags.
fn always(_: &Command) -> bool {
    true
}

/// `audit --template` or `--plan`: the infrastructure code's audit.
fn audits_iac(command: &Command) -> bool {
    matches!(command, Command::Audit(a) if a.template.is_some() || a.plan.is_some())
}

/// `guardrail export`: the guardrail as code.
fn exports_guardrail(command: &Command) -> bool {
    matches!(
        command,
        Command::Guardrail {
            command: GuardrailCommand::Export(_)
        }
    )
}

/// `audit --organization` or `--accounts`: the organization's audit.
fn audits_org(command: &Command) -> bool {
    matches!(command, Command::Audit(a) if a.organization || a.accounts.is_some())
}

impl Command {
    /// The one table of `--format`s: per command (by its name), the results it can print, each
    /// with the flags that choose it — the first that holds — and its formats. A command not
    /// named prints a result in the human format or JSON.
    fn table_of_results(name: &str) -> &'static [Printed] {
        match name {
            "check" => &[(
                always,
                <lambda_trust_provision::CheckReport as Report>::FORMATS,
            )],
            "audit" => &[
                (
                    audits_iac,
                    <lambda_trust_audit::IacReport as Report>::FORMATS,
                ),
                (audits_org, report::OrgAudit::FORMATS),
                (always, report::AccountAudit::FORMATS),
            ],
            // Text for a shell or `man`.
            "completions" | "man" => &[(always, &[Format::Human])],
            "ids" => &[(always, <report::IdsResult as Report>::FORMATS)],
            "export" => &[(always, <report::ExportResult as Report>::FORMATS)],
            "guardrail" => &[
                (exports_guardrail, report::GuardrailCode::FORMATS),
                (always, report::HUMAN_JSON),
            ],
            // What `guardrail export`'s `--help` offers (`cli::help`).
            "guardrail export" => &[(always, report::GuardrailCode::FORMATS)],
            _ => &[(always, report::HUMAN_JSON)],
        }
    }

    /// The command's name, as clap knows it (`org-policies`).
    pub(super) fn name(&self) -> &'static str {
        self.into()
    }

    /// Every output format the command named `name` can print, whatever its flags: the union
    /// of its results' formats ([`Command::table_of_results`]), in `--format`'s order. Its
    /// `--help` lists these and clap refuses the others.
    pub(crate) fn formats_named(name: &str) -> Vec<Format> {
        let results = Command::table_of_results(name);
        Format::value_variants()
            .iter()
            .filter(|f| results.iter().any(|(_, formats)| formats.contains(f)))
            .copied()
            .collect()
    }

    /// The output formats the command has: those of the result its flags choose
    /// ([`Command::table_of_results`]); any other `--format` is refused before the command runs.
    pub(crate) fn formats(&self) -> &'static [Format] {
        let results = Command::table_of_results(self.name());
        (results.iter())
            .find(|(chooses, _)| chooses(self))
            .map_or(report::HUMAN_JSON, |(_, formats)| formats)
    }
}
