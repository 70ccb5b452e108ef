//! Whether a watch can hear an account's IAM calls (`aws` layer): the trail that logs a
//! region's management events, which EventBridge's "AWS API Call via CloudTrail" events need.
//! Both watches ask it: a deployment's of its account, the organization's of each account.

use crate::aws::client::{AwsError, Clients};

/// The trail that logs `region`'s management events — what EventBridge's "AWS API Call via
/// CloudTrail" events need (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html>):
/// a trail of that region or a multi-region one, logging, whose event selectors take
/// management events. `None`: no such trail. Each call is counted in `calls`.
pub(crate) async fn logging_trail(
    clients: &Clients,
    region: &str,
    calls: &crate::aws::sessions::CallCount,
) -> Result<Option<String>, AwsError> {
    let trail = clients.cloudtrail(region);
    calls.add();
    let out = (trail.describe_trails())
        .include_shadow_trails(true)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("cloudtrail:DescribeTrails", e))?;
    for t in out.trail_list() {
        let here = t.is_multi_region_trail() == Some(true) || t.home_region() == Some(region);
        let (Some(arn), true) = (t.trail_arn(), here) else {
            continue;
        };
        // A multi-region trail is read in its home region (elsewhere it is a shadow).
        let trail = clients.cloudtrail(t.home_region().unwrap_or(region));
        calls.add();
        let status = (trail.get_trail_status())
            .name(arn)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("cloudtrail:GetTrailStatus", e))?;
        if status.is_logging() != Some(true) {
            continue;
        }
        calls.add();
        let selectors = (trail.get_event_selectors())
            .trail_name(arn)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("cloudtrail:GetEventSelectors", e))?;
        let basic = selectors
            .event_selectors()
            .iter()
            .any(|s| s.include_management_events() != Some(false));
        let advanced = selectors.advanced_event_selectors().iter().any(|s| {
            (s.field_selectors().iter()).any(|f| {
                f.field() == "eventCategory" && f.equals().iter().any(|v| v == "Management")
            })
        });
        let none_given = selectors.event_selectors().is_empty()
            && selectors.advanced_event_selectors().is_empty();
        if basic || advanced || none_given {
            return Ok(Some(t.name().unwrap_or(arn).to_owned()));
        }
    }
    Ok(None)
}
