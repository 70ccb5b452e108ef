//! An account's own AWS Config (`aws` layer), read for the targets' function policies: the
//! region's recorders and their status (`DescribeConfigurationRecorders` and
//! `DescribeConfigurationRecorderStatus`, at once), and the `AWS::Lambda::Function` items of
//! named functions (`BatchGetResourceConfig`: at most 100 resource keys a call, the function's
//! name as its resource ID; AWS Config API Reference). Read-only.
//!
//! Keys Config leaves unprocessed are asked for once more, then left out: the caller reads
//! those functions' policies with `lambda:GetPolicy`, as it does any function Config holds no
//! item of. Which items may be used is decided in `lambda_trust_model::policies_from_items`.

use aws_sdk_config::types::{ResourceKey, ResourceType};
use futures::stream::{self, StreamExt, TryStreamExt};

use super::client::{AwsError, Clients};
use super::config_aggregator::{config_item, PAGE_SIZE};
use super::config_recorder::Recorder;
use lambda_trust_model::{ConfigItem, FUNCTION_TYPE};

/// `BatchGetResourceConfig` calls in flight at once, per region.
const CONCURRENCY: usize = 4;

/// The region's configuration recorders, each with its status.
pub(crate) async fn recorders(clients: &Clients, region: &str) -> Result<Vec<Recorder>, AwsError> {
    let config = clients.config_in(region);
    let (recorders, statuses) = tokio::join!(
        config.describe_configuration_recorders().send(),
        config.describe_configuration_recorder_status().send(),
    );
    let recorders =
        recorders.map_err(|e| AwsError::from_sdk("config:DescribeConfigurationRecorders", e))?;
    let statuses = statuses
        .map_err(|e| AwsError::from_sdk("config:DescribeConfigurationRecorderStatus", e))?;
    let status = |name: &str| {
        (statuses.configuration_recorders_status().iter())
            .find(|s| s.name() == Some(name))
            .map(|s| s.recording())
    };
    Ok((recorders.configuration_recorders().iter())
        .map(|r| recorder(r, status(r.name().unwrap_or_default())))
        .collect())
}

fn recorder(r: &aws_sdk_config::types::ConfigurationRecorder, recording: Option<bool>) -> Recorder {
    let types = |t: &[ResourceType]| t.iter().map(|t| t.as_str().to_owned()).collect();
    let group = r.recording_group();
    let mode = r.recording_mode();
    Recorder {
        name: r.name().unwrap_or_default().to_owned(),
        strategy: (group.and_then(|g| g.recording_strategy()))
            .and_then(|s| s.use_only())
            .map(|u| u.as_str().to_owned()),
        all_supported: group.is_some_and(|g| g.all_supported()),
        resource_types: group.map(|g| types(g.resource_types())).unwrap_or_default(),
        excluded: (group.and_then(|g| g.exclusion_by_resource_types()))
            .map(|e| types(e.resource_types()))
            .unwrap_or_default(),
        frequency: mode.map(|m| m.recording_frequency().as_str().to_owned()),
        overrides: (mode
            .map(|m| m.recording_mode_overrides())
            .unwrap_or_default()
            .iter())
        .map(|o| {
            (
                types(o.resource_types()),
                o.recording_frequency().as_str().to_owned(),
            )
        })
        .collect(),
        scope: r.recording_scope().map(|s| s.as_str().to_owned()),
        recording,
    }
}

/// The `AWS::Lambda::Function` items of `names` (functions of the caller's account in
/// `region`), [`PAGE_SIZE`] keys a call, [`CONCURRENCY`] calls at a time; what Config leaves
/// unprocessed is asked for once more.
pub(crate) async fn function_items(
    clients: &Clients,
    region: &str,
    names: &[String],
) -> Result<Vec<ConfigItem>, AwsError> {
    let config = clients.config_in(region);
    let (mut items, unprocessed) = batches(&config, region, names).await?;
    if !unprocessed.is_empty() {
        items.extend(batches(&config, region, &unprocessed).await?.0);
    }
    Ok(items)
}

/// One pass over `names`: the items answered, and the names left unprocessed.
async fn batches(
    config: &aws_sdk_config::Client,
    region: &str,
    names: &[String],
) -> Result<(Vec<ConfigItem>, Vec<String>), AwsError> {
    let parts: Vec<(Vec<ConfigItem>, Vec<String>)> = stream::iter(names.chunks(PAGE_SIZE))
        .map(|chunk| batch(config, region, chunk))
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    let mut out = (Vec::new(), Vec::new());
    for (items, unprocessed) in parts {
        out.0.extend(items);
        out.1.extend(unprocessed);
    }
    Ok(out)
}

async fn batch(
    config: &aws_sdk_config::Client,
    region: &str,
    names: &[String],
) -> Result<(Vec<ConfigItem>, Vec<String>), AwsError> {
    let keys = names.iter().map(|n| {
        ResourceKey::builder()
            .resource_type(ResourceType::from(FUNCTION_TYPE))
            .resource_id(n)
            .build()
            .expect("type and ID are set")
    });
    let got = config
        .batch_get_resource_config()
        .set_resource_keys(Some(keys.collect()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("config:BatchGetResourceConfig", e))?;
    let items = (got.base_configuration_items().iter())
        .map(|i| config_item(i, Some(region.to_owned())))
        .collect();
    let unprocessed = (got.unprocessed_resource_keys().iter())
        .map(|k| k.resource_id().to_owned())
        .collect();
    Ok((items, unprocessed))
}
