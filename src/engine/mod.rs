//! The queue engine: plain synchronous state behind one lock.
//!
//! Every operation is a function of (state, now, request). Before touching a queue an
//! operation settles it to the clock's `now`, so due messages become visible and old ones
//! expire without any background timer; that is what makes a paused clock exact.

pub(crate) mod attempts;
pub(crate) mod attributes;
pub(crate) mod dedup;
pub(crate) mod digest;
pub(crate) mod fifo;
pub(crate) mod groups;
pub(crate) mod message;
pub(crate) mod move_tasks;
pub(crate) mod permissions;
pub(crate) mod queue;
pub(crate) mod receipt;
pub(crate) mod redrive;
pub(crate) mod store;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

use crate::clock::Clock;
use crate::dialect::credentials::Accounts;
use crate::dialect::Dialect;
use crate::error::SqsError;
use crate::ids::Ids;
use attributes::AttributeLimits;
use queue::Queue;

/// Settings the engine reads but never changes.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub default_account: String,
    pub default_region: String,
    /// `http://127.0.0.1:<port>`: queue URLs start with it.
    pub base_url: String,
    pub limits: AttributeLimits,
    pub dialect: Dialect,
    /// Check SigV4 signatures against the credentials' secrets (Scaleway dialect).
    pub verify_signatures: bool,
    /// Wait 60 s before a deleted queue's name can be used again (AWS does).
    pub deleted_queue_cooldown: bool,
    /// Allow one PurgeQueue per queue per 60 s (AWS does).
    pub purge_cooldown: bool,
    /// Messages a queue may have in flight (AWS: 120,000).
    pub in_flight_limit: usize,
    /// The seed of generated ids, kept so that a reset starts the same stream again.
    pub seed: Option<u64>,
}

/// Who is calling, as the request's credentials say.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Caller {
    pub account: String,
    pub region: String,
}

/// A cheap handle to the shared engine.
#[derive(Clone)]
pub(crate) struct Engine {
    shared: Arc<Shared>,
}

struct Shared {
    /// A std mutex, not tokio's: no `.await` ever happens while it is held, and every
    /// critical section is short, so blocking briefly is cheaper than an async lock.
    state: Mutex<State>,
    /// Kept apart from `state` so that a request id can be drawn without the state lock.
    /// Lock order: `state` before `ids`, never the reverse.
    ids: Mutex<Ids>,
    clock: Clock,
    config: Config,
    /// True once the server is shutting down: long polls answer with what they have.
    closing: watch::Sender<bool>,
}

/// All queues of all accounts and regions.
#[derive(Default)]
pub(crate) struct State {
    regions: HashMap<Caller, Region>,
    next_queue_id: u64,
    /// Scaleway credentials and activations (Scaleway dialect only).
    pub scaleway: Accounts,
    /// Message move tasks of every dead-letter queue.
    pub move_tasks: move_tasks::MoveTasks,
}

/// The queues of one account in one region, as on AWS independent of all others.
#[derive(Default)]
pub(crate) struct Region {
    /// By name, so that ListQueues answers in name order.
    pub queues: BTreeMap<String, Queue>,
    /// When each recently deleted name was deleted (epoch ms).
    pub deleted_at: HashMap<String, u64>,
}

/// A queue as a request names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueueRef {
    pub owner: Caller,
    pub name: String,
    /// The queue-id segment of a Yandex URL, which changes when a name is re-created.
    pub queue_id: Option<String>,
}

impl Engine {
    pub(crate) fn new(clock: Clock, config: Config) -> Self {
        Engine {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                ids: Mutex::new(Ids::new(config.seed)),
                clock,
                config,
                closing: watch::channel(false).0,
            }),
        }
    }

    /// Forgets every queue, message, move task and dialect record; the clock goes back
    /// to its start and seeded ids start their stream again, so that what follows sees
    /// the fake as it was when it started. `initial` puts back what a fresh fake holds
    /// (see `builder::Initial`). Long polls waiting on the old queues find them gone.
    pub(crate) fn reset(&self, initial: impl FnOnce(&mut State, u64)) {
        let mut state = self.lock();
        // Under the state lock, so that no request sees new state with old ids or time.
        self.shared.clock.reset();
        *self.ids() = Ids::new(self.shared.config.seed);
        let old = std::mem::take(&mut *state);
        initial(&mut state, self.now());
        drop(state);
        for (_, queue) in old.all_queues() {
            queue.waiters.notify_waiters();
        }
    }

    /// Tells long polls that the server is shutting down: each answers at once with
    /// what it has (nothing), rather than being cut off without an answer.
    pub(crate) fn close(&self) {
        self.shared.closing.send_replace(true);
    }

    /// A receiver that sees [`Engine::close`].
    pub(crate) fn closing(&self) -> watch::Receiver<bool> {
        self.shared.closing.subscribe()
    }

    /// The state, locked. A panic while it was held does not take the server down: the
    /// state is still consistent at every step an operation can stop at.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn ids(&self) -> MutexGuard<'_, Ids> {
        self.shared
            .ids
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    pub(crate) fn config(&self) -> &Config {
        &self.shared.config
    }

    pub(crate) fn now(&self) -> u64 {
        self.shared.clock.now_millis()
    }

    /// Resolves a `QueueUrl` parameter: a full URL `.../<account>/<name>`, a path, or a
    /// bare queue name (AWS accepts that too).
    pub(crate) fn queue_ref(&self, caller: &Caller, url: &str) -> QueueRef {
        let path = match url.find("://") {
            Some(i) => url[i + 3..].find('/').map_or("", |j| &url[i + 3 + j..]),
            None => url,
        };
        let path = path.split(['?', '#']).next().unwrap_or("");
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let dialect = self.shared.config.dialect;
        let name = segments.last().copied().unwrap_or("").to_owned();
        let account = match segments.len() {
            0 | 1 => caller.account.clone(),
            _ => dialect.account_of_segment(segments[0]).to_owned(),
        };
        let queue_id = (dialect == Dialect::Yandex && segments.len() >= 3)
            .then(|| segments[segments.len() - 2].to_owned());
        QueueRef {
            owner: Caller {
                account,
                region: caller.region.clone(),
            },
            name,
            queue_id,
        }
    }

    /// The URL of the queue `name` (internal id `id`) owned by `account`.
    pub(crate) fn queue_url(&self, account: &str, id: u64, name: &str) -> String {
        let path = self.shared.config.dialect.queue_path(account, id, name);
        format!("{}{}", self.shared.config.base_url, path)
    }
}

impl State {
    pub(crate) fn region_mut(&mut self, caller: &Caller) -> &mut Region {
        self.regions.entry(caller.clone()).or_default()
    }

    pub(crate) fn region(&self, caller: &Caller) -> Option<&Region> {
        self.regions.get(caller)
    }

    pub(crate) fn next_queue_id(&mut self) -> u64 {
        self.next_queue_id += 1;
        self.next_queue_id
    }

    /// The queue a request names, settled to `now`; `QueueDoesNotExist` if there is none.
    /// Running move tasks catch up first, so the queue shows what they moved.
    pub(crate) fn queue_mut(&mut self, queue: &QueueRef, now: u64) -> Result<&mut Queue, SqsError> {
        self.settle_move_tasks(now);
        let q = self
            .regions
            .get_mut(&queue.owner)
            .and_then(|r| r.queues.get_mut(&queue.name))
            .filter(|q| {
                queue
                    .queue_id
                    .as_ref()
                    .is_none_or(|id| *id == crate::dialect::yandex::queue_id(q.id))
            })
            .ok_or_else(SqsError::queue_does_not_exist)?;
        q.settle(now);
        Ok(q)
    }

    /// Bytes held by all queues of one account in one region (Scaleway's storage quota).
    pub(crate) fn stored_bytes(&self, owner: &Caller) -> usize {
        self.regions
            .get(owner)
            .map_or(0, |r| r.queues.values().map(|q| q.store.bytes()).sum())
    }

    /// Every queue of every account and region (for inspection).
    pub(crate) fn all_queues(&self) -> impl Iterator<Item = (&Caller, &Queue)> {
        self.regions
            .iter()
            .flat_map(|(c, r)| r.queues.values().map(move |q| (c, q)))
    }

    /// Brings every queue to `now`, as the next SQS call would (move tasks, due timers,
    /// retention), so that inspection reads exact counts without changing anything a
    /// client could observe.
    pub(crate) fn settle_all(&mut self, now: u64) {
        self.settle_move_tasks(now);
        for region in self.regions.values_mut() {
            for queue in region.queues.values_mut() {
                queue.settle(now);
            }
        }
    }
}
