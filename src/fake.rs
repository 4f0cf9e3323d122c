//! [`FakeSqs`]: the handle a test holds.

use std::net::SocketAddr;

use crate::builder::FakeSqsBuilder;
use crate::clock::Clock;
use crate::engine::Engine;
use crate::inspect::{message_info, MessageInfo, QueueInfo};
use crate::server::Server;

/// A running fake SQS. Dropping it stops its server.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::FakeSqs;
///
/// let sqs = FakeSqs::start().await;
/// let client = sqs.client().await;
/// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
/// client.send_message().queue_url(&url).message_body("hello").send().await.unwrap();
/// assert_eq!(sqs.messages(&url)[0].body, "hello");
/// # }
/// ```
pub struct FakeSqs {
    server: Server,
    engine: Engine,
    clock: Clock,
}

impl FakeSqs {
    pub(crate) fn new(server: Server, engine: Engine, clock: Clock) -> Self {
        FakeSqs {
            server,
            engine,
            clock,
        }
    }

    /// Starts a fake with AWS's defaults on an ephemeral loopback port, with fresh state.
    ///
    /// # Panics
    /// When no loopback port can be bound (see [`FakeSqsBuilder::try_start`]).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// assert_eq!((sqs.region(), sqs.account_id()), ("us-east-1", "000000000000"));
    /// assert!(sqs.queues().is_empty());
    /// # }
    /// ```
    pub async fn start() -> FakeSqs {
        FakeSqsBuilder::default().start().await
    }

    /// A builder for a fake with other settings.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).seed(7).start().await;
    /// assert!(sqs.clock().is_paused());
    /// # }
    /// ```
    pub fn builder() -> FakeSqsBuilder {
        FakeSqsBuilder::default()
    }

    /// `http://127.0.0.1:<port>`: what SDKs take as their endpoint URL.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// // For a client built elsewhere, or a process the test starts.
    /// let mut worker = std::process::Command::new("worker");
    /// worker.env("AWS_ENDPOINT_URL_SQS", sqs.endpoint_url());
    /// assert_eq!(sqs.endpoint_url(), format!("http://{}", sqs.address()));
    /// # }
    /// ```
    pub fn endpoint_url(&self) -> String {
        self.engine.config().base_url.clone()
    }

    /// The address the server listens on.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// let stream = std::net::TcpStream::connect(sqs.address()).unwrap();
    /// assert!(stream.peer_addr().unwrap().ip().is_loopback());
    /// # }
    /// ```
    pub fn address(&self) -> SocketAddr {
        self.server.addr()
    }

    /// The default region.
    ///
    /// The region of requests whose credential scope names none; requests that name
    /// one use theirs (each region has its own queues, as on AWS).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::builder().region("eu-west-1").start().await;
    /// assert_eq!(sqs.region(), "eu-west-1");
    /// # }
    /// ```
    pub fn region(&self) -> &str {
        &self.engine.config().default_region
    }

    /// The default account id.
    ///
    /// The account of requests whose access key is not a 12-digit account id.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// assert!(url.contains(sqs.account_id()));
    /// # }
    /// ```
    pub fn account_id(&self) -> &str {
        &self.engine.config().default_account
    }

    /// The fake's clock: read it, or move it forward.
    ///
    /// # Example
    /// ```
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// let before = sqs.clock().now();
    /// sqs.clock().advance(Duration::from_secs(60));
    /// assert!(sqs.clock().now().duration_since(before).unwrap() >= Duration::from_secs(60));
    /// # }
    /// ```
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// How many ReceiveMessage long polls are waiting for a message right now. Lets a
    /// test know a consumer is idle before it sends or moves the clock.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// let poll = client.receive_message().queue_url(&url).wait_time_seconds(20).send();
    /// let poll = tokio::spawn(poll);
    ///
    /// // Wait until the poll waits, then send: the message wakes it.
    /// while sqs.waiting_receives() == 0 {
    ///     tokio::task::yield_now().await;
    /// }
    /// client.send_message().queue_url(&url).message_body("work").send().await.unwrap();
    /// assert_eq!(poll.await.unwrap().unwrap().messages()[0].body(), Some("work"));
    /// assert_eq!(sqs.waiting_receives(), 0);
    /// # }
    /// ```
    pub fn waiting_receives(&self) -> usize {
        self.engine.waiting_count()
    }

    /// Every queue of every account and region, by name.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// for name in ["b", "a.fifo"] {
    ///     let fifo = name.ends_with(".fifo").then(|| "true");
    ///     let mut create = client.create_queue().queue_name(name);
    ///     if let Some(fifo) = fifo {
    ///         create = create.attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, fifo);
    ///     }
    ///     create.send().await.unwrap();
    /// }
    /// let queues = sqs.queues();
    /// assert_eq!(queues.iter().map(|q| q.name.as_str()).collect::<Vec<_>>(), ["a.fifo", "b"]);
    /// assert!(queues[0].fifo);
    /// # }
    /// ```
    pub fn queues(&self) -> Vec<QueueInfo> {
        let now = self.clock.now_millis();
        let mut state = self.engine.lock();
        state.settle_all(now);
        let mut all: Vec<QueueInfo> = state
            .all_queues()
            .map(|(owner, q)| QueueInfo {
                name: q.name.clone(),
                url: q.url.clone(),
                arn: q.arn.clone(),
                account_id: owner.account.clone(),
                region: owner.region.clone(),
                fifo: q.is_fifo(),
                visible: q.store.visible(),
                in_flight: q.store.in_flight(),
                delayed: q.store.delayed(),
            })
            .collect();
        all.sort_by(|a, b| (&a.name, &a.region).cmp(&(&b.name, &b.region)));
        all
    }

    /// The messages of the queue with this URL, in send order, as they stand now.
    /// Empty when there is no such queue.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::MessageState;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// client.send_message().queue_url(&url).message_body("now").send().await.unwrap();
    /// client.send_message().queue_url(&url).message_body("later").delay_seconds(60).send().await.unwrap();
    ///
    /// let messages = sqs.messages(&url);
    /// assert_eq!(messages[0].body, "now");
    /// assert_eq!(messages[0].state, MessageState::Visible);
    /// assert!(matches!(messages[1].state, MessageState::Delayed { .. }));
    /// # }
    /// ```
    pub fn messages(&self, queue_url: &str) -> Vec<MessageInfo> {
        let now = self.clock.now_millis();
        let mut state = self.engine.lock();
        state.settle_all(now);
        let default_region = self.region();
        let mut candidates: Vec<_> = state
            .all_queues()
            .filter(|(_, q)| q.url == queue_url)
            .collect();
        candidates.sort_by_key(|(owner, _)| owner.region != default_region);
        let Some((_, queue)) = candidates.first() else {
            return Vec::new();
        };
        queue
            .store
            .peek()
            .into_iter()
            .map(|(m, status)| message_info(&m, status))
            .collect()
    }
}

impl std::fmt::Debug for FakeSqs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeSqs")
            .field("endpoint_url", &self.endpoint_url())
            .field("clock", &self.clock)
            .finish()
    }
}
