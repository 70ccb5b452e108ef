//! The record of one invocation of the organization watch's function: what the event asked,
//! what was re-proved in which account, and where the findings went (the invocation's answer
//! and its log line; `docs/schemas/org-watch-run.schema.json`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::change::OrgChange;
use crate::watch::record::Published;

/// One invocation's record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct OrgWatchRecord {
    /// The record's schema version.
    pub org_watch: u32,
    /// lambda-trust's version (and commit).
    pub version: String,
    /// What the event can have changed.
    pub change: OrgChange,
    /// Each account re-proved.
    pub accounts: Vec<OrgAccountRecord>,
    /// The whole organization asked for: the sweep's events put on the watch's bus, one per
    /// account, each re-proved by an invocation of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swept: Option<SweptRecord>,
    /// An Organizations call that can change the guardrail (docs/guardrail.md): it checked
    /// again, in this invocation; absent for any other event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail: Option<GuardrailWatched>,
    /// Why an Organizations call swept no account: it changed no account's policies
    /// (`DeletePolicy`, `EnablePolicyType`), or only the guardrail, checked here and proved
    /// to deny no request carrying one of your org IDs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spared: Option<String>,
}

/// The guardrail checked again by the organization watch: what is attached against your org
/// IDs, its failed claims, and its finding in the watch's own Security Hub.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct GuardrailWatched {
    /// The guardrail's policy ID; absent: none is stored (nothing to check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Each claim that fails on what is attached (`property: detail`); empty: it holds.
    pub failed: Vec<String>,
    /// Why the organization could not be read. Set, nothing was published and the invocation
    /// fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its finding in the watch's own Security Hub, imported or settled; absent when nothing
    /// was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Published>,
}

/// The sweep an invocation fanned out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SweptRecord {
    /// The sweep's ID, in each of its events.
    pub sweep: String,
    /// The organization's active accounts (`ListAccounts`).
    pub accounts: usize,
    /// The events put on the bus: one per account.
    pub put: usize,
    /// The accounts whose event EventBridge did not take, each with its error; any, and the
    /// invocation fails, so Lambda retries it.
    pub failed: BTreeMap<String, String>,
    /// Why the sweep could not start: the accounts not listed, the bus not named. Set, the
    /// invocation fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The accounts left out: the aggregator shows no partner role in them and Security Hub
    /// no finding of the watch (`--config-aggregator`).
    pub skipped: usize,
    /// The aggregator the accounts were chosen through; absent: every account was swept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregator: Option<String>,
    /// Why every account was swept though an aggregator is named: it, or Security Hub, could
    /// not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_narrowed: Option<String>,
    /// The AWS calls it made: `ListAccounts`' pages and `PutEvents`' (10 events each), and the
    /// aggregator's and Security Hub's reads.
    pub calls: usize,
}

/// One account's part of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct OrgAccountRecord {
    /// The account.
    pub account: String,
    /// The role re-proved (its name); absent: the account's every role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The roles a partner can assume, by ARN, each with its findings' codes (none: proved).
    pub roles: BTreeMap<String, Vec<String>>,
    /// Why the account (or the role) could not be read: its reader role not assumed, a read
    /// refused. Set, nothing was published and the invocation fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Where the findings went; absent when nothing was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Published>,
    /// The AWS calls the account's part made: the reader assumed, the reads, Security Hub's.
    pub calls: usize,
    /// In the watch's own Security Hub: the finding that this account is not watched, imported
    /// (it could not be read or published to) or settled (it was); absent when not touched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watch_account: Option<Published>,
    /// Whether the account's IAM calls reach the watch, read when the whole account is
    /// (a sweep's, a function policy's, a joined account's, destroy's last reading); absent on
    /// a role's reading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heard: Option<Hearing>,
    /// After this run changed what the account's Security Hub holds: the same reading asked
    /// once more, on the watch's bus, so that of two runs whose writes cross the last answer
    /// is one read after every write; absent when nothing changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub again: Option<ReRead>,
    /// The watch's ledger of what the account's Security Hub holds, after a whole account's
    /// reading published there; absent on a role's reading and destroy's last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger: Option<LedgerWrite>,
}

/// What a whole account's reading did with the watch's ledger of what the account holds
/// (`Held`), so an account that leaves can still be told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum LedgerWrite {
    /// It already said what the account holds: nothing written.
    Kept,
    /// Written: the account holds something else now.
    Written,
    /// Not read or not written: the ledger may be stale until the account's next reading.
    Failed {
        /// Parameter Store's error.
        why: String,
    },
}

/// The re-reading a run asked for after it changed what a Security Hub holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ReRead {
    /// Put on the watch's bus.
    Asked {
        /// Which re-reading of the change it is (1 for the first).
        round: u32,
    },
    /// Not put: the invocation fails, so Lambda runs it again, which reads again.
    Failed {
        /// EventBridge's error.
        why: String,
    },
    /// Not asked: the change was re-read as many times as it may be; the role's own next
    /// call, or the sweep, reads it again.
    LastRound {
        /// The rounds run.
        rounds: u32,
    },
    /// Not asked: the function names no bus (deployed before the sweep): deploy it again.
    NoBus,
}

/// Whether an account's IAM calls reach EventBridge there, and so the watch: only a trail
/// logging its management events in the region IAM's events arrive in makes EventBridge
/// announce them (EventBridge User Guide, "Events from AWS services delivered via AWS
/// CloudTrail"); an organization trail does it for every account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Hearing {
    /// A trail logs them.
    Heard {
        /// The trail's name.
        trail: String,
    },
    /// No trail logs them: only the sweep re-proves the account's roles.
    NotHeard {
        /// Where IAM's calls are announced (us-east-1 in `aws`).
        region: String,
    },
    /// The trails could not be read: whether the calls are heard is unknown.
    Unknown {
        /// Where IAM's calls are announced.
        region: String,
        /// Why the trails were not read.
        why: String,
    },
}
