//! Waiting, without sleeping, until consumers are idle in the fake.
//!
//! A test that drives a worker must know the worker's long poll is waiting before it
//! moves the clock past the poll's deadline, or the move lands before the poll and
//! does nothing. Spinning on a counter hides the bug of a worker that never polls (the
//! test hangs or passes by luck); this waits on the count itself and gives up after a
//! bound of real time with a message that says what was waiting.

use std::time::Duration;

use crate::clock::Clock;
use crate::fake::FakeSqs;

/// How long [`FakeSqs::wait_for_receivers`] waits before it panics. Generous, because
/// a loaded CI machine can take seconds to schedule a worker; a test that works never
/// waits that long.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{FakeSqs, RECEIVERS_TIMEOUT};
///
/// // The same wait as `wait_for_receivers(0)`, as a Result.
/// let sqs = FakeSqs::start().await;
/// assert!(sqs.try_wait_for_receivers(0, RECEIVERS_TIMEOUT).await.is_ok());
/// # }
/// ```
pub const RECEIVERS_TIMEOUT: Duration = Duration::from_secs(30);

/// The error of [`FakeSqs::try_wait_for_receivers`]: the count of waiting long polls
/// was not the one expected in time.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
///
/// let sqs = fake_sqs::FakeSqs::start().await;
/// let err = sqs.try_wait_for_receivers(1, Duration::from_millis(10)).await.unwrap_err();
/// assert_eq!((err.expected, err.waiting_on.len()), (1, 0));
/// assert!(err.to_string().starts_with("expected 1 long poll waiting, found 0 after 10ms"));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct ReceiversTimeout {
    /// How many waiting long polls were expected.
    pub expected: usize,
    /// The queue URL of each long poll waiting when time ran out.
    pub waiting_on: Vec<String>,
    /// How long it waited (in JSON, `after_ms`).
    #[serde(rename = "after_ms", with = "crate::serde_forms::millis")]
    pub after: Duration,
}

impl std::fmt::Display for ReceiversTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            "expected {} long poll{} waiting, found {} after {:?}",
            self.expected,
            s(self.expected),
            self.waiting_on.len(),
            self.after
        )?;
        if !self.waiting_on.is_empty() {
            write!(f, " (on {})", self.waiting_on.join(", "))?;
        }
        if self.waiting_on.len() < self.expected {
            write!(
                f,
                "; a receive waits only when it has no message to return and its \
                 WaitTimeSeconds (or the queue's ReceiveMessageWaitTimeSeconds) is above 0, \
                 and only on this fake's endpoint"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ReceiversTimeout {}

impl FakeSqs {
    /// Waits until exactly `n` ReceiveMessage long polls are waiting for a message: the
    /// moment a worker under test is idle, and a test can send to it or move the clock
    /// past its deadline. `0` waits until none is.
    ///
    /// It waits on the count itself (no polling, no sleeping) and works in any async
    /// runtime, including a tokio runtime whose time is paused: its bound is real time,
    /// kept by the fake's own server thread.
    ///
    /// # Panics
    /// After [`RECEIVERS_TIMEOUT`] (30 s) of real time without `n` waiting polls, with
    /// what was waiting; [`FakeSqs::try_wait_for_receivers`] reports it instead.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    ///
    /// // A consumer long-polls an empty queue.
    /// let poll = tokio::spawn(client.receive_message().queue_url(&url).wait_time_seconds(20).send());
    ///
    /// // Once it waits, its 20 s pass on the fake's clock and it answers, empty.
    /// sqs.wait_for_receivers(1).await;
    /// sqs.clock().advance(Duration::from_secs(20));
    /// assert!(poll.await.unwrap().unwrap().messages().is_empty());
    /// sqs.wait_for_receivers(0).await;
    /// # }
    /// ```
    pub async fn wait_for_receivers(&self, n: usize) {
        if let Err(err) = self.try_wait_for_receivers(n, RECEIVERS_TIMEOUT).await {
            panic!("FakeSqs::wait_for_receivers: {err}");
        }
    }

    /// [`FakeSqs::wait_for_receivers`] with a bound of your choosing, that reports
    /// running out of time instead of panicking.
    ///
    /// # Errors
    /// [`ReceiversTimeout`] when `n` long polls were not waiting within `timeout`.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    ///
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// assert!(sqs.try_wait_for_receivers(0, Duration::from_secs(1)).await.is_ok());
    /// # }
    /// ```
    pub async fn try_wait_for_receivers(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<(), ReceiversTimeout> {
        let clock = self.clock.clone();
        // On the server's runtime: its timer is real time, whatever the caller's is.
        let waited = self
            .server
            .runtime()
            .spawn(async move { receivers(&clock, n, timeout).await });
        waited.await.unwrap_or_else(|_| {
            Err(ReceiversTimeout {
                expected: n,
                waiting_on: self.clock.sleeping_on(),
                after: timeout,
            })
        })
    }
}

/// Waits until exactly `n` long polls sleep on `clock`, for at most `timeout` of the
/// current runtime's time (real time on the server's runtime).
pub(crate) async fn receivers(
    clock: &Clock,
    n: usize,
    timeout: Duration,
) -> Result<(), ReceiversTimeout> {
    let mut sleeping = clock.sleeping();
    if *sleeping.borrow_and_update() == n {
        return Ok(());
    }
    let reached = tokio::time::timeout(timeout, sleeping.wait_for(|count| *count == n))
        .await
        .is_ok_and(|changed| changed.is_ok());
    if reached {
        return Ok(());
    }
    Err(ReceiversTimeout {
        expected: n,
        waiting_on: clock.sleeping_on(),
        after: timeout,
    })
}
