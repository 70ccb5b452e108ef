//! The Genesys Cloud side of "who changed it": an entry of Genesys Cloud's audit trail,
//! as `genesys::audit` read it, in the typed fields of an AWS attribution.

use super::{Attribution, ChangedBy, Trail, TrailSource};

/// The permission Genesys Cloud's audit query needs (Platform API, "Audit": realtime query).
pub(super) const GENESYS_AUDIT_PERMISSION: &str = "audits:audit:view";

/// What Genesys Cloud's audit trail said about one entity, as `genesys::audit` read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenesysLookup {
    /// The latest change by anyone but lambda-trust's own OAuth client.
    Changed {
        /// Who: the user's name, else its ID, else the OAuth client's ID.
        who: String,
        /// When, as the audit entry gives it.
        when: String,
        /// The audit action (`Update`, `Delete`, …).
        action: String,
        /// The audit entry's ID, when it has one.
        id: Option<String>,
    },
    /// No such change in the last `days` days.
    Unknown {
        /// How many days back the query went.
        days: u32,
    },
    /// The audit query answered 403.
    NotPermitted,
    /// The query failed otherwise.
    Failed(String),
}

/// Fills in a Genesys finding's attribution from its audit-trail lookup.
pub fn genesys_attribution(trail: &mut Trail, lookup: GenesysLookup) {
    let attribution = match lookup {
        GenesysLookup::Changed {
            who,
            when,
            action,
            id,
        } => {
            trail.changed_by = Some(ChangedBy {
                source: TrailSource::GenesysAudit,
                event: action,
                who,
                arn: None,
                name: None,
                at: when,
                source_ip: None,
                event_id: id,
            });
            Attribution::Changed
        }
        GenesysLookup::Unknown { days } => Attribution::NoEvent { days },
        GenesysLookup::NotPermitted => Attribution::NotPermitted {
            permission: GENESYS_AUDIT_PERMISSION,
        },
        GenesysLookup::Failed(reason) => Attribution::Failed { reason },
    };
    trail.genesys_audit = Some(attribution);
}
