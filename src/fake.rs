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
    pub async fn start() -> FakeSqs {
        FakeSqsBuilder::default().start().await
    }

    /// A builder for a fake with other settings.
    pub fn builder() -> FakeSqsBuilder {
        FakeSqsBuilder::default()
    }

    /// `http://127.0.0.1:<port>`: what SDKs take as their endpoint URL.
    pub fn endpoint_url(&self) -> String {
        self.engine.config().base_url.clone()
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.server.addr()
    }

    /// The default region.
    pub fn region(&self) -> &str {
        &self.engine.config().default_region
    }

    /// The default account id.
    pub fn account_id(&self) -> &str {
        &self.engine.config().default_account
    }

    /// The fake's clock: read it, or move it forward.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// How many ReceiveMessage long polls are waiting for a message right now. Lets a
    /// test know a consumer is idle before it sends or moves the clock.
    pub fn waiting_receives(&self) -> usize {
        self.engine.waiting_count()
    }

    /// Every queue of every account and region, by name.
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
