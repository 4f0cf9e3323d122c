//! [`FakeSqsBuilder`]: every knob of a fake, with AWS's behaviour as the default.

use std::net::{SocketAddr, TcpListener};

use crate::clock::{Clock, ClockMode};
use crate::engine::attributes::AttributeLimits;
use crate::engine::{Config, Engine};
use crate::fake::FakeSqs;
use crate::server::Server;

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
    region: String,
    account_id: String,
    clock: ClockMode,
    seed: Option<u64>,
    addr: SocketAddr,
    threads: usize,
    deleted_queue_cooldown: bool,
    purge_cooldown: bool,
}

impl Default for FakeSqsBuilder {
    fn default() -> Self {
        FakeSqsBuilder {
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            clock: ClockMode::System,
            seed: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            threads: 1,
            deleted_queue_cooldown: true,
            purge_cooldown: true,
        }
    }
}

impl FakeSqsBuilder {
    /// The region of requests that do not name one in their credential scope
    /// (default `us-east-1`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// The account of requests whose access key is not a 12-digit account id
    /// (default `000000000000`).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = account_id.into();
        self
    }

    /// Whether the clock follows real time (default) or stands still until advanced.
    pub fn clock(mut self, mode: ClockMode) -> Self {
        self.clock = mode;
        self
    }

    /// Makes every generated id (MessageId, ReceiptHandle, RequestId, ...) the same
    /// from run to run for the same sequence of requests.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Runtime worker threads for the server (default 1: a current-thread runtime,
    /// the fastest to start; the standalone binary uses more).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Lets a deleted queue's name be used again at once. AWS makes you wait 60 s
    /// (`QueueDeletedRecently`), and so does the fake unless this is called.
    pub fn allow_immediate_queue_recreation(mut self) -> Self {
        self.deleted_queue_cooldown = false;
        self
    }

    /// Lets PurgeQueue run more than once a minute. AWS answers
    /// `PurgeQueueInProgress`, and so does the fake unless this is called.
    pub fn allow_repeated_purge(mut self) -> Self {
        self.purge_cooldown = false;
        self
    }

    /// Binds the port and starts serving.
    ///
    /// # Panics
    /// When the address cannot be bound, or the server thread cannot start: in a test,
    /// there is nothing better to do.
    pub async fn start(self) -> FakeSqs {
        self.start_blocking()
    }

    /// [`FakeSqsBuilder::start`] for code that is not async. Nothing in starting
    /// waits: the port is bound before this returns, and the server thread accepts from
    /// the same socket.
    pub fn start_blocking(self) -> FakeSqs {
        let listener = TcpListener::bind(self.addr)
            .unwrap_or_else(|e| panic!("Failed to bind {} for FakeSqs: {e}", self.addr));
        let addr = listener
            .local_addr()
            .expect("Failed to read the address FakeSqs is bound to");
        let clock = Clock::new(self.clock);
        let config = Config {
            default_account: self.account_id,
            default_region: self.region,
            base_url: format!("http://{addr}"),
            limits: AttributeLimits::default(),
            deleted_queue_cooldown: self.deleted_queue_cooldown,
            purge_cooldown: self.purge_cooldown,
        };
        let engine = Engine::new(clock.clone(), self.seed, config);
        let server = Server::spawn(listener, engine.clone(), self.threads)
            .expect("Failed to start the FakeSqs server thread");
        FakeSqs::new(server, engine, clock)
    }
}
