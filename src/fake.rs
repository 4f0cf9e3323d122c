//! [`FakeSqs`]: the handle a test holds.

use std::net::SocketAddr;

use crate::builder::FakeSqsBuilder;
use crate::clock::Clock;
use crate::engine::Engine;
use crate::inspect::{self, MessageInfo, MoveTaskInfo, QueueInfo, UnknownQueue};
use crate::server::Server;
use crate::service::controls::Controls;
use crate::service::Service;

/// A running fake SQS. Dropping it stops its server, after checking its
/// [expectations](FakeSqs::expect).
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
    pub(crate) server: Server,
    /// The engine, and the faults, journal and expectations, shared with the server.
    service: Service,
    pub(crate) clock: Clock,
}

impl FakeSqs {
    pub(crate) fn new(server: Server, service: Service, clock: Clock) -> Self {
        FakeSqs {
            server,
            service,
            clock,
        }
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.service.engine
    }

    pub(crate) fn controls(&self) -> &Controls {
        &self.service.controls
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
        format!("http://{}", self.server.addr())
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
        &self.engine().config().default_region
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
        &self.engine().config().default_account
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

    /// How many ReceiveMessage long polls are waiting for a message right now. To wait
    /// until a consumer is idle, use [`FakeSqs::wait_for_receivers`].
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// assert_eq!(sqs.waiting_receives(), 0);
    /// # }
    /// ```
    pub fn waiting_receives(&self) -> usize {
        *self.clock.sleeping().borrow()
    }

    /// Every queue of every account and region, by name (then region and account).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// for name in ["b", "a"] {
    ///     client.create_queue().queue_name(name).send().await.unwrap();
    /// }
    /// let names: Vec<_> = sqs.queues().into_iter().map(|q| q.name).collect();
    /// assert_eq!(names, ["a", "b"]);
    /// # }
    /// ```
    pub fn queues(&self) -> Vec<QueueInfo> {
        inspect::queues(self.engine(), &self.engine().config().base_url)
    }

    /// The queue with this URL (any host form of it: see [`FakeSqs::messages`]), as it
    /// stands now.
    ///
    /// # Panics
    /// When no queue has this URL, with the URLs of those there are (see
    /// [`FakeSqs::try_queue`]).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// client.send_message().queue_url(&url).message_body("a").send().await.unwrap();
    /// client.receive_message().queue_url(&url).send().await.unwrap();
    /// assert_eq!((sqs.queue(&url).visible, sqs.queue(&url).in_flight), (0, 1));
    /// # }
    /// ```
    #[track_caller]
    pub fn queue(&self, queue_url: &str) -> QueueInfo {
        self.try_queue(queue_url)
            .unwrap_or_else(|e| panic!("FakeSqs::queue: {e}"))
    }

    /// [`FakeSqs::queue`] that reports a URL naming no queue instead of panicking.
    ///
    /// # Errors
    /// [`UnknownQueue`] when no queue has this URL.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// assert!(sqs.try_queue("jobs").is_err());
    /// # }
    /// ```
    pub fn try_queue(&self, queue_url: &str) -> Result<QueueInfo, UnknownQueue> {
        inspect::queue(self.engine(), &self.engine().config().base_url, queue_url)
    }

    /// The messages of the queue with this URL, in send order, as they stand now.
    ///
    /// The URL's scheme, host and port do not matter, only its path: the URL SQS
    /// returned, the same with `localhost` or another host, or a bare queue name (of the
    /// default account) all name the queue.
    ///
    /// # Panics
    /// When no queue has this URL, with the URLs of those there are: an assertion that
    /// a queue is empty cannot pass because the URL was wrong. [`FakeSqs::try_messages`]
    /// reports it instead.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// client.send_message().queue_url(&url).message_body("a").send().await.unwrap();
    ///
    /// let local = url.replace("127.0.0.1", "localhost");
    /// assert_eq!(sqs.messages(&local)[0].body, "a");
    /// assert_eq!(sqs.messages("jobs"), sqs.messages(&url));
    /// # }
    /// ```
    #[track_caller]
    pub fn messages(&self, queue_url: &str) -> Vec<MessageInfo> {
        self.try_messages(queue_url)
            .unwrap_or_else(|e| panic!("FakeSqs::messages: {e}"))
    }

    /// [`FakeSqs::messages`] that reports a URL naming no queue instead of panicking.
    ///
    /// # Errors
    /// [`UnknownQueue`] when no queue has this URL.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// let err = sqs.try_messages("http://localhost:9324/000000000000/jobs").unwrap_err();
    /// assert_eq!(err.to_string(), "no queue of this fake has the URL \"http://localhost:9324/000000000000/jobs\"; it has no queues");
    /// # }
    /// ```
    pub fn try_messages(&self, queue_url: &str) -> Result<Vec<MessageInfo>, UnknownQueue> {
        inspect::messages(self.engine(), &self.engine().config().base_url, queue_url)
    }

    /// Every message move task (StartMessageMoveTask) of every dead-letter queue,
    /// running or finished, oldest first, brought to now as the next SQS call would
    /// bring them. A deleted source queue's tasks go with it.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// assert!(sqs.move_tasks().is_empty());
    /// # }
    /// ```
    pub fn move_tasks(&self) -> Vec<MoveTaskInfo> {
        inspect::move_tasks(self.engine())
    }

    /// Puts the fake back as it was when it started, on the same port: every queue and
    /// message of every account and region goes, and with them deleted-queue and purge
    /// cooldowns, move tasks, and the dialect's records (Scaleway credentials and
    /// activations go back to those the builder set), and the declared queues
    /// ([`FakeSqsBuilder::queue`], a config file) are created again, empty. The clock
    /// goes back to its start and its starting mode (a paused clock to its start time)
    /// and seeded ids start their stream again, so a test after a reset sees the same
    /// ids as one on a fresh fake.
    ///
    /// The test author's controls start again too: the [journal](FakeSqs::requests) is
    /// emptied, every [fault](FakeSqs::add_fault) and [expectation](FakeSqs::expect)
    /// is removed (expectations unchecked: call [`FakeSqs::verify`] before), and chaos
    /// goes back to the builder's ([`FakeSqsBuilder::chaos`], none by default), its
    /// random stream from the start, like the ids'.
    ///
    /// Long polls still waiting on a queue that is gone answer
    /// `AWS.SimpleQueueService.NonExistentQueue`, as after DeleteQueue. Reset between
    /// tests, when no request is in flight.
    ///
    /// This is what makes one fake per test binary work: a `static` started with
    /// [`FakeSqsBuilder::start_blocking`], and tests that reset it. Tests in one binary
    /// run in parallel, so those that reset must take turns (below, with a lock); tests
    /// that only use queues of their own names can share the fake without either.
    ///
    /// # Example
    /// ```
    /// use std::sync::LazyLock;
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// // One fake for the whole test binary, started on first use. Its server has its
    /// // own thread, so it outlives every test's runtime.
    /// static SQS: LazyLock<FakeSqs> =
    ///     LazyLock::new(|| FakeSqs::builder().clock(ClockMode::Paused(None)).seed(7).start_blocking());
    /// // Tests that reset it take turns.
    /// static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    ///
    /// // #[tokio::test]
    /// async fn a_test() -> String {
    ///     let _turn = TURN.lock().await;
    ///     SQS.reset();
    ///     let client = SQS.client().await;
    ///     let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    ///     let sent = client.send_message().queue_url(&url).message_body("a").send().await.unwrap();
    ///     assert_eq!(SQS.queues().len(), 1, "only this test's queue");
    ///     sent.message_id.unwrap()
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// // Each test sees the fake as new: even the seeded MessageIds repeat.
    /// assert_eq!(a_test().await, a_test().await);
    /// # }
    /// ```
    ///
    /// [`FakeSqsBuilder::start_blocking`]: crate::FakeSqsBuilder::start_blocking
    /// [`FakeSqsBuilder::chaos`]: crate::FakeSqsBuilder::chaos
    pub fn reset(&self) {
        // Everything the fake remembers is cleared in one place, which the admin API's
        // `POST /_fake-sqs/reset` calls too: the engine's state (chaos included, which
        // lives there), then the controls beside it.
        self.service.reset();
    }
}

impl Drop for FakeSqs {
    fn drop(&mut self) {
        self.verify_on_drop();
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
