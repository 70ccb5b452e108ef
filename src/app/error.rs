//! [`AppError`]: what a workflow itself can fail on, beyond the errors of the layers it calls
//! (which travel whole in their own variant of `error::Error`). Each variant keeps the typed
//! error it wraps and decides its hint ([`Hinted`]).

use crate::aws::observe::ObserveError;
use crate::aws::AwsError;
use crate::error::Hinted;
use lambda_trust_audit::InputError;

#[derive(Debug, thiserror::Error)]
pub(crate) enum AppError {
    /// `--template`: the CloudFormation template could not be read into the model.
    #[error(transparent)]
    Template(InputError),
    /// `--plan`: the Terraform plan could not be read into the model.
    #[error(transparent)]
    Plan(InputError),
    /// `audit --input`: the saved `get-account-authorization-details` answer is not one.
    #[error(transparent)]
    Details(#[from] InputError),
    /// `init --from-role`: the role and its policies could not be read.
    #[error(transparent)]
    ReadRole(#[from] ObserveError),
    /// `audit --organization`: the organization's accounts could not be listed.
    #[error(transparent)]
    ListAccounts(AwsError),
    /// `--org-policies DIR`: a file that is not an organization policy, or a directory that
    /// cannot be read.
    #[error("--org-policies {0}")]
    OrgPolicies(lambda_trust_verdict::Problem),
    /// `--function-policies config` in a region whose AWS Config records no Lambda function.
    #[error("--function-policies config: AWS Config does not record Lambda functions in {region}: {why}")]
    ConfigNotRecording { region: String, why: String },
    /// The prover runs on a blocking thread; it panicked or was cancelled (a bug, not AWS).
    #[error(
        "the proof of the account's roles stopped (a bug in lambda-trust: please report it): {0}"
    )]
    Prover(#[from] tokio::task::JoinError),
    /// `audit --to-security-hub`: findings Security Hub kept refusing (`ID: CODE: reason`),
    /// or accounts that could not be written.
    #[error("Security Hub did not take {} finding(s) or account(s):{}", failures.len(), listed(failures))]
    SecurityHub { failures: Vec<String> },
}

/// Each item on a line of its own, indented; an item's own later lines (an account's error
/// with its `(hint: …)`) under it, never at column 0.
fn listed(items: &[String]) -> String {
    (items.iter())
        .map(|item| format!("\n  {}", item.replace('\n', "\n    ")))
        .collect()
}

impl Hinted for AppError {
    fn hint(&self) -> Option<String> {
        match self {
            AppError::Template(e) | AppError::Plan(e) => e.hint(),
            AppError::Details(e) => e.hint(),
            AppError::ReadRole(e) => e.hint(),
            AppError::ListAccounts(e) => e.hint().or_else(|| {
                Some("--organization lists the accounts from the organization's management account (or a delegated administrator's); elsewhere pass --accounts FILE".into())
            }),
            AppError::OrgPolicies(problem) => problem.hint.clone(),
            AppError::ConfigNotRecording { .. } => Some(
                "record AWS::Lambda::Function in that region's configuration recorder and start it \
                 (aws configservice start-configuration-recorder), or read the policies with \
                 --function-policies api (or auto: AWS Config where it records them)"
                    .into(),
            ),
            AppError::Prover(_) => None,
            AppError::SecurityHub { .. } => Some(
                "those findings are not in Security Hub: fix the reason given and run again (a \
                 re-import updates a finding, never duplicates it)"
                    .into(),
            ),
        }
    }
}

crate::error::layer_errors!(App: AppError);

#[cfg(test)]
mod tests {
    use super::*;

    /// An account's error in the list keeps its hint under it, indented.
    #[test]
    fn a_hint_inside_the_list_is_indented_under_its_item() {
        let e = AppError::SecurityHub {
            failures: vec![
                "account 1: refused\n(hint: enable it)".into(),
                "f: CODE: why".into(),
            ],
        };
        assert_eq!(
            e.to_string(),
            "Security Hub did not take 2 finding(s) or account(s):\n  account 1: refused\n    \
             (hint: enable it)\n  f: CODE: why"
        );
    }
}
