//! What a workflow tells the user while it runs, as plain data: the application floor
//! sends each [`Event`] to its sink (`app::Events`), `report::events` renders it as a line for
//! people or as one line of JSON (`--progress json`). Results are not events: a workflow
//! returns them.
//!
//! Each thing a workflow says is a variant holding the plain data — what a wait is for
//! ([`Read`]), a step of the live probe ([`ProbeStep`]), a note ([`Note`]), a line of
//! information ([`Said`]) —, as nextest's `TestEventKind`: the words are written once, by the
//! renderer (`report::event_words`), never here nor by the workflow.

use std::path::PathBuf;
use std::time::Duration;

use schemars::JsonSchema;
use serde::Serialize;

use crate::retry::Waiting;
use lambda_trust_model::HubCounts;
use lambda_trust_provision::{ChangeView, LintFinding, Side};

/// One thing a workflow says while it runs. Results are not events: a workflow returns them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    /// Waiting on AWS or Genesys Cloud starts, for this (a spinner on a terminal, nothing
    /// otherwise).
    Reading(Read),
    /// The wait goes on, now for this step of the live probe.
    Step(ProbeStep),
    /// The wait is over.
    ReadDone,
    /// A wait over `total` items starts (the accounts of an organization's audit).
    Counting { total: usize },
    /// One more of them is done.
    Counted,
    /// Read a side's state, with how long it took and what was read (`-v`).
    ReadTimed {
        what: String,
        elapsed: Duration,
        detail: String,
    },
    /// A write starts: its side, its place among the side's writes and what it changes.
    WriteStarted {
        side: Side,
        index: usize,
        total: usize,
        change: ChangeView,
    },
    /// Something the user should know (`note: …`).
    Note(Note),
    /// Something the user should look at (`warning: …`), with what to do about it.
    Warning {
        message: String,
        hint: Option<String>,
    },
    /// Calls to `service` were retried: how many, and per cause how often (`429 ×2`).
    Retried {
        service: &'static str,
        calls: usize,
        causes: Vec<(String, usize)>,
    },
    /// A write's answer was lost; the object it made was found and kept, not made twice.
    Recovered { service: &'static str, what: String },
    /// A line of information on its own: what a workflow wrote, read or found.
    Said(Said),
    /// A line a renderer already wrote (a result's line, a question's preamble): said as it
    /// is, for it escaped what it took in and may hold our colours.
    Output(String),
    /// One invocation of the watching function: its record (the function's log line).
    WatchRun(Box<lambda_trust_provision::WatchRecord>),
    /// The organization watch's invocation's record, logged as one JSON line.
    OrgWatchRun(Box<lambda_trust_provision::OrgWatchRecord>),
    /// A call waits before its next attempt (a retried call, or a pause the server asked for).
    Waiting(Waiting),
    /// The call that waited has ended, answered or given up.
    Settled,
}

impl Event {
    /// Lint-style warnings (config notices, weakened properties) as events.
    pub(crate) fn warnings(findings: &[LintFinding]) -> impl Iterator<Item = Event> + '_ {
        findings.iter().map(|w| Event::Warning {
            message: w.message.clone(),
            hint: w.hint.clone(),
        })
    }
}

/// What a wait on AWS or Genesys Cloud is for: the spinner's words, `--progress json`'s
/// `what` and `about`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Read {
    /// The role, its policies and the target functions (the AWS side of a config).
    AwsSetup,
    /// The role `name` and its policies (`init --from-role`, `init --from-genesys`).
    Role { name: String },
    /// The Lambda functions of the account in `region` (`init`'s questions, `--from-account`).
    Functions { region: String },
    /// The organization policies and the function policies of the whole path.
    PathPolicies,
    /// The organization policies over `account` (`org-policies`).
    OrgPolicies { account: String },
    /// One account's IAM, each role proved (`audit`).
    AccountAudit,
    /// The IAM roles and Lambda functions of the AWS Config aggregator `name`.
    Aggregator { name: String },
    /// The roles Genesys Cloud can assume with the organization's ID (`init --from-genesys`).
    AcceptingRoles,
    /// The Genesys Cloud organization's Lambda integrations and their actions (`audit`).
    GenesysIntegrations,
    /// The Genesys Cloud integration `name` and its actions (`init --from-genesys`).
    Integration { name: String },
    /// `configs` configs checked against AWS (`check`).
    Checking { configs: usize },
    /// The live probe (`verify --assume-profile`); its steps follow as [`ProbeStep`]s.
    LiveProbe,
    /// An audit's findings imported into Security Hub in `account`.
    Importing { account: String },
    /// A watch run's findings published to Security Hub in `account`.
    Publishing { account: String },
    /// `findings` findings archived in Security Hub (the watch removed).
    Archiving { findings: usize },
    /// `changes` writes of the watch's deployment, or of the guardrail.
    Writing { changes: usize },
    /// The organization's accounts, OUs and resource control policies (`guardrail`).
    Organization,
    /// The organization watch's function handed each of `accounts` accounts a last time
    /// (`watch destroy --organization`).
    Reproving { accounts: usize },
}

/// A step of the live probe (`verify --assume-profile`): the call it makes, and its attempt.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum ProbeStep {
    /// sts:AssumeRole of `role_arn` with the external ID.
    Assuming { role_arn: String, attempt: u32 },
    /// A dry-run lambda:Invoke of `function_arn` with the role's credentials.
    Invoking { function_arn: String, attempt: u32 },
}

/// Something the user should know (`note: …`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Note {
    /// The Genesys Cloud side could not be read, so nothing was written; `--only aws` converges
    /// the AWS side alone.
    OnlyAws,
    /// The targets' region was not checked against the Genesys Cloud organization's: the
    /// Platform API is given as a URL and no `[genesys].region` is set.
    RegionNotChecked,
    /// `prove` without `--org-policies`: whether an SCP or RCP stops Genesys Cloud is not
    /// claimed.
    OrgPoliciesNotGiven,
    /// `offboard` of the last target: the invoke policy goes, the role stays.
    NoTargetsRemain,
    /// `--external-id` is not the signed-in organization's ID; the config requires `given`.
    ExternalIdNotOrg { given: String, org: String },
    /// `plan`/`apply` without a Genesys Cloud side read: `configured` (trust.external_id) is
    /// taken as the organization's ID, not compared with it.
    ExternalIdAssumed { configured: String },
    /// `init --env`: the environment `env` calls functions the config's targets do not name.
    UntargetedFunctions { env: String, functions: Vec<String> },
    /// `init --env`: the environment `env` has nothing yet for these targets of the config.
    TargetsMissing { env: String, targets: Vec<String> },
    /// `destroy`: lambda-trust's statements in the function policies of `account` stay (no
    /// `[aws.accounts]` entry to act there).
    StatementsKept {
        account: String,
        resources: Vec<String>,
    },
    /// `destroy` keeps this, and says why: the destroy plans' own sentence (a managed policy
    /// still attached elsewhere, a Genesys Cloud integration lambda-trust did not create or
    /// that foreign actions still use).
    DestroyKeeps { text: String },
    /// `export`: what was not exported, and why (the sentence the result holds too).
    NotExported { what: String },
}

/// A line of information: what a workflow wrote, read or found.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Said {
    /// The config file `what` was written (`onboard`, `offboard`).
    Updated { what: String },
    /// What Security Hub did with the findings of `account` in `region`, in `calls`
    /// `BatchImportFindings` calls.
    SecurityHub {
        account: String,
        region: String,
        calls: usize,
        #[serde(flatten)]
        counts: HubCounts,
    },
    /// The organization watch's sweep `sweep`: `put` of the `accounts` accounts' events put on
    /// the watch's bus.
    Swept {
        sweep: String,
        put: usize,
        accounts: usize,
    },
    /// `audit --write-baseline`: the file written, with `entries` `[[suppress]]` entries.
    BaselineWritten { path: PathBuf, entries: usize },
    /// `init --from-account` without `--match`: the `functions` listed are written as
    /// commented-out entries.
    ListedAsComments { functions: usize },
    /// `init --from-genesys`: the external ID is the organization's ID, `org`.
    ExternalIdIsOrg { org: String },
    /// `init --from-genesys`: the organization's `actions` data actions may take long to read:
    /// `requests` requests at `per_minute` a minute.
    SlowRead {
        actions: u64,
        requests: u64,
        per_minute: u64,
    },
    /// `init --from-genesys`: `actions` actions read in `calls` Genesys Cloud calls.
    ActionsRead { actions: usize, calls: usize },
}

/// What a failed `watch destroy --organization` leaves settled (`report::watch::words` words
/// it): the function's last re-proof of the accounts, then — the watch still running, so no
/// finding may say it was removed — each account it re-proved handed to it again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Restored {
    /// Accounts the last re-proof reached, of those handed to it.
    pub reproved: usize,
    pub handed: usize,
    /// Findings it archived, and kept ACTIVE saying the watch was removed.
    pub archived: usize,
    pub kept: usize,
    /// Each re-proved account handed again, with why its words could not be put back; `None`
    /// when none was re-proved.
    pub again: Option<Vec<(String, Option<String>)>>,
}

/// Where the watch hears from: a region of the config's account, or of another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    pub region: String,
    /// `None`: the config's own account.
    pub account: Option<String>,
}

/// What `watch deploy|status|destroy` says beside the plan: where the function lives, what it
/// hears and how (`report::watch::words` words it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WatchNote {
    /// The package could not be read: the deployed code is not compared.
    CodeNotCompared { why: String },
    /// The function lives in `region`, where IAM's events arrive.
    Home { region: String },
    /// The AWS Config rule engine: `rule` in `region`, evaluating everything `frequency`.
    ConfigRuleEngine {
        rule: String,
        region: String,
        frequency: String,
    },
    /// Other regions forward their events to the function's default event bus.
    RegionsForward,
    /// `account`'s targets' Lambda events in `regions`, forwarded with its role `forwarder` to
    /// the watch's bus `bus`; the account read through its role `reader`.
    AccountForwards {
        account: String,
        regions: Vec<String>,
        forwarder: String,
        bus: String,
        reader: String,
    },
    /// The Genesys Cloud side is read again on its org's audit events, and on the schedule.
    GenesysOnEvents,
    /// The Genesys Cloud side is read on the schedule only.
    GenesysOnSchedule,
    /// The watch moves from the partition's former home `from` to `to`.
    Moves { from: String, to: String },
    /// The CloudTrail trail `trail` logs `at`'s management events.
    Trail { at: Place, trail: String },
    /// `at`'s trails were not read: `why`, or (`None`) no credentials for its account.
    TrailsNotRead { at: Place, why: Option<String> },
    /// What the watch published to Security Hub was not read: why.
    FindingsNotRead { why: String },
    /// The organization watch's function lives in `account`, reached `via` the role named
    /// (`None`: the run's own credentials are that account's).
    OrgHome {
        account: String,
        via: Option<String>,
    },
    /// The organization's `covered` member accounts each have a CURRENT instance of each
    /// StackSet, as `ListStackInstances` says (what is in the accounts is not read).
    OrgCoverage { covered: usize, accounts: usize },
    /// Deploy's StackSet writes were made, each operation awaited until it SUCCEEDED: what the
    /// coverage read before them no longer says, for the organization's `accounts` members.
    OrgInstancesMade { accounts: usize },
    /// The management account's stacks were not read or written: the run is the delegated
    /// administrator's.
    ManagementStacksNotOurs { management: String },
    /// `account` left the organization; its Security Hub held `held` of the organization
    /// watch's findings at its last whole reading (the watch's ledger), which the watch can
    /// no longer settle.
    DepartedHolds {
        account: String,
        held: lambda_trust_provision::Held,
    },
    /// The watch's ledger of what each account holds was not read: why.
    LedgerNotRead { why: String },
    /// No function runs: its finding that it could not watch `account` (titled `title`, for
    /// `cause`) stays ACTIVE in the watch account's Security Hub, as `watch destroy` left it
    /// on purpose (nothing settles it now).
    LeftActive {
        account: String,
        title: String,
        cause: Option<Blind>,
    },
}

/// What the watching function lacks, each with its fix: any makes `watch status` exit 2
/// (`report::watch::words` words it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WatchProblem {
    /// No credentials for `account` to put its rule there.
    Unheard { account: String },
    /// The AWS Config rule engine evaluates `account`'s resources only, not `others`'.
    ConfigRuleBlind {
        others: Vec<String>,
        account: String,
    },
    /// `[genesys].oauth_secret` is not set.
    NoSecretNamed,
    /// No secret `name` in the account and region.
    SecretMissing { name: String },
    /// The secret `name` could not be described.
    SecretNotDescribed { name: String, why: String },
    /// The secret `name` is not an OAuth client.
    SecretNotOAuth { name: String, why: String },
    /// The secret `name` could not be read to check its JSON.
    SecretNotChecked { name: String, why: String },
    /// The function's role cannot read the secret `name`.
    SecretNotReadable { name: String, why: String },
    /// No CloudTrail trail logs `at`'s management events.
    NoTrail { at: Place },
    /// The watched role `role` does not exist.
    RoleMissing { role: String },
    /// Security Hub is not enabled for `account` in `region`.
    HubOff {
        account: String,
        region: String,
        message: String,
    },
    /// The organization watch's function found `account` not watched (or not heard): its
    /// active finding in the watch account's Security Hub, titled `title`, and why; `cause`
    /// is `None` for a finding that names none (an older function's).
    AccountNotWatched {
        account: String,
        title: String,
        cause: Option<Blind>,
    },
    /// `account` of the organization has no current instance of `stack_set` in `region`:
    /// its reader role or rules are missing or stale (`status`, CloudFormation's reason).
    AccountNotCovered {
        account: String,
        stack_set: String,
        region: String,
        status: String,
        reason: Option<String>,
    },
}

/// Why the organization watch cannot watch an account, as its function found it: the cause
/// its finding in the watch account's Security Hub carries (`lambda-trust/Cause`, in these
/// words' codes), which `watch status --organization` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "kebab-case")]
pub(crate) enum Blind {
    /// Its reader role could not be assumed (not deployed there, deleted, an SCP denies it).
    ReaderNotAssumed,
    /// A read of its roles or their path was refused or failed.
    ReadRefused,
    /// Its Security Hub is not enabled: the findings have nowhere to go.
    HubOff,
    /// Its Security Hub refused the findings (a permission, a quota).
    HubRefused,
    /// No trail logs its management events where IAM's calls are announced, or its trails
    /// could not be read: its IAM calls do not reach the watch.
    NotHeard,
}

impl Blind {
    /// The `ProductFields` key of a "not watched" finding's cause.
    pub(crate) const FIELD: &'static str = "lambda-trust/Cause";
}

/// A Security Hub: the account and region a finding is imported into (`BatchImportFindings`
/// takes a finding only from the account it names, into the hub of the region it names:
/// <https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HubAt<'a> {
    pub(crate) account: &'a str,
    pub(crate) region: &'a str,
}
