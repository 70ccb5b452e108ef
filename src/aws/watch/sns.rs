//! The watching function's SNS notice (`[watch].sns_topic`): one message per change of the
//! result, published in the topic's own region.

use crate::aws::client::{AwsError, Clients};

/// Publishes `message` (with `subject`, cut to the 100 characters SNS takes) to `topic`; the
/// message ID.
pub(crate) async fn publish(
    clients: &Clients,
    topic: &str,
    subject: &str,
    message: &str,
) -> Result<String, AwsError> {
    let region = topic.split(':').nth(3).unwrap_or_default();
    let subject: String = subject.chars().take(100).collect();
    let out = (clients.sns(region).publish())
        .topic_arn(topic)
        .subject(subject)
        .message(message)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("sns:Publish", e))?;
    Ok(out.message_id().unwrap_or_default().to_owned())
}
