//! The stand-in for a policy type not enabled at the organization's root. With SCPs (or RCPs)
//! not enabled none of them restricts anyone (AWS Organizations User Guide, "Enabling and
//! disabling policy types": disabling a type detaches its policies everywhere); the path's
//! evaluation wants every level's policies of both types, so each level gets the one AWS
//! attaches to every level when the type is enabled (`FullAWSAccess`, `RCPFullAWSAccess`),
//! marked as standing for "not enabled". Readers of AWS Organizations and of the AWS CLI's
//! `list-roots` output both use it, and `org-policies` writes it to its files.

use super::super::model::Policy;
use super::vocabulary::{OrgPolicy, PolicyKind};

impl OrgPolicy {
    /// The stand-in for `kind` (SCP or RCP) not enabled at the root.
    pub fn not_enabled(kind: PolicyKind) -> OrgPolicy {
        let (id, name, document) = not_enabled_document(kind);
        let policy = Policy::try_from(&document).expect("a valid policy");
        OrgPolicy {
            id: id.to_owned(),
            name: name.to_owned(),
            policy,
        }
    }
}

/// The stand-in's ID, name and document for `kind`: an RCP's allows every principal, as
/// `RCPFullAWSAccess` does; any other kind's is `FullAWSAccess`.
pub(crate) fn not_enabled_document(
    kind: PolicyKind,
) -> (&'static str, &'static str, serde_json::Value) {
    if kind == PolicyKind::Rcp {
        let allow_all = serde_json::json!({"Version": "2012-10-17", "Statement":
            [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]});
        let name = "RCPFullAWSAccess (RCPs are not enabled at the root)";
        return ("rcps-not-enabled", name, allow_all);
    }
    let allow_all = serde_json::json!({"Version": "2012-10-17", "Statement":
        [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let name = "FullAWSAccess (SCPs are not enabled at the root)";
    ("scps-not-enabled", name, allow_all)
}

/// The stand-in's document when `id` is a stand-in's ID (a type not enabled at the root):
/// what a policy file holds for it, since AWS Organizations stores no such policy.
pub(crate) fn stand_in_document(id: &str) -> Option<serde_json::Value> {
    [PolicyKind::Scp, PolicyKind::Rcp]
        .into_iter()
        .map(not_enabled_document)
        .find(|(stand_in, _, _)| *stand_in == id)
        .map(|(_, _, document)| document)
}
