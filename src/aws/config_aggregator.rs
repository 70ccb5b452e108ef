//! AWS Config's aggregator reads for `audit --config-aggregator` (`aws` layer): the IAM roles,
//! customer managed policies and Lambda functions of every account and region an aggregator
//! covers, with the caller's credentials only — no role assumed in any account. A function's
//! item carries its own resource-based policy as `supplementaryConfiguration.Policy` (Config API
//! Reference, `BaseConfigurationItem`; docs/aws-behaviour.md, "AWS Config aggregators"), handed
//! over with the item as [`ConfigItem::supplementary`].
//!
//! `ListAggregateDiscoveredResources` (at most 100 identifiers a page) lists them;
//! `BatchGetAggregateResourceConfig` (at most 100 identifiers a call) returns each one's whole
//! configuration item, the trust and permission documents included (Config API Reference). The
//! SQL of `SelectAggregateResourceConfig` is not used: its queryable properties of
//! `AWS::IAM::Role` are names, ARNs and policy names, not the documents the proof needs
//! (awslabs/aws-config-resource-schema, the advanced query schema). Identifiers Config leaves
//! unprocessed are asked for once more, then returned so the report can say what was not read.
//! Which items to read is decided in `crates/audit/src/config_items.rs`; calls grow with pages of 100,
//! not with accounts.

use aws_sdk_config::types::{AggregateResourceIdentifier, ResourceType};
use futures::stream::{self, StreamExt, TryStreamExt};

use super::client::{AwsError, Clients};
use super::sessions::CallCount;
use lambda_trust_model::ConfigItem;

/// The most either call takes or returns.
pub(crate) const PAGE_SIZE: usize = 100;
/// `BatchGetAggregateResourceConfig` calls in flight at once.
const CONCURRENCY: usize = 4;

/// One listed resource: where it is and how to ask for it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Listed {
    pub account: String,
    pub region: String,
    pub id: String,
    pub name: Option<String>,
    identifier: AggregateResourceIdentifier,
}

/// What a batch read returned: the items, and the identifiers Config did not process.
#[derive(Debug, Default)]
pub(crate) struct Read {
    pub items: Vec<ConfigItem>,
    pub unprocessed: Vec<Listed>,
}

/// Whether the aggregator `name` exists in the clients' account and region
/// (`DescribeConfigurationAggregators`).
pub(crate) async fn exists(clients: &Clients, name: &str) -> Result<bool, AwsError> {
    let asked = (clients.config().describe_configuration_aggregators())
        .configuration_aggregator_names(name)
        .send()
        .await;
    match asked {
        Ok(out) => Ok(!out.configuration_aggregators().is_empty()),
        Err(e) => {
            let e = AwsError::from_sdk("config:DescribeConfigurationAggregators", e);
            match e.is_code("NoSuchConfigurationAggregatorException") {
                true => Ok(false),
                false => Err(e),
            }
        }
    }
}

/// Every resource of `resource_type` the aggregator holds, page by page.
pub(crate) async fn list(
    clients: &Clients,
    aggregator: &str,
    resource_type: &str,
    calls: &CallCount,
) -> Result<Vec<Listed>, AwsError> {
    let pages: Vec<Vec<Listed>> = pages(clients, aggregator, resource_type, calls)
        .try_collect()
        .await?;
    Ok(pages.into_iter().flatten().collect())
}

/// Every resource of `resource_type` and its configuration item: each page of the listing is
/// read ([`PAGE_SIZE`] identifiers, one batch) while the next pages are listed, [`CONCURRENCY`]
/// batches at a time; what Config leaves unprocessed is asked for once more at the end.
pub(crate) async fn list_and_read(
    clients: &Clients,
    aggregator: &str,
    resource_type: &str,
    calls: &CallCount,
) -> Result<Read, AwsError> {
    let parts: Vec<Read> = pages(clients, aggregator, resource_type, calls)
        .map_ok(|page| batch_get(clients, aggregator, page, calls))
        .try_buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    let mut out = Read::default();
    for part in parts {
        out.items.extend(part.items);
        out.unprocessed.extend(part.unprocessed);
    }
    if out.unprocessed.is_empty() {
        return Ok(out);
    }
    let again = read_once(
        clients,
        aggregator,
        std::mem::take(&mut out.unprocessed),
        calls,
    )
    .await?;
    out.items.extend(again.items);
    out.unprocessed = again.unprocessed;
    Ok(out)
}

/// The listing's pages, one call each, in order (each page's token comes with the previous).
fn pages<'a>(
    clients: &'a Clients,
    aggregator: &'a str,
    resource_type: &'a str,
    calls: &'a CallCount,
) -> impl futures::Stream<Item = Result<Vec<Listed>, AwsError>> + 'a {
    let client = clients.config();
    stream::try_unfold(Some(None::<String>), move |token| {
        let client = client.clone();
        async move {
            let Some(token) = token else {
                return Ok(None);
            };
            calls.add();
            let page = client
                .list_aggregate_discovered_resources()
                .configuration_aggregator_name(aggregator)
                .resource_type(ResourceType::from(resource_type))
                .limit(PAGE_SIZE as i32)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("config:ListAggregateDiscoveredResources", e))?;
            let listed = page.resource_identifiers().iter().map(listed).collect();
            let next = (page.next_token())
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            Ok(Some((listed, next.map(Some))))
        }
    })
}

fn listed(r: &aws_sdk_config::types::AggregateResourceIdentifier) -> Listed {
    Listed {
        account: r.source_account_id().to_owned(),
        region: r.source_region().to_owned(),
        id: r.resource_id().to_owned(),
        name: r.resource_name().map(str::to_owned),
        identifier: r.clone(),
    }
}

/// The configuration items of `resources`, in batches of [`PAGE_SIZE`], [`CONCURRENCY`] at a
/// time; what Config leaves unprocessed is asked for once more.
pub(crate) async fn read(
    clients: &Clients,
    aggregator: &str,
    resources: Vec<Listed>,
    calls: &CallCount,
) -> Result<Read, AwsError> {
    let first = read_once(clients, aggregator, resources, calls).await?;
    if first.unprocessed.is_empty() {
        return Ok(first);
    }
    let again = read_once(clients, aggregator, first.unprocessed, calls).await?;
    let mut items = first.items;
    items.extend(again.items);
    Ok(Read {
        items,
        unprocessed: again.unprocessed,
    })
}

async fn read_once(
    clients: &Clients,
    aggregator: &str,
    resources: Vec<Listed>,
    calls: &CallCount,
) -> Result<Read, AwsError> {
    let batches: Vec<Vec<Listed>> = (resources.chunks(PAGE_SIZE).map(<[Listed]>::to_vec)).collect();
    let parts: Vec<Read> = stream::iter(batches)
        .map(|batch| batch_get(clients, aggregator, batch, calls))
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    let mut out = Read::default();
    for part in parts {
        out.items.extend(part.items);
        out.unprocessed.extend(part.unprocessed);
    }
    Ok(out)
}

/// One item Config answered, in the region the listing found it in (else its own).
pub(crate) fn config_item(
    i: &aws_sdk_config::types::BaseConfigurationItem,
    listed_region: Option<String>,
) -> ConfigItem {
    ConfigItem {
        account: i.account_id().unwrap_or_default().to_owned(),
        region: (listed_region.or_else(|| i.aws_region().map(str::to_owned))).unwrap_or_default(),
        resource_type: (i.resource_type())
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        name: i.resource_name().map(str::to_owned),
        status: (i.configuration_item_status())
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        configuration: i.configuration().map(str::to_owned),
        arn: i.arn().map(str::to_owned),
        supplementary: (i.supplementary_configuration().into_iter().flatten())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        captured: i.configuration_item_capture_time().map(|t| t.secs()),
    }
}

async fn batch_get(
    clients: &Clients,
    aggregator: &str,
    batch: Vec<Listed>,
    calls: &CallCount,
) -> Result<Read, AwsError> {
    // A batch takes 1 to 100 identifiers: an empty page (no function anywhere) asks nothing.
    if batch.is_empty() {
        return Ok(Read::default());
    }
    calls.add();
    let ids = batch.iter().map(|l| l.identifier.clone()).collect();
    let got = clients
        .config()
        .batch_get_aggregate_resource_config()
        .configuration_aggregator_name(aggregator)
        .set_resource_identifiers(Some(ids))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("config:BatchGetAggregateResourceConfig", e))?;
    // IAM items say `awsRegion: global`; the region is the one the aggregator collected from.
    let region = |account: &str, id: Option<&str>| {
        let listed = batch
            .iter()
            .find(|l| l.account == account && Some(l.id.as_str()) == id);
        listed.map(|l| l.region.clone())
    };
    let items = (got.base_configuration_items().iter())
        .map(|i| {
            let account = i.account_id().unwrap_or_default();
            let listed = region(account, i.resource_id());
            config_item(i, listed)
        })
        .collect::<Vec<_>>();
    let unprocessed = got.unprocessed_resource_identifiers();
    let unprocessed = batch
        .into_iter()
        .filter(|l| {
            unprocessed.iter().any(|u| {
                u.resource_id() == l.id
                    && u.source_account_id() == l.account
                    && u.source_region() == l.region
            })
        })
        .collect();
    Ok(Read { items, unprocessed })
}
