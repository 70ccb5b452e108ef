//! The organization watch's input and the names every part of it uses.

use lambda_trust_iam::{Arn, AwsResource};
use std::collections::BTreeSet;

/// The organization watch's name: its function, its role, its bus, and the prefix of every
/// resource it puts in the accounts. A namespace of its own: a deployment's watch is
/// `lambda-trust-watch-ROLE`, which never begins with it.
pub const ORG_WATCH: &str = "lambda-trust-org-watch";

/// What the organization watch is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgWatchInput {
    /// The organization's partition.
    pub partition: String,
    /// The organization's ID (`o-…`).
    pub organization: String,
    /// Its root's ID (`r-…`): where the StackSets deploy, so every account is covered.
    pub root: String,
    /// The management account.
    pub management_account: String,
    /// The account the function lives in: the delegated administrator's.
    pub watch_account: String,
    /// The regions, besides the watch's, that hold the partner roles' targets: each gets a
    /// rule forwarding its Lambda permission calls.
    pub target_regions: BTreeSet<String>,
    /// The Genesys Cloud organizations that are ours (`--genesys-org-id`).
    pub genesys_org_ids: Vec<String>,
    /// `--baseline`: the findings accepted, as JSON (`{"suppress": [...]}`), which the function
    /// marks suppressed as `audit --baseline` does.
    pub baseline: Option<String>,
    /// `--config-aggregator`: the AWS Config aggregator, in the watch's account and region,
    /// through which the sweep reads which accounts hold a partner role, so it re-proves only
    /// those (and those with findings) rather than every account.
    pub aggregator: Option<String>,
    /// The schedule that sweeps the organization.
    pub schedule: String,
    /// `x86_64` or `arm64`.
    pub architecture: String,
    /// The package's SHA-256, base64.
    pub code_sha256: String,
}

/// The ARNs every part names.
pub(crate) struct Names {
    pub(crate) function: String,
    pub(crate) function_role: String,
    pub(crate) bus: String,
}

impl Names {
    pub(crate) fn of(input: &OrgWatchInput, home: &str) -> Names {
        let (p, account) = (&input.partition, &input.watch_account);
        Names {
            function: Arn::of(
                p,
                account,
                AwsResource::Function {
                    region: home,
                    name: ORG_WATCH,
                    qualifier: None,
                },
            )
            .to_string(),
            function_role: Arn::of(p, account, AwsResource::Role(ORG_WATCH)).to_string(),
            bus: Arn::of(
                p,
                account,
                AwsResource::EventBus {
                    region: home,
                    name: ORG_WATCH,
                },
            )
            .to_string(),
        }
    }
}

/// The reader role's name, in every account.
pub(crate) fn reader_name() -> String {
    format!("{ORG_WATCH}-read")
}

/// The forwarding role's name, in every account.
pub(crate) fn forwarder_name() -> String {
    format!("{ORG_WATCH}-fwd")
}
