//! Confirming the target functions: one `GetFunction` per target (bounded concurrency, paced)
//! or `ListFunctions` pages of 50 functions where that costs fewer calls ([`list_instead`]): per
//! reader (account) and region, from three targets on, `GetAccountSettings` says how many
//! functions the region holds, so how many pages a listing takes. With more than 50 targets a
//! listing also lists the aliases or versions of a function with several qualified targets once
//! (`ListAliases`, `ListVersionsByFunction`); at 50 or fewer, qualified targets are read with
//! `GetFunction`, which reads their own timeout. Whatever a listing does not confirm is read with
//! `GetFunction`, so a missing or unreadable target is reported exactly as without one.

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt, TryStreamExt};

use crate::aws::client::{has_code, AwsError, Clients};
use crate::aws::pace::{Pacer, Pacers};
use lambda_trust_iam::{unqualified_arn, Arn};
use lambda_trust_model::{FunctionQuery, ObservedFunction};

use super::ObserveError;

/// How many GetFunction calls may be in flight at once: as many as the pacer's burst, so up to
/// 50 targets are confirmed in one round trip.
const LAMBDA_CONCURRENCY: usize = 50;
/// Lambda allows 100 GetFunction requests per second per account in a region, and the quota
/// cannot be raised (Lambda quotas, "API requests"). Starting them at 80/s, after a burst of 50, keeps
/// a large target list under it with room for other callers, instead of provoking a throttling
/// storm that would drain the SDK's retry quota.
const GET_FUNCTION_RATE: f64 = 80.0;
const GET_FUNCTION_BURST: f64 = 50.0;
/// Functions per `ListFunctions` page (the API's maximum; AWS Lambda API Reference,
/// ListFunctions `MaxItems`). Aliases and versions are listed 50 a page too.
const LIST_PAGE: i32 = 50;

/// Whether listing a region's functions is likely cheaper than one `GetFunction` per target
/// when the region's function count is unknown: above one page's worth of targets. Up to 50
/// targets are read concurrently in one round trip.
pub(crate) fn listing_pays(targets: usize) -> bool {
    targets > LIST_PAGE as usize
}

/// The `ListFunctions` pages a region of `function_count` functions takes: one a 50 functions,
/// and one even when it holds none.
pub(crate) fn pages_of(function_count: i64) -> usize {
    let functions = usize::try_from(function_count).unwrap_or(0);
    functions.div_ceil(LIST_PAGE as usize).max(1)
}

/// Whether to ask the region's function count (`GetAccountSettings`, one call) before
/// confirming `targets`: only where a listing could cost fewer calls than the targets — the
/// count and one page are two calls, so one or two targets are read with `GetFunction` at once.
pub(crate) fn worth_counting(targets: usize) -> bool {
    targets > 2
}

/// Whether to confirm `targets` of one reader and region by listing the region's functions
/// instead of one `GetFunction` each. With the region's function count (`GetAccountSettings`'
/// `AccountUsage.FunctionCount`; AWS Lambda API Reference, GetAccountSettings): when its pages
/// plus the call that counted them are fewer calls than the targets. Without it (not asked,
/// refused, unsupported): above one page's worth of targets ([`listing_pays`]).
pub(crate) fn list_instead(targets: usize, function_count: Option<i64>) -> bool {
    match function_count {
        Some(count) => pages_of(count) + 1 < targets,
        None => listing_pays(targets),
    }
}

/// Whether to fetch one more `ListFunctions` page: not once the pages read outnumber the targets
/// still unconfirmed (an account with many more functions than targets), so the listing never
/// costs more than the reads it saves.
pub(crate) fn keep_listing(pages_read: usize, unconfirmed: usize) -> bool {
    unconfirmed > 0 && pages_read < unconfirmed
}

pub(super) async fn observe_functions(
    clients: &Clients,
    functions: &[FunctionQuery],
) -> Result<Vec<ObservedFunction>, ObserveError> {
    let pacers = Pacers::new(GET_FUNCTION_RATE, GET_FUNCTION_BURST);
    let pacers = &pacers;
    let confirmed = confirm_by_listing(clients, pacers, functions).await;
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
                None => get_function(clients, pacers, f).await,
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
    pacers: &Pacers,
    f: &FunctionQuery,
) -> Result<ObservedFunction, ObserveError> {
    let (reader, caller) = reader(clients, f);
    pacers.of(caller, &f.region).acquire().await;
    let client = reader.lambda(&f.region);
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

/// Who reads a target: a target in another account with that account's clients when the run
/// has them (`[aws.accounts]`; the role's own account may not read it), else the run's own;
/// with the account its reads count against (empty for the run's own).
fn reader<'a>(clients: &'a Clients, f: &FunctionQuery) -> (&'a Clients, &'a str) {
    let owner = Arn::parse(&f.function).and_then(|a| clients.accounts().get_key_value(&a.account));
    match owner {
        Some((account, c)) => (c, account.as_str()),
        None => (clients, ""),
    }
}

/// The qualifier a target needs confirmed: `None` for the function itself (no qualifier, `*`,
/// or `$LATEST`, which every function has).
fn needed_qualifier(f: &FunctionQuery) -> Option<&str> {
    f.qualifier
        .as_deref()
        .filter(|q| *q != "*" && *q != "$LATEST")
}

/// Targets confirmed from listings (index into `functions` → unqualified ARN), in the accounts
/// and regions where [`list_instead`] (each listed by the targets' reader, all at once). Best
/// effort: a count or listing that fails confirms nothing, and those targets are read one by
/// one.
async fn confirm_by_listing(
    clients: &Clients,
    pacers: &Pacers,
    functions: &[FunctionQuery],
) -> BTreeMap<usize, (String, Option<i64>)> {
    let mut groups: BTreeMap<(&str, &str), (&Clients, Vec<usize>)> = BTreeMap::new();
    for (i, f) in functions.iter().enumerate() {
        let (reader, caller) = reader(clients, f);
        let group = groups.entry((caller, f.region.as_str()));
        group.or_insert_with(|| (reader, Vec::new())).1.push(i);
    }
    let listings = (groups.into_iter()).map(|((caller, region), (reader, indexes))| async move {
        let listable = listable(functions, indexes);
        let (client, pacer) = (reader.lambda(region), pacers.of(caller, region));
        let count = match worth_counting(listable.len()) {
            true => function_count(&client, &pacer).await,
            false => None,
        };
        match list_instead(listable.len(), count) {
            true => confirm_listed(&client, &pacer, functions, &listable).await,
            false => BTreeMap::new(),
        }
    });
    let found = futures::future::join_all(listings).await;
    found.into_iter().flatten().collect()
}

/// The targets of one reader and region a listing may confirm: above 50 every one (a function
/// with several qualified targets has its aliases or versions listed); at 50 or fewer the
/// function's own (no qualifier, `*` or `$LATEST`, whose configuration the listing carries),
/// so a qualified target keeps the timeout `GetFunction` reads for its qualifier.
fn listable(functions: &[FunctionQuery], indexes: Vec<usize>) -> Vec<usize> {
    match listing_pays(indexes.len()) {
        true => indexes,
        false => (indexes.into_iter())
            .filter(|&i| needed_qualifier(&functions[i]).is_none())
            .collect(),
    }
}

/// The number of functions the client's account holds in its region (`GetAccountSettings`,
/// `AccountUsage.FunctionCount`: AWS Lambda API Reference, GetAccountSettings); `None` when the
/// call fails (refused, unsupported), and the decision is made as without it.
async fn function_count(client: &aws_sdk_lambda::Client, pacer: &Pacer) -> Option<i64> {
    pacer.acquire().await;
    let settings = client.get_account_settings().send().await.ok()?;
    settings.account_usage().map(|usage| usage.function_count())
}

/// The targets `indexes` (of one reader and region) that one listing of the region's functions
/// confirms.
async fn confirm_listed(
    client: &aws_sdk_lambda::Client,
    pacer: &Pacer,
    functions: &[FunctionQuery],
    indexes: &[usize],
) -> BTreeMap<usize, (String, Option<i64>)> {
    let mut out = BTreeMap::new();
    let listed = list_functions(client, pacer, functions, indexes).await;
    // Qualified targets of a listed function: list its aliases / versions once when it has
    // several, else leave them to GetFunction (one call either way).
    let mut qualified: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in indexes {
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
        let found = qualifiers_listed(client, pacer, functions, arn, targets).await;
        out.extend(found.into_iter().map(|i| (i, (arn.to_string(), None))));
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
    fn the_function_count_decides_between_listing_and_get_function() {
        // 50 targets in an account of 51 functions: the count and two pages (3 calls), not 50.
        assert!(list_instead(50, Some(51)));
        assert!(
            list_instead(50, Some(0)),
            "an empty region is still one page"
        );
        // Pages plus the count must be fewer calls than the targets: 3 targets, 50 functions:
        // 1 + 1 < 3; 100 functions: 2 + 1 = 3 GetFunction, so GetFunction.
        assert!(list_instead(3, Some(50)));
        assert!(!list_instead(3, Some(100)));
        // 10 targets in each of ten accounts of 100 functions: 2 pages + 1 < 10.
        assert!(list_instead(10, Some(100)));
        // 60 targets in an account of 10,000 functions: 200 pages, so 60 GetFunction.
        assert!(!list_instead(60, Some(10_000)));
        assert!(list_instead(1000, Some(1000)), "20 pages + 1 < 1,000");
        // Unknown (GetAccountSettings refused or unsupported): by the target count, as before.
        assert!(!list_instead(50, None));
        assert!(list_instead(51, None));
    }

    #[test]
    fn the_count_is_asked_only_where_a_listing_can_pay() {
        // The count and one page are two calls: never worth it for one or two targets.
        assert!(!worth_counting(0));
        assert!(!worth_counting(2));
        assert!(worth_counting(3));
        assert!(worth_counting(1000));
        for targets in 0..=2 {
            assert!(!list_instead(targets, Some(1)), "{targets}");
        }
    }

    #[test]
    fn pages_of_a_region() {
        assert_eq!(pages_of(0), 1);
        assert_eq!(pages_of(1), 1);
        assert_eq!(pages_of(50), 1);
        assert_eq!(pages_of(51), 2);
        assert_eq!(pages_of(1000), 20);
        assert_eq!(pages_of(-1), 1, "a nonsensical count is one page");
    }

    #[test]
    fn at_fifty_or_fewer_only_the_functions_own_targets_are_listed() {
        let target = |function: &str, qualifier: Option<&str>| FunctionQuery {
            function: function.into(),
            region: "us-east-1".into(),
            qualifier: qualifier.map(str::to_string),
        };
        let few = [
            target("a", None),
            target("a", Some("live")),
            target("a", Some("$LATEST")),
            target("b", Some("*")),
            target("b", Some("3")),
        ];
        assert_eq!(listable(&few, (0..5).collect()), [0, 2, 3]);
        let many: Vec<FunctionQuery> = (0..51)
            .map(|i| target("a", Some(&format!("{i}"))))
            .collect();
        assert_eq!(listable(&many, (0..51).collect()).len(), 51);
    }
}
