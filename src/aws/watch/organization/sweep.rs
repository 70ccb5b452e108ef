//! The organization watch's sweep, fanned out: its events put on the watch's own bus
//! (`events:PutEvents`, at most 10 entries a call,
//! <https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html>), each
//! entry's failure read from the answer (`FailedEntryCount` and each entry's `ErrorCode`), never
//! assumed put.

use std::collections::BTreeMap;

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use lambda_trust_provision::EventBridgeEvent;

use crate::aws::client::{AwsError, Clients};
use crate::aws::sessions::CallCount;

/// `PutEvents` takes at most 10 entries a call.
const PER_CALL: usize = 10;

/// How many times an entry EventBridge did not take is put again: its `ErrorCode` is an
/// entry's own failure (`InternalFailure`, `ThrottlingException`), which a later call can take.
const ATTEMPTS: usize = 3;

/// Puts `events` (the sweep's, each naming its account in its `detail`) on `bus` (its ARN,
/// in the clients' region), each entry EventBridge did not take put again, up to
/// [`ATTEMPTS`] times; the accounts whose event was still not taken, each with why:
/// EventBridge's error code and message for the entry, or the call's error for each entry of
/// a call refused (the next call is still made).
pub(crate) async fn put_sweep(
    clients: &Clients,
    bus: &str,
    events: &[EventBridgeEvent],
    calls: &CallCount,
) -> BTreeMap<String, String> {
    let mut left: Vec<&EventBridgeEvent> = events.iter().collect();
    let mut failed = BTreeMap::new();
    for attempt in 1..=ATTEMPTS {
        if attempt > 1 {
            tokio::time::sleep(std::time::Duration::from_millis(200 * attempt as u64)).await;
        }
        let mut again = Vec::new();
        for chunk in left.chunks(PER_CALL) {
            for (event, why) in put_chunk(clients, bus, chunk, calls).await {
                if why.entry && attempt < ATTEMPTS {
                    again.push(event);
                } else {
                    failed.insert(account_of(event), why.text);
                }
            }
        }
        if again.is_empty() {
            break;
        }
        left = again;
    }
    failed
}

/// Why an entry was not taken; `entry`: its own failure, which a later call can take.
struct NotTaken {
    text: String,
    entry: bool,
}

/// One `PutEvents` call of at most [`PER_CALL`] entries; each entry not taken, and why.
async fn put_chunk<'a>(
    clients: &Clients,
    bus: &str,
    chunk: &[&'a EventBridgeEvent],
    calls: &CallCount,
) -> Vec<(&'a EventBridgeEvent, NotTaken)> {
    let entries = chunk.iter().map(|e| {
        PutEventsRequestEntry::builder()
            .event_bus_name(bus)
            .source(&e.source)
            .detail_type(&e.detail_type)
            .detail(e.detail.to_string())
            .build()
    });
    calls.add();
    let answer = (clients.events(&clients.region()).put_events())
        .set_entries(Some(entries.collect()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("events:PutEvents", e));
    let answer = match answer {
        Ok(answer) => answer,
        Err(e) => {
            let text = crate::error::shown(&e);
            let refused = |event| {
                (
                    event,
                    NotTaken {
                        text: text.clone(),
                        entry: false,
                    },
                )
            };
            return chunk.iter().copied().map(refused).collect();
        }
    };
    // The answer's entries are in the request's order, one each.
    let mut out: Vec<_> = (chunk.iter().copied().zip(answer.entries()))
        .filter_map(|(event, entry)| {
            let code = entry.error_code()?;
            let text = format!("{code}: {}", entry.error_message().unwrap_or_default());
            Some((event, NotTaken { text, entry: true }))
        })
        .collect();
    let unanswered = chunk.iter().copied().skip(answer.entries().len());
    out.extend(unanswered.map(|event| {
        let text = "no answer for its entry".to_owned();
        (event, NotTaken { text, entry: true })
    }));
    out
}

/// The account a sweep event asks for.
fn account_of(event: &EventBridgeEvent) -> String {
    let account = event.detail.get("account").and_then(|a| a.as_str());
    account.unwrap_or_default().to_owned()
}
