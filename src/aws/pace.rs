//! The one pacer of AWS calls (`aws` layer): a token bucket that spaces out call starts under a
//! service's rate limit — Lambda's control-plane reads (`observe`), CloudTrail's
//! `LookupEvents` (`trail`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// A token bucket: `burst` calls at once, then `rate` per second.
pub(crate) struct Pacer {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl Pacer {
    pub(crate) fn new(rate: f64, burst: f64) -> Pacer {
        Pacer {
            rate,
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }

    /// Waits until one more call may start.
    pub(crate) async fn acquire(&self) {
        let wait = {
            let mut st = self.state.lock().await;
            let now = Instant::now();
            let refill = now.duration_since(st.1).as_secs_f64() * self.rate;
            st.0 = (st.0 + refill).min(self.burst) - 1.0;
            st.1 = now;
            // A negative balance is the caller's place in the queue.
            (st.0 < 0.0).then(|| Duration::from_secs_f64(-st.0 / self.rate))
        };
        if let Some(w) = wait {
            tokio::time::sleep(w).await;
        }
    }
}

/// One [`Pacer`] per account and region: Lambda's request quotas are an account's in a region
/// (Lambda Developer Guide, "Lambda quotas"), so calls in different accounts or regions do not
/// wait for each other.
pub(crate) struct Pacers {
    rate: f64,
    burst: f64,
    each: std::sync::Mutex<HashMap<(String, String), Arc<Pacer>>>,
}

impl Pacers {
    pub(crate) fn new(rate: f64, burst: f64) -> Pacers {
        Pacers {
            rate,
            burst,
            each: Default::default(),
        }
    }

    /// The pacer of `account` (as the run names the caller) in `region`.
    pub(crate) fn of(&self, account: &str, region: &str) -> Arc<Pacer> {
        let mut each = self.each.lock().unwrap_or_else(|e| e.into_inner());
        let key = (account.to_string(), region.to_string());
        (each.entry(key))
            .or_insert_with(|| Arc::new(Pacer::new(self.rate, self.burst)))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_then_the_rate() {
        let pacer = Pacer::new(80.0, 50.0);
        let start = Instant::now();
        for _ in 0..50 {
            pacer.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(1));
        for _ in 0..80 {
            pacer.acquire().await;
        }
        let secs = start.elapsed().as_secs_f64();
        assert!((0.95..=1.05).contains(&secs), "{secs}");
    }

    #[tokio::test(start_paused = true)]
    async fn each_account_and_region_has_its_own_pace() {
        let pacers = Pacers::new(2.0, 1.0);
        let start = Instant::now();
        for key in [
            ("111", "us-east-1"),
            ("222", "us-east-1"),
            ("111", "eu-west-1"),
        ] {
            pacers.of(key.0, key.1).acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(1));
        pacers.of("111", "us-east-1").acquire().await;
        let secs = start.elapsed().as_secs_f64();
        assert!((0.45..=0.55).contains(&secs), "{secs}");
    }

    #[tokio::test(start_paused = true)]
    async fn two_per_second_never_more() {
        let pacer = Pacer::new(2.0, 1.0);
        let start = Instant::now();
        for _ in 0..5 {
            pacer.acquire().await;
        }
        // Starts at 0, 0.5, 1.0, 1.5, 2.0 s: no second holds more than two.
        let secs = start.elapsed().as_secs_f64();
        assert!((1.95..=2.05).contains(&secs), "{secs}");
    }
}
