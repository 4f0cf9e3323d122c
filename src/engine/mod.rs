//! The queue engine: plain synchronous state behind one lock.
//!
//! Every operation is a function of (state, now, request). Before touching a queue an
//! operation settles it to the clock's `now`, so due messages become visible and old ones
//! expire without any background timer; that is what makes a paused clock exact.

pub(crate) mod attempts;
pub(crate) mod attributes;
pub(crate) mod chaos;
pub(crate) mod content;
pub(crate) mod credentials;
pub(crate) mod dead_letter;
pub(crate) mod dedup;
pub(crate) mod digest;
pub(crate) mod fifo;
pub(crate) mod groups;
pub(crate) mod handles;
pub(crate) mod initial;
pub(crate) mod key_set;
pub(crate) mod message;
pub(crate) mod move_tasks;
pub(crate) mod policy;
pub(crate) mod queue;
pub(crate) mod queues;
pub(crate) mod quotas;
pub(crate) mod receipt;
pub(crate) mod receiving;
#[cfg(feature = "durable")]
pub(crate) mod records;
pub(crate) mod redrive_policy;
pub(crate) mod sending;
pub(crate) mod slots;
pub(crate) mod store;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

use crate::clock::Clock;
use crate::error::SqsError;
use crate::ids::Ids;
use crate::rules::Rules;
use attributes::AttributeLimits;
use credentials::Credentials;
use initial::Initial;
use queue::Queue;

/// Settings the engine reads but never changes.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub default_account: String,
    pub default_region: String,
    /// `http://127.0.0.1:<port>`, or the advertised URL: what queue URLs start with in
    /// inspection, and in answers to requests that do not say which host they were sent
    /// to (see [`Config::follow_host`]).
    pub base_url: String,
    /// Queue URLs in answers follow the host each request was sent to, as AWS builds
    /// them; false when an advertised URL is set, which then wins.
    pub follow_host: bool,
    pub limits: AttributeLimits,
    /// The provider's rules (see [`Rules`]).
    pub rules: &'static Rules,
    /// Check SigV4 signatures against the credentials' secrets (strict mode).
    pub verify_signatures: bool,
    /// Credentials declared on the builder, by access key, where the provider issues
    /// none (the `Scope` credential model): each key's secret and account.
    pub declared: HashMap<String, credentials::Declared>,
    /// Wait 60 s before a deleted queue's name can be used again (AWS does).
    pub deleted_queue_cooldown: bool,
    /// Allow one PurgeQueue per queue per 60 s (AWS does).
    pub purge_cooldown: bool,
    /// Messages a queue may have in flight (AWS: 120,000).
    pub in_flight_limit: usize,
    /// The seed of generated ids, kept so that a reset starts the same stream again.
    pub seed: Option<u64>,
}

/// A batch's entries in order, by id: each a value, or the error that entry alone fails
/// with.
pub(crate) type Entries<T> = Vec<(String, Result<T, SqsError>)>;

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
    /// What a fresh engine holds, and a reset puts back.
    initial: Initial,
    /// True once the server is shutting down: long polls answer with what they have.
    closing: watch::Sender<bool>,
}

/// All queues of all accounts and regions.
#[derive(Default)]
pub(crate) struct State {
    regions: HashMap<Caller, Region>,
    next_queue_id: u64,
    /// Credentials the provider issued, and which accounts have the service activated.
    pub credentials: Credentials,
    /// Message move tasks of every dead-letter queue.
    pub move_tasks: move_tasks::MoveTasks,
    /// At-least-once chaos in force for standard queues (off unless asked for).
    pub chaos: chaos::ChaosState,
    /// Whether changes are listed for a data directory, and what was removed.
    tracking: Tracking,
}

/// Where a state stands with a data directory (`records.rs`): whether it lists its
/// changes, and what it changed that no queue holds any more.
#[derive(Default)]
struct Tracking {
    on: bool,
    #[cfg_attr(not(feature = "durable"), allow(dead_code))]
    wiped: bool,
    removed: Vec<u64>,
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
    /// The queue's internal id, from the incarnation segment of a URL whose shape has
    /// one (it changes when a name is re-created); 0, which no queue has, when the
    /// segment is not one.
    pub incarnation: Option<u64>,
}

impl Engine {
    /// An engine that holds nothing yet; [`Engine::populate`] puts `initial` in.
    pub(crate) fn new(clock: Clock, config: Config, initial: Initial) -> Self {
        Engine {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                ids: Mutex::new(Ids::new(config.seed)),
                clock,
                config,
                initial,
                closing: watch::channel(false).0,
            }),
        }
    }

    /// Puts the initial state in, as a reset does: the error of the first declared
    /// queue that cannot be created, with its index in `Initial::queues`.
    pub(crate) fn populate(&self) -> Result<(), (usize, SqsError)> {
        let now = self.now();
        self.seed(&mut self.lock(), now)
    }

    /// What a fresh engine holds.
    pub(crate) fn initial(&self) -> &Initial {
        &self.shared.initial
    }

    /// Forgets every queue, message, move task and dialect record; the clock goes back
    /// to its start and seeded ids start their stream again, so that what follows sees
    /// the fake as it was when it started, initial state included (see
    /// `initial::Initial`). Long polls waiting on the old queues find them gone.
    pub(crate) fn reset(&self) {
        let mut state = self.lock();
        // Under the state lock, so that no request sees new state with old ids or time.
        self.shared.clock.reset();
        *self.ids() = Ids::new(self.shared.config.seed);
        let mut old = std::mem::take(&mut *state);
        // A data directory keeps following the state, and forgets what was there.
        state.tracking.on = std::mem::take(&mut old.tracking.on);
        state.tracking.wiped = state.tracking.on;
        // What was created at the start is created the same way again.
        let _ = self.seed(&mut state, self.now());
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
        // The first, last and next-to-last segments, and how many there are: every
        // request names its queue, so no list of segments is built.
        let mut segments = path.split('/').filter(|s| !s.is_empty());
        let first = segments.next().unwrap_or("");
        let (mut count, mut last, mut before_last) = (usize::from(!first.is_empty()), first, "");
        for segment in segments {
            before_last = last;
            last = segment;
            count += 1;
        }
        let shape = self.shared.config.rules.url;
        let name = last.to_owned();
        let account = match count {
            0 | 1 => caller.account.clone(),
            _ => first
                .strip_prefix(shape.account_prefix)
                .unwrap_or(first)
                .to_owned(),
        };
        let incarnation = shape
            .queue_id_prefix
            .filter(|_| count >= 3)
            .map(|prefix| parse_incarnation(prefix, before_last));
        QueueRef {
            owner: Caller {
                account,
                region: caller.region.clone(),
            },
            name,
            incarnation,
        }
    }

    /// The path of the URL of the queue `name` (internal id `id`) owned by `account`:
    /// what follows the scheme and host.
    pub(crate) fn queue_path(&self, account: &str, id: u64, name: &str) -> String {
        let shape = self.shared.config.rules.url;
        let prefix = shape.account_prefix;
        match shape.queue_id_prefix {
            None => format!("/{prefix}{account}/{name}"),
            Some(id_prefix) => {
                let id = incarnation(id_prefix, id);
                format!("/{prefix}{account}/{id}/{name}")
            }
        }
    }

    /// The provider's rules.
    pub(crate) fn rules(&self) -> &'static Rules {
        self.shared.config.rules
    }

    /// The one preamble of every operation on one queue: the queue `target` names,
    /// settled to now under the lock (`QueueDoesNotExist` if there is none), given to
    /// `op`. Whatever `op` made receivable wakes the queue's long polls, after the lock
    /// is released so that they do not wake into a held lock.
    pub(crate) fn on_queue<T>(
        &self,
        target: &QueueRef,
        op: impl FnOnce(&mut Queue, u64) -> Result<T, SqsError>,
    ) -> Result<T, SqsError> {
        let now = self.now();
        let mut state = self.lock();
        let queue = state.queue_mut(target, now)?;
        let before = queue.store.readied();
        let result = op(queue, now);
        let wake = woken(queue, now, before);
        drop(state);
        if let Some(waiters) = wake {
            waiters.notify_waiters();
        }
        result
    }

    /// [`Engine::on_queue`] for an operation that reads other queues of the state too
    /// (quotas, dead-letter queues): `op` gets the whole state and looks the queue up
    /// itself.
    pub(crate) fn on_queue_in_state<T>(
        &self,
        target: &QueueRef,
        op: impl FnOnce(&mut State, u64) -> Result<T, SqsError>,
    ) -> Result<T, SqsError> {
        let now = self.now();
        let mut state = self.lock();
        let before = state.queue_mut(target, now)?.store.readied();
        let result = op(&mut state, now);
        let wake = state
            .queue_mut(target, now)
            .ok()
            .and_then(|queue| woken(queue, now, before));
        drop(state);
        if let Some(waiters) = wake {
            waiters.notify_waiters();
        }
        result
    }
}

impl State {
    /// Whether this state lists its changes for a data directory.
    pub(crate) fn tracking(&self) -> bool {
        self.tracking.on
    }

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
            .filter(|q| queue.incarnation.is_none_or(|id| id == q.id))
            .ok_or_else(SqsError::queue_does_not_exist)?;
        q.settle(now);
        Ok(q)
    }

    /// Removes the queue `target` names (whatever its incarnation), as DeleteQueue does:
    /// its name stays taken from `now`, and its move tasks go with it (tasks moving
    /// messages into it fail at their next step). The caller wakes its long polls.
    pub(crate) fn remove_queue(&mut self, target: &QueueRef, now: u64) -> Result<Queue, SqsError> {
        let region = self.region_mut(&target.owner);
        let queue = region
            .queues
            .remove(&target.name)
            .ok_or_else(SqsError::queue_does_not_exist)?;
        region.deleted_at.insert(target.name.clone(), now);
        self.move_tasks.forget_source(&queue.arn);
        if self.tracking.on {
            self.tracking.removed.push(queue.id);
        }
        Ok(queue)
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

/// The long polls to wake after an operation on `queue`: any, if a message became
/// receivable since the store counted `before` (what fell due at `now` counts: a
/// visibility timeout of 0 makes a message receivable at once).
fn woken(queue: &mut Queue, now: u64, before: u64) -> Option<Arc<tokio::sync::Notify>> {
    queue.settle(now);
    (queue.store.readied() != before).then(|| queue.waiters.clone())
}

/// The incarnation segment of a queue URL: `prefix` and 17 base-36 characters of the
/// queue's internal id (`dj6…` in the Yandex dialect), new each time a name is created.
fn incarnation(prefix: &str, id: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = [b'0'; 17];
    let mut n = id;
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 36) as usize];
        n /= 36;
    }
    format!("{prefix}{}", String::from_utf8_lossy(&out))
}

/// The internal id an incarnation segment names; 0 (no queue's) when it is not one.
fn parse_incarnation(prefix: &str, segment: &str) -> u64 {
    segment
        .strip_prefix(prefix)
        .filter(|d| d.len() == 17)
        .filter(|d| {
            d.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        })
        .and_then(|d| u64::from_str_radix(d, 36).ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn incarnations_are_distinct_and_shaped_like_yandexs() {
        let a = super::incarnation("dj6", 1);
        assert_eq!(a.len(), 20);
        assert!(a.starts_with("dj6"));
        assert_ne!(a, super::incarnation("dj6", 2));
        assert_eq!(super::parse_incarnation("dj6", &a), 1);
        assert_eq!(super::parse_incarnation("dj6", &a.to_uppercase()), 0);
        assert_eq!(super::parse_incarnation("xx6", &a), 0);
    }
}
