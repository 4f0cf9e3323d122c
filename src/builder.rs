//! [`FakeSqsBuilder`]: every knob of a fake, with AWS's behaviour as the default.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use crate::chaos::Chaos;
use crate::clock::{Clock, ClockMode};
use crate::config::{self, ConfigError, QueueConfig};
use crate::dialect::Dialect;
use crate::engine::attributes::AttributeLimits;
use crate::engine::credentials::{Declared, Permissions};
use crate::engine::initial::{Initial, IssuedAtStart};
use crate::engine::{Caller, Config, Engine};
use crate::fake::FakeSqs;
use crate::journal::DEFAULT_JOURNAL_CAPACITY;
use crate::limits::IN_FLIGHT_LIMIT;
use crate::rules::CredentialModel;
use crate::server::connection::Timeouts;
use crate::server::Server;
use crate::service::controls::Controls;
use crate::service::Service;

/// The access key of [`FakeSqs::sdk_config`]'s credentials. Messages sent with them
/// carry [`sender_id`](crate::sender_id)`(TEST_ACCESS_KEY)` as their SenderId. In the
/// Scaleway dialect, it is the default project's credential with every permission.
///
/// # Example
/// ```
/// use aws_sdk_sqs::types::MessageSystemAttributeName as Attr;
/// use fake_sqs::{sender_id, FakeSqs, TEST_ACCESS_KEY};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), aws_sdk_sqs::Error> {
/// let sqs = FakeSqs::start().await;
/// let client = sqs.client().await;
/// let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
/// client.send_message().queue_url(&url).message_body("work").send().await?;
/// let received = client
///     .receive_message()
///     .queue_url(&url)
///     .message_system_attribute_names(Attr::SenderId)
///     .send()
///     .await?;
/// let sender = received.messages()[0].attributes().unwrap()[&Attr::SenderId].as_str();
/// assert_eq!(sender, sender_id(TEST_ACCESS_KEY));
/// # Ok(())
/// # }
/// ```
pub const TEST_ACCESS_KEY: &str = "AKIAFAKESQSTESTKEY00";

/// The secret key that goes with [`TEST_ACCESS_KEY`]: what a client that signs its own
/// requests needs, e.g. against a fake in strict mode
/// ([`FakeSqsBuilder::verify_signatures`]).
///
/// # Example
/// ```
/// use aws_sdk_sqs::config::{Credentials, Region};
/// use fake_sqs::{Dialect, FakeSqs, TEST_ACCESS_KEY, TEST_SECRET_KEY};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), aws_sdk_sqs::Error> {
/// let sqs = FakeSqs::builder().dialect(Dialect::Scaleway).verify_signatures().start().await;
/// // A client set up as production code would set it up, given the fake's endpoint.
/// let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
///     .region(Region::new("fr-par"))
///     .credentials_provider(Credentials::new(TEST_ACCESS_KEY, TEST_SECRET_KEY, None, None, "test"))
///     .build();
/// let client = aws_sdk_sqs::Client::from_conf(config);
/// client.list_queues().send().await?;
/// # Ok(())
/// # }
/// ```
pub const TEST_SECRET_KEY: &str = "fake-sqs-secret";

use crate::admin::SEGMENT as ADMIN_SEGMENT;

/// Configures and starts a [`FakeSqs`]. Start from [`FakeSqs::builder`].
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{ClockMode, FakeSqs};
///
/// let sqs = FakeSqs::builder()
///     .region("eu-west-1")
///     .account_id("123456789012")
///     .clock(ClockMode::Paused(None))
///     .seed(42)
///     .start()
///     .await;
/// assert_eq!(sqs.region(), "eu-west-1");
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct FakeSqsBuilder {
    region: Option<String>,
    account_id: Option<String>,
    dialect: Dialect,
    scaleway_credentials: Vec<(String, String, Permissions)>,
    credentials: Vec<(String, String, String)>,
    clock: ClockMode,
    seed: Option<u64>,
    addr: SocketAddr,
    advertised_url: Option<String>,
    threads: usize,
    deleted_queue_cooldown: bool,
    purge_cooldown: bool,
    verify_signatures: bool,
    in_flight_limit: usize,
    timeouts: Timeouts,
    queues: Vec<QueueConfig>,
    admin_api: bool,
    journal_capacity: usize,
    chaos: Chaos,
    #[cfg(feature = "durable")]
    data_dir: Option<std::path::PathBuf>,
}

impl Default for FakeSqsBuilder {
    fn default() -> Self {
        FakeSqsBuilder {
            region: None,
            account_id: None,
            dialect: Dialect::Aws,
            scaleway_credentials: Vec::new(),
            credentials: Vec::new(),
            clock: ClockMode::System,
            seed: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            advertised_url: None,
            threads: 1,
            deleted_queue_cooldown: true,
            purge_cooldown: true,
            verify_signatures: false,
            in_flight_limit: IN_FLIGHT_LIMIT,
            timeouts: Timeouts::default(),
            queues: Vec::new(),
            admin_api: true,
            journal_capacity: DEFAULT_JOURNAL_CAPACITY,
            chaos: Chaos::default(),
            #[cfg(feature = "durable")]
            data_dir: None,
        }
    }
}

impl FakeSqsBuilder {
    /// The region of requests that do not name one in their credential scope
    /// (default: the dialect's, `us-east-1` for AWS).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::builder().region("eu-west-1").start().await;
    /// assert_eq!(sqs.region(), "eu-west-1");
    /// # }
    /// ```
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The account of requests whose access key is not a 12-digit account id
    /// (default `000000000000`; in the Scaleway dialect, the project id; in the Yandex
    /// dialect, the folder id).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::builder().account_id("123456789012").start().await;
    /// let client = sqs.client().await;
    /// let created = client.create_queue().queue_name("jobs").send().await.unwrap();
    /// assert!(created.queue_url().unwrap().ends_with("/123456789012/jobs"));
    /// # }
    /// ```
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// Behave like another SQS provider (default [`Dialect::Aws`]).
    ///
    /// In the Scaleway dialect the default project has SQS activated and one
    /// credential with every permission, [`TEST_ACCESS_KEY`] (the one
    /// [`FakeSqs::client`] signs with), so a test can start at once.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::{Dialect, FakeSqs};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = FakeSqs::builder().dialect(Dialect::Scaleway).start().await;
    /// assert_eq!(sqs.region(), "fr-par");
    /// let client = sqs.client().await;
    /// let created = client.create_queue().queue_name("jobs").send().await.unwrap();
    /// // Scaleway's queue URLs name the project.
    /// let project = Dialect::Scaleway.default_account();
    /// assert!(created.queue_url().unwrap().ends_with(&format!("/project-{project}/jobs")));
    /// # }
    /// ```
    pub fn dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = dialect;
        self
    }

    /// Adds a Scaleway credential for the default project (Scaleway dialect).
    ///
    /// # Example
    /// ```
    /// use aws_sdk_sqs::config::Credentials;
    /// use aws_sdk_sqs::error::ProvideErrorMetadata;
    /// use fake_sqs::{Dialect, FakeSqs, Permissions};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let publish_only = Permissions { can_publish: true, ..Permissions::default() };
    /// let sqs = FakeSqs::builder()
    ///     .dialect(Dialect::Scaleway)
    ///     .scaleway_credential("SCWPUBLISHER00000000", "secret", publish_only)
    ///     .start()
    ///     .await;
    /// let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
    ///     .credentials_provider(Credentials::new("SCWPUBLISHER00000000", "secret", None, None, "test"))
    ///     .build();
    /// let publisher = aws_sdk_sqs::Client::from_conf(config);
    /// let err = publisher.create_queue().queue_name("jobs").send().await.unwrap_err();
    /// assert_eq!(err.code(), Some("AccessDenied"));
    /// # }
    /// ```
    pub fn scaleway_credential(
        mut self,
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        permissions: Permissions,
    ) -> Self {
        self.scaleway_credentials
            .push((access_key.into(), secret_key.into(), permissions));
        self
    }

    /// Declares a credential: requests signed with `access_key` act as account
    /// `account_id`, and the fake checks their signatures with `secret_key`.
    ///
    /// Declaring one turns on strict mode ([`FakeSqsBuilder::verify_signatures`]), as
    /// AWS checks every request: a key the fake does not know is refused with
    /// `InvalidClientTokenId`, a wrong signature with `SignatureDoesNotMatch`, and so are
    /// a timestamp more than 15 minutes off the fake's clock and a credential scope
    /// naming another region than the fake's. [`TEST_ACCESS_KEY`] stays known, for the
    /// default account, so [`FakeSqs::client`] keeps working. A request without any
    /// signature is anonymous: it may do only what a queue's policy grants to everyone
    /// (`"Principal": "*"`).
    ///
    /// Several credentials of several accounts let a test check who may act on whose
    /// queues: only a queue's owner, or an account its policy allows (AddPermission, or a
    /// `Policy` attribute). In the Scaleway dialect the credential is issued, with every
    /// permission, for project `account_id`, which has Queues activated.
    ///
    /// # Example
    /// ```
    /// use aws_sdk_sqs::config::Credentials;
    /// use aws_sdk_sqs::error::ProvideErrorMetadata;
    /// use fake_sqs::FakeSqs;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = FakeSqs::builder()
    ///     .credential("AKIAOWNER00000000000", "owner-secret", "111111111111")
    ///     .credential("AKIASTRANGER0000000", "stranger-secret", "222222222222")
    ///     .start()
    ///     .await;
    /// let sdk_config = sqs.sdk_config().await;
    /// let client_of = |key: &str, secret: &str| {
    ///     let config = aws_sdk_sqs::config::Builder::from(&sdk_config)
    ///         .credentials_provider(Credentials::new(key, secret, None, None, "test"))
    ///         .build();
    ///     aws_sdk_sqs::Client::from_conf(config)
    /// };
    /// let owner = client_of("AKIAOWNER00000000000", "owner-secret");
    /// let url = owner.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// assert!(url.ends_with("/111111111111/jobs"));
    ///
    /// // Another account may not touch it: no policy allows it.
    /// let stranger = client_of("AKIASTRANGER0000000", "stranger-secret");
    /// let err = stranger.purge_queue().queue_url(&url).send().await.unwrap_err();
    /// assert_eq!(err.code(), Some("AccessDenied"));
    ///
    /// // A wrong secret does not sign.
    /// let forger = client_of("AKIAOWNER00000000000", "guessed");
    /// let err = forger.list_queues().send().await.unwrap_err();
    /// assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    /// # }
    /// ```
    pub fn credential(
        mut self,
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        account_id: impl Into<String>,
    ) -> Self {
        self.credentials
            .push((access_key.into(), secret_key.into(), account_id.into()));
        self
    }

    /// Whether the clock follows real time (default) or stands still until advanced.
    ///
    /// # Example
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(Some(start))).start().await;
    /// assert_eq!(sqs.clock().now(), start);
    /// # }
    /// ```
    pub fn clock(mut self, mode: ClockMode) -> Self {
        self.clock = mode;
        self
    }

    /// Makes every generated id (MessageId, ReceiptHandle, RequestId, ...) the same
    /// from run to run for the same sequence of requests.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::FakeSqs;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let mut ids = Vec::new();
    /// for _ in 0..2 {
    ///     let sqs = FakeSqs::builder().seed(42).start().await;
    ///     let client = sqs.client().await;
    ///     let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    ///     let sent = client.send_message().queue_url(url).message_body("work").send().await.unwrap();
    ///     ids.push(sent.message_id.unwrap());
    /// }
    /// assert_eq!(ids[0], ids[1]);
    /// # }
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, an ephemeral port).
    ///
    /// # Example
    /// ```
    /// use std::net::SocketAddr;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// // Any interface (for a container), any free port.
    /// let any = SocketAddr::from(([0, 0, 0, 0], 0));
    /// let sqs = fake_sqs::FakeSqs::builder().bind(any).start().await;
    /// assert!(sqs.address().ip().is_unspecified());
    /// # }
    /// ```
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// What queue URLs start with, instead of the endpoint URL (`http://127.0.0.1:<port>`):
    /// a scheme and host, and a port if you like, such as `http://sqs.test` or the name a
    /// container is reached by. The server still listens where [`FakeSqsBuilder::bind`]
    /// says, and [`FakeSqs::endpoint_url`] still gives that address.
    ///
    /// With a fixed host, queue URLs no longer depend on the ephemeral port, so
    /// snapshots that show them (a [`FakeSqs::queues`] dump, a QueueUrl in an answer)
    /// are the same on every run. The AWS SDKs send every request to their endpoint and
    /// carry the queue URL as a parameter, so they work with any host here; a client
    /// that sends to the queue URL itself needs a host that reaches the fake.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::FakeSqs;
    ///
    /// let sqs = FakeSqs::builder().advertised_url("http://sqs.test").start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// assert_eq!(url, "http://sqs.test/000000000000/jobs");
    /// client.send_message().queue_url(&url).message_body("a").send().await.unwrap();
    /// assert_eq!(sqs.messages(&url).len(), 1);
    /// # }
    /// ```
    pub fn advertised_url(mut self, url: impl Into<String>) -> Self {
        self.advertised_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Runtime worker threads for the server (default 1: a current-thread runtime,
    /// the fastest to start; the standalone binary uses more).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// // For a load test with many connections.
    /// let sqs = fake_sqs::FakeSqs::builder().threads(4).start().await;
    /// # drop(sqs);
    /// # }
    /// ```
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Lets a deleted queue's name be used again at once. AWS makes you wait 60 s
    /// (`QueueDeletedRecently`), and so does the fake unless this is called.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::builder().allow_immediate_queue_recreation().start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// client.delete_queue().queue_url(url).send().await.unwrap();
    /// client.create_queue().queue_name("jobs").send().await.unwrap();
    /// # }
    /// ```
    pub fn allow_immediate_queue_recreation(mut self) -> Self {
        self.deleted_queue_cooldown = false;
        self
    }

    /// Lets PurgeQueue run more than once a minute. AWS answers
    /// `PurgeQueueInProgress`, and so does the fake unless this is called.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::builder().allow_repeated_purge().start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// client.purge_queue().queue_url(&url).send().await.unwrap();
    /// client.purge_queue().queue_url(&url).send().await.unwrap();
    /// # }
    /// ```
    pub fn allow_repeated_purge(mut self) -> Self {
        self.purge_cooldown = false;
        self
    }

    /// Strict mode: verify each request's SigV4 signature, in its `Authorization` header
    /// or its query string (a presigned URL), against its credential's secret, as the
    /// providers do, and reject unknown keys (`InvalidClientTokenId`), bad signatures,
    /// timestamps more than 15 minutes from the fake's clock and scopes naming another
    /// region than the credential's (`SignatureDoesNotMatch`).
    ///
    /// The credentials are the ones the fake knows: in the AWS and Yandex dialects,
    /// [`TEST_ACCESS_KEY`] and those declared with [`FakeSqsBuilder::credential`] (which
    /// turns strict mode on by itself), valid in the fake's region; in the Scaleway
    /// dialect, the credentials it issued, valid in their own region.
    ///
    /// # Example
    /// ```
    /// use aws_sdk_sqs::config::Credentials;
    /// use aws_sdk_sqs::error::ProvideErrorMetadata;
    /// use fake_sqs::{Dialect, FakeSqs, TEST_ACCESS_KEY};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = FakeSqs::builder().dialect(Dialect::Scaleway).verify_signatures().start().await;
    /// let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
    ///     .credentials_provider(Credentials::new(TEST_ACCESS_KEY, "wrong", None, None, "test"))
    ///     .build();
    /// let err = aws_sdk_sqs::Client::from_conf(config).list_queues().send().await.unwrap_err();
    /// assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    /// # }
    /// ```
    pub fn verify_signatures(mut self) -> Self {
        self.verify_signatures = true;
        self
    }

    /// Lowers (or raises) the number of messages a queue may have in flight, 120,000 on
    /// AWS. At the limit a standard queue's ReceiveMessage answers `OverLimit` and a
    /// FIFO queue's returns nothing, as on AWS; a small limit lets a test reach that
    /// without 120,000 messages.
    ///
    /// # Example
    /// ```
    /// use aws_sdk_sqs::error::ProvideErrorMetadata;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::builder().in_flight_limit(1).start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// for body in ["one", "two"] {
    ///     client.send_message().queue_url(&url).message_body(body).send().await.unwrap();
    /// }
    /// client.receive_message().queue_url(&url).send().await.unwrap();
    /// let err = client.receive_message().queue_url(&url).send().await.unwrap_err();
    /// assert_eq!(err.code(), Some("OverLimit"));
    /// # }
    /// ```
    pub fn in_flight_limit(mut self, limit: usize) -> Self {
        self.in_flight_limit = limit;
        self
    }

    /// How long a client may take to send a request's headers, counted from when it
    /// connects or sends the first byte of its next request (default 30 s). A
    /// connection that takes longer is closed.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// use fake_sqs::FakeSqs;
    ///
    /// let sqs = FakeSqs::builder()
    ///     .header_read_timeout(Duration::from_secs(5))
    ///     .body_read_timeout(Duration::from_secs(10))
    ///     .idle_timeout(Duration::from_secs(30))
    ///     .start()
    ///     .await;
    /// # drop(sqs);
    /// # }
    /// ```
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.header_read = timeout;
        self
    }

    /// How long a client may take to send a request's body once its headers are in
    /// (default 60 s). A connection that takes longer is closed.
    ///
    /// # Example
    /// ```
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// // Uploads of large batches over a slow link may take their time.
    /// let sqs = fake_sqs::FakeSqs::builder()
    ///     .body_read_timeout(Duration::from_secs(300))
    ///     .start()
    ///     .await;
    /// # drop(sqs);
    /// # }
    /// ```
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.body_read = timeout;
        self
    }

    /// How long a keep-alive connection may sit idle between requests (default 120 s,
    /// longer than SDK connection pools keep idle connections). An idle connection is
    /// closed then. A request being answered, such as a long poll, is never cut short.
    ///
    /// # Example
    /// ```
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// // Shorter than the client pool's idle time, to test how a client copes when
    /// // the server closes a pooled connection first.
    /// let sqs = fake_sqs::FakeSqs::builder().idle_timeout(Duration::from_secs(1)).start().await;
    /// let client = sqs.client().await;
    /// client.list_queues().send().await.unwrap();
    /// # }
    /// ```
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.idle = timeout;
        self
    }

    /// Declares a queue the fake creates when it starts and again after every
    /// [`FakeSqs::reset`]: with its attributes and tags, in the default account and
    /// region or another. Dead-letter queues are created before the queues that name
    /// them, whatever the order of the calls. A declaration CreateQueue would refuse
    /// makes [`FakeSqsBuilder::try_start`] fail (and [`FakeSqsBuilder::start`] panic)
    /// with a [`ConfigError`] that says which.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{FakeSqs, QueueConfig};
    ///
    /// let sqs = FakeSqs::builder()
    ///     .queue(QueueConfig::new("emails").attribute("VisibilityTimeout", "60"))
    ///     .start()
    ///     .await;
    /// let client = sqs.client().await;
    /// let url = client.get_queue_url().queue_name("emails").send().await.unwrap().queue_url.unwrap();
    /// assert_eq!(sqs.queue(&url).attributes["VisibilityTimeout"], "60");
    /// # }
    /// ```
    pub fn queue(mut self, queue: QueueConfig) -> Self {
        self.queues.push(queue);
        self
    }

    /// Declares the queues of a TOML config file, as [`FakeSqsBuilder::queue`] does:
    /// one `[[queue]]` table for each, with the fields of [`QueueConfig`]. The binary's
    /// `--config` reads the same files.
    ///
    /// ```toml
    /// [[queue]]
    /// name = "jobs"
    /// attributes = { VisibilityTimeout = 30, ReceiveMessageWaitTimeSeconds = 20 }
    /// dead_letter = { queue = "jobs-dlq", max_receive_count = 3 }
    ///
    /// [[queue]]
    /// name = "jobs-dlq"
    /// attributes = { MessageRetentionPeriod = 1209600 }
    /// ```
    ///
    /// # Errors
    /// A [`ConfigError`] with the file, line and reason when the file cannot be read,
    /// is not TOML, has a field no queue has, declares a queue twice, or names a
    /// dead-letter queue that it does not declare (or a cycle of them). Values that
    /// CreateQueue would refuse are found at start (see [`FakeSqsBuilder::queue`]).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), fake_sqs::ConfigError> {
    /// let path = std::env::temp_dir().join(format!("fake-sqs-doc-{}.toml", std::process::id()));
    /// std::fs::write(&path, "[[queue]]\nname = \"jobs\"\ndead_letter = { queue = \"jobs-dlq\", max_receive_count = 3 }\n\n[[queue]]\nname = \"jobs-dlq\"\n").unwrap();
    ///
    /// let sqs = fake_sqs::FakeSqs::builder().config_file(&path)?.start().await;
    /// let names: Vec<_> = sqs.queues().into_iter().map(|q| q.name).collect();
    /// assert_eq!(names, ["jobs", "jobs-dlq"]);
    /// # std::fs::remove_file(&path).unwrap();
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "config")]
    #[cfg_attr(docsrs, doc(cfg(feature = "config")))]
    pub fn config_file(mut self, path: impl AsRef<std::path::Path>) -> Result<Self, ConfigError> {
        self.queues
            .extend(crate::config::file::read(path.as_ref())?);
        Ok(self)
    }

    /// Keeps the fake's state in a data directory, as the command's `--data-dir` does:
    /// queues (attributes, tags, policies, recently deleted names), messages with their
    /// state (visibility, receive counts, FIFO deduplication ids, sequence numbers and
    /// groups), move tasks and a paused clock's time, in a SQLite database
    /// (`fake-sqs.sqlite3`). A fake started on the same directory later, even after its
    /// process was killed, resumes with all of it: every change an SQS request made was
    /// saved before the request was answered. A new directory is created with the
    /// declared queues; one written by another format version or another dialect is
    /// refused at start.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let dir = std::env::temp_dir().join(format!("fake-sqs-doc-data-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// let sqs = fake_sqs::FakeSqs::builder().data_dir(&dir).start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// client.send_message().queue_url(&url).message_body("kept").send().await.unwrap();
    /// drop(sqs);
    ///
    /// let again = fake_sqs::FakeSqs::builder().data_dir(&dir).start().await;
    /// assert_eq!(again.messages("jobs")[0].body, "kept");
    /// # drop(again);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # }
    /// ```
    #[cfg(feature = "durable")]
    #[cfg_attr(docsrs, doc(cfg(feature = "durable")))]
    pub fn data_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Turns the admin API off: requests under `/_fake-sqs/` then get a JSON error
    /// (404, `admin_api_disabled`) instead, and the fake is a bare SQS endpoint. The
    /// admin API (on by default) reads and moves the clock, shows queues and messages,
    /// resets, and waits for long polls over HTTP, for tests in other languages; see
    /// the README.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::builder().disable_admin_api().start().await;
    /// let answer = reqwest::get(format!("{}/_fake-sqs/clock", sqs.endpoint_url())).await.unwrap();
    /// assert_eq!(answer.status(), 404);
    /// # }
    /// ```
    pub fn disable_admin_api(mut self) -> Self {
        self.admin_api = false;
        self
    }

    /// How many requests the [journal](FakeSqs::requests) keeps: the latest `n`
    /// (default 10,000), within 64 MiB of request bodies. 0 turns the journal off
    /// (expectations still count).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::builder().journal_capacity(2).start().await;
    /// let client = sqs.client().await;
    /// for _ in 0..3 {
    ///     client.list_queues().send().await.unwrap();
    /// }
    /// let kept: Vec<u64> = sqs.requests().iter().map(|r| r.seq).collect();
    /// assert_eq!(kept, [2, 3]);
    /// # }
    /// ```
    pub fn journal_capacity(mut self, n: usize) -> Self {
        self.journal_capacity = n;
        self
    }

    /// At-least-once chaos for standard queues from the start (default: none). A
    /// [reset](FakeSqs::reset) puts this chaos back, its random stream from the start;
    /// [`FakeSqs::set_chaos`] changes it while the fake runs.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Chaos, FakeSqs};
    ///
    /// let sqs = FakeSqs::builder().seed(7).chaos(Chaos::new().out_of_order(0.5)).start().await;
    /// assert_eq!(sqs.chaos().out_of_order, 0.5);
    /// # }
    /// ```
    pub fn chaos(mut self, chaos: Chaos) -> Self {
        self.chaos = chaos;
        self
    }

    /// Binds the port and starts serving.
    ///
    /// # Panics
    /// When the address cannot be bound, the server thread cannot start, or a declared
    /// queue cannot be created ([`FakeSqsBuilder::queue`]): in a test, there is nothing
    /// better to do.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::builder().seed(7).start().await;
    /// assert!(sqs.endpoint_url().starts_with("http://127.0.0.1:"));
    /// # }
    /// ```
    pub async fn start(self) -> FakeSqs {
        self.start_blocking()
    }

    /// [`FakeSqsBuilder::start`] for code that is not async. Nothing in starting
    /// waits: the port is bound before this returns, and the server thread accepts from
    /// the same socket.
    ///
    /// It fits a `static` shared by the tests of a binary, which a plain
    /// initializer cannot start with `.await`. Each test then builds its own client on
    /// its own runtime (see [`FakeSqs::client`]).
    ///
    /// # Panics
    /// As [`FakeSqsBuilder::start`].
    ///
    /// # Example
    /// ```
    /// use std::sync::LazyLock;
    /// use fake_sqs::FakeSqs;
    ///
    /// static SQS: LazyLock<FakeSqs> = LazyLock::new(|| FakeSqs::builder().start_blocking());
    ///
    /// // In a test:
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let client = SQS.client().await;
    /// client.create_queue().queue_name("shared").send().await.unwrap();
    /// assert_eq!(SQS.queues()[0].name, "shared");
    /// # }
    /// ```
    pub fn start_blocking(self) -> FakeSqs {
        let addr = self.addr;
        self.try_start_blocking().unwrap_or_else(|e| {
            match e.get_ref().and_then(|e| e.downcast_ref::<ConfigError>()) {
                Some(config) => panic!("FakeSqs cannot start: {config}"),
                None => panic!("Failed to start FakeSqs on {addr}: {e}"),
            }
        })
    }

    /// [`FakeSqsBuilder::start`] that reports, instead of panicking, an address that
    /// cannot be bound (for a server that should say so and exit, like the binary).
    ///
    /// # Errors
    /// The I/O error of binding the address or starting the server thread; for a
    /// declared queue that cannot be created, an error of kind `InvalidData` whose
    /// inner error is the [`ConfigError`] (`err.get_ref()`).
    ///
    /// # Example
    /// ```
    /// use fake_sqs::FakeSqs;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let first = FakeSqs::start().await;
    /// // The port is taken.
    /// let second = FakeSqs::builder().bind(first.address()).try_start().await;
    /// assert_eq!(second.unwrap_err().kind(), std::io::ErrorKind::AddrInUse);
    /// # }
    /// ```
    pub async fn try_start(self) -> std::io::Result<FakeSqs> {
        self.try_start_blocking()
    }

    /// [`FakeSqsBuilder::try_start`] for code that is not async.
    ///
    /// # Errors
    /// The I/O error of binding the address or starting the server thread.
    ///
    /// # Example
    /// ```
    /// use std::net::SocketAddr;
    /// use fake_sqs::FakeSqs;
    ///
    /// // The port SQS fakes conventionally use, or any free one if it is taken.
    /// let sqs = FakeSqs::builder()
    ///     .bind(SocketAddr::from(([127, 0, 0, 1], 9324)))
    ///     .try_start_blocking()
    ///     .unwrap_or_else(|_| FakeSqs::builder().start_blocking());
    /// assert!(sqs.address().ip().is_loopback());
    /// ```
    pub fn try_start_blocking(self) -> std::io::Result<FakeSqs> {
        // A queue URL's path starts with its owner's account: the default one or a
        // declared credential's (declared queues are checked with the config).
        let accounts = self
            .account_id
            .iter()
            .chain(self.credentials.iter().map(|c| &c.2));
        if self.admin_api && accounts.into_iter().any(|a| a == ADMIN_SEGMENT) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("the account id {ADMIN_SEGMENT} is the admin API's path prefix"),
            ));
        }
        let listener = TcpListener::bind(self.addr)?;
        let addr = listener.local_addr()?;
        let (threads, timeouts, admin_api) = (self.threads, self.timeouts, self.admin_api);
        let (service, clock) = self
            .service(format!("http://{addr}"))
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let server = Server::spawn(listener, service.clone(), threads, timeouts, admin_api)?;
        Ok(FakeSqs::new(server, service, clock))
    }

    /// The service (engine and controls) and clock this builder describes, with its
    /// initial state, serving queue URLs under `base_url` (unless an advertised URL is
    /// set), without a server: the server, and in-process callers (the fuzz targets),
    /// use it. Fails when a declared queue cannot be created.
    // `mut` for a data directory's `resume`.
    #[cfg_attr(not(feature = "durable"), allow(unused_mut))]
    pub(crate) fn service(mut self, base_url: String) -> Result<(Service, Clock), ConfigError> {
        let dialect = self.dialect;
        #[cfg(feature = "durable")]
        let opened = match &self.data_dir {
            Some(dir) => {
                let opened = crate::durable::open(dir, &format!("{dialect:?}").to_lowercase())?;
                self.resume(&opened);
                Some(opened)
            }
            None => None,
        };
        let clock = Clock::new(self.clock);
        let rules = dialect.rules();
        let mut config = Config {
            default_account: self
                .account_id
                .unwrap_or_else(|| dialect.default_account().to_owned()),
            default_region: self
                .region
                .unwrap_or_else(|| dialect.default_region().to_owned()),
            follow_host: self.advertised_url.is_none(),
            base_url: self.advertised_url.unwrap_or(base_url),
            limits: AttributeLimits {
                max_message_size: rules.max_message_size,
                settable: rules.settable_attributes,
            },
            rules,
            verify_signatures: self.verify_signatures || !self.credentials.is_empty(),
            declared: HashMap::new(),
            deleted_queue_cooldown: self.deleted_queue_cooldown,
            purge_cooldown: self.purge_cooldown,
            in_flight_limit: self.in_flight_limit,
            seed: self.seed,
        };
        let controls = Arc::new(Controls::new(self.journal_capacity, config.seed));
        let mut initial = Initial {
            chaos: self.chaos,
            ..Initial::default()
        };
        let default_project = config.default_account.clone();
        match rules.credentials {
            CredentialModel::Issued => {
                let issued = |(access_key, secret_key, permissions, project)| IssuedAtStart {
                    access_key,
                    secret_key,
                    permissions,
                    project,
                };
                let test = (
                    TEST_ACCESS_KEY.to_owned(),
                    TEST_SECRET_KEY.to_owned(),
                    Permissions::all(),
                    default_project.clone(),
                );
                let builder_issued = self
                    .scaleway_credentials
                    .into_iter()
                    .map(|(k, s, p)| (k, s, p, default_project.clone()));
                let declared = self
                    .credentials
                    .into_iter()
                    .map(|(k, s, project)| (k, s, Permissions::all(), project));
                let all = std::iter::once(test).chain(builder_issued).chain(declared);
                initial.scaleway_credentials = Some(all.map(issued).collect());
            }
            CredentialModel::Scope => {
                let test = (
                    TEST_ACCESS_KEY.to_owned(),
                    TEST_SECRET_KEY.to_owned(),
                    default_project,
                );
                for (access_key, secret_key, account) in
                    std::iter::once(test).chain(self.credentials)
                {
                    config.declared.insert(
                        access_key,
                        Declared {
                            secret_key,
                            account,
                        },
                    );
                }
            }
        }
        let defaults = Caller {
            account: config.default_account.clone(),
            region: config.default_region.clone(),
        };
        let declared = config::resolve(&self.queues, &defaults, rules)?;
        let (order, queues): (Vec<usize>, Vec<_>) = declared.into_iter().unzip();
        initial.queues = queues;
        let engine = Engine::new(clock.clone(), config, initial);
        let populate = |engine: &Engine| {
            engine.populate().map_err(|(i, err)| {
                let created = &engine.initial().queues[i];
                config::creation_error(engine, &self.queues[order[i]], created, &err)
            })
        };
        #[cfg(feature = "durable")]
        let saver = match opened {
            Some(opened) => Some(opened.start(&engine, populate)?),
            None => {
                populate(&engine)?;
                None
            }
        };
        #[cfg(not(feature = "durable"))]
        let saver = {
            populate(&engine)?;
            None
        };
        let service = Service {
            engine,
            controls,
            saver,
        };
        Ok((service, clock))
    }

    /// Where a data directory's fake goes on from: a paused or auto-advancing clock at
    /// its saved time (if later than the start asked for), and seeded ids from a stream
    /// of their own for each start, so that no id repeats one already stored.
    #[cfg(feature = "durable")]
    fn resume(&mut self, opened: &crate::durable::Opened) {
        if let Some(saved) = opened.saved_time() {
            let later =
                |start: Option<std::time::SystemTime>| Some(start.map_or(saved, |s| s.max(saved)));
            self.clock = match self.clock {
                ClockMode::Paused(start) => ClockMode::Paused(later(start)),
                ClockMode::AutoAdvance(start) => ClockMode::AutoAdvance(later(start)),
                ClockMode::System => ClockMode::System,
            };
        }
        let generation = opened.generation();
        if generation > 0 {
            self.seed = self
                .seed
                .map(|seed| seed ^ generation.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
    }
}
