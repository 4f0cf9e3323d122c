//! The integrity soak: concurrent producers and consumers over HTTP against one fake,
//! on a standard queue and a FIFO queue with many message groups, with a short
//! visibility timeout on a clock the workers move themselves (no sleeping). Consumers
//! sometimes skip deleting what they received, so it comes back; producers sometimes
//! send a FIFO batch a second time with the same deduplication ids, which must not
//! enqueue anything.
//!
//! A [`Checker`] watches every answer as it arrives and records a violation when:
//! - a FIFO receive skips ahead in a group (a message handed out while an earlier one
//!   of its group was neither deleted nor being deleted), or hands out a group's
//!   messages out of order;
//! - a FIFO group is handed to a second consumer while the first one's messages of it
//!   are still in flight (its visibility timeout cannot have run out yet);
//! - a message comes back after its delete succeeded;
//! - the same FIFO message (group and index) arrives under two MessageIds: a
//!   duplicate, which a resent batch must not make;
//! - a body arrives that nobody sent, or a batch answers with failures.
//!
//! At the end every message must be accounted for: each FIFO message deleted, each
//! standard message received and deleted, both queues empty. Shared by the
//! `cargo test` run (`tests/it/soak.rs`, a few thousand messages) and the benchmark
//! (`cargo bench --bench load -- soak`, a million).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, UNIX_EPOCH};

use fake_sqs::{ClockMode, FakeSqs};
use serde_json::{json, Value};

use super::client::{json_request, queue_url, Conn};

/// The shape of one soak run.
#[derive(Debug, Clone, Copy)]
pub struct Soak {
    pub standard_messages: u64,
    pub fifo_messages: u64,
    pub groups: u64,
    pub producers: u64,
    pub consumers: u64,
    /// Seconds, on both queues.
    pub visibility_timeout: u64,
    /// A consumer skips deleting (part of) what it received once in this many receives.
    pub skip_delete_one_in: u64,
    /// A producer sends a FIFO batch again, same deduplication ids, once in this many.
    pub resend_one_in: u64,
    /// Every this many receives (all consumers together, empty ones too), the clock
    /// moves one second: the only way time passes.
    pub tick_every: u64,
    /// Server runtime threads.
    pub server_threads: usize,
}

impl Soak {
    /// A run of a few thousand messages: seconds in a debug build.
    pub fn small() -> Soak {
        Soak {
            standard_messages: 1_000,
            fifo_messages: 1_000,
            groups: 40,
            producers: 4,
            consumers: 6,
            visibility_timeout: 2,
            skip_delete_one_in: 5,
            resend_one_in: 4,
            tick_every: 8,
            server_threads: 1,
        }
    }

    /// A million messages, half on each queue.
    pub fn million() -> Soak {
        Soak {
            standard_messages: 500_000,
            fifo_messages: 500_000,
            groups: 1_000,
            producers: 8,
            consumers: 16,
            visibility_timeout: 2,
            skip_delete_one_in: 20,
            resend_one_in: 10,
            tick_every: 32,
            server_threads: 2,
        }
    }
}

/// What a run did and what it found.
#[derive(Debug, Default)]
pub struct Report {
    pub messages: u64,
    pub wall: Duration,
    pub requests: u64,
    pub receives: u64,
    pub redeliveries: u64,
    pub skipped_deletes: u64,
    pub expired_deletes: u64,
    pub resent_batches: u64,
    pub virtual_seconds: u64,
    /// Messages never accounted for at the end.
    pub lost: u64,
    pub violations: Vec<String>,
}

/// Runs the soak against a fresh fake and checks everything.
pub async fn run(soak: Soak) -> Report {
    let start = UNIX_EPOCH + Duration::from_secs(1_735_689_600);
    let sqs = Arc::new(
        FakeSqs::builder()
            .clock(ClockMode::Paused(Some(start)))
            .threads(soak.server_threads)
            .seed(11)
            .start()
            .await,
    );
    let addr = sqs.address();
    let mut conn = Conn::open(addr).await;
    let vt = soak.visibility_timeout.to_string();
    for (name, fifo) in [("soak", false), ("soak.fifo", true)] {
        let mut attributes = json!({"VisibilityTimeout": vt});
        if fifo {
            attributes["FifoQueue"] = json!("true");
        }
        conn.ok(json_request(
            addr,
            "CreateQueue",
            &json!({"QueueName": name, "Attributes": attributes}),
        ))
        .await;
    }

    let shared = Arc::new(Shared {
        soak,
        sqs: sqs.clone(),
        checker: Mutex::new(Checker::new(soak)),
        producers_left: AtomicU64::new(soak.producers),
        done: AtomicBool::new(false),
        receives: AtomicU64::new(0),
        requests: AtomicU64::new(0),
        skipped: AtomicU64::new(0),
        expired: AtomicU64::new(0),
        resent: AtomicU64::new(0),
    });
    let started = Instant::now();
    let mut tasks = Vec::new();
    for p in 0..soak.producers {
        tasks.push(tokio::spawn(produce(shared.clone(), addr, p)));
    }
    for c in 0..soak.consumers {
        tasks.push(tokio::spawn(consume(shared.clone(), addr, c)));
    }
    for task in tasks {
        task.await.expect("a soak worker");
    }
    let wall = started.elapsed();

    let mut checker = shared.checker.lock().expect("checker");
    let lost = checker.lost();
    let queues = sqs.queues();
    for q in &queues {
        if q.visible + q.in_flight + q.delayed != 0 {
            checker.violation(format!(
                "{} still holds {} visible, {} in flight, {} delayed",
                q.name, q.visible, q.in_flight, q.delayed
            ));
        }
    }
    let virtual_seconds = sqs
        .clock()
        .now()
        .duration_since(start)
        .unwrap_or_default()
        .as_secs();
    Report {
        messages: soak.standard_messages + soak.fifo_messages,
        wall,
        requests: shared.requests.load(Ordering::Relaxed),
        receives: shared.receives.load(Ordering::Relaxed),
        redeliveries: checker.redeliveries,
        skipped_deletes: shared.skipped.load(Ordering::Relaxed),
        expired_deletes: shared.expired.load(Ordering::Relaxed),
        resent_batches: shared.resent.load(Ordering::Relaxed),
        virtual_seconds,
        lost,
        violations: std::mem::take(&mut checker.violations),
    }
}

struct Shared {
    soak: Soak,
    sqs: Arc<FakeSqs>,
    checker: Mutex<Checker>,
    producers_left: AtomicU64,
    done: AtomicBool,
    receives: AtomicU64,
    requests: AtomicU64,
    skipped: AtomicU64,
    expired: AtomicU64,
    resent: AtomicU64,
}

impl Shared {
    fn now_ms(&self) -> u64 {
        self.sqs
            .clock()
            .now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as u64
    }

    async fn call(&self, conn: &mut Conn, addr: SocketAddr, action: &str, body: &Value) -> Value {
        self.requests.fetch_add(1, Ordering::Relaxed);
        conn.ok(json_request(addr, action, body)).await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Checker> {
        self.checker.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A small deterministic generator per worker (xorshift), for the random choices.
struct Rng(u64);

impl Rng {
    fn one_in(&mut self, n: u64) -> bool {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        n > 0 && self.0.is_multiple_of(n)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.one_in(1);
        self.0 % n.max(1)
    }
}

/// Producer `p` sends the standard messages `n ≡ p` and the FIFO messages of the groups
/// `g ≡ p` (mod producers), in batches of ten, each group in order.
async fn produce(shared: Arc<Shared>, addr: SocketAddr, p: u64) {
    let soak = shared.soak;
    let mut conn = Conn::open(addr).await;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (p + 1));
    let standard_url = queue_url(addr, "soak");
    let fifo_url = queue_url(addr, "soak.fifo");

    let standard: Vec<u64> = (p..soak.standard_messages)
        .step_by(soak.producers as usize)
        .collect();
    for chunk in standard.chunks(10) {
        let entries: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(k, n)| json!({"Id": format!("e{k}"), "MessageBody": format!("s:{n}")}))
            .collect();
        let answer = shared
            .call(
                &mut conn,
                addr,
                "SendMessageBatch",
                &json!({"QueueUrl": standard_url, "Entries": entries}),
            )
            .await;
        shared.lock().batch_sent(&answer, chunk.len(), None);
    }

    // The FIFO messages of this producer's groups, interleaved across its groups.
    let groups: Vec<u64> = (p..soak.groups).step_by(soak.producers as usize).collect();
    let mut next: HashMap<u64, u64> = groups.iter().map(|g| (*g, 0)).collect();
    let counts: HashMap<u64, u64> = groups
        .iter()
        .map(|g| (*g, Checker::group_size(soak, *g)))
        .collect();
    let mut pending: Vec<(u64, u64)> = Vec::new();
    loop {
        pending.clear();
        for g in &groups {
            while pending.len() < 10 && next[g] < counts[g] {
                let i = next[g];
                next.insert(*g, i + 1);
                pending.push((*g, i));
                if rng.one_in(2) {
                    break;
                }
            }
        }
        if pending.is_empty() {
            break;
        }
        shared.lock().announce(&pending);
        let entries: Vec<Value> = pending
            .iter()
            .enumerate()
            .map(|(k, (g, i))| {
                json!({"Id": format!("e{k}"), "MessageBody": format!("f:{g}:{i}"),
                       "MessageGroupId": format!("g{g}"), "MessageDeduplicationId": format!("g{g}-{i}")})
            })
            .collect();
        let body = json!({"QueueUrl": fifo_url, "Entries": entries});
        let answer = shared
            .call(&mut conn, addr, "SendMessageBatch", &body)
            .await;
        let ids = shared.lock().batch_sent(&answer, pending.len(), None);
        if rng.one_in(soak.resend_one_in) {
            // The same batch again: accepted, and answered with the first ids.
            let again = shared
                .call(&mut conn, addr, "SendMessageBatch", &body)
                .await;
            shared.resent.fetch_add(1, Ordering::Relaxed);
            shared
                .lock()
                .batch_sent(&again, pending.len(), Some(ids.as_slice()));
        }
    }
    shared.producers_left.fetch_sub(1, Ordering::AcqRel);
}

/// Consumer `c` receives from both queues in turn until every message is accounted for.
async fn consume(shared: Arc<Shared>, addr: SocketAddr, c: u64) {
    let soak = shared.soak;
    let mut conn = Conn::open(addr).await;
    let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ (c + 1));
    let urls = [queue_url(addr, "soak"), queue_url(addr, "soak.fifo")];
    let mut turn = c as usize;
    while !shared.done.load(Ordering::Acquire) {
        turn += 1;
        let fifo = turn % 2 == 1;
        let url = &urls[usize::from(fifo)];
        let sent_after = shared.lock().events;
        let t0 = shared.now_ms();
        let answer = shared
            .call(
                &mut conn,
                addr,
                "ReceiveMessage",
                &json!({"QueueUrl": url, "MaxNumberOfMessages": 10}),
            )
            .await;
        let t1 = shared.now_ms();
        let n = shared.receives.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(soak.tick_every) {
            shared.sqs.clock().advance(Duration::from_secs(1));
        }
        let messages = answer["Messages"].as_array().cloned().unwrap_or_default();
        if messages.is_empty() {
            if shared.producers_left.load(Ordering::Acquire) == 0 && finished(&shared) {
                shared.done.store(true, Ordering::Release);
                break;
            }
            // Time passes only with the ticks above, empty receives included: were an
            // idle consumer to move the clock, busy ones would never finish a receive
            // and delete within one visibility timeout.
            continue;
        }
        let received: Vec<(String, String, String)> = messages
            .iter()
            .map(|m| {
                let field = |k: &str| m[k].as_str().unwrap_or_default().to_owned();
                (field("Body"), field("ReceiptHandle"), field("MessageId"))
            })
            .collect();

        // Which of them to delete: all, or (sometimes) all but a tail of a group.
        let skip = rng.one_in(soak.skip_delete_one_in);
        let to_delete = {
            let mut checker = shared.lock();
            let keep = checker.received(c, fifo, &received, sent_after, t0, t1, soak);
            if skip {
                checker.skip(
                    c,
                    fifo,
                    &received,
                    &keep,
                    rng.below(received.len() as u64) as usize,
                )
            } else {
                checker.deleting(c, fifo, &received, &keep)
            }
        };
        if skip {
            shared.skipped.fetch_add(1, Ordering::Relaxed);
        }
        if to_delete.is_empty() {
            continue;
        }
        let entries: Vec<Value> = to_delete
            .iter()
            .map(|k| json!({"Id": format!("d{k}"), "ReceiptHandle": received[*k].1}))
            .collect();
        let answer = shared
            .call(
                &mut conn,
                addr,
                "DeleteMessageBatch",
                &json!({"QueueUrl": url, "Entries": entries}),
            )
            .await;
        let failed: Vec<usize> = answer["Failed"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(|e| e["Id"].as_str()?.strip_prefix('d')?.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        shared
            .expired
            .fetch_add(failed.len() as u64, Ordering::Relaxed);
        shared
            .lock()
            .deleted(fifo, &received, &to_delete, &failed, &answer);
    }
}

/// Whether every message is accounted for and both queues are empty.
fn finished(shared: &Shared) -> bool {
    if shared.lock().lost() != 0 {
        return false;
    }
    shared
        .sqs
        .queues()
        .iter()
        .all(|q| q.visible + q.in_flight + q.delayed == 0)
}

/// One FIFO group as the checker knows it.
#[derive(Default)]
struct Group {
    /// Messages a producer has started to send (indices below this may arrive).
    announced: u64,
    /// By index: the checker event at which its delete succeeded.
    completed: Vec<Option<u64>>,
    /// By index: a delete is on its way.
    deleting: Vec<bool>,
    /// By index: the MessageId it first arrived with.
    message_ids: Vec<Option<String>>,
    /// The consumer whose messages of this group are in flight, and the earliest time
    /// (ms) their visibility can run out.
    holder: Option<(u64, u64)>,
}

impl Group {
    /// The lowest index neither deleted nor being deleted.
    fn lowest_open(&self) -> u64 {
        (0..self.completed.len())
            .find(|&i| self.completed[i].is_none() && !self.deleting[i])
            .unwrap_or(self.completed.len()) as u64
    }
}

/// The soak's bookkeeping, and the judge of every answer (see the module docs).
pub struct Checker {
    groups: Vec<Group>,
    /// Standard messages: received at least once, deleted.
    standard_received: Vec<bool>,
    standard_deleted: Vec<bool>,
    /// Bumped on every recorded delete, to order deletes against receives.
    events: u64,
    /// Messages not yet deleted (kept as a count: consumers ask often).
    open: u64,
    redeliveries: u64,
    violations: Vec<String>,
}

impl Checker {
    /// A checker for the messages `soak` sends.
    pub fn new(soak: Soak) -> Checker {
        let groups = (0..soak.groups)
            .map(|g| {
                let n = Self::group_size(soak, g) as usize;
                Group {
                    completed: vec![None; n],
                    deleting: vec![false; n],
                    message_ids: vec![None; n],
                    ..Group::default()
                }
            })
            .collect();
        Checker {
            groups,
            standard_received: vec![false; soak.standard_messages as usize],
            standard_deleted: vec![false; soak.standard_messages as usize],
            events: 0,
            open: soak.standard_messages + soak.fifo_messages,
            redeliveries: 0,
            violations: Vec::new(),
        }
    }

    /// How many FIFO messages group `g` gets.
    pub fn group_size(soak: Soak, g: u64) -> u64 {
        soak.fifo_messages / soak.groups + u64::from(g < soak.fifo_messages % soak.groups)
    }

    fn violation(&mut self, what: String) {
        if self.violations.len() < 50 {
            self.violations.push(what);
        }
    }

    /// The violations found so far.
    pub fn violations(&self) -> &[String] {
        &self.violations
    }

    /// A producer is about to send these FIFO messages.
    pub fn announce(&mut self, messages: &[(u64, u64)]) {
        for (g, i) in messages {
            let group = &mut self.groups[*g as usize];
            group.announced = group.announced.max(i + 1);
        }
    }

    /// A SendMessageBatch answered: all must succeed; a resend must answer the ids of
    /// the first send. Returns the MessageIds, in entry order.
    pub fn batch_sent(
        &mut self,
        answer: &Value,
        entries: usize,
        first: Option<&[String]>,
    ) -> Vec<String> {
        let failed = answer["Failed"].as_array().map_or(0, Vec::len);
        if failed > 0 {
            self.violation(format!("a send batch failed: {answer}"));
        }
        let mut ids = vec![String::new(); entries];
        for ok in answer["Successful"].as_array().into_iter().flatten() {
            let at = ok["Id"]
                .as_str()
                .and_then(|id| id[1..].parse::<usize>().ok())
                .filter(|k| *k < entries);
            match at {
                Some(k) => ids[k] = ok["MessageId"].as_str().unwrap_or_default().to_owned(),
                None => self.violation(format!("an unknown batch entry: {ok}")),
            }
        }
        if let Some(first) = first {
            if ids != first {
                self.violation(format!(
                    "a resent batch got new ids {ids:?}, first {first:?}"
                ));
            }
        }
        ids
    }

    /// Consumer `c` received `messages` (body, handle, MessageId) in a receive sent
    /// after checker event `sent_after`, between clock times `t0` and `t1` (ms).
    /// Returns, per message, its FIFO (group, index), or its standard number.
    #[allow(clippy::too_many_arguments)]
    pub fn received(
        &mut self,
        c: u64,
        fifo: bool,
        messages: &[(String, String, String)],
        sent_after: u64,
        t0: u64,
        t1: u64,
        soak: Soak,
    ) -> Vec<(u64, u64)> {
        let mut keys = Vec::with_capacity(messages.len());
        for (body, _, id) in messages {
            let key = parse_body(body, fifo);
            let Some((g, i)) = key else {
                self.violation(format!("a body nobody sent: {body:?}"));
                keys.push((u64::MAX, u64::MAX));
                continue;
            };
            keys.push((g, i));
            if !fifo {
                let n = i as usize;
                if n >= self.standard_received.len() {
                    self.violation(format!("a body nobody sent: {body:?}"));
                    continue;
                }
                if self.standard_received[n] {
                    self.redeliveries += 1;
                }
                self.standard_received[n] = true;
                continue;
            }
            let Some(group) = self.groups.get_mut(g as usize) else {
                self.violation(format!("a group nobody used: {body:?}"));
                continue;
            };
            if i >= group.completed.len() as u64 || i >= group.announced {
                self.violation(format!("a message before it was sent: {body:?}"));
                continue;
            }
            let mut problems = Vec::new();
            match &group.message_ids[i as usize] {
                Some(first) if first != id => {
                    problems.push(format!("duplicate: {body} as {id} and as {first}"));
                }
                Some(_) => self.redeliveries += 1,
                None => group.message_ids[i as usize] = Some(id.clone()),
            }
            if group.completed[i as usize].is_some_and(|at| at <= sent_after) {
                problems.push(format!("{body} came back after its delete succeeded"));
            }
            for p in problems {
                self.violation(p);
            }
        }
        if fifo {
            self.check_fifo_runs(c, &keys, t0, t1, soak);
        }
        keys
    }

    /// Per group: consecutive indices, starting no later than the lowest message not
    /// deleted, and a group held by one consumer at a time.
    fn check_fifo_runs(&mut self, c: u64, keys: &[(u64, u64)], t0: u64, t1: u64, soak: Soak) {
        let mut runs: Vec<(u64, Vec<u64>)> = Vec::new();
        for (g, i) in keys {
            if *g == u64::MAX {
                continue;
            }
            match runs.iter_mut().find(|(rg, _)| rg == g) {
                Some((_, run)) => run.push(*i),
                None => runs.push((*g, vec![*i])),
            }
        }
        for (g, run) in runs {
            let Some(group) = self.groups.get(g as usize) else {
                continue;
            };
            let mut problems = Vec::new();
            if run.windows(2).any(|w| w[1] != w[0] + 1) {
                problems.push(format!("group {g} out of order: {run:?}"));
            }
            let open = group.lowest_open();
            if run[0] > open {
                problems.push(format!(
                    "group {g} skipped ahead to {} while {open} was not deleted",
                    run[0]
                ));
            }
            if let Some((other, until)) = group.holder {
                if other != c && t1 < until {
                    problems.push(format!(
                        "group {g} given to consumer {c} while consumer {other} held it"
                    ));
                }
            }
            for p in problems {
                self.violation(p);
            }
            self.groups[g as usize].holder = Some((c, t0 + soak.visibility_timeout * 1000));
        }
    }

    /// Consumer `c` will delete every message it received: marks them, lets its groups go.
    pub fn deleting(
        &mut self,
        c: u64,
        fifo: bool,
        messages: &[(String, String, String)],
        keys: &[(u64, u64)],
    ) -> Vec<usize> {
        let all: Vec<usize> = (0..messages.len())
            .filter(|k| keys[*k].0 != u64::MAX)
            .collect();
        if fifo {
            for k in &all {
                let (g, i) = keys[*k];
                let group = &mut self.groups[g as usize];
                group.deleting[i as usize] = true;
                if group.holder.is_some_and(|(h, _)| h == c) {
                    group.holder = None;
                }
            }
        }
        all
    }

    /// Consumer `c` will delete only part of what it received: on a FIFO queue, each
    /// group's run up to `cut` messages (the rest stays in flight and holds the group);
    /// on a standard queue, the first `cut`.
    pub fn skip(
        &mut self,
        c: u64,
        fifo: bool,
        messages: &[(String, String, String)],
        keys: &[(u64, u64)],
        cut: usize,
    ) -> Vec<usize> {
        if !fifo {
            return (0..cut.min(messages.len())).collect();
        }
        let mut taken: HashMap<u64, usize> = HashMap::new();
        let mut out = Vec::new();
        for (k, (g, i)) in keys.iter().enumerate() {
            if *g == u64::MAX {
                continue;
            }
            let n = taken.entry(*g).or_default();
            if *n < cut {
                *n += 1;
                self.groups[*g as usize].deleting[*i as usize] = true;
                out.push(k);
            }
        }
        // A group all of whose run is being deleted is let go.
        for (g, n) in taken {
            let run = keys.iter().filter(|(kg, _)| *kg == g).count();
            let group = &mut self.groups[g as usize];
            if n == run && group.holder.is_some_and(|(h, _)| h == c) {
                group.holder = None;
            }
        }
        out
    }

    /// A DeleteMessageBatch answered: entries not in `failed` are deleted; failed ones
    /// (a handle whose visibility ran out) are not, and the message is open again.
    pub fn deleted(
        &mut self,
        fifo: bool,
        messages: &[(String, String, String)],
        sent: &[usize],
        failed: &[usize],
        answer: &Value,
    ) {
        self.events += 1;
        let event = self.events;
        for k in sent {
            let Some((g, i)) = parse_body(&messages[*k].0, fifo) else {
                continue;
            };
            let ok = !failed.contains(k);
            if !fifo {
                if ok {
                    if let Some(d) = self.standard_deleted.get_mut(i as usize) {
                        self.open -= u64::from(!*d);
                        *d = true;
                    }
                }
                continue;
            }
            let group = &mut self.groups[g as usize];
            group.deleting[i as usize] = false;
            if ok && group.completed[i as usize].is_none() {
                group.completed[i as usize] = Some(event);
                self.open -= 1;
            }
        }
        if !fifo && !failed.is_empty() {
            self.violation(format!("a standard delete failed: {answer}"));
        }
    }

    /// Messages not yet accounted for: FIFO messages not deleted, standard messages
    /// never received or never deleted.
    pub fn lost(&self) -> u64 {
        self.open
    }
}

/// `f:<group>:<index>` or `s:<n>` (as (0, n)).
fn parse_body(body: &str, fifo: bool) -> Option<(u64, u64)> {
    let mut parts = body.split(':');
    match (parts.next()?, fifo) {
        ("f", true) => Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?)),
        ("s", false) => Some((0, parts.next()?.parse().ok()?)),
        _ => None,
    }
}

/// Prints a run's figures (the benchmark's section).
pub fn print(report: &Report) {
    let secs = report.wall.as_secs_f64();
    println!(
        "## Integrity soak: {} messages (half standard, half FIFO), concurrent producers and consumers",
        report.messages
    );
    println!(
        "{:.1} s, {:.0} messages/s, {:.0} requests/s ({} requests, {} receives)",
        secs,
        report.messages as f64 / secs,
        report.requests as f64 / secs,
        report.requests,
        report.receives
    );
    println!(
        "redeliveries {}, receives with skipped deletes {}, deletes refused (visibility ran out) {}, resent FIFO batches {}, virtual time {} s",
        report.redeliveries, report.skipped_deletes, report.expired_deletes, report.resent_batches, report.virtual_seconds
    );
    println!(
        "lost {}, violations {}",
        report.lost,
        report.violations.len()
    );
    for v in &report.violations {
        println!("  {v}");
    }
}
