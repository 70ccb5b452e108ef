//! Observation (`aws` layer): reads the live state of AWS into a plain [`Observed`] value.
//!
//! Every read of the pipeline is made here (the exceptions: `apply` re-reads one resource after
//! a write whose answer was lost, and `probe` acts with the probe profile's own credentials).
//! Independent reads run concurrently, in three
//! rounds at most: (1) caller identity, the role, its attachment and inline-policy lists, every
//! target function; (2) each managed policy we need (ours, the attached ones, the boundary) and
//! our policy's version list; (3) the default version's document of each. The number of IAM
//! calls depends on what is attached to the role, never on the number of targets. Targets are
//! confirmed with the cheaper of one `GetFunction` per target (bounded concurrency, paced) and
//! `ListFunctions` pages of 50 functions ([`listing_pays`]); with a listing, a function with
//! several qualified targets has its aliases or versions listed once (`ListAliases`,
//! `ListVersionsByFunction`). Whatever a listing does not confirm is read with `GetFunction`,
//! so a missing or unreadable target is reported exactly as without one.

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

use crate::aws::pace::Pacer;
use crate::aws::{has_code, AwsError, Clients};
use crate::core::shard::{shard_index, shard_name};
use crate::core::state::{
    CallerIdentity, FunctionQuery, InlinePolicy, ManagedPolicy, Observed, ObservedFunction,
    ObservedPolicy, ObservedRole, PolicyVersion, Query,
};
use crate::iam::arn::Arn;
use crate::iam::decode_document;

/// How many IAM document reads may be in flight at once.
const IAM_CONCURRENCY: usize = 16;
/// How many GetFunction calls may be in flight at once: as many as the pacer's burst, so up to
/// 50 targets are confirmed in one round trip.
const LAMBDA_CONCURRENCY: usize = 50;
/// Lambda allows 100 GetFunction requests per second per account, and the quota cannot be
/// raised (Lambda quotas, "API requests"). Starting them at 80/s, after a burst of 50, keeps
/// a large target list under it with room for other callers, instead of provoking a throttling
/// storm that would drain the SDK's retry quota.
const GET_FUNCTION_RATE: f64 = 80.0;
const GET_FUNCTION_BURST: f64 = 50.0;
/// Functions per `ListFunctions` page (the API's maximum; AWS Lambda API Reference,
/// ListFunctions `MaxItems`). Aliases and versions are listed 50 a page too.
const LIST_PAGE: i32 = 50;

/// Whether listing a region's functions is likely cheaper than one `GetFunction` per target:
/// above one page's worth of targets. Up to 50 targets are read concurrently in one round trip.
pub(crate) fn listing_pays(targets: usize) -> bool {
    targets > LIST_PAGE as usize
}

/// Whether to fetch one more `ListFunctions` page: not once the pages read outnumber the targets
/// still unconfirmed (an account with many more functions than targets), so the listing never
/// costs more than the reads it saves.
pub(crate) fn keep_listing(pages_read: usize, unconfirmed: usize) -> bool {
    unconfirmed > 0 && pages_read < unconfirmed
}

#[derive(Debug, thiserror::Error)]
pub enum ObserveError {
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
    let (mut observed, functions) = futures::try_join!(
        observe_iam(clients, query),
        observe_functions(clients, &query.functions),
    )?;
    observed.functions = functions;
    Ok(observed)
}

/// Who the caller is: sts:GetCallerIdentity.
pub(crate) async fn caller_identity(clients: &Clients) -> Result<CallerIdentity, AwsError> {
    let out = clients
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("sts:GetCallerIdentity", e))?;
    Ok(CallerIdentity {
        account: out.account().unwrap_or_default().to_string(),
        arn: out.arn().unwrap_or_default().to_string(),
    })
}

async fn observe_iam(clients: &Clients, query: &Query) -> Result<Observed, ObserveError> {
    let iam = &clients.iam;
    let identity = async {
        match &query.known_identity {
            Some(known) => Ok(known.clone()),
            None => Ok(caller_identity(clients).await?),
        }
    };
    // Round 1: everything that needs only names.
    let (identity, role, attached_arns, inline) = futures::try_join!(
        identity,
        get_role(iam, &query.role_name),
        list_attached(iam, &query.role_name),
        inline_policies(iam, &query.role_name),
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
    let (ours, foreign_docs, boundary) = futures::try_join!(
        stream::iter(shard_arns.iter().map(|(i, arn)| our_policy(iam, *i, arn)))
            .buffered(IAM_CONCURRENCY)
            .try_collect::<Vec<_>>(),
        stream::iter(foreign.iter().map(|arn| managed_policy(iam, arn)))
            .buffered(IAM_CONCURRENCY)
            .try_collect::<Vec<_>>(),
        async {
            match &boundary_arn {
                Some(arn) => managed_policy(iam, arn).await.map(Some),
                None => Ok(None),
            }
        },
    )?;
    let policies: Vec<ObservedPolicy> = ours.into_iter().flatten().collect();
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
    let out = match iam.get_role().role_name(name).send().await {
        Ok(out) => out,
        Err(e) if has_code(&e, "NoSuchEntity") => return Ok(None),
        Err(e) => return Err(AwsError::from_sdk("iam:GetRole", e).into()),
    };
    let Some(role) = out.role() else {
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
    }))
}

async fn list_attached(iam: &aws_sdk_iam::Client, role: &str) -> Result<Vec<String>, ObserveError> {
    let mut pages = iam
        .list_attached_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send();
    let mut arns = Vec::new();
    while let Some(item) = pages.next().await {
        match item {
            Ok(p) => arns.extend(p.policy_arn().map(str::to_string)),
            Err(e) if has_code(&e, "NoSuchEntity") => return Ok(Vec::new()),
            Err(e) => return Err(AwsError::from_sdk("iam:ListAttachedRolePolicies", e).into()),
        }
    }
    Ok(arns)
}

async fn inline_policies(
    iam: &aws_sdk_iam::Client,
    role: &str,
) -> Result<Vec<InlinePolicy>, ObserveError> {
    let mut pages = iam
        .list_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send();
    let mut names = Vec::new();
    while let Some(item) = pages.next().await {
        match item {
            Ok(name) => names.push(name),
            Err(e) if has_code(&e, "NoSuchEntity") => return Ok(Vec::new()),
            Err(e) => return Err(AwsError::from_sdk("iam:ListRolePolicies", e).into()),
        }
    }
    stream::iter(names.into_iter().map(|name| async move {
        let out = iam
            .get_role_policy()
            .role_name(role)
            .policy_name(&name)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("iam:GetRolePolicy", e))?;
        let document = decode(
            format!("inline policy {name} of role {role}"),
            out.policy_document(),
        )?;
        Ok::<_, ObserveError>(InlinePolicy { name, document })
    }))
    .buffered(IAM_CONCURRENCY)
    .try_collect()
    .await
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
    let list = async {
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
        Ok::<_, ObserveError>(versions)
    };
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

pub(crate) fn version_number(id: &str) -> u64 {
    id.trim_start_matches('v').parse().unwrap_or(0)
}

async fn observe_functions(
    clients: &Clients,
    functions: &[FunctionQuery],
) -> Result<Vec<ObservedFunction>, ObserveError> {
    let pacer = Pacer::new(GET_FUNCTION_RATE, GET_FUNCTION_BURST);
    let pacer = &pacer;
    let confirmed = confirm_by_listing(clients, pacer, functions).await;
    stream::iter(functions.iter().enumerate().map(|(i, f)| {
        let listed = confirmed.get(&i).cloned();
        async move {
            match listed {
                Some((arn, timeout)) => Ok(ObservedFunction {
                    function: f.function.clone(),
                    region: f.region.clone(),
                    qualifier: f.qualifier.clone(),
                    arn: Some(arn),
                    problem: None,
                    timeout,
                }),
                None => get_function(clients, pacer, f).await,
            }
        }
    }))
    .buffered(LAMBDA_CONCURRENCY)
    .try_collect()
    .await
}

/// One target confirmed (or not) with `GetFunction`.
async fn get_function(
    clients: &Clients,
    pacer: &Pacer,
    f: &FunctionQuery,
) -> Result<ObservedFunction, ObserveError> {
    pacer.acquire().await;
    // A target in another account is looked up with that account's clients when the run has
    // them (`[aws.accounts]`): the role's own account may not read it.
    let owner = Arn::parse(&f.function).and_then(|a| clients.account(&a.account));
    let client = owner.unwrap_or(clients).lambda(&f.region);
    let mut req = client.get_function().function_name(&f.function);
    if let Some(q) = f.qualifier.as_deref().filter(|q| *q != "*") {
        req = req.qualifier(q);
    }
    let (arn, problem, timeout) = match req.send().await {
        Ok(out) => {
            let config = out.configuration();
            let arn = config
                .and_then(|c| c.function_arn())
                .map(|a| unqualified_arn(a).to_string());
            (arn, None, config.and_then(|c| c.timeout()).map(i64::from))
        }
        Err(e) if has_code(&e, "ResourceNotFoundException") => {
            let what = match f.qualifier.as_deref().filter(|q| *q != "*") {
                Some(q) => format!(
                    "function {} with qualifier {q} does not exist in {}",
                    f.function, f.region
                ),
                None => format!("function {} does not exist in {}", f.function, f.region),
            };
            (None, Some(what), None)
        }
        Err(e) => {
            let err = AwsError::from_sdk("lambda:GetFunction", e);
            if err.is_code("AccessDeniedException") {
                (
                    None,
                    Some(format!(
                        "access denied reading function {}: {}",
                        f.function, err.message
                    )),
                    None,
                )
            } else {
                return Err(ObserveError::from(err));
            }
        }
    };
    Ok(ObservedFunction {
        function: f.function.clone(),
        region: f.region.clone(),
        qualifier: f.qualifier.clone(),
        arn,
        problem,
        timeout,
    })
}

/// The qualifier a target needs confirmed: `None` for the function itself (no qualifier, `*`,
/// or `$LATEST`, which every function has).
fn needed_qualifier(f: &FunctionQuery) -> Option<&str> {
    f.qualifier
        .as_deref()
        .filter(|q| *q != "*" && *q != "$LATEST")
}

/// Targets confirmed from listings (index into `functions` → unqualified ARN), in the regions
/// where [`listing_pays`]. Best effort: a listing that fails confirms nothing, and those targets
/// are read one by one.
async fn confirm_by_listing(
    clients: &Clients,
    pacer: &Pacer,
    functions: &[FunctionQuery],
) -> BTreeMap<usize, (String, Option<i64>)> {
    let mut by_region: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in functions.iter().enumerate() {
        by_region.entry(f.region.as_str()).or_default().push(i);
    }
    let mut out = BTreeMap::new();
    for (region, indexes) in by_region {
        if !listing_pays(indexes.len()) {
            continue;
        }
        let client = clients.lambda(region);
        let listed = list_functions(&client, pacer, functions, &indexes).await;
        // Qualified targets of a listed function: list its aliases / versions once when it has
        // several, else leave them to GetFunction (one call either way).
        let mut qualified: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for &i in &indexes {
            let Some((arn, timeout)) = listed.get(&i) else {
                continue;
            };
            match needed_qualifier(&functions[i]) {
                // The listing's configuration is `$LATEST`'s: the timeout counts unqualified.
                None => {
                    out.insert(i, (arn.clone(), *timeout));
                }
                Some(_) => qualified.entry(arn.as_str()).or_default().push(i),
            }
        }
        for (arn, targets) in qualified.into_iter().filter(|(_, t)| t.len() > 1) {
            let found = qualifiers_listed(&client, pacer, functions, arn, targets).await;
            out.extend(found.into_iter().map(|i| (i, (arn.to_string(), None))));
        }
    }
    out
}

/// The qualified targets of one listed function whose alias or version exists: its aliases
/// and versions listed once each (as needed) instead of a GetFunction per target.
async fn qualifiers_listed(
    client: &aws_sdk_lambda::Client,
    pacer: &Pacer,
    functions: &[FunctionQuery],
    arn: &str,
    targets: Vec<usize>,
) -> Vec<usize> {
    let wanted = |i: &usize| needed_qualifier(&functions[*i]).unwrap_or_default();
    let numeric = |q: &str| q.bytes().all(|b| b.is_ascii_digit());
    let has_versions = targets.iter().any(|i| numeric(wanted(i)));
    let has_aliases = targets.iter().any(|i| !numeric(wanted(i)));
    // By name (the listing's region and account are the client's): an ARN works on AWS too,
    // but moto's ListAliases does not take one.
    let parsed = Arn::parse(arn);
    let name = (parsed.as_ref())
        .and_then(|a| a.function_parts())
        .map_or(arn, |(name, _)| name);
    let mut existing: Vec<String> = Vec::new();
    if has_aliases {
        existing.extend(list_qualifiers(client, pacer, name, Listing::ListAliases).await);
    }
    if has_versions {
        existing
            .extend(list_qualifiers(client, pacer, name, Listing::ListVersionsByFunction).await);
    }
    (targets.into_iter())
        .filter(|i| existing.iter().any(|q| q == wanted(i)))
        .collect()
}

/// `ListFunctions` pages until every target in `indexes` is found or [`keep_listing`] says
/// stop: index → the function's unqualified ARN, matched by name or ARN.
async fn list_functions(
    client: &aws_sdk_lambda::Client,
    pacer: &Pacer,
    functions: &[FunctionQuery],
    indexes: &[usize],
) -> BTreeMap<usize, (String, Option<i64>)> {
    let mut found: BTreeMap<usize, (String, Option<i64>)> = BTreeMap::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    while keep_listing(pages, indexes.len() - found.len()) {
        pacer.acquire().await;
        let page = client
            .list_functions()
            .max_items(LIST_PAGE)
            .set_marker(marker.take())
            .send()
            .await;
        let Ok(page) = page else { break };
        pages += 1;
        let listed: BTreeMap<&str, (&str, Option<i64>)> = page
            .functions()
            .iter()
            .filter_map(|f| Some((f.function_name()?, f.function_arn()?, f.timeout())))
            .flat_map(|(name, arn, t)| {
                let t = t.map(i64::from);
                [(name, (arn, t)), (arn, (arn, t))]
            })
            .collect();
        for &i in indexes {
            if let Some((arn, timeout)) = listed.get(functions[i].function.as_str()) {
                found.insert(i, (unqualified_arn(arn), *timeout));
            }
        }
        marker = page.next_marker().map(str::to_string);
        if marker.is_none() {
            break;
        }
    }
    found
}

/// The Lambda API that lists a function's qualifiers of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listing {
    /// `ListAliases`: the alias names.
    ListAliases,
    /// `ListVersionsByFunction`: the published version numbers.
    ListVersionsByFunction,
}

/// A function's qualifiers as `listing` lists them, every page; empty when the listing fails
/// (the targets are then read one by one).
async fn list_qualifiers(
    client: &aws_sdk_lambda::Client,
    pacer: &Pacer,
    function: &str,
    listing: Listing,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        pacer.acquire().await;
        let next = match listing {
            Listing::ListAliases => match client
                .list_aliases()
                .function_name(function)
                .max_items(LIST_PAGE)
                .set_marker(marker.take())
                .send()
                .await
            {
                Ok(page) => {
                    out.extend(
                        page.aliases()
                            .iter()
                            .filter_map(|a| a.name().map(str::to_string)),
                    );
                    page.next_marker().map(str::to_string)
                }
                Err(_) => return Vec::new(),
            },
            Listing::ListVersionsByFunction => match client
                .list_versions_by_function()
                .function_name(function)
                .max_items(LIST_PAGE)
                .set_marker(marker.take())
                .send()
                .await
            {
                Ok(page) => {
                    out.extend(
                        page.versions()
                            .iter()
                            .filter_map(|v| v.version().map(str::to_string)),
                    );
                    page.next_marker().map(str::to_string)
                }
                Err(_) => return Vec::new(),
            },
        };
        match next {
            Some(m) => marker = Some(m),
            None => return out,
        }
    }
}

/// `arn:aws:lambda:r:a:function:f:q` → `arn:aws:lambda:r:a:function:f`.
pub(crate) fn unqualified_arn(arn: &str) -> String {
    Arn::parse(arn).map_or_else(|| arn.to_string(), |a| a.unqualified().to_string())
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
crate::layer_errors!(Aws: ObserveError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_is_chosen_by_count() {
        assert!(
            !listing_pays(50),
            "50 targets: one concurrent round of GetFunction"
        );
        assert!(listing_pays(51));
        // 500 targets: page after page while most are missing…
        assert!(keep_listing(0, 500));
        assert!(keep_listing(9, 50));
        assert!(!keep_listing(10, 0), "…until all are found");
        // …and one straggler after 10 pages is read with one GetFunction, not more pages.
        assert!(!keep_listing(10, 1));
        // 60 targets in an account of 10,000 functions: stop once the pages read outnumber
        // the targets still missing, and read those one by one.
        assert!(keep_listing(59, 60));
        assert!(!keep_listing(60, 60));
    }

    #[test]
    fn unqualified_arns() {
        assert_eq!(
            unqualified_arn("arn:aws:lambda:us-east-1:123456789012:function:f:live"),
            "arn:aws:lambda:us-east-1:123456789012:function:f"
        );
        assert_eq!(
            unqualified_arn("arn:aws:lambda:us-east-1:123456789012:function:f"),
            "arn:aws:lambda:us-east-1:123456789012:function:f"
        );
    }
}
