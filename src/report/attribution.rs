//! Who changed what a finding reports, in words: the phrase after a finding (`— UpdateAssumeRolePolicy
//! by ARN at TIME`), and a lookup that could not answer said once per report.
//!
//! The attribution itself (the write that explains a finding, lambda-trust's own never the
//! culprit) is decided in the provisioner (`lambda_trust_provision::attribute_findings`).

use std::collections::BTreeSet;

use lambda_trust_provision::{Attribution, Trail, TrailSource};

/// What a report has said of the lookups that could not answer. A refused or failed lookup is
/// the same for every finding of a run: it is said on the first finding it concerns, then not
/// again — each source (CloudTrail, Genesys Cloud's audit trail) on its own, and a different
/// failure said too. One per report, across its configs.
#[derive(Debug, Default)]
pub(crate) struct LookupsSaid(BTreeSet<String>);

/// What the trail found, and where: CloudTrail's answer, else Genesys Cloud's.
fn attribution(trail: &Trail) -> Option<(TrailSource, &Attribution)> {
    (trail
        .cloudtrail
        .as_ref()
        .map(|a| (TrailSource::Cloudtrail, a)))
    .or_else(|| (trail.genesys_audit.as_ref()).map(|a| (TrailSource::GenesysAudit, a)))
}

/// What follows a finding in a report: ` — UpdateAssumeRolePolicy by ARN at TIME`, or why who
/// changed it is unknown; empty when there is nothing to say, or when it is a refused or failed
/// lookup `said` holds already.
pub(crate) fn suffix(trail: &Trail, said: &mut LookupsSaid) -> String {
    let Some((source, attribution)) = attribution(trail) else {
        return String::new();
    };
    let text = match attribution {
        Attribution::NotPermitted { permission } => {
            Some(format!("— {}", not_permitted_note(source, permission)))
        }
        _ => phrase(trail),
    };
    let Some(text) = text else {
        return String::new();
    };
    let unanswered = matches!(
        attribution,
        Attribution::NotPermitted { .. } | Attribution::Failed { .. }
    );
    if unanswered && !said.0.insert(text.clone()) {
        return String::new();
    }
    format!(" {text}")
}

/// The attribution as a phrase after the finding (`— UpdateAssumeRolePolicy by ARN at TIME`);
/// `None` when there is nothing to say. A refused lookup is said by [`suffix`], once.
pub(crate) fn phrase(trail: &Trail) -> Option<String> {
    let (source, attribution) = attribution(trail)?;
    match (attribution, &trail.changed_by) {
        (Attribution::Changed, Some(c)) => Some(format!("— {} by {} at {}", c.event, c.who, c.at)),
        (Attribution::AppliedByLambdaTrust { at, .. }, _) => {
            Some(format!("— last applied by lambda-trust at {at}"))
        }
        (Attribution::NoEvent { days }, _) => Some(match source {
            TrailSource::Cloudtrail => format!("— no CloudTrail event in the last {days} days"),
            TrailSource::GenesysAudit => {
                format!("— no entry in Genesys Cloud's audit trail in the last {days} days")
            }
        }),
        (Attribution::Failed { reason }, _) => Some(format!(
            "— who changed it is unknown: the {source} lookup failed: {reason}"
        )),
        _ => None,
    }
}

/// The one sentence for a lookup refused for want of `permission`.
pub(crate) fn not_permitted_note(source: TrailSource, permission: &str) -> String {
    match source {
        TrailSource::Cloudtrail => format!(
            "who changed it is unknown: CloudTrail refused {permission} (AccessDenied); allow {permission} to see who made each change"
        ),
        TrailSource::GenesysAudit => format!(
            "who changed it is unknown: the audit query was refused (403); give the OAuth client {permission} to see who made each change"
        ),
    }
}
