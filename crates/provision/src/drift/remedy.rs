//! Who can fix a `check` finding, as data: `lambda-trust apply` (drift lambda-trust owns and
//! writes back), `apply --adopt` (an ownership tag lambda-trust reads, changed), or a step
//! outside lambda-trust — a function policy statement it did not write, an organization policy,
//! a failing function — named exactly. `check`'s next-step line lists only what helps: after
//! `apply` reports in sync, it never says to run `apply`.
//!
//! Part of the pure model.

use serde::Serialize;

use super::code::Code;
use crate::verify::{CheckId, PathCode};

/// Who can fix a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "by", rename_all = "snake_case")]
#[cfg_attr(feature = "schemars", schemars(rename = "remedy"))]
pub enum Remedy {
    /// `lambda-trust apply` repairs it.
    Apply,
    /// `lambda-trust apply --adopt` takes the resource over again (its ownership tag changed).
    ApplyAdopt,
    /// Nothing lambda-trust writes repairs it: this step, outside lambda-trust, does.
    Outside {
        /// The step to take.
        #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
        step: String,
    },
}

impl Remedy {
    /// The remedy of a finding of `code` on `resource` (`path`: where in it).
    pub(crate) fn of(code: Code, resource: &str, path: &str) -> Remedy {
        let outside = |step: String| Remedy::Outside { step };
        match code {
            Code::Path(p) => path_remedy(p, resource),
            Code::Check(c) => check_remedy(c).map_or(Remedy::Apply, outside),
            Code::RoleOwnershipLost | Code::PolicyOwnershipLost => Remedy::ApplyAdopt,
            Code::RoleTagDiffers if path.contains("lambda-trust:") => Remedy::ApplyAdopt,
            Code::RolePath => outside(
                "set role.path to the live role's path, or run `lambda-trust destroy` and `lambda-trust apply` to recreate the role at the configured one (IAM cannot move a role)".into(),
            ),
            Code::TrustUnknown
            | Code::AccessUnknown
            | Code::RoleDescriptionUnknown
            | Code::RoleMaxSessionUnknown => outside(
                "deploy it, then run `lambda-trust check` on the live role: the value is known only then".into(),
            ),
            Code::PermissionHeld => outside(format!(
                "add lambda-trust's statement to {resource} where that policy is written (its AWS::Lambda::ResourcePolicy, aws_lambda_resource_policy, or `aws lambda put-resource-policy`)"
            )),
            Code::GenesysForeignAction => outside(format!(
                "{resource} is not lambda-trust's: point it at a target, or delete it, in Genesys Cloud (Admin > Integrations > Actions)"
            )),
            _ => Remedy::Apply,
        }
    }
}

impl Remedy {
    /// What was not read on the path, as its `message` says — the organization's policies, a
    /// function's policy, or both — its step asking for that alone: never `--org-policies` for
    /// a function policy, nor `lambda:GetPolicy` for the organization's.
    pub(crate) fn naming_what_was_not_read(self, code: Code, message: &str) -> Remedy {
        if code != Code::Path(PathCode::PathNotRead) {
            return self;
        }
        let orgs = lambda_trust_model::names_org_policies(message);
        let function = message.contains("function policy");
        let org_step = "read the organization's policies (organizations:ListPoliciesForTarget, organizations:DescribePolicy, organizations:ListParents, as the management account or a delegated administrator), or give them with --org-policies DIR (`lambda-trust org-policies --account-id ACCOUNT --out DIR`, run in the management account, writes them)";
        let function_step = "let the credentials read the function's policy (lambda:GetPolicy; for a function in another account, with its [aws.accounts] entry)";
        let step = match (orgs, function) {
            (true, false) => org_step.to_owned(),
            (false, true) => function_step.to_owned(),
            _ => return self,
        };
        Remedy::Outside { step }
    }
}

/// The whole path's claims: only the role's own policies are lambda-trust's to write.
fn path_remedy(code: PathCode, resource: &str) -> Remedy {
    let target = resource.trim_start_matches("function ");
    let function = target.split(':').nth(6).unwrap_or(target);
    let remove = format!(
        "remove that statement from {target}'s function policy: `aws lambda get-policy --function-name {function}` names its Sid, then `aws lambda remove-permission --function-name {function} --statement-id SID` (apply never touches statements it did not write)"
    );
    let step = match code {
        PathCode::RoleBlocks => return Remedy::Apply,
        PathCode::ExternalIdNotOrg => "set trust.external_id in the config to the organization ID the finding names (the org Genesys Cloud signs in to), then run `lambda-trust apply --adopt` (the external ID is part of the role's identity): the trust policy then requires the ID Genesys Cloud sends".to_string(),
        PathCode::OrgPolicyBlocks => "in the organization's management account, exempt the role from the SCP or RCP the finding names (a condition on aws:PrincipalArn for the role, or Genesys Cloud's account in the RCP's aws:PrincipalAccount list); lambda-trust never writes organization policies".to_string(),
        PathCode::FunctionPolicyBlocks | PathCode::PartnerBypassesRole | PathCode::FunctionPolicyOpen => remove,
        PathCode::CrossAccountPermissionMissing => format!(
            "add an [aws.accounts.\"ACCOUNT\"] entry for {target}'s account (a profile or a role there), so that `lambda-trust apply` writes lambda-trust's statement; or have that account's owner add it with `aws lambda add-permission`"
        ),
        PathCode::PathNotRead => "let the credentials read what was not read (organizations:ListPoliciesForTarget, organizations:DescribePolicy, organizations:ListParents, lambda:GetPolicy), or give the organization policies with --org-policies DIR".to_string(),
        PathCode::PathUnknown => format!(
            "review {target}'s function policy by hand (`aws lambda get-policy --function-name {function}`): the search could not decide who else gets in"
        ),
    };
    Remedy::Outside { step }
}

/// A failed `verify` check that `apply` does not repair, and the step that does.
fn check_remedy(code: CheckId) -> Option<String> {
    Some(match code {
        CheckId::GenesysTestRun => "fix the function, or the action's contract, templates or expect, until `lambda-trust verify --test-actions` passes".into(),
        CheckId::FunctionsExist => "deploy the function, or fix the target (`function`, `region`, `qualifier`) in the config".into(),
        CheckId::GenesysTimeoutFits => "raise the function's timeout, or lower the action's timeout_seconds, so the function answers within the action's wait".into(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_apply_cannot_write_is_an_exact_step_outside_it() {
        let target = "function arn:aws:lambda:us-east-1:123456789012:function:lookup-order";
        let Remedy::Outside { step } =
            Remedy::of(Code::Path(PathCode::FunctionPolicyOpen), target, "")
        else {
            panic!("outside")
        };
        assert!(
            step.contains("remove-permission --function-name lookup-order"),
            "{step}"
        );
        assert_eq!(Remedy::of(Code::TrustBroader, "role R", ""), Remedy::Apply);
        assert_eq!(
            Remedy::of(Code::RoleTagDiffers, "role R", "Tags.lambda-trust:config"),
            Remedy::ApplyAdopt
        );
        assert_eq!(
            Remedy::of(Code::RoleTagDiffers, "role R", "Tags.team"),
            Remedy::Apply
        );
    }

    /// An UNKNOWN asks for what was not read, never for what was given: a function policy not
    /// read is not a matter of `--org-policies`, nor the organization's of `lambda:GetPolicy`.
    #[test]
    fn a_path_not_read_asks_for_what_was_not_read_alone() {
        let step = |message: &str| match crate::drift::Finding::new(
            Code::Path(PathCode::PathNotRead),
            "function f",
            message,
        )
        .remedy
        {
            Remedy::Outside { step } => step,
            other => panic!("{other:?}"),
        };
        let function = step("not proved: its function policy was not read: AccessDeniedException");
        assert!(function.contains("lambda:GetPolicy"), "{function}");
        assert!(!function.contains("--org-policies"), "{function}");
        let orgs =
            step("not proved: organization policies not read (SCPs): not the management account");
        assert!(orgs.contains("--org-policies DIR"), "{orgs}");
        assert!(!orgs.contains("lambda:GetPolicy"), "{orgs}");
        let both = step("not proved: SCPs not read: x; its function policy was not read: y");
        assert!(
            both.contains("--org-policies") && both.contains("lambda:GetPolicy"),
            "{both}"
        );
    }
}
