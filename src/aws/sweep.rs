//! The organization watch's sweep, fanned out: its events put on the watch's own bus
//! (`events:PutEvents`, at most 10 entries a call,
//! <https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html>), each
//! entry's failure read from the answer (`FailedEntryCount` and each entry's `ErrorCode`), never
//! assumed put.

use std::collections::BTreeMap;

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use lambda_trust_provision::EventBridgeEvent;

use super::audit::CallCount;
use super::client::{AwsError, Clients};

/// `PutEvents` takes at most 10 entries a call.
const PER_CALL: usize = 10;

/// Puts `events` (the sweep's, each naming its account in its `detail`) on `bus` (its ARN,
/// in the clients' region); the accounts whose event was not taken, each with why:
/// EventBridge's error code and message for the entry, or the call's error for each entry of
/// a call refused (the next call is still made).
pub(crate) async fn put_sweep(
    clients: &Clients,
    bus: &str,
    events: &[EventBridgeEvent],
    calls: &CallCount,
) -> BTreeMap<String, String> {
    let client = clients.events(&clients.region());
    let mut failed = BTreeMap::new();
    for chunk in events.chunks(PER_CALL) {
        let entries = chunk.iter().map(|e| {
            PutEventsRequestEntry::builder()
                .event_bus_name(bus)
                .source(&e.source)
                .detail_type(&e.detail_type)
                .detail(e.detail.to_string())
                .build()
        });
        calls.add();
        let answer = (client.put_events())
            .set_entries(Some(entries.collect()))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("events:PutEvents", e));
        let answer = match answer {
            Ok(answer) => answer,
            Err(e) => {
                let why = crate::error::shown(&e);
                failed.extend(chunk.iter().map(|e| (account_of(e), why.clone())));
                continue;
            }
        };
        // The answer's entries are in the request's order, one each.
        for (event, entry) in chunk.iter().zip(answer.entries()) {
            if let Some(code) = entry.error_code() {
                let message = entry.error_message().unwrap_or_default();
                failed.insert(account_of(event), format!("{code}: {message}"));
            }
        }
        for event in chunk.iter().skip(answer.entries().len()) {
            failed.insert(account_of(event), "no answer for its entry".into());
        }
    }
    failed
}

/// The account a sweep event asks for.
fn account_of(event: &EventBridgeEvent) -> String {
    let account = event.detail.get("account").and_then(|a| a.as_str());
    account.unwrap_or_default().to_owned()
}
