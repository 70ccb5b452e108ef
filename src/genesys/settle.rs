//! The credential date the ledger records after lambda-trust wrote the credential. Genesys
//! Cloud lists a credential's `modifiedDate` to the second and returns no date on the single
//! read (the SDK's `CredentialInfo` and `Credential` models), so an edit by someone else in the
//! second of lambda-trust's write would list the same date. Once Genesys Cloud's own clock (the
//! `Date` header of its answers, never this machine's) has left that second and its audit trail
//! shows no one else's change since, the whole second is recorded: later runs then compare the
//! listings exactly and ask nothing more. Otherwise the write's own date (to the millisecond)
//! is recorded, and the next run's audit query decides (`observe::changed_after`).
//!
//! Part of the `genesys` layer: a few audit queries and at most [`SETTLE_WAIT`] of waiting,
//! only in a run that wrote the credential.

use std::time::{Duration, Instant};

use super::client::Client;
use super::observe::changed_after;
use lambda_trust_model::{whole_second, SinceLedger};

/// How long a run waits for Genesys Cloud's clock to leave the second of the write.
const SETTLE_WAIT: Duration = Duration::from_secs(3);

/// The date to record for credential `id`, written at `written` (the write's answer).
pub(super) async fn settled_date(client: &Client, id: &str, written: &str) -> String {
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(written) else {
        return written.to_string();
    };
    let unsettled = t
        .with_timezone(&chrono::Utc)
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let deadline = Instant::now() + SETTLE_WAIT;
    loop {
        // Past the second before the query was sent: the query covers all of it.
        let past = (client.stats().server_date).is_some_and(|d| d.timestamp() > t.timestamp());
        // A failed query leaves it unsettled (the next run asks again), never fails the apply
        // between the credential's write and the ledger's.
        let since = (changed_after(client, id, written).await)
            .unwrap_or_else(|e| SinceLedger::Unknown(e.to_string()));
        match (past, since) {
            (true, SinceLedger::Unchanged) => {
                return whole_second(written).unwrap_or(unsettled);
            }
            (true, _) => return unsettled,
            (false, _) if Instant::now() >= deadline => return unsettled,
            (false, _) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}
