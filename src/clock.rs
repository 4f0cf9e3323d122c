//! The crate's only source of time.
//!
//! Every timestamp the fake hands out and every timer it keeps (visibility timeouts,
//! delays, retention, cooldowns, long-poll deadlines) reads [`Clock::now_millis`]. No
//! other file calls `SystemTime::now()` or `Instant::now()`, which is what makes a paused
//! clock exact: nothing moves until the test says so.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

/// How the fake's clock moves.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use fake_sqs::{ClockMode, FakeSqs};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// // Real time (the default).
/// let live = FakeSqs::builder().clock(ClockMode::System).start().await;
/// assert!(!live.clock().is_paused());
/// // Standing still at a chosen time, for timestamps a snapshot can hold.
/// let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let paused = FakeSqs::builder().clock(ClockMode::Paused(Some(at))).start().await;
/// assert_eq!(paused.clock().now(), at);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockMode {
    /// Follows the system clock (plus whatever [`Clock::advance`] added).
    #[default]
    System,
    /// Stands still until [`Clock::advance`] moves it. Starts at the given time, or at the
    /// system time when the server starts.
    Paused(Option<SystemTime>),
}

/// A handle to the fake's clock. Cheap to clone; all clones share one time.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use fake_sqs::{ClockMode, FakeSqs};
///
/// let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
/// let before = sqs.clock().now();
/// sqs.clock().advance(Duration::from_secs(31));
/// assert_eq!(sqs.clock().now().duration_since(before).unwrap(), Duration::from_secs(31));
/// # }
/// ```
#[derive(Clone)]
pub struct Clock {
    inner: Arc<Inner>,
}

struct Inner {
    /// Milliseconds since the Unix epoch at `origin`.
    origin_millis: u64,
    /// `Some` for a clock that follows real time.
    origin: Option<Instant>,
    /// What `advance` added, in nanoseconds, so that sub-millisecond steps add up.
    offset_nanos: AtomicU64,
    /// Bumped on every `advance`, so that long polls re-check their deadline.
    changed: watch::Sender<u64>,
}

impl Clock {
    pub(crate) fn new(mode: ClockMode) -> Self {
        let system_millis = |t: SystemTime| {
            t.duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0)
        };
        let (origin_millis, origin) = match mode {
            ClockMode::System => (system_millis(SystemTime::now()), Some(Instant::now())),
            ClockMode::Paused(start) => {
                (system_millis(start.unwrap_or_else(SystemTime::now)), None)
            }
        };
        Clock {
            inner: Arc::new(Inner {
                origin_millis,
                origin,
                offset_nanos: AtomicU64::new(0),
                changed: watch::channel(0).0,
            }),
        }
    }

    /// The current time of the fake.
    ///
    /// # Example
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(Some(at))).start().await;
    /// assert_eq!(sqs.clock().now(), at);
    /// # }
    /// ```
    pub fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.now_millis())
    }

    /// The current time of the fake, in milliseconds since the Unix epoch.
    /// SQS's timestamps (SentTimestamp, ...) are in this unit.
    ///
    /// # Example
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let at = UNIX_EPOCH + Duration::from_millis(1_700_000_000_250);
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(Some(at))).start().await;
    /// assert_eq!(sqs.clock().now_millis(), 1_700_000_000_250);
    /// # }
    /// ```
    pub fn now_millis(&self) -> u64 {
        let real = self
            .inner
            .origin
            .map(|o| o.elapsed().as_millis() as u64)
            .unwrap_or(0);
        let offset = self.inner.offset_nanos.load(Ordering::Acquire) / 1_000_000;
        self.inner.origin_millis + real + offset
    }

    /// Moves the clock forward by `by`, and wakes every long poll so that messages that
    /// became visible are delivered and deadlines that passed are honoured.
    ///
    /// # Example
    /// ```
    /// use std::time::Duration;
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// client.send_message().queue_url(&url).message_body("later").delay_seconds(60).send().await.unwrap();
    /// assert_eq!(sqs.queues()[0].delayed, 1);
    ///
    /// sqs.clock().advance(Duration::from_secs(60));
    /// assert_eq!(sqs.queues()[0].visible, 1);
    /// # }
    /// ```
    pub fn advance(&self, by: Duration) {
        let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        self.inner.offset_nanos.fetch_add(nanos, Ordering::AcqRel);
        self.inner.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Whether this clock stands still between calls to [`Clock::advance`].
    ///
    /// # Example
    /// ```
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// assert!(!FakeSqs::start().await.clock().is_paused());
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
    /// assert!(sqs.clock().is_paused());
    /// # }
    /// ```
    pub fn is_paused(&self) -> bool {
        self.inner.origin.is_none()
    }

    /// A receiver that sees a change on every [`Clock::advance`].
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clock")
            .field("now_millis", &self.now_millis())
            .field("paused", &self.is_paused())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paused_clock_moves_only_when_advanced() {
        let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let clock = Clock::new(ClockMode::Paused(Some(start)));
        assert_eq!(clock.now(), start);
        clock.advance(Duration::from_micros(600));
        clock.advance(Duration::from_micros(600));
        assert_eq!(clock.now_millis(), 1_700_000_000_001);
    }
}
