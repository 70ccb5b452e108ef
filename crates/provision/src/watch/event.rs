//! An event handed to the watching function, read once into typed shapes — AWS's own Rust
//! definitions of them (`aws_lambda_events`: EventBridge's envelope, CloudTrail's "AWS API
//! Call", AWS Config's rule invocation) — and shared by the classification ([`crate::watch::classify`])
//! and the Config rule's answer. A shape the function cannot read is said as such and read in
//! full, never guessed narrower.

use aws_lambda_events::event::cloudwatch_events::cloudtrail::AWSAPICall;
use aws_lambda_events::event::config::ConfigEvent;
use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use serde_json::Value;

use serde::Serialize;

/// One event, as the function reads it.
#[derive(Debug, Clone)]
pub enum WatchEvent {
    /// An AWS Config custom rule's invocation
    /// (<https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html>).
    ConfigRule(RuleEvent),
    /// "AWS API Call via CloudTrail"
    /// (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html>).
    ApiCall(Box<ApiCall>),
    /// EventBridge's "Scheduled Event".
    Schedule,
    /// A Genesys Cloud audit event from the org's partner event bus: its topic and detail.
    Genesys {
        /// The `detail-type`: `v2.audits.entitytype.{type}.entityid.{id}`.
        topic: String,
        /// The `detail` (`eventBody`: who, what, when).
        detail: Value,
        /// The envelope's `time` (RFC 3339), when it has one.
        time: Option<String>,
    },
    /// Anything else: what it is, in a phrase.
    Other(String),
}

/// A CloudTrail call, with where the envelope says it happened.
#[derive(Debug, Clone)]
pub struct ApiCall {
    /// The account the call was made in (the envelope's `account`).
    pub account: Option<String>,
    /// Its region (the envelope's `region`).
    pub region: Option<String>,
    /// The call as CloudTrail recorded it.
    pub call: AWSAPICall,
    /// CloudTrail's `errorCode`: the call failed and changed nothing.
    pub error_code: Option<String>,
}

/// `event` read once into its shape.
pub fn read_event(event: &Value) -> WatchEvent {
    if event.get("resultToken").is_some() {
        return match serde_json::from_value::<ConfigEvent>(event.clone()) {
            Ok(config) => config_rule(&config).map_or_else(
                || WatchEvent::Other("a Config rule invocation without its invoking event".into()),
                WatchEvent::ConfigRule,
            ),
            Err(e) => WatchEvent::Other(format!("a Config rule invocation of another shape ({e})")),
        };
    }
    let envelope = match serde_json::from_value::<EventBridgeEvent<Value>>(event.clone()) {
        Ok(envelope) => envelope,
        Err(e) => return WatchEvent::Other(format!("not an EventBridge event ({e})")),
    };
    if envelope.source.starts_with("aws.partner/genesys.com") {
        return WatchEvent::Genesys {
            topic: envelope.detail_type,
            time: envelope.time.map(|t| t.to_rfc3339()),
            detail: envelope.detail,
        };
    }
    match envelope.detail_type.as_str() {
        "Scheduled Event" => WatchEvent::Schedule,
        "AWS API Call via CloudTrail" => api_call(envelope),
        other => WatchEvent::Other(format!("an event this watch does not scope ({other:?})")),
    }
}

fn api_call(envelope: EventBridgeEvent<Value>) -> WatchEvent {
    let error_code = (envelope.detail.get("errorCode"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    match serde_json::from_value::<AWSAPICall>(envelope.detail) {
        Ok(call) => WatchEvent::ApiCall(Box::new(ApiCall {
            account: envelope.account,
            region: envelope.region,
            call,
            error_code,
        })),
        Err(e) => WatchEvent::Other(format!("a CloudTrail event of another shape ({e})")),
    }
}

/// The Config rule's invocation: its `invokingEvent` (a JSON text) read for the item changed,
/// or the account for a periodic evaluation.
fn config_rule(config: &ConfigEvent) -> Option<RuleEvent> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let token = config.result_token.clone()?;
    let invoking: Value = serde_json::from_str(config.invoking_event.as_deref()?).ok()?;
    let ordering = text(&invoking, "notificationCreationTime").unwrap_or_default();
    let item =
        (invoking.get("configurationItem")).or_else(|| invoking.get("configurationItemSummary"));
    let Some(item) = item else {
        return Some(RuleEvent {
            result_token: token,
            resource_type: "AWS::::Account".into(),
            resource_id: config.account_id.clone().unwrap_or_default(),
            ordering,
            item: None,
        });
    };
    Some(RuleEvent {
        result_token: token,
        resource_type: text(item, "resourceType").unwrap_or_default(),
        resource_id: text(item, "resourceId").unwrap_or_default(),
        ordering: text(item, "configurationItemCaptureTime").unwrap_or(ordering),
        item: Some((
            text(item, "resourceName").unwrap_or_default(),
            text(item, "ARN").unwrap_or_default(),
        )),
    })
}

/// What an AWS Config custom rule's invocation is answered about
/// (<https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html>):
/// the token `PutEvaluations` takes, the resource evaluated, and the time its evaluation is
/// ordered by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RuleEvent {
    /// `resultToken`.
    #[serde(skip)]
    pub result_token: String,
    /// The evaluated resource's type and ID: the changed item's, or the account
    /// (`AWS::::Account`) for a periodic evaluation.
    pub resource_type: String,
    /// See `resource_type`.
    pub resource_id: String,
    /// The notification's creation time (RFC 3339).
    pub ordering: String,
    /// The changed item's name and ARN (none for a periodic evaluation).
    #[serde(skip)]
    pub item: Option<(String, String)>,
}
