//! At-least-once chaos: the liberties AWS's documentation says a standard queue may
//! take, on purpose and seeded, so that a test can prove its consumer survives them.
//!
//! [`Chaos`] is plain data: a rate per behaviour, and a seed. The engine applies it
//! where the behaviour lives (receiving and receipt handles, `engine/chaos.rs`); FIFO
//! queues deliver exactly once and in order, and chaos never touches them.

use serde::{Deserialize, Serialize};

/// Chaos settings for standard queues: how often each at-least-once behaviour happens,
/// as a rate from 0 (never, the default) to 1 (whenever it can). Each knob is separate;
/// all draw from one random stream, seeded from [`Chaos::seed`], else from the fake's
/// [seed](crate::FakeSqsBuilder::seed), so that a seeded test sees the same liberties
/// on every run.
///
/// - `duplicates`: a receive also returns a message delivered before (by one of the
///   ten latest receives of the queue), even one that has since been deleted: the
///   duplicate delivery of at-least-once queues. Each earlier delivery is repeated at
///   most once, and only where the receive has room for it (`MaxNumberOfMessages`).
///   Its receipt handle is a new one.
/// - `short_receives`: a receive returns fewer messages than are available: a short
///   poll (`WaitTimeSeconds` 0) possibly none, as when it samples servers that hold
///   none; a long poll at least one.
/// - `out_of_order`: a receive takes messages from among the first 32 available in any
///   order, not oldest first.
/// - `stale_deletes`: a DeleteMessage (or a batch entry) with a receipt handle older
///   than the message's latest succeeds but does not delete, as AWS's documentation
///   allows ("the request succeeds, but the message might not be deleted").
///
/// What chaos did to a request is in the [journal](crate::FakeSqs::requests)
/// ([`ChaosEvent`]). In JSON (serde): `{"duplicates": 0.5, "short_receives": 0,
/// "out_of_order": 0, "stale_deletes": 0, "seed": 7}`, every field optional.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), aws_sdk_sqs::Error> {
/// use fake_sqs::{Chaos, FakeSqs};
///
/// // Every receive with room repeats an earlier delivery.
/// let sqs = FakeSqs::builder().chaos(Chaos::new().duplicates(1.0)).start().await;
/// let client = sqs.client().await;
/// let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
/// client.send_message().queue_url(&url).message_body("once").send().await?;
///
/// let first = client.receive_message().queue_url(&url).send().await?;
/// let handle = first.messages()[0].receipt_handle().unwrap();
/// client.delete_message().queue_url(&url).receipt_handle(handle).send().await?;
///
/// // Deleted, and delivered again all the same.
/// let again = client.receive_message().queue_url(&url).send().await?;
/// assert_eq!(again.messages()[0].body(), Some("once"));
/// assert_eq!(again.messages()[0].message_id(), first.messages()[0].message_id());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Chaos {
    /// How often a receive with room repeats an earlier delivery.
    pub duplicates: f64,
    /// How often a receive returns fewer messages than are available.
    pub short_receives: f64,
    /// How often a receive takes messages out of send order.
    pub out_of_order: f64,
    /// How often a delete with an older receipt handle does not delete.
    pub stale_deletes: f64,
    /// The seed of chaos's random stream; the fake's seed when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

impl Chaos {
    /// No chaos: every rate 0. Set the knobs you want.
    ///
    /// # Example
    /// ```
    /// let chaos = fake_sqs::Chaos::new();
    /// assert_eq!((chaos.duplicates, chaos.seed), (0.0, None));
    /// assert_eq!(chaos, fake_sqs::Chaos::default());
    /// ```
    pub fn new() -> Self {
        Chaos::default()
    }

    /// Sets how often (0 to 1) a receive with room also returns an earlier delivery.
    ///
    /// # Example
    /// ```
    /// let chaos = fake_sqs::Chaos::new().duplicates(0.1);
    /// assert_eq!(chaos.duplicates, 0.1);
    /// ```
    pub fn duplicates(mut self, rate: f64) -> Self {
        self.duplicates = rate;
        self
    }

    /// Sets how often (0 to 1) a receive returns fewer messages than are available.
    ///
    /// # Example
    /// ```
    /// let chaos = fake_sqs::Chaos::new().short_receives(0.5);
    /// assert_eq!(chaos.short_receives, 0.5);
    /// ```
    pub fn short_receives(mut self, rate: f64) -> Self {
        self.short_receives = rate;
        self
    }

    /// Sets how often (0 to 1) a receive takes messages out of send order.
    ///
    /// # Example
    /// ```
    /// let chaos = fake_sqs::Chaos::new().out_of_order(1.0);
    /// assert_eq!(chaos.out_of_order, 1.0);
    /// ```
    pub fn out_of_order(mut self, rate: f64) -> Self {
        self.out_of_order = rate;
        self
    }

    /// Sets how often (0 to 1) a delete with an older receipt handle succeeds without
    /// deleting.
    ///
    /// # Example
    /// ```
    /// let chaos = fake_sqs::Chaos::new().stale_deletes(1.0);
    /// assert_eq!(chaos.stale_deletes, 1.0);
    /// ```
    pub fn stale_deletes(mut self, rate: f64) -> Self {
        self.stale_deletes = rate;
        self
    }

    /// Seeds chaos's random stream (else the fake's seed is used).
    ///
    /// # Example
    /// ```
    /// let chaos = fake_sqs::Chaos::new().duplicates(0.5).seed(7);
    /// assert_eq!(chaos.seed, Some(7));
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Whether any knob is above 0.
    pub(crate) fn is_on(&self) -> bool {
        [
            self.duplicates,
            self.short_receives,
            self.out_of_order,
            self.stale_deletes,
        ]
        .iter()
        .any(|rate| *rate > 0.0)
    }
}

/// What chaos did to one request, as the [journal](crate::FakeSqs::requests) records
/// it. In JSON (serde): `{"duplicated": {"message_id": "…"}}`, `{"short_receive":
/// {"limit": 0}}`, `"out_of_order"`, `{"delete_ignored": {"message_id": "…"}}`.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), aws_sdk_sqs::Error> {
/// use fake_sqs::{Chaos, ChaosEvent, FakeSqs};
///
/// let sqs = FakeSqs::builder().chaos(Chaos::new().short_receives(1.0)).start().await;
/// let client = sqs.client().await;
/// let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
/// client.send_message().queue_url(&url).message_body("a").send().await?;
///
/// // A short poll of one available message: a short receive returns none.
/// assert!(client.receive_message().queue_url(&url).send().await?.messages().is_empty());
/// let receive = sqs.requests().last().cloned().unwrap();
/// assert_eq!(receive.chaos, [ChaosEvent::ShortReceive { limit: 0 }]);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChaosEvent {
    /// The receive also returned an earlier delivery of this message.
    Duplicated {
        /// The repeated message.
        message_id: String,
    },
    /// The receive took at most `limit` of the messages available.
    ShortReceive {
        /// How many it could take.
        limit: usize,
    },
    /// The receive took messages out of send order.
    OutOfOrder,
    /// The delete, with an older receipt handle, left this message in the queue.
    DeleteIgnored {
        /// The message not deleted.
        message_id: String,
    },
}
