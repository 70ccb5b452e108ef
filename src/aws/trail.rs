//! Who changed it (`aws` layer): CloudTrail's `LookupEvents` for the resources that drifted.
//!
//! One lookup per resource (`ResourceName` = the role's name or a managed policy's ARN; the API
//! takes one lookup attribute per call), over the last 90 days, in the region where the
//! partition records IAM's global events (us-east-1 for `aws`; CloudTrail User Guide, "Global
//! service events"). Pages of up to 50 events follow `NextToken` until
//! every finding on the resource has its latest explaining event, or [`MAX_PAGES`]. The first
//! resource is looked up alone, then the others concurrently, all under one pacer:
//! `LookupEvents` allows two requests per second per account and region (CloudTrail API
//! Reference, `LookupEvents`).
//!
//! Degrades, never fails: `AccessDenied` is [`Lookup::NotPermitted`], any other error (after
//! the SDK's retries) [`Lookup::Failed`] — for every resource: the lookups not yet sent are not
//! sent, so a failing endpoint costs one call's retries, not one per resource.
//! Which event explains which finding is decided in `crates/provision/src/trail.rs`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use aws_smithy_types::DateTime;

use crate::aws::client::{AwsError, Clients};
use crate::aws::pace::Pacer;
use lambda_trust_provision::{
    lookup_answered, resources_to_look_up, Lookup, Trail, TrailEvent, LOOKBACK_DAYS,
};

/// `LookupEvents` allows 2 requests per second per account and region: start one every 0.5 s.
const RATE: f64 = 2.0;
const BURST: f64 = 1.0;
/// Events per page (the API's maximum).
const PAGE_SIZE: i32 = 50;
/// At most this many pages (1,000 events) per resource: a role that is assumed often has many
/// events, and the lookup must stay bounded (10 s at 2 requests per second).
pub(crate) const MAX_PAGES: usize = 20;

/// The pace of `LookupEvents` calls; one per run, shared by every lookup in it.
pub(crate) fn pacer() -> Pacer {
    Pacer::new(RATE, BURST)
}

/// Looks up every resource the keyed findings name; nothing (and no call) when none is keyed.
pub(crate) async fn look_up(
    clients: &Clients,
    partition: &str,
    trails: &[&Trail],
    pacer: &Pacer,
) -> BTreeMap<String, Lookup> {
    let resources = resources_to_look_up(trails.iter().copied());
    let Some((first, others)) = resources.split_first() else {
        return BTreeMap::new();
    };
    let region = lambda_trust_iam::iam_events_region(partition);
    let client = clients.cloudtrail(region);
    let end = chrono::Utc::now();
    let start = end - chrono::Duration::days(LOOKBACK_DAYS.into());
    let window = (
        DateTime::from_secs(start.timestamp()),
        DateTime::from_secs(end.timestamp() + 1),
    );
    // The first refusal or failure ends the run's lookups: the others are not sent, and say
    // the same (once per run, not per finding, and no more waits on a failing endpoint). The
    // first resource is looked up alone, so a failing CloudTrail (its retries take seconds)
    // costs one lookup; the pace, not this wait, bounds the others.
    let given_up = OnceLock::new();
    let one = |name: &String| {
        let (client, given_up, window, name) = (&client, &given_up, &window, name.clone());
        async move {
            let lookup = resource_events(client, pacer, given_up, window, &name, trails).await;
            (name, lookup)
        }
    };
    let first = one(first).await;
    let mut lookups: BTreeMap<String, Lookup> = futures::future::join_all(others.iter().map(one))
        .await
        .into_iter()
        .collect();
    lookups.insert(first.0, first.1);
    lookups
}

/// One event of a `LookupEvents` page, as the pure floor reads it.
fn trail_event(e: &aws_sdk_cloudtrail::types::Event) -> TrailEvent {
    TrailEvent::from_lookup(
        e.event_id().unwrap_or_default(),
        e.event_name().unwrap_or_default(),
        &e.event_time().map(rfc3339_seconds).unwrap_or_default(),
        e.username(),
        e.cloud_trail_event(),
    )
}

async fn resource_events(
    client: &aws_sdk_cloudtrail::Client,
    pacer: &Pacer,
    given_up: &OnceLock<Lookup>,
    (start, end): &(DateTime, DateTime),
    name: &str,
    trails: &[&Trail],
) -> Lookup {
    let attribute = match LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::ResourceName)
        .attribute_value(name)
        .build()
    {
        Ok(a) => a,
        Err(e) => return Lookup::Failed(e.to_string()),
    };
    let mut events: Vec<TrailEvent> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        pacer.acquire().await;
        if let Some(stop) = given_up.get() {
            return stop.clone();
        }
        // One page at a time, by hand rather than with the SDK's paginator: the paginator may
        // start the next request before this one is inspected, which would break the pace
        // and the early stop.
        let sent = client
            .lookup_events()
            .lookup_attributes(attribute.clone())
            .start_time(*start)
            .end_time(*end)
            .max_results(PAGE_SIZE)
            .set_next_token(token.take())
            .send()
            .await;
        let page = match sent {
            Ok(page) => page,
            Err(e) => {
                let err = AwsError::from_sdk("cloudtrail:LookupEvents", e);
                let stop = if is_denied(&err) {
                    Lookup::NotPermitted
                } else {
                    Lookup::Failed(err.message)
                };
                return given_up.get_or_init(|| stop).clone();
            }
        };
        events.extend(page.events().iter().map(trail_event));
        token = page.next_token().map(str::to_string);
        if token.is_none() || lookup_answered(name, trails.iter().copied(), &events) {
            break;
        }
    }
    Lookup::Events(events)
}

/// `2026-11-22T14:37:52Z`: CloudTrail records event times to the second.
fn rfc3339_seconds(t: &DateTime) -> String {
    chrono::DateTime::from_timestamp(t.secs(), 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn is_denied(err: &AwsError) -> bool {
    matches!(
        err.code.as_deref(),
        Some("AccessDeniedException") | Some("AccessDenied") | Some("UnauthorizedOperation")
    )
}
