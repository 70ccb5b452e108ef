//! Observation (`aws` layer): reads the live state of AWS into a plain [`Observed`] value.
//!
//! Every read of the pipeline is made here (the exceptions: `apply` re-reads one resource after
//! a write whose answer was lost, and `probe` acts with the probe profile's own credentials).
//! Independent reads run concurrently, in three
//! rounds at most: (1) caller identity, the role, its attachment and inline-policy lists, every
//! target function; (2) each managed policy we need (ours, the attached ones, the boundary) and
//! our policy's version list; (3) the default version's document of each. With the account
//! known (`aws.account_id`, or the caller's identity read before), our own policies' ARNs need
//! nothing from round 1, so their reads start in it: two rounds when only our policies are
//! attached. The number of IAM
//! calls depends on what is attached to the role, never on the number of targets. The target
//! functions are confirmed beside them ([`functions`]).

use std::collections::BTreeMap;

use futures::future::{BoxFuture, FutureExt, Shared};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

use crate::aws::client::{has_code, AwsError, Clients};
use crate::aws::role_read;
use crate::aws::sessions::CallCount;
use lambda_trust_iam::{decode_document, Arn};
use lambda_trust_model::{
    shard_index, shard_name, CallerIdentity, InlinePolicy, ManagedPolicy, Observed, ObservedPolicy,
    ObservedRole, PolicyVersion, Query,
};

mod functions;
use functions::observe_functions;

/// How many IAM document reads may be in flight at once.
const IAM_CONCURRENCY: usize = 16;
#[derive(Debug, thiserror::Error)]
pub(crate) enum ObserveError {
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// The problem is part of the message, not an error source: `main` prints the chain.
    #[error("policy document of {what} is not valid: {problem}")]
    Document { what: String, problem: String },
    /// A cross-account target's function policy, with that account's clients.
    #[error("{reason}")]
    FunctionPolicy { reason: String },
}

/// Reads everything `plan` and `verify` need, concurrently: the Lambda lookups run beside the
/// whole IAM chain, so neither waits for the other.
pub(crate) async fn observe(clients: &Clients, query: &Query) -> Result<Observed, ObserveError> {
    observe_sharing(clients, query, None).await
}

/// [`observe`], awaiting the caller's identity from `ahead` (read once for the whole run, which
/// other reads await too) instead of reading it, when the query does not know it.
pub(crate) async fn observe_sharing(
    clients: &Clients,
    query: &Query,
    ahead: Option<IdentityAhead>,
) -> Result<Observed, ObserveError> {
    let (mut observed, functions) = futures::try_join!(
        observe_iam(clients, query, ahead),
        observe_functions(clients, &query.functions),
    )?;
    observed.functions = functions;
    Ok(observed)
}

/// Who the caller is: sts:GetCallerIdentity.
pub(crate) async fn caller_identity(clients: &Clients) -> Result<CallerIdentity, AwsError> {
    identity_of(clients.sts.clone()).await
}

async fn identity_of(sts: aws_sdk_sts::Client) -> Result<CallerIdentity, AwsError> {
    let out = (sts.get_caller_identity().send().await)
        .map_err(|e| AwsError::from_sdk("sts:GetCallerIdentity", e))?;
    Ok(CallerIdentity {
        account: out.account().unwrap_or_default().to_string(),
        arn: out.arn().unwrap_or_default().to_string(),
    })
}

/// The caller's identity, one `sts:GetCallerIdentity` awaited by every read of the run that
/// needs the account (the role's, the whole path's), each starting with it instead of after it.
#[derive(Clone)]
pub(crate) struct IdentityAhead(Shared<BoxFuture<'static, Result<CallerIdentity, AwsError>>>);

impl IdentityAhead {
    /// Starts the read (it is sent when first awaited).
    pub(crate) fn read(clients: &Clients) -> IdentityAhead {
        IdentityAhead(identity_of(clients.sts.clone()).boxed().shared())
    }

    pub(crate) async fn get(&self) -> Result<CallerIdentity, AwsError> {
        self.0.clone().await
    }
}

impl std::fmt::Debug for IdentityAhead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityAhead")
    }
}

async fn observe_iam(
    clients: &Clients,
    query: &Query,
    ahead: Option<IdentityAhead>,
) -> Result<Observed, ObserveError> {
    let iam = &clients.iam;
    let identity = identity_for(clients, query, ahead);
    // Round 1: everything that needs only names — with the account in the config, our
    // expected policies too (their ARNs need nothing else).
    let known = (query.account_hint.as_ref()).or(query.known_identity.as_ref().map(|i| &i.account));
    let expected = match known {
        Some(account) => shard_arns(query, account, &[]),
        None => BTreeMap::new(),
    };
    let (identity, role, attached_arns, inline, early) = futures::try_join!(
        identity,
        get_role(iam, &query.role_name),
        list_attached(iam, &query.role_name),
        inline_policies(iam, &query.role_name),
        our_policies(iam, &expected),
    )?;
    let CallerIdentity {
        account: account_id,
        arn: caller_arn,
    } = identity;
    let account = query.account_hint.clone().unwrap_or(account_id.clone());

    // Rounds 2–3: documents of the managed policies that matter, each read once.
    let shard_arns = shard_arns(query, &account, &attached_arns);
    let boundary_arn = role.as_ref().and_then(|r| r.permissions_boundary.clone());
    let is_shard = |arn: &String| shard_arns.values().any(|a| a == arn);
    let foreign: Vec<String> = attached_arns
        .iter()
        .filter(|a| !is_shard(a))
        .cloned()
        .collect();
    let unread: BTreeMap<usize, String> = (shard_arns.iter())
        .filter(|(i, arn)| expected.get(i) != Some(arn))
        .map(|(i, arn)| (*i, arn.clone()))
        .collect();
    let ((foreign_docs, boundary), later) = futures::try_join!(
        others(iam, &foreign, boundary_arn.as_deref()),
        our_policies(iam, &unread),
    )?;
    let mut policies: Vec<ObservedPolicy> = early.into_iter().chain(later).flatten().collect();
    policies.sort_by_key(|p| p.index);
    let attached = in_attachment_order(&attached_arns, &policies, foreign_docs, is_shard);
    Ok(Observed {
        account_id,
        caller_arn,
        role,
        attached,
        inline,
        policies,
        boundary,
        functions: Vec::new(),
        permissions: Vec::new(),
    })
}

/// Who the caller is: known to the query, read ahead for the run, else read now.
async fn identity_for(
    clients: &Clients,
    query: &Query,
    ahead: Option<IdentityAhead>,
) -> Result<CallerIdentity, ObserveError> {
    match (&query.known_identity, ahead) {
        (Some(known), _) => Ok(known.clone()),
        (None, Some(ahead)) => Ok(ahead.get().await?),
        (None, None) => Ok(caller_identity(clients).await?),
    }
}

/// The attached policies that are not ours (`foreign`) and the boundary, each read once.
async fn others(
    iam: &aws_sdk_iam::Client,
    foreign: &[String],
    boundary: Option<&str>,
) -> Result<(Vec<ManagedPolicy>, Option<ManagedPolicy>), ObserveError> {
    let boundary = async {
        match boundary {
            Some(arn) => managed_policy(iam, arn).await.map(Some),
            None => Ok(None),
        }
    };
    let foreign = stream::iter(foreign.iter().map(|arn| managed_policy(iam, arn)))
        .buffered(IAM_CONCURRENCY)
        .try_collect::<Vec<_>>();
    futures::try_join!(foreign, boundary)
}

/// Each of `shards`' policy (by shard index), [`IAM_CONCURRENCY`] at a time.
async fn our_policies(
    iam: &aws_sdk_iam::Client,
    shards: &BTreeMap<usize, String>,
) -> Result<Vec<Option<ObservedPolicy>>, ObserveError> {
    stream::iter(shards.iter().map(|(i, arn)| our_policy(iam, *i, arn)))
        .buffered(IAM_CONCURRENCY)
        .try_collect()
        .await
}

/// The ARNs of our policy's shards to read, by shard number: shards 1..=`probe_shards` at the
/// ARN they would have in `account`, and every shard the role has attached at that path and
/// account (a policy with a shard's name elsewhere is not ours).
fn shard_arns(query: &Query, account: &str, attached_arns: &[String]) -> BTreeMap<usize, String> {
    let arn_of = |name: &str| {
        Arn::iam(
            &query.partition,
            account,
            &format!("policy{}{name}", query.policy_path),
        )
        .to_string()
    };
    let mut shard_arns: BTreeMap<usize, String> = (1..=query.probe_shards.max(1))
        .map(|i| (i, arn_of(&shard_name(&query.policy_name, i))))
        .collect();
    for arn in attached_arns {
        let name = arn.rsplit('/').next().unwrap_or_default();
        if let Some(i) = shard_index(&query.policy_name, name) {
            if *arn == arn_of(name) {
                shard_arns.insert(i, arn.clone());
            }
        }
    }
    shard_arns
}

/// The role's attached managed policies in the order of its attachment list: our shards from
/// `policies`, the others from `foreign_docs` (read in that order, shards left out).
fn in_attachment_order(
    attached_arns: &[String],
    policies: &[ObservedPolicy],
    foreign_docs: Vec<ManagedPolicy>,
    is_shard: impl Fn(&String) -> bool,
) -> Vec<ManagedPolicy> {
    let mut foreign_docs = foreign_docs.into_iter();
    let mut attached = Vec::new();
    for arn in attached_arns {
        if let Some(p) = policies.iter().find(|p| p.arn == *arn) {
            attached.push(ManagedPolicy {
                arn: p.arn.clone(),
                name: p.name.clone(),
                document: p.document.clone(),
            });
        } else if !is_shard(arn) {
            if let Some(p) = foreign_docs.next() {
                attached.push(p);
            }
        }
    }
    attached
}

fn decode(what: impl Into<String>, raw: &str) -> Result<Value, ObserveError> {
    decode_document(raw).map_err(|e| ObserveError::Document {
        what: what.into(),
        problem: e.to_string(),
    })
}

/// Every role at `path` (not below it), with its trust policy: ListRoles, a page per 1,000
/// roles. ListRoles answers without tags
/// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html): what needs them
/// reads the role with [`role`].
pub(crate) async fn roles_at_path(
    clients: &Clients,
    path: &str,
) -> Result<Vec<(String, Value)>, ObserveError> {
    let mut pages = (clients.iam.list_roles())
        .path_prefix(path)
        .max_items(1000)
        .into_paginator()
        .items()
        .send();
    let mut roles = Vec::new();
    while let Some(item) = pages.next().await {
        let role = item.map_err(|e| AwsError::from_sdk("iam:ListRoles", e))?;
        if role.path() != path {
            continue;
        }
        let name = role.role_name().to_string();
        let what = format!("role {name} (trust policy)");
        let trust = decode(what, role.assume_role_policy_document().unwrap_or("{}"))?;
        roles.push((name, trust));
    }
    Ok(roles)
}

/// One role with its tags (GetRole); `None` when it does not exist.
pub(crate) async fn role(
    clients: &Clients,
    name: &str,
) -> Result<Option<ObservedRole>, ObserveError> {
    get_role(&clients.iam, name).await
}

async fn get_role(
    iam: &aws_sdk_iam::Client,
    name: &str,
) -> Result<Option<ObservedRole>, ObserveError> {
    let read = role_read::get_role(iam, name, &CallCount::default()).await?;
    let Some(role) = read.as_ref() else {
        return Ok(None);
    };
    let trust = decode(
        format!("role {name} (trust policy)"),
        role.assume_role_policy_document().unwrap_or("{}"),
    )?;
    Ok(Some(ObservedRole {
        arn: role.arn().to_string(),
        name: role.role_name().to_string(),
        path: role.path().to_string(),
        description: role
            .description()
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        max_session_duration: role.max_session_duration().unwrap_or(3600) as i64,
        permissions_boundary: role
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_string),
        tags: role
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
        trust,
        created_epoch: Some(role.create_date().secs()),
    }))
}

/// The role's attached policies' ARNs; none when the role does not exist.
async fn list_attached(iam: &aws_sdk_iam::Client, role: &str) -> Result<Vec<String>, ObserveError> {
    match role_read::attached_arns(iam, role, &CallCount::default()).await {
        Err(e) if e.is_code("NoSuchEntity") => Ok(Vec::new()),
        read => Ok(read?),
    }
}

/// The role's inline policies with their documents; none when the role does not exist.
async fn inline_policies(
    iam: &aws_sdk_iam::Client,
    role: &str,
) -> Result<Vec<InlinePolicy>, ObserveError> {
    let read = match role_read::inline_documents(iam, role, &CallCount::default()).await {
        Err(e) if e.is_code("NoSuchEntity") => return Ok(Vec::new()),
        read => read?,
    };
    (read.into_iter())
        .map(|(name, text)| {
            let document = decode(format!("inline policy {name} of role {role}"), &text)?;
            Ok(InlinePolicy { name, document })
        })
        .collect()
}

/// A managed policy's default document (GetPolicy, then GetPolicyVersion).
pub(crate) async fn managed_policy(
    iam: &aws_sdk_iam::Client,
    arn: &str,
) -> Result<ManagedPolicy, ObserveError> {
    let out = iam
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("iam:GetPolicy", e))?;
    let policy = out.policy();
    let name = policy
        .and_then(|p| p.policy_name())
        .unwrap_or(arn)
        .to_string();
    let version = policy
        .and_then(|p| p.default_version_id())
        .unwrap_or("v1")
        .to_string();
    let document = policy_document(iam, arn, &version).await?;
    Ok(ManagedPolicy {
        arn: arn.to_string(),
        name,
        document,
    })
}

async fn policy_document(
    iam: &aws_sdk_iam::Client,
    arn: &str,
    version: &str,
) -> Result<Value, ObserveError> {
    let out = iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("iam:GetPolicyVersion", e))?;
    // AWS URL-encodes this document; moto returns it raw. decode_document takes both.
    decode(
        format!("policy {arn} version {version}"),
        out.policy_version()
            .and_then(|v| v.document())
            .unwrap_or("{}"),
    )
}

async fn our_policy(
    iam: &aws_sdk_iam::Client,
    index: usize,
    arn: &str,
) -> Result<Option<ObservedPolicy>, ObserveError> {
    let get = async {
        match iam.get_policy().policy_arn(arn).send().await {
            Ok(out) => Ok(out.policy().cloned()),
            Err(e) if has_code(&e, "NoSuchEntity") => Ok(None),
            Err(e) => Err(ObserveError::from(AwsError::from_sdk("iam:GetPolicy", e))),
        }
    };
    let list = policy_versions(iam, arn);
    let (policy, mut versions) = futures::try_join!(get, list)?;
    let Some(policy) = policy else {
        return Ok(None);
    };
    // Oldest first; version IDs grow (v1, v2, …), which breaks ties within one second.
    versions.sort_by_key(|v| (v.created_epoch, version_number(&v.version_id)));
    let default_version_id = policy.default_version_id().unwrap_or("v1").to_string();
    // Every version's document in one round: the default's, and the others' (latent access).
    let others = futures::future::try_join_all(
        versions
            .iter()
            .filter(|v| v.version_id != default_version_id)
            .map(|v| policy_document(iam, arn, &v.version_id)),
    );
    let (document, other_docs) =
        futures::try_join!(policy_document(iam, arn, &default_version_id), others)?;
    let mut other_docs = other_docs.into_iter();
    for v in versions
        .iter_mut()
        .filter(|v| v.version_id != default_version_id)
    {
        v.document = other_docs.next();
    }
    Ok(Some(ObservedPolicy {
        index,
        arn: arn.to_string(),
        name: policy.policy_name().unwrap_or_default().to_string(),
        default_version_id,
        document,
        versions,
        tags: policy
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
        attachment_count: policy.attachment_count().unwrap_or_default() as i64,
    }))
}

/// A managed policy's versions, documents not yet read (`ListPolicyVersions`); none when the
/// policy is gone.
async fn policy_versions(
    iam: &aws_sdk_iam::Client,
    arn: &str,
) -> Result<Vec<PolicyVersion>, ObserveError> {
    let mut pages = iam
        .list_policy_versions()
        .policy_arn(arn)
        .into_paginator()
        .items()
        .send();
    let mut versions = Vec::new();
    while let Some(item) = pages.next().await {
        match item {
            Ok(v) => versions.push(PolicyVersion {
                version_id: v.version_id().unwrap_or_default().to_string(),
                is_default: v.is_default_version(),
                created_epoch: v.create_date().map(|d| d.secs()).unwrap_or_default(),
                document: None,
            }),
            Err(e) if has_code(&e, "NoSuchEntity") => return Ok(Vec::new()),
            Err(e) => return Err(AwsError::from_sdk("iam:ListPolicyVersions", e).into()),
        }
    }
    Ok(versions)
}

pub(crate) fn version_number(id: &str) -> u64 {
    id.trim_start_matches('v').parse().unwrap_or(0)
}

impl crate::error::Hinted for ObserveError {
    fn hint(&self) -> Option<String> {
        match self {
            ObserveError::Aws(e) => e.hint(),
            ObserveError::Document { .. } => Some(
                "this document was changed outside lambda-trust; inspect it in the IAM console"
                    .into(),
            ),
            ObserveError::FunctionPolicy { .. } => Some(
                "the [aws.accounts] entry of the function's account needs lambda:GetPolicy, \
                 lambda:AddPermission, lambda:RemovePermission and lambda:GetFunction on it \
                 (docs/cross-account.md)"
                    .into(),
            ),
        }
    }
}
crate::error::layer_errors!(Aws: ObserveError);
