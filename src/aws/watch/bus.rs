//! The watch's own event bus (`aws` layer): where the other accounts' rules forward their
//! Lambda calls, its policy admitting their forwarding roles alone; the default bus's
//! statements an older watch wrote there, removed.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_eventbridge::types::Tag as BusTag;

use crate::aws::client::{has_code, AwsError, Clients};
use lambda_trust_provision::{watch_names, Deployment, SeenBus, WatchOp, WatchOwner, WATCH_TAG};

/// The watch's own bus, in the function's region (`None`: there is none).
pub(super) async fn seen_bus(
    clients: &Clients,
    want: &Deployment,
    owner: WatchOwner<'_>,
) -> Result<Option<SeenBus>, AwsError> {
    let events = clients.events(&want.function.region);
    let name = watch_names(owner).bus;
    let out = match events.describe_event_bus().name(&name).send().await {
        Ok(out) => out,
        Err(e) if has_code(&e, "ResourceNotFoundException") => return Ok(None),
        Err(e) => return Err(AwsError::from_sdk("events:DescribeEventBus", e)),
    };
    let arn = out.arn().unwrap_or_default();
    let tags = (events
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await)
        .map_err(|e| AwsError::from_sdk("events:ListTagsForResource", e))?;
    let owner = (tags.tags().iter())
        .find(|t| t.key() == WATCH_TAG)
        .map(|t| t.value().to_owned());
    Ok(Some(SeenBus {
        policy: out.policy().and_then(|p| serde_json::from_str(p).ok()),
        owner,
    }))
}

/// The statement IDs of the function's region's default bus policy (none when it has no
/// policy): where a watch deployed before it had its own bus admitted other accounts.
pub(super) async fn default_bus_statements(
    clients: &Clients,
    want: &Deployment,
) -> Result<BTreeSet<String>, AwsError> {
    let events = clients.events(&want.function.region);
    let out = (events.describe_event_bus())
        .name("default")
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("events:DescribeEventBus", e))?;
    Ok(statement_ids(out.policy().unwrap_or("{}")))
}

/// The statement IDs of a resource policy's text.
pub(super) fn statement_ids(policy: &str) -> BTreeSet<String> {
    let doc: serde_json::Value = serde_json::from_str(policy).unwrap_or_default();
    (doc["Statement"].as_array().into_iter().flatten())
        .filter_map(|s| s["Sid"].as_str().map(str::to_owned))
        .collect()
}

/// The bus's writes: `events:CreateEventBus` (tagged), `events:PutPermission` of its whole
/// policy, `events:DeleteEventBus`, and `events:RemovePermission` of a default-bus statement.
pub(super) async fn apply(
    clients: &Clients,
    op: &WatchOp,
    tags: &BTreeMap<String, String>,
) -> Result<usize, AwsError> {
    match op {
        WatchOp::CreateBus { bus } => {
            let tags = (tags.iter()).map(|(k, v)| BusTag::builder().key(k).value(v).build());
            (clients.events(&bus.region).create_event_bus())
                .name(&bus.name)
                .description("lambda-trust watch: the other accounts' forwarded Lambda calls")
                .set_tags(tags.collect::<Result<Vec<_>, _>>().ok())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("events:CreateEventBus", e))?;
        }
        WatchOp::PutBusPolicy { bus } => {
            (clients.events(&bus.region).put_permission())
                .event_bus_name(&bus.name)
                .policy(bus.policy.to_string())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("events:PutPermission", e))?;
        }
        WatchOp::DeleteBus { name, region } => {
            (clients.events(region).delete_event_bus())
                .name(name)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("events:DeleteEventBus", e))?;
        }
        WatchOp::DisallowAccount {
            statement_id,
            region,
        } => {
            (clients.events(region).remove_permission())
                .event_bus_name("default")
                .statement_id(statement_id)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("events:RemovePermission", e))?;
        }
        _ => return Ok(0),
    }
    Ok(1)
}
