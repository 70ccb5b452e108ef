//! The `aws` layer: the only code that talks to AWS. Client construction and error translation
//! (`client`), which credentials a run uses (`credentials`), every read (`observe`, driven by
//! `prepare`; the whole path's organization policies in `organizations` and function policies
//! in `function_policy`), every write (`apply`, with the `retry` helper), and the live probe of
//! `verify --assume-profile` (`probe`).
//!
//! It imports the pure layers below it (the provisioner and auditor crates, `event`, `config`, `iam`), never `report` or
//! `commands`. No file outside this folder names an `aws_sdk_*` client: a test holds us to it.
//!
//! # Modules
//!
//! `client` (SDK clients, behaviour version pinned, retry config, `attempts`: the interceptor that
//! tells the run's progress sink of each retry the SDK makes, the one translation of an SDK error
//! into the service's code and message (else the HTTP status and body) with its hint, the app name
//! `lambda-trust-VERSION` in every user agent), `credentials` (which credentials a run uses: an
//! explicit profile wins over environment keys, as in the AWS CLI; an undefined one is an error
//! before any call), `observe` (every read), `pace` (the one token bucket: Lambda reads, CloudTrail
//! lookups), `trail` (CloudTrail `LookupEvents` for the resources that drifted), `prepare` (config
//! → observe → `crates/provision/src/prepare.rs`), `apply` (every write), `retry` (re-exports `crate::retry`),
//! `secrets` (the `[genesys].oauth_secret` read), `lost_answer` (re-reads after a write whose
//! answer was lost), `probe` (live AssumeRole + DryRun invoke), `audit` (one paginated
//! GetAccountAuthorizationDetails pass, AWS managed policies of reported roles, an account's
//! functions and their policies), `sessions` (ListAccounts, AssumeRole into each account —
//! `assume_keeping` also returns the session's credentials —, the calls counted: the audit's and
//! the watch's common ground),
//! `config_aggregator` (`audit --config-aggregator`: ListAggregateDiscoveredResources and
//! BatchGetAggregateResourceConfig of roles, policies and functions, 100 a call, unprocessed asked
//! again), `inventory` (paginated ListFunctions for `init --from-account`), `organizations` (an
//! account's SCPs and RCPs from the root through each OU, read once per run and account, each OU's
//! name once per run; not readable → "not read" with the reason), `guardrail` (the organization's
//! tree and RCPs as plain data, and the writes to lambda-trust's own RCP), `function_policy`
//! (`lambda:GetPolicy` per target and qualifier; `read_permissions`: lambda-trust's statement on
//! each cross-account target), `accounts` (the clients of each `[aws.accounts]` entry — a profile
//! or an assumed role —, checked with `sts:GetCallerIdentity` to act in its account before anything
//! else), `permission` (`AddPermission`/`RemovePermission` of that statement with the account's
//! clients, paced, lost answers read again), `security_hub` (`GetFindings` of the account's
//! lambda-trust findings, `BatchImportFindings` ≤ 100 a call with `FailedFindings` retried),
//! `watch` (everything only the watch calls: its deployment, its function's runtime loop, its
//! notice and its Config rule; the organization watch's StackSets, ledger, sweep and hub view
//! under `watch/organization/`), `invoke` (a synchronous `lambda:Invoke`: `watch destroy
//! --organization` hands the function each account a last time)

pub(crate) mod accounts;
pub(crate) mod apply;
mod attempts;
pub(crate) mod audit;
pub(crate) mod audit_role;
pub(crate) mod client;
pub(crate) mod config_account;
pub(crate) mod config_aggregator;
pub(crate) mod config_recorder;
pub(crate) mod credentials;
pub(crate) mod function_policy;
pub(crate) mod inventory;
#[cfg(test)]
mod live_path_read;
mod lost_answer;
pub(crate) mod observe;
pub(crate) mod organizations;
pub(crate) mod pace;
mod pages;
mod permission;
pub(crate) mod prepare;
pub(crate) mod probe;
pub(crate) mod retry;
mod role_read;
pub(crate) mod secrets;
pub(crate) mod security_hub;
pub(crate) mod sessions;
pub(crate) mod trail;
pub(crate) mod watch;

pub(crate) use client::AwsError;
pub(crate) use client::{AwsSettings, Clients, InRegion};
