//! The crate's only source of time.
//!
//! Every timestamp the fake hands out and every timer it keeps (visibility timeouts,
//! delays, retention, cooldowns, long-poll deadlines) reads [`Clock::now_millis`]. No
//! other file calls `SystemTime::now()` or `Instant::now()`, which is what makes a paused
//! clock exact: nothing moves until the test says so.
//!
//! The clock also knows who is waiting on it. A long poll that finds nothing sleeps
//! until a time of its choosing (its deadline, or the next moment a message of its
//! queue falls due); the clock keeps those sleepers in order of wake time. That gives
//! [`FakeSqs::wait_for_receivers`](crate::FakeSqs::wait_for_receivers) something to
//! wait on, and lets [`ClockMode::AutoAdvance`] jump straight to the earliest wake time
//! once every request the fake is serving is asleep, as tokio's paused time does for a
//! runtime with nothing left to run.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

/// How the fake's clock moves.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::{Duration, UNIX_EPOCH};
/// use fake_sqs::{ClockMode, FakeSqs};
///
/// let start = UNIX_EPOCH + Duration::from_secs(1_735_689_600); // 2025-01-01T00:00:00Z
/// let sqs = FakeSqs::builder().clock(ClockMode::Paused(Some(start))).start().await;
/// assert_eq!(sqs.clock().now(), start);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ClockMode {
    /// Follows the system clock (plus whatever [`Clock::advance`] added).
    #[default]
    System,
    /// Stands still until [`Clock::advance`] or [`Clock::set`] moves it. Starts at the
    /// given time, or at the system time when the server starts.
    Paused(Option<SystemTime>),
    /// Paused, and moves by itself whenever every request the fake is serving is a long
    /// poll waiting for a message: then it jumps to the earliest moment one of them
    /// would wake (its `WaitTimeSeconds` deadline, or a delay or visibility timeout of
    /// its queue ending, or a message move task's next step), never further, and never
    /// in small steps. Starts at the given time, or at the system time when the server
    /// starts.
    ///
    /// A worker's long poll then answers at once instead of hanging a test that never
    /// advances the clock. The price: the fake sees only the requests it is serving,
    /// not the work around them, so the clock runs ahead whenever it is idle but for
    /// long polls. A message the test sends a moment later reaches the worker's *next*
    /// poll; and with two consumers, one's empty polls move the clock while the other
    /// handles a message between requests, which can take that message past its
    /// visibility timeout. For such tests, pause the clock and move it with
    /// [`FakeSqs::wait_for_receivers`](crate::FakeSqs::wait_for_receivers) and
    /// [`Clock::advance`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// let sqs = FakeSqs::builder().clock(ClockMode::AutoAdvance(None)).start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// let before = sqs.clock().now();
    ///
    /// // Nothing else is going on: the 20 s wait passes on the fake's clock at once.
    /// let got = client.receive_message().queue_url(&url).wait_time_seconds(20).send().await.unwrap();
    /// assert!(got.messages().is_empty());
    /// assert_eq!(sqs.clock().now().duration_since(before).unwrap().as_secs(), 20);
    /// # }
    /// ```
    AutoAdvance(Option<SystemTime>),
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
    /// Jump to the earliest sleeper's wake time when nothing but sleepers is left.
    auto_advance: bool,
    /// What `advance` added, in nanoseconds, so that sub-millisecond steps add up.
    offset_nanos: AtomicU64,
    /// Bumped on every move of the clock, so that long polls re-check their deadline.
    changed: watch::Sender<u64>,
    /// Requests in flight and the sleepers among them. A std mutex: it is held for a
    /// few map operations and never across an `.await`.
    sleepers: Mutex<Sleepers>,
    /// How many sleep now, for those who wait for a number of them.
    sleeping: watch::Sender<usize>,
}

#[derive(Default)]
struct Sleepers {
    /// Requests in flight, sleeping or not (counted only when the clock auto-advances).
    busy: usize,
    /// Who sleeps until when: (wake time in epoch ms, id) → what it waits on.
    by_wake: BTreeMap<(u64, u64), String>,
    next_id: u64,
}

impl Clock {
    pub(crate) fn new(mode: ClockMode) -> Self {
        let system_millis = |t: SystemTime| {
            t.duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0)
        };
        let (origin_millis, origin, auto_advance) = match mode {
            ClockMode::System => (
                system_millis(SystemTime::now()),
                Some(Instant::now()),
                false,
            ),
            ClockMode::Paused(start) => (
                system_millis(start.unwrap_or_else(SystemTime::now)),
                None,
                false,
            ),
            ClockMode::AutoAdvance(start) => (
                system_millis(start.unwrap_or_else(SystemTime::now)),
                None,
                true,
            ),
        };
        Clock {
            inner: Arc::new(Inner {
                origin_millis,
                origin,
                auto_advance,
                offset_nanos: AtomicU64::new(0),
                changed: watch::channel(0).0,
                sleepers: Mutex::new(Sleepers::default()),
                sleeping: watch::channel(0).0,
            }),
        }
    }

    /// The current time of the fake.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::{Duration, SystemTime};
    /// use fake_sqs::FakeSqs;
    ///
    /// // A fake with the default clock follows the system's.
    /// let sqs = FakeSqs::start().await;
    /// let drift = SystemTime::now().duration_since(sqs.clock().now()).unwrap_or_default();
    /// assert!(drift < Duration::from_secs(5));
    /// # }
    /// ```
    pub fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.now_millis())
    }

    /// The current time of the fake, in milliseconds since the Unix epoch (the unit of
    /// SQS's timestamp attributes, such as `SentTimestamp`).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// let start = UNIX_EPOCH + Duration::from_secs(1_735_689_600);
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(Some(start))).start().await;
    /// assert_eq!(sqs.clock().now_millis(), 1_735_689_600_000);
    /// # }
    /// ```
    pub fn now_millis(&self) -> u64 {
        self.inner.origin_millis + self.real_millis() + self.offset_millis()
    }

    /// Milliseconds of real time since the start, for a clock that follows real time.
    fn real_millis(&self) -> u64 {
        self.inner
            .origin
            .map(|o| o.elapsed().as_millis() as u64)
            .unwrap_or(0)
    }

    fn offset_millis(&self) -> u64 {
        self.inner.offset_nanos.load(Ordering::Acquire) / 1_000_000
    }

    /// Moves the clock forward by `by`, and wakes every long poll so that messages that
    /// became visible are delivered and deadlines that passed are honoured.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
    /// let before = sqs.clock().now_millis();
    /// sqs.clock().advance(Duration::from_millis(1500));
    /// assert_eq!(sqs.clock().now_millis() - before, 1500);
    /// # }
    /// ```
    pub fn advance(&self, by: Duration) {
        let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        self.inner.offset_nanos.fetch_add(nanos, Ordering::AcqRel);
        self.notify();
    }

    /// Moves the clock forward to `to`, and wakes every long poll as
    /// [`Clock::advance`] does. Setting the time it already shows does nothing.
    ///
    /// # Panics
    /// When `to` is earlier than [`Clock::now`]: SQS's time only moves forward, and so
    /// does the fake's (every timer it keeps counts on that).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// let start = UNIX_EPOCH + Duration::from_secs(1_735_689_600); // 2025-01-01T00:00:00Z
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(Some(start))).start().await;
    /// let noon = start + Duration::from_secs(12 * 3600);
    /// sqs.clock().set(noon);
    /// assert_eq!(sqs.clock().now(), noon);
    /// # }
    /// ```
    pub fn set(&self, to: SystemTime) {
        let now = self.now();
        assert!(
            to >= now,
            "Clock::set cannot move the fake's clock back, from {} to {}",
            humantime::format_rfc3339_millis(now),
            humantime::format_rfc3339_millis(to),
        );
        let to_nanos = to
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        self.move_offset_to(to_nanos);
    }

    /// Makes the offset such that the clock shows `to_nanos` (since the epoch), unless
    /// it already shows more.
    fn move_offset_to(&self, to_nanos: u64) {
        let base = (self.inner.origin_millis + self.real_millis()) * 1_000_000;
        let offset = to_nanos.saturating_sub(base);
        let before = self.inner.offset_nanos.fetch_max(offset, Ordering::AcqRel);
        if offset > before {
            self.notify();
        }
    }

    /// Whether this clock stands still between calls to [`Clock::advance`] (true for
    /// [`ClockMode::Paused`] and [`ClockMode::AutoAdvance`]).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// assert!(!FakeSqs::start().await.clock().is_paused());
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
    /// assert!(sqs.clock().is_paused());
    /// # }
    /// ```
    pub fn is_paused(&self) -> bool {
        self.inner.origin.is_none()
    }

    /// Whether this clock moves by itself when only long polls are waiting
    /// ([`ClockMode::AutoAdvance`]).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// let sqs = FakeSqs::builder().clock(ClockMode::AutoAdvance(None)).start().await;
    /// assert!(sqs.clock().auto_advances() && sqs.clock().is_paused());
    /// # }
    /// ```
    pub fn auto_advances(&self) -> bool {
        self.inner.auto_advance
    }

    /// Takes the clock back to where it started (what [`FakeSqs::reset`] does to it):
    /// a paused clock to its start time, a system clock to the system's time.
    ///
    /// [`FakeSqs::reset`]: crate::FakeSqs::reset
    pub(crate) fn reset(&self) {
        self.inner.offset_nanos.store(0, Ordering::Release);
        self.notify();
    }

    /// A receiver that sees a change on every move of the clock.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }

    fn notify(&self) {
        self.inner.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    fn sleepers(&self) -> MutexGuard<'_, Sleepers> {
        self.inner
            .sleepers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Marks a request as in flight until the guard drops. An auto-advancing clock
    /// moves only while every request in flight sleeps.
    pub(crate) fn busy(&self) -> Busy {
        if !self.inner.auto_advance {
            return Busy(None);
        }
        self.sleepers().busy += 1;
        Busy(Some(self.clone()))
    }

    /// Sleeps until the clock shows `at` (epoch ms) on its own: a real timer for a clock
    /// that follows real time; forever for a paused one, which only moves when told
    /// (callers also watch [`Clock::subscribe`]). `what` names what the sleeper waits on
    /// (a queue URL), for messages about it. The sleeper counts from this call until the
    /// future is dropped.
    pub(crate) fn sleep_until(&self, at: u64, what: &str) -> impl Future<Output = ()> + Send {
        let sleeper = self.register(at, what);
        let real = self
            .inner
            .origin
            .map(|_| Duration::from_millis(at.saturating_sub(self.now_millis())));
        async move {
            let _sleeper = sleeper;
            match real {
                Some(wait) => tokio::time::sleep(wait).await,
                None => std::future::pending().await,
            }
        }
    }

    fn register(&self, at: u64, what: &str) -> Sleeper {
        let mut sleepers = self.sleepers();
        let id = sleepers.next_id;
        sleepers.next_id += 1;
        sleepers.by_wake.insert((at, id), what.to_owned());
        // Jump first: whoever sees the new count sees the clock where it will be.
        self.advance_if_idle(&sleepers);
        self.inner.sleeping.send_replace(sleepers.by_wake.len());
        Sleeper {
            clock: self.clone(),
            key: (at, id),
        }
    }

    /// With auto-advance, when every request in flight sleeps: fires the earliest
    /// sleeper's timer, moving the clock to its wake time (if it has not passed).
    /// Everyone is woken (as by any move of the clock), re-checks, and goes back to
    /// sleep if it is not its turn; the last one back to sleep brings the next jump.
    fn advance_if_idle(&self, sleepers: &Sleepers) {
        if !self.inner.auto_advance || sleepers.busy > sleepers.by_wake.len() {
            return;
        }
        let Some(&(at, _)) = sleepers.by_wake.keys().next() else {
            return;
        };
        if at > self.now_millis() {
            self.move_offset_to(at.saturating_mul(1_000_000));
        } else {
            self.notify();
        }
    }

    /// How many sleep now, and a receiver that sees every change of that number.
    pub(crate) fn sleeping(&self) -> watch::Receiver<usize> {
        self.inner.sleeping.subscribe()
    }

    /// What each sleeper waits on, earliest wake time first.
    pub(crate) fn sleeping_on(&self) -> Vec<String> {
        self.sleepers().by_wake.values().cloned().collect()
    }
}

/// A request in flight (see [`Clock::busy`]).
pub(crate) struct Busy(Option<Clock>);

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(clock) = &self.0 {
            let mut sleepers = clock.sleepers();
            sleepers.busy = sleepers.busy.saturating_sub(1);
            clock.advance_if_idle(&sleepers);
        }
    }
}

/// One sleeper (see [`Clock::sleep_until`]).
struct Sleeper {
    clock: Clock,
    key: (u64, u64),
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let mut sleepers = self.clock.sleepers();
        sleepers.by_wake.remove(&self.key);
        self.clock
            .inner
            .sleeping
            .send_replace(sleepers.by_wake.len());
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clock")
            .field("now_millis", &self.now_millis())
            .field("paused", &self.is_paused())
            .field("auto_advances", &self.auto_advances())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: u64 = 1_700_000_000;

    fn paused() -> Clock {
        Clock::new(ClockMode::Paused(Some(
            UNIX_EPOCH + Duration::from_secs(START),
        )))
    }

    #[test]
    fn paused_clock_moves_only_when_advanced() {
        let clock = paused();
        assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(START));
        clock.advance(Duration::from_micros(600));
        clock.advance(Duration::from_micros(600));
        assert_eq!(clock.now_millis(), START * 1000 + 1);
    }

    #[test]
    fn set_shows_exactly_the_time_set_even_after_sub_millisecond_steps() {
        let clock = paused();
        clock.advance(Duration::from_micros(900));
        let to = UNIX_EPOCH + Duration::from_millis(START * 1000 + 5);
        clock.set(to);
        assert_eq!(clock.now(), to);
        clock.set(to);
        assert_eq!(
            clock.now(),
            to,
            "setting the same time again changes nothing"
        );
    }

    #[test]
    #[should_panic(expected = "cannot move the fake's clock back")]
    fn set_refuses_to_go_back() {
        let clock = paused();
        clock.advance(Duration::from_secs(10));
        clock.set(UNIX_EPOCH + Duration::from_secs(START + 5));
    }

    #[test]
    fn reset_goes_back_to_the_start() {
        let clock = paused();
        clock.advance(Duration::from_secs(3600));
        clock.reset();
        assert_eq!(clock.now_millis(), START * 1000);
    }

    #[test]
    fn auto_advance_jumps_to_the_earliest_sleeper_once_all_requests_sleep() {
        let clock = Clock::new(ClockMode::AutoAdvance(Some(
            UNIX_EPOCH + Duration::from_secs(START),
        )));
        let t0 = START * 1000;
        let first = clock.busy();
        let second = clock.busy();
        let late = clock.sleep_until(t0 + 20_000, "late");
        assert_eq!(clock.now_millis(), t0, "one request is still busy");
        let early = clock.sleep_until(t0 + 5_000, "early");
        assert_eq!(
            clock.now_millis(),
            t0 + 5_000,
            "to the earliest, not further"
        );
        assert_eq!(clock.sleeping_on(), ["early", "late"]);
        drop(early);
        assert_eq!(*clock.sleeping().borrow(), 1);
        drop(late);
        drop((first, second));
        assert_eq!(clock.now_millis(), t0 + 5_000, "no sleeper: no jump");
    }

    #[test]
    fn a_paused_clock_never_moves_by_itself() {
        let clock = paused();
        let _busy = clock.busy();
        let _sleep = clock.sleep_until(START * 1000 + 5_000, "q");
        assert_eq!(clock.now_millis(), START * 1000);
    }
}
