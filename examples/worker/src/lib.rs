//! A queue worker: it takes jobs from an SQS queue, runs them, and deletes the ones that
//! succeed. A job that fails is retried with exponential backoff: the worker leaves it
//! in the queue and sets its visibility timeout to the backoff, so SQS hands it out
//! again when the backoff is over. A job that keeps failing is left to the queue's
//! redrive policy, which moves it to a dead-letter queue after `maxReceiveCount`
//! receives.
//!
//! `tests/worker.rs` tests it against fake-sqs, moving the fake's clock through the
//! backoffs instead of sleeping.

use std::time::Duration;

use aws_sdk_sqs::types::{Message, MessageSystemAttributeName};
use aws_sdk_sqs::Client;

/// How long a worker's ReceiveMessage waits for a job (SQS's longest long poll).
pub const WAIT: Duration = Duration::from_secs(20);

/// The wait before a failed job is tried again: `first`, doubling on each failure, at
/// most `max`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// The wait after the first failure.
    pub first: Duration,
    /// The longest wait.
    pub max: Duration,
}

impl Backoff {
    /// The wait after a job's `attempt`-th failure (1 for the first).
    pub fn after(&self, attempt: u32) -> Duration {
        let doubled = self
            .first
            .saturating_mul(1 << attempt.saturating_sub(1).min(20));
        doubled.min(self.max)
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(1),
            max: Duration::from_secs(15 * 60),
        }
    }
}

/// What one poll did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Polled {
    /// Jobs that succeeded and were deleted.
    pub succeeded: usize,
    /// Jobs that failed and will come back after their backoff.
    pub failed: usize,
}

/// Runs the jobs of one queue with `handler`, which gets each job's body.
pub struct Worker<H> {
    client: Client,
    queue_url: String,
    handler: H,
    backoff: Backoff,
}

impl<H> Worker<H>
where
    H: Fn(&str) -> Result<(), String>,
{
    /// A worker for the queue at `queue_url`.
    pub fn new(client: Client, queue_url: impl Into<String>, handler: H) -> Self {
        Worker {
            client,
            queue_url: queue_url.into(),
            handler,
            backoff: Backoff::default(),
        }
    }

    /// The same worker with another backoff.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Runs jobs until an SQS call fails.
    pub async fn run(&self) -> Result<(), aws_sdk_sqs::Error> {
        loop {
            self.poll_once().await?;
        }
    }

    /// One long poll (up to [`WAIT`]), and the jobs it brought.
    pub async fn poll_once(&self) -> Result<Polled, aws_sdk_sqs::Error> {
        let polled = self
            .client
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(WAIT.as_secs() as i32)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await?;
        let mut outcome = Polled::default();
        for message in polled.messages() {
            match (self.handler)(message.body().unwrap_or_default()) {
                Ok(()) => {
                    self.delete(message).await?;
                    outcome.succeeded += 1;
                }
                Err(_) => {
                    self.retry_later(message).await?;
                    outcome.failed += 1;
                }
            }
        }
        Ok(outcome)
    }

    async fn delete(&self, message: &Message) -> Result<(), aws_sdk_sqs::Error> {
        self.client
            .delete_message()
            .queue_url(&self.queue_url)
            .receipt_handle(message.receipt_handle().unwrap_or_default())
            .send()
            .await?;
        Ok(())
    }

    /// Makes the job visible again after its backoff, counted from how many times it has
    /// been received.
    async fn retry_later(&self, message: &Message) -> Result<(), aws_sdk_sqs::Error> {
        let attempt = message
            .attributes()
            .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
            .and_then(|count| count.parse().ok())
            .unwrap_or(1);
        let wait = self.backoff.after(attempt);
        self.client
            .change_message_visibility()
            .queue_url(&self.queue_url)
            .receipt_handle(message.receipt_handle().unwrap_or_default())
            .visibility_timeout(wait.as_secs() as i32)
            .send()
            .await?;
        Ok(())
    }
}
