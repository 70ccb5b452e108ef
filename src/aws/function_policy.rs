//! Function policies (`aws` layer): each target's resource-based policy, `lambda:GetPolicy` per
//! function ARN and qualifier (AWS Lambda API Reference, GetPolicy: a version or alias has a
//! policy of its own), into `iam::Policy` for `iam::path::Target::resource_policy`. Read-only.
//!
//! No policy is a normal answer (`ResourceNotFoundException` → [`FunctionPolicy::None`]); a
//! policy that does not parse, or a read that is refused or fails, is reported with its reason
//! ([`FunctionPolicy::NotRead`]), never dropped. Lambda has no batch read of resource policies,
//! so one call per target and qualifier is the floor; the reads run concurrently, in the region
//! of each ARN (`Clients::lambda`, one client per account and region). They are not paced
//! below the quota beforehand: Lambda's clients retry in the SDK's adaptive mode, whose
//! client-side rate limiter starts unrestricted and slows to what the throttling answers of
//! that account and region allow (as Terraform and the AWS SDKs' adaptive mode do), so a
//! small run finishes in one round trip and a large one goes at the quota's pace. A target in another account is read with that account's clients when
//! the caller has them, else with the run's own (AWS then answers `AccessDeniedException`
//! unless the function's policy lets the caller read it).

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt};

use crate::aws::client::{AwsError, Clients};
use crate::aws::observe::ObserveError;
use lambda_trust_iam::{Arn, Policy};
use lambda_trust_model::{FunctionPermission, ObservedPermission};

/// How many `GetPolicy` calls are in flight at once. Lambda allows 15 `GetPolicy` requests per
/// second per account and region (Lambda Developer Guide, "Lambda quotas", API requests): the
/// adaptive retry of each account's and region's client holds a larger run to that.
const GET_POLICY_CONCURRENCY: usize = 50;

/// What one target's resource-based policy is: the pure layer's type, which the whole path's
/// evaluation takes.
pub(crate) use lambda_trust_model::FunctionPolicy;

use lambda_trust_provision::TargetPolicy;

/// The resource-based policy of every function ARN in `arns` (qualified or not), in their
/// order. `accounts` holds clients acting in other accounts, by account ID; a target whose
/// account is not there is read with `clients`.
pub(crate) async fn read_function_policies(
    clients: &Clients,
    accounts: &BTreeMap<String, Clients>,
    arns: &[String],
) -> Vec<TargetPolicy> {
    stream::iter(arns.iter().map(|arn| async move {
        match Arn::parse(arn).filter(|a| a.function_parts().is_some()) {
            Some(parsed) => {
                let via = accounts.get(&parsed.account).unwrap_or(clients);
                get_policy(via, &parsed, arn).await
            }
            None => unread(arn, format!("{arn} is not a Lambda function ARN")),
        }
    }))
    .buffered(GET_POLICY_CONCURRENCY)
    .collect()
    .await
}

/// lambda-trust's statement on each of `wanted` (cross-account targets whose account the run
/// has clients for: `Clients::account`), read with that account's clients through the one
/// reader above, and the policies read (the whole path's reads reuse them). A policy that
/// cannot be read is an error: nothing can be planned on it.
pub(crate) async fn read_permissions(
    clients: &Clients,
    wanted: &[FunctionPermission],
) -> Result<(Vec<ObservedPermission>, Vec<TargetPolicy>), ObserveError> {
    let wanted: Vec<&FunctionPermission> = (wanted.iter())
        .filter(|p| clients.account(&p.account).is_some())
        .collect();
    let arns: Vec<String> = wanted.iter().map(|p| p.resource()).collect();
    let read = read_function_policies(clients, clients.accounts(), &arns).await;
    let observed = wanted
        .into_iter()
        .zip(&read)
        .map(|(want, read)| {
            if let FunctionPolicy::NotRead { reason } = &read.policy {
                return Err(ObserveError::FunctionPolicy {
                    reason: reason.clone(),
                });
            }
            let statement = (read.document.as_ref())
                .and_then(|d| d["Statement"].as_array())
                .and_then(|s| s.iter().find(|s| s["Sid"] == want.statement_id.as_str()))
                .cloned();
            Ok(ObservedPermission {
                function_arn: want.function_arn.clone(),
                qualifier: want.qualifier.clone(),
                statement_id: want.statement_id.clone(),
                statement,
                revision_id: read.revision_id.clone(),
                document: read.document.clone(),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok((observed, read))
}

/// `GetPolicy` for one function ARN: the unqualified ARN as `FunctionName` and the qualifier
/// as `Qualifier`, in the ARN's region.
async fn get_policy(clients: &Clients, arn: &Arn, given: &str) -> TargetPolicy {
    let qualifier = arn.function_parts().and_then(|(_, q)| q);
    let sent = clients
        .lambda(&arn.region)
        .get_policy()
        .function_name(lambda_trust_iam::unqualified_arn(given))
        .set_qualifier(qualifier.map(str::to_owned))
        .send()
        .await;
    let out = match sent {
        Ok(out) => out,
        Err(e) => {
            let e = AwsError::from_sdk("lambda:GetPolicy", e);
            if e.is_code("ResourceNotFoundException") {
                return TargetPolicy::of(given, FunctionPolicy::None);
            }
            return unread(
                given,
                format!(
                    "the function policy of {arn} was not read ({}): allow the caller \
                     lambda:GetPolicy on it, or read it with credentials of account {}",
                    e.message, arn.account
                ),
            );
        }
    };
    let text = out.policy().unwrap_or_default();
    match text.parse::<Policy>() {
        Ok(policy) => TargetPolicy {
            arn: given.to_string(),
            policy: FunctionPolicy::Policy(policy),
            document: serde_json::from_str(text).ok(),
            revision_id: out.revision_id().map(str::to_owned),
        },
        Err(e) => unread(
            given,
            format!("the function policy of {arn} is not a valid policy document: {e}"),
        ),
    }
}

/// A policy that could not be read, and why.
fn unread(arn: &str, reason: String) -> TargetPolicy {
    TargetPolicy::of(arn, FunctionPolicy::NotRead { reason })
}
