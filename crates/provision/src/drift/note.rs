//! What the reader of a config's report should know that is not drift, as data: `report`
//! words each note (its JSON keeps the words, as version 1 has them).

use lambda_trust_config::ManagedBy;

/// One note of a [`ConfigReport`](super::ConfigReport).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigNote {
    /// The whole path: Genesys Cloud gets through assuming `role`.
    GetsThroughAssuming {
        /// The role's ARN.
        role: String,
    },
    /// How one region's function policies were read (the path's own sentence: AWS Config or
    /// `lambda:GetPolicy`, and why).
    FunctionPoliciesRead {
        /// The sentence the path's reading says.
        said: String,
    },
    /// The watching function read again only the role after its event; the rest as read at
    /// `read_at`.
    WatchReadRole {
        /// When the rest was read (RFC 3339).
        read_at: String,
    },
    /// The watching function read again the role and `function`'s policy after its event.
    WatchReadFunction {
        /// The function's ARN.
        function: String,
        /// When the rest was read (RFC 3339).
        read_at: String,
    },
    /// The watching function read the Genesys Cloud side again after its audit event.
    WatchReadGenesys,
    /// The AWS side could not be read: the Genesys Cloud side was judged against the config
    /// alone.
    GenesysJudgedAlone,
    /// `managed_by`: the config is handed over to `tool`.
    HandedOver {
        /// The tool that manages it.
        tool: ManagedBy,
    },
    /// The Genesys Cloud plan's own sentence (an action kept, a draft waiting, what a dynamic
    /// action reaches, targets in another region, flows not looked up), as `plan` says it.
    GenesysPlan {
        /// The plan's sentence.
        said: String,
    },
    /// An infrastructure-as-code check: whether each target exists and the ownership tags
    /// are not compared.
    IacNotCompared,
    /// An infrastructure-as-code check whose reader gave no settings for the role.
    IacSettingsNotRead,
}
