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
use std::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// How the fake's clock moves.
///
/// In JSON (the admin API's `POST /_fake-sqs/clock/mode`, and serde):
/// `{"mode": "system"}`, `{"mode": "paused"}` or `{"mode": "auto_advance"}`, with
/// `"start"` (RFC 3339) for a start time. As text (the binary's `--clock`, [`str::parse`]):
/// `system`, `paused` or `auto-advance`.
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

/// The names of the modes, as JSON and the command line write them.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ModeName {
    System,
    Paused,
    #[serde(alias = "auto-advance")]
    AutoAdvance,
}

/// [`ClockMode`] in JSON: `{"mode": "system"}`, `{"mode": "paused"}` or
/// `{"mode": "auto_advance"}`, with `"start"` (RFC 3339) when the mode names one.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModeJson {
    mode: ModeName,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_forms::rfc3339_opt"
    )]
    start: Option<SystemTime>,
}

impl Serialize for ClockMode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (mode, start) = match *self {
            ClockMode::System => (ModeName::System, None),
            ClockMode::Paused(start) => (ModeName::Paused, start),
            ClockMode::AutoAdvance(start) => (ModeName::AutoAdvance, start),
        };
        ModeJson { mode, start }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for ClockMode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ModeJson { mode, start } = ModeJson::deserialize(d)?;
        match mode {
            ModeName::System if start.is_some() => Err(serde::de::Error::custom(
                "a system clock has no start: it shows the system's time",
            )),
            ModeName::System => Ok(ClockMode::System),
            ModeName::Paused => Ok(ClockMode::Paused(start)),
            ModeName::AutoAdvance => Ok(ClockMode::AutoAdvance(start)),
        }
    }
}

impl std::str::FromStr for ClockMode {
    type Err = String;

    /// `system`, `paused` or `auto-advance` (also `auto_advance`), as the binary's
    /// `--clock` flag takes them; any start time is set apart.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "system" => Ok(ClockMode::System),
            "paused" => Ok(ClockMode::Paused(None)),
            "auto-advance" | "auto_advance" => Ok(ClockMode::AutoAdvance(None)),
            other => Err(format!(
                "unknown clock mode {other:?}: expected system, paused or auto-advance"
            )),
        }
    }
}

/// The error of [`Clock::try_set`]: the fake's clock only moves forward.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::{Duration, UNIX_EPOCH};
/// use fake_sqs::{ClockMode, FakeSqs};
///
/// let start = UNIX_EPOCH + Duration::from_secs(1_735_689_600);
/// let sqs = FakeSqs::builder().clock(ClockMode::Paused(Some(start))).start().await;
/// let err = sqs.clock().try_set(UNIX_EPOCH).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "cannot move the fake's clock back, from 2025-01-01T00:00:00.000Z to 1970-01-01T00:00:00.000Z"
/// );
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ClockBackwards {
    /// The time the clock shows.
    #[serde(with = "crate::serde_forms::rfc3339")]
    pub now: SystemTime,
    /// The earlier time asked for.
    #[serde(with = "crate::serde_forms::rfc3339")]
    pub to: SystemTime,
}

impl std::fmt::Display for ClockBackwards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot move the fake's clock back, from {} to {}",
            humantime::format_rfc3339_millis(self.now),
            humantime::format_rfc3339_millis(self.to),
        )
    }
}

impl std::error::Error for ClockBackwards {}

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

/// `Timebase::anchor_nanos` of a clock that does not follow real time.
const FROZEN: u64 = u64::MAX;

/// What the clock shows, as two numbers that change together: the time it showed
/// (`shown_nanos`, since the epoch) at a moment of real time (`anchor_nanos`, since
/// `Inner::base`), from which it runs with real time; or, anchored at [`FROZEN`], the
/// time it shows until told otherwise.
///
/// Every request reads the time several times and only a test or the admin API moves
/// it, so reads must cost no more than a few loads. The pair sits behind a sequence
/// lock: a writer (one at a time, under `Inner::writer`) makes `seq` odd, writes, and
/// makes it even again; a reader retries when it saw an odd `seq` or a change of it.
/// Plain atomics, so a torn read is retried, never undefined.
struct Timebase {
    seq: AtomicU64,
    shown_nanos: AtomicU64,
    anchor_nanos: AtomicU64,
}

struct Inner {
    /// The fixed moment of real time anchors are measured from.
    base: Instant,
    time: Timebase,
    /// Writers of `time` take turns. A std mutex, held for a few stores and never
    /// across an `.await`; lock order: `sleepers` before `writer`.
    writer: Mutex<()>,
    /// Jump to the earliest sleeper's wake time when nothing but sleepers is left.
    auto_advance: AtomicBool,
    /// What [`Clock::reset`] goes back to: the mode and time the clock started with.
    start: Start,
    /// Bumped on every move of the clock, so that long polls re-check their deadline.
    changed: watch::Sender<u64>,
    /// Requests in flight, sleeping or not. Counted whatever the mode, so that a clock
    /// switched to auto-advance knows about requests that started before.
    busy: AtomicUsize,
    /// The sleepers among them. A std mutex: it is held for a few map operations and
    /// never across an `.await`.
    sleepers: Mutex<Sleepers>,
    /// How many sleep now, for those who wait for a number of them.
    sleeping: watch::Sender<usize>,
}

/// The clock as it started (see `Inner::start`).
struct Start {
    shown_nanos: u64,
    follows_real_time: bool,
    auto_advance: bool,
}

#[derive(Default)]
struct Sleepers {
    /// Who sleeps until when: (wake time in epoch ms, id) → what it waits on.
    by_wake: BTreeMap<(u64, u64), String>,
    next_id: u64,
}

fn epoch_nanos(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl Clock {
    pub(crate) fn new(mode: ClockMode) -> Self {
        let (start, follows_real_time, auto_advance) = match mode {
            ClockMode::System => (None, true, false),
            ClockMode::Paused(start) => (start, false, false),
            ClockMode::AutoAdvance(start) => (start, false, true),
        };
        let shown_nanos = epoch_nanos(start.unwrap_or_else(SystemTime::now));
        Clock {
            inner: Arc::new(Inner {
                base: Instant::now(),
                time: Timebase {
                    seq: AtomicU64::new(0),
                    shown_nanos: AtomicU64::new(shown_nanos),
                    anchor_nanos: AtomicU64::new(if follows_real_time { 0 } else { FROZEN }),
                },
                writer: Mutex::new(()),
                auto_advance: AtomicBool::new(auto_advance),
                start: Start {
                    shown_nanos,
                    follows_real_time,
                    auto_advance,
                },
                changed: watch::channel(0).0,
                busy: AtomicUsize::new(0),
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
        self.now_nanos() / 1_000_000
    }

    /// The time shown, in nanoseconds since the epoch.
    fn now_nanos(&self) -> u64 {
        let (shown, anchor) = self.timebase();
        shown_at(shown, anchor, self.real_nanos())
    }

    /// Nanoseconds of real time since `Inner::base`.
    fn real_nanos(&self) -> u64 {
        u64::try_from(self.inner.base.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// `(shown_nanos, anchor_nanos)`, read consistently (see [`Timebase`]).
    fn timebase(&self) -> (u64, u64) {
        let time = &self.inner.time;
        loop {
            let before = time.seq.load(Ordering::Acquire);
            if before.is_multiple_of(2) {
                let shown = time.shown_nanos.load(Ordering::Relaxed);
                let anchor = time.anchor_nanos.load(Ordering::Relaxed);
                fence(Ordering::Acquire);
                if time.seq.load(Ordering::Relaxed) == before {
                    return (shown, anchor);
                }
            }
            std::hint::spin_loop();
        }
    }

    /// Changes the time base: `change` gets the time shown now (epoch nanos), whether
    /// it follows real time, and returns the new pair, or `None` to leave it. Wakes
    /// every long poll when the time shown changed. Returns whether it changed.
    fn rebase(&self, change: impl FnOnce(u64, bool) -> Option<(u64, bool)>) -> bool {
        let writer = self
            .inner
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let time = &self.inner.time;
        let (shown, anchor) = self.timebase();
        let real = self.real_nanos();
        let now = shown_at(shown, anchor, real);
        let Some((to, follows)) = change(now, anchor != FROZEN) else {
            return false;
        };
        time.seq.fetch_add(1, Ordering::Relaxed);
        fence(Ordering::Release);
        time.shown_nanos.store(to, Ordering::Relaxed);
        time.anchor_nanos
            .store(if follows { real } else { FROZEN }, Ordering::Relaxed);
        time.seq.fetch_add(1, Ordering::Release);
        drop(writer);
        self.notify();
        true
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
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        self.rebase(|now, follows| Some((now.saturating_add(by), follows)));
    }

    /// Moves the clock forward to `to`, and wakes every long poll as
    /// [`Clock::advance`] does. Setting the time it already shows does nothing.
    ///
    /// # Panics
    /// When `to` is earlier than [`Clock::now`]: SQS's time only moves forward, and so
    /// does the fake's (every timer it keeps counts on that). [`Clock::try_set`]
    /// reports it instead.
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
        if let Err(err) = self.try_set(to) {
            panic!("Clock::set {err}");
        }
    }

    /// [`Clock::set`] that reports a time earlier than [`Clock::now`] instead of
    /// panicking, and leaves the clock as it was.
    ///
    /// # Errors
    /// [`ClockBackwards`] when `to` is earlier than the time the clock shows.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// let start = UNIX_EPOCH + Duration::from_secs(1_735_689_600);
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(Some(start))).start().await;
    /// let err = sqs.clock().try_set(start - Duration::from_secs(1)).unwrap_err();
    /// assert_eq!(err.now, start);
    /// assert_eq!(sqs.clock().now(), start);
    /// # }
    /// ```
    pub fn try_set(&self, to: SystemTime) -> Result<(), ClockBackwards> {
        let to_nanos = epoch_nanos(to);
        let mut shown = 0;
        self.rebase(|now, follows| {
            shown = now;
            (to_nanos > now).then_some((to_nanos, follows))
        });
        // Compared in milliseconds, the clock's unit: a time within the millisecond the
        // clock shows is that time.
        if to_nanos / 1_000_000 < shown / 1_000_000 {
            return Err(ClockBackwards {
                now: UNIX_EPOCH + Duration::from_millis(shown / 1_000_000),
                to,
            });
        }
        Ok(())
    }

    /// How the clock moves now: [`ClockMode::System`], [`ClockMode::Paused`] or
    /// [`ClockMode::AutoAdvance`], without a start time (the time is [`Clock::now`]).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// assert_eq!(sqs.clock().mode(), ClockMode::System);
    /// # }
    /// ```
    pub fn mode(&self) -> ClockMode {
        if self.inner.auto_advance.load(Ordering::Acquire) {
            ClockMode::AutoAdvance(None)
        } else if self.is_paused() {
            ClockMode::Paused(None)
        } else {
            ClockMode::System
        }
    }

    /// Changes how the clock moves from now on, without moving it: a clock that
    /// followed real time stops where it is when paused, and a paused clock follows real
    /// time from where it stands. A start time in the mode moves the clock there first,
    /// as [`Clock::set`] does. Long polls are woken to re-check their deadlines.
    /// [`FakeSqs::reset`](crate::FakeSqs::reset) puts back the mode the fake started
    /// with.
    ///
    /// # Panics
    /// When the mode's start time is earlier than [`Clock::now`], as [`Clock::set`].
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.clock().set_mode(ClockMode::Paused(None));
    /// let frozen = sqs.clock().now();
    /// std::thread::sleep(Duration::from_millis(5));
    /// assert_eq!(sqs.clock().now(), frozen);
    /// # }
    /// ```
    pub fn set_mode(&self, mode: ClockMode) {
        if let Err(err) = self.try_set_mode(mode) {
            panic!("Clock::set {err}");
        }
    }

    /// [`Clock::set_mode`] that reports a start time earlier than [`Clock::now`]
    /// instead of panicking, and leaves the clock and its mode as they were.
    ///
    /// # Errors
    /// [`ClockBackwards`] when the mode's start time is earlier than now.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// let past = UNIX_EPOCH + Duration::from_secs(1_735_689_600);
    /// assert!(sqs.clock().try_set_mode(ClockMode::Paused(Some(past))).is_err());
    /// assert_eq!(sqs.clock().mode(), ClockMode::System);
    /// # }
    /// ```
    pub fn try_set_mode(&self, mode: ClockMode) -> Result<(), ClockBackwards> {
        let (start, follows, auto) = match mode {
            ClockMode::System => (None, true, false),
            ClockMode::Paused(start) => (start, false, false),
            ClockMode::AutoAdvance(start) => (start, false, true),
        };
        if let Some(start) = start {
            self.try_set(start)?;
        }
        self.rebase(|now, _| Some((now, follows)));
        self.inner.auto_advance.store(auto, Ordering::Release);
        if auto {
            // Requests may all be asleep already: nothing else would bring the jump.
            let sleepers = self.sleepers();
            self.advance_if_idle(&sleepers);
        }
        Ok(())
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
        self.timebase().1 == FROZEN
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
        self.inner.auto_advance.load(Ordering::Acquire)
    }

    /// Takes the clock back to where it started (what [`FakeSqs::reset`] does to it):
    /// its starting mode, and a paused clock to its start time, a system clock to the
    /// system's time. The one move of the clock backwards.
    ///
    /// [`FakeSqs::reset`]: crate::FakeSqs::reset
    pub(crate) fn reset(&self) {
        let start = &self.inner.start;
        let real = self.real_nanos();
        // The system's time now is the start time plus the real time since.
        let shown = match start.follows_real_time {
            true => start.shown_nanos.saturating_add(real),
            false => start.shown_nanos,
        };
        self.rebase(|_, _| Some((shown, start.follows_real_time)));
        self.inner
            .auto_advance
            .store(start.auto_advance, Ordering::Release);
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
    pub(crate) fn busy(&self) -> Busy<'_> {
        self.inner.busy.fetch_add(1, Ordering::AcqRel);
        Busy(self)
    }

    /// Sleeps until the clock shows `at` (epoch ms) on its own: a real timer for a clock
    /// that follows real time; forever for a paused one, which only moves when told
    /// (callers also watch [`Clock::subscribe`]). `what` names what the sleeper waits on
    /// (a queue URL), for messages about it. The sleeper counts from this call until the
    /// future is dropped.
    pub(crate) fn sleep_until(&self, at: u64, what: &str) -> impl Future<Output = ()> + Send {
        let sleeper = self.register(at, what);
        let real = (!self.is_paused())
            .then(|| Duration::from_millis(at.saturating_sub(self.now_millis())));
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
        if !self.auto_advances() || self.inner.busy.load(Ordering::Acquire) > sleepers.by_wake.len()
        {
            return;
        }
        let Some(&(at, _)) = sleepers.by_wake.keys().next() else {
            return;
        };
        let at = at.saturating_mul(1_000_000);
        let moved = self.rebase(|now, follows| (at > now).then_some((at, follows)));
        if !moved {
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

/// The time a clock shows at real time `real`: `shown` as it was set, plus the real
/// time since its `anchor`, unless it stands still (`FROZEN`).
fn shown_at(shown: u64, anchor: u64, real: u64) -> u64 {
    match anchor {
        FROZEN => shown,
        anchor => shown.saturating_add(real.saturating_sub(anchor)),
    }
}

/// A request in flight (see [`Clock::busy`]).
/// Borrows the clock: every request holds its service for its whole life, so no
/// reference count need move per request.
pub(crate) struct Busy<'a>(&'a Clock);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        let clock = self.0;
        clock.inner.busy.fetch_sub(1, Ordering::AcqRel);
        if clock.auto_advances() {
            let sleepers = clock.sleepers();
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
    fn modes_change_without_moving_the_clock_and_a_reset_restores_the_first() {
        let clock = paused();
        clock.advance(Duration::from_secs(10));
        clock.set_mode(ClockMode::System);
        assert_eq!(clock.mode(), ClockMode::System);
        assert!(
            clock.now_millis() >= (START + 10) * 1000,
            "it runs on from there"
        );
        clock.set_mode(ClockMode::Paused(None));
        let stopped = clock.now_millis();
        assert!(clock.is_paused() && !clock.auto_advances());
        assert_eq!(clock.now_millis(), stopped);
        clock.set_mode(ClockMode::AutoAdvance(Some(
            UNIX_EPOCH + Duration::from_secs(START + 3600),
        )));
        assert_eq!(clock.mode(), ClockMode::AutoAdvance(None));
        assert_eq!(
            clock.now_millis(),
            (START + 3600) * 1000,
            "a start time moves it"
        );
        clock.reset();
        assert_eq!(clock.mode(), ClockMode::Paused(None));
        assert_eq!(clock.now_millis(), START * 1000);
    }

    #[test]
    fn switching_to_auto_advance_jumps_when_every_request_already_sleeps() {
        let clock = paused();
        let _poll = clock.busy();
        let _sleep = clock.sleep_until(START * 1000 + 20_000, "q");
        assert_eq!(clock.now_millis(), START * 1000);
        clock.set_mode(ClockMode::AutoAdvance(None));
        assert_eq!(clock.now_millis(), START * 1000 + 20_000);
    }

    #[test]
    fn try_set_refuses_to_go_back_and_leaves_the_clock() {
        let clock = paused();
        let err = clock
            .try_set(UNIX_EPOCH + Duration::from_secs(START - 1))
            .unwrap_err();
        assert_eq!(err.now, UNIX_EPOCH + Duration::from_secs(START));
        assert_eq!(clock.now_millis(), START * 1000);
        assert!(clock.try_set(clock.now()).is_ok(), "the time it shows");
    }

    #[test]
    fn modes_read_and_write_json_as_the_admin_api_takes_them() {
        let start = UNIX_EPOCH + Duration::from_secs(START);
        for (mode, text) in [
            (ClockMode::System, r#"{"mode":"system"}"#),
            (ClockMode::Paused(None), r#"{"mode":"paused"}"#),
            (
                ClockMode::AutoAdvance(Some(start)),
                r#"{"mode":"auto_advance","start":"2023-11-14T22:13:20.000Z"}"#,
            ),
        ] {
            assert_eq!(serde_json::to_string(&mode).unwrap(), text);
            assert_eq!(serde_json::from_str::<ClockMode>(text).unwrap(), mode);
        }
        let kebab: ClockMode = serde_json::from_str(r#"{"mode":"auto-advance"}"#).unwrap();
        assert_eq!(kebab, ClockMode::AutoAdvance(None));
        assert!(serde_json::from_str::<ClockMode>(
            r#"{"mode":"system","start":"2023-11-14T22:13:20Z"}"#
        )
        .is_err());
        assert_eq!(
            "Auto-Advance".parse::<ClockMode>(),
            Ok(ClockMode::AutoAdvance(None))
        );
    }

    #[test]
    fn a_paused_clock_never_moves_by_itself() {
        let clock = paused();
        let _busy = clock.busy();
        let _sleep = clock.sleep_until(START * 1000 + 5_000, "q");
        assert_eq!(clock.now_millis(), START * 1000);
    }
}
