//! The command with a data directory under `kill -9` (issue 18). Producers and
//! consumers work a standard and a FIFO queue over HTTP while the test kills the server
//! with SIGKILL several times and restarts it on the same directory; at the end nothing
//! acknowledged may have been lost or undone.
//!
//! The kills fall after a pseudo-random number of acknowledged operations (a seeded
//! generator; `FAKE_SQS_CRASH_SEED` picks another run), not after a time, so a slow
//! machine moves them no less than a fast one. The clock is paused: a message in flight
//! stays in flight across restarts until the test moves the clock at the end.
//!
//! What the test holds the fake to, from the requests' answers alone:
//! - every acknowledged send is received, and both queues end empty, also after one
//!   more crash;
//! - a message is received at most once before the clock moves (an acknowledged
//!   receive's in-flight state survives every crash);
//! - a message whose delete was acknowledged is not received again;
//! - FIFO: a retried send (same deduplication id, across crashes) is one message; the
//!   messages of a group are delivered in the order they were sent, and a later one
//!   only once the earlier ones' deletes were asked for (or in the same batch after
//!   them), which is what "deletes in send order" can mean for concurrent consumers;
//! - no request is refused: an error answer in this run is the fake's failure.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::watch;

use crate::support::{spawn_binary, KillOnDrop};

const STANDARD: &str = "crash-standard";
const FIFO: &str = "crash-fifo.fifo";
const STANDARD_PRODUCERS: usize = 2;
/// Per standard producer.
const STANDARD_MESSAGES: usize = 300;
/// One producer per group: a group's sends are then in one order, acknowledged one by
/// one.
const GROUPS: usize = 4;
const GROUP_MESSAGES: usize = 100;
/// Per queue.
const CONSUMERS: usize = 3;
const KILLS: usize = 5;
/// Acknowledged operations between two kills, drawn from this range. Five gaps of at
/// most 190 stay below the 1,000 acknowledged sends alone, so every kill falls while
/// the producers still run.
const KILL_GAP: std::ops::RangeInclusive<u64> = 40..=190;
const DEFAULT_SEED: u64 = 18;
/// How many empty receives in a row make a queue drained.
const EMPTY_IN_A_ROW: usize = 3;
/// Beyond this the test has hung (a worker waiting for a restart that never comes):
/// a bound on the whole run, not a wait.
const BOUND: Duration = Duration::from_secs(180);

/// Producers and consumers against a server killed five times; see the module comment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_changes_survive_kill_9() {
    let started = Instant::now();
    let seed = std::env::var("FAKE_SQS_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let dir = DataDir::new();
    let summary = tokio::time::timeout(BOUND, run(&dir, seed))
        .await
        .unwrap_or_else(|_| panic!("the crash test did not finish within {BOUND:?} (seed {seed})"));
    println!(
        "crash test, seed {seed}: {summary}; {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// The whole run: work under kills, drain, one more crash, then the checks.
async fn run(dir: &DataDir, seed: u64) -> String {
    let (server, url) = start(dir).await;
    let (endpoints_tx, endpoints) = watch::channel(Endpoint { generation: 0, url });
    let client = Client::new(endpoints);
    let shared = Arc::new(Shared::default());
    create_queues(&client).await;

    let (stop_tx, stop) = watch::channel(false);
    let mut producers = Vec::new();
    for p in 0..STANDARD_PRODUCERS {
        let messages = (0..STANDARD_MESSAGES)
            .map(|i| (format!("standard-{p}-{i}"), None))
            .collect();
        producers.push(tokio::spawn(produce(
            client.clone(),
            shared.clone(),
            STANDARD,
            messages,
        )));
    }
    for g in 0..GROUPS {
        let messages = (0..GROUP_MESSAGES)
            .map(|i| (fifo_body(g, i), Some(group_id(g))))
            .collect();
        producers.push(tokio::spawn(produce(
            client.clone(),
            shared.clone(),
            FIFO,
            messages,
        )));
    }
    let mut consumers = Vec::new();
    for queue in [STANDARD, FIFO] {
        for _ in 0..CONSUMERS {
            consumers.push(tokio::spawn(consume(
                client.clone(),
                shared.clone(),
                queue,
                stop.clone(),
            )));
        }
    }

    let mut server = server;
    let mut random = SplitMix(seed);
    let mut kill_at = 0;
    let mut acks = shared.acks.subscribe();
    let mut kills = Vec::new();
    // Producers end early only when they give up (their sends refused): then the
    // checks say why, instead of the test waiting for acknowledgements that never come.
    let producing = async move {
        for producer in producers {
            producer.await.expect("a producer ran to its end");
        }
    };
    tokio::pin!(producing);
    let mut produced = false;
    for generation in 1..=KILLS as u32 {
        kill_at += random.within(&KILL_GAP);
        tokio::select! {
            counted = acks.wait_for(|n| *n >= kill_at) => { counted.expect("acks counted"); }
            () = &mut producing => {
                produced = true;
                break;
            }
        }
        kills.push(*acks.borrow());
        server = restart(server, dir, &endpoints_tx, generation).await;
    }
    if !produced {
        producing.await;
    }
    stop_tx.send_replace(true);
    for consumer in consumers {
        consumer.await.expect("a consumer ran to its end");
    }
    // Consumers stopped in the middle of a long poll leave it waiting in the server,
    // where it could take messages once the clock moves; a crash ends those too.
    let mut generation = KILLS as u32 + 1;
    server = restart(server, dir, &endpoints_tx, generation).await;

    advance_clock(&client).await;
    for queue in [STANDARD, FIFO] {
        drain(&client, &shared, queue, Phase::Drain).await;
        check_empty(&client, &shared, queue, Phase::Drain).await;
    }
    // What the drain deleted stays deleted through one more crash.
    generation += 1;
    server = restart(server, dir, &endpoints_tx, generation).await;
    advance_clock(&client).await;
    for queue in [STANDARD, FIFO] {
        drain(&client, &shared, queue, Phase::AfterLastCrash).await;
        check_empty(&client, &shared, queue, Phase::AfterLastCrash).await;
    }
    drop(server);

    let log = shared.log.lock().unwrap();
    let violations = check(&log);
    let summary = summarize(&log, &kills);
    assert!(
        violations.is_empty(),
        "the fake broke its promises (seed {seed}; {summary}):\n{}",
        violations.report()
    );
    summary
}

fn fifo_body(group: usize, index: usize) -> String {
    format!("fifo-{group}-{index}")
}

fn group_id(group: usize) -> String {
    format!("group-{group}")
}

// ---------------------------------------------------------------------------------
// The server and its endpoint

/// A fresh data directory, removed at the end unless the test failed (then kept, and
/// named, for a look at the database).
struct DataDir(PathBuf);

impl DataDir {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let path =
            std::env::temp_dir().join(format!("fake-sqs-crash-{}-{nanos}", std::process::id()));
        DataDir(path)
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "the crash test's data directory is kept: {}",
                self.0.display()
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The server on the data directory, and its endpoint (a new port on every start).
async fn start(dir: &DataDir) -> (KillOnDrop, String) {
    let dir = dir.0.to_str().expect("a UTF-8 temp path").to_owned();
    let (server, url) = tokio::task::spawn_blocking(move || {
        spawn_binary(&["--data-dir", &dir, "--clock", "paused"])
    })
    .await
    .expect("the server starts");
    assert!(
        url.starts_with("http://"),
        "the server did not start: {url:?}"
    );
    (server, url)
}

/// SIGKILL, then a new server on the same directory, whose endpoint the workers get.
async fn restart(
    mut server: KillOnDrop,
    dir: &DataDir,
    endpoints: &watch::Sender<Endpoint>,
    generation: u32,
) -> KillOnDrop {
    // `Child::kill` is SIGKILL: no handler runs, nothing is flushed.
    server.0.kill().expect("SIGKILL");
    tokio::task::spawn_blocking(move || drop(server))
        .await
        .expect("the killed server is reaped");
    let (server, url) = start(dir).await;
    endpoints.send_replace(Endpoint { generation, url });
    server
}

/// Where the server listens now; `generation` counts the starts.
#[derive(Clone)]
struct Endpoint {
    generation: u32,
    url: String,
}

/// What a request came to.
enum Outcome {
    /// A 200 answer.
    Answer(Value),
    /// An error answer.
    Refused(String),
    /// No answer: the server died under the request (or before it).
    NoAnswer,
}

/// Raw AWS JSON 1.0 requests, unsigned, to whichever server runs now.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    endpoints: watch::Receiver<Endpoint>,
}

impl Client {
    fn new(endpoints: watch::Receiver<Endpoint>) -> Self {
        // A connection per request: a pooled one may lead to a killed server (or, if a
        // new server got the old port, look like one that died under the request).
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .expect("an HTTP client");
        Client { http, endpoints }
    }

    fn current(&self) -> Endpoint {
        self.endpoints.borrow().clone()
    }

    /// Waits for a server started after the one of `generation`.
    async fn next_after(&mut self, generation: u32) {
        self.endpoints
            .wait_for(|e| e.generation > generation)
            .await
            .expect("the test keeps its endpoint channel");
    }

    async fn call(&self, endpoint: &Endpoint, action: &str, body: &Value) -> Outcome {
        let sent = self
            .http
            .post(&endpoint.url)
            .header("x-amz-target", format!("AmazonSQS.{action}"))
            .header("content-type", "application/x-amz-json-1.0")
            .body(body.to_string())
            .send()
            .await;
        let Ok(answer) = sent else {
            return Outcome::NoAnswer;
        };
        let status = answer.status();
        let Ok(text) = answer.text().await else {
            return Outcome::NoAnswer;
        };
        if status.is_success() {
            Outcome::Answer(serde_json::from_str(&text).expect("a JSON answer"))
        } else {
            Outcome::Refused(format!("{action}: {status} {text}"))
        }
    }

    /// A call that must be answered: no server is killed while it runs (the queues'
    /// creation, and the drains after the last kills).
    async fn answered(&self, action: &str, body: &Value) -> Value {
        match self.call(&self.current(), action, body).await {
            Outcome::Answer(answer) => answer,
            Outcome::Refused(error) => panic!("refused after the last kill: {error}"),
            Outcome::NoAnswer => panic!("{action}: no answer after the last kill"),
        }
    }
}

fn queue_url(endpoint: &Endpoint, queue: &str) -> String {
    format!("{}/000000000000/{queue}", endpoint.url)
}

async fn create_queues(client: &Client) {
    client
        .answered("CreateQueue", &json!({"QueueName": STANDARD}))
        .await;
    client
        .answered(
            "CreateQueue",
            &json!({"QueueName": FIFO, "Attributes": {"FifoQueue": "true"}}),
        )
        .await;
}

async fn advance_clock(client: &Client) {
    let url = format!("{}/_fake-sqs/clock/advance", client.current().url);
    let answer = client
        .http
        .post(url)
        .header("content-type", "application/json")
        .body(r#"{"by": "60s"}"#)
        .send()
        .await
        .expect("the clock moves");
    assert_eq!(answer.status(), 200);
}

// ---------------------------------------------------------------------------------
// What happened, as the clients saw it

/// The log of the run and the count of acknowledged operations (which places kills).
#[derive(Default)]
struct Shared {
    log: Mutex<Log>,
    acks: watch::Sender<u64>,
}

impl Shared {
    /// A point in the run's order of events: taken under the log's lock, so that an
    /// event logged after another has a later tick.
    fn tick(&self) -> u64 {
        self.log.lock().unwrap().next_tick()
    }

    fn acknowledged(&self) {
        self.acks.send_modify(|n| *n += 1);
    }
}

#[derive(Default)]
struct Log {
    tick: u64,
    sends: Vec<SendAttempt>,
    batches: Vec<Batch>,
    deletes: Vec<DeleteAttempt>,
    refusals: Vec<String>,
    /// Receives a kill cut short: what they took stays in flight until the clock moves.
    unanswered_receives: usize,
    /// What drained queues still held.
    leftovers: Vec<String>,
}

impl Log {
    fn next_tick(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }
}

struct SendAttempt {
    queue: &'static str,
    body: String,
    /// The message id, when acknowledged.
    acked: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Phase {
    /// While producers and consumers run, before the clock moves.
    Run,
    /// After the clock moved past every visibility timeout.
    Drain,
    /// After one more crash, once drained.
    AfterLastCrash,
}

/// An answered receive with messages.
struct Batch {
    queue: &'static str,
    phase: Phase,
    issued: u64,
    answered: u64,
    messages: Vec<Received>,
}

#[derive(Clone)]
struct Received {
    id: String,
    body: String,
    handle: String,
}

struct DeleteAttempt {
    id: String,
    issued: u64,
    answered: u64,
    acked: bool,
}

// ---------------------------------------------------------------------------------
// The workers

/// Sends `messages` (body, FIFO group) in order; each until acknowledged: again with the
/// same deduplication id on a FIFO queue, as a new send on a standard one. Gives up
/// after ten refusals of one message (logged: the checks report them).
async fn produce(
    mut client: Client,
    shared: Arc<Shared>,
    queue: &'static str,
    messages: Vec<(String, Option<String>)>,
) {
    for (body, group) in messages {
        let mut refused = 0;
        loop {
            let endpoint = client.current();
            let mut request = json!({"QueueUrl": queue_url(&endpoint, queue), "MessageBody": body});
            if let Some(group) = &group {
                request["MessageGroupId"] = json!(group);
                request["MessageDeduplicationId"] = json!(body);
            }
            let outcome = client.call(&endpoint, "SendMessage", &request).await;
            let acked = match &outcome {
                Outcome::Answer(answer) => Some(
                    answer["MessageId"]
                        .as_str()
                        .expect("a MessageId")
                        .to_owned(),
                ),
                _ => None,
            };
            {
                let mut log = shared.log.lock().unwrap();
                log.next_tick();
                log.sends.push(SendAttempt {
                    queue,
                    body: body.clone(),
                    acked: acked.clone(),
                });
                if let Outcome::Refused(error) = &outcome {
                    log.refusals.push(error.clone());
                }
            }
            match outcome {
                Outcome::Answer(_) => {
                    shared.acknowledged();
                    break;
                }
                Outcome::Refused(_) => {
                    refused += 1;
                    if refused == 10 {
                        return;
                    }
                }
                Outcome::NoAnswer => client.next_after(endpoint.generation).await,
            }
        }
    }
}

/// Receives (long polls, 30 s visibility on the paused clock) and deletes what it got,
/// until `stop`.
async fn consume(
    mut client: Client,
    shared: Arc<Shared>,
    queue: &'static str,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let endpoint = client.current();
        let request = json!({
            "QueueUrl": queue_url(&endpoint, queue),
            "MaxNumberOfMessages": 10,
            "VisibilityTimeout": 30,
            "WaitTimeSeconds": 20,
        });
        let issued = shared.tick();
        let outcome = tokio::select! {
            outcome = client.call(&endpoint, "ReceiveMessage", &request) => outcome,
            _ = stop.wait_for(|stop| *stop) => return,
        };
        match outcome {
            Outcome::Answer(answer) => {
                let messages = received(&answer);
                if messages.is_empty() {
                    continue;
                }
                log_batch(&shared, queue, Phase::Run, issued, &messages);
                shared.acknowledged();
                for message in &messages {
                    delete(&mut client, &shared, queue, message).await;
                }
            }
            Outcome::Refused(error) => {
                shared.log.lock().unwrap().refusals.push(error);
                return;
            }
            Outcome::NoAnswer => {
                shared.log.lock().unwrap().unanswered_receives += 1;
                tokio::select! {
                    _ = client.next_after(endpoint.generation) => {}
                    _ = stop.wait_for(|stop| *stop) => return,
                }
            }
        }
    }
}

fn received(answer: &Value) -> Vec<Received> {
    let Some(messages) = answer["Messages"].as_array() else {
        return Vec::new();
    };
    messages
        .iter()
        .map(|m| Received {
            id: m["MessageId"].as_str().expect("a MessageId").to_owned(),
            body: m["Body"].as_str().expect("a Body").to_owned(),
            handle: m["ReceiptHandle"]
                .as_str()
                .expect("a ReceiptHandle")
                .to_owned(),
        })
        .collect()
}

fn log_batch(
    shared: &Shared,
    queue: &'static str,
    phase: Phase,
    issued: u64,
    messages: &[Received],
) {
    let mut log = shared.log.lock().unwrap();
    let answered = log.next_tick();
    log.batches.push(Batch {
        queue,
        phase,
        issued,
        answered,
        messages: messages.to_vec(),
    });
}

/// Deletes `message`; one without an answer is asked again of the next server (three
/// tries in all), one refused is left as it is: either way its fate is unknown.
async fn delete(client: &mut Client, shared: &Shared, queue: &str, message: &Received) {
    for _ in 0..3 {
        let endpoint = client.current();
        let request =
            json!({"QueueUrl": queue_url(&endpoint, queue), "ReceiptHandle": message.handle});
        let issued = shared.tick();
        let outcome = client.call(&endpoint, "DeleteMessage", &request).await;
        let acked = matches!(outcome, Outcome::Answer(_));
        {
            let mut log = shared.log.lock().unwrap();
            let answered = log.next_tick();
            log.deletes.push(DeleteAttempt {
                id: message.id.clone(),
                issued,
                answered,
                acked,
            });
            if let Outcome::Refused(error) = &outcome {
                log.refusals.push(error.clone());
            }
        }
        match outcome {
            Outcome::Answer(_) => {
                shared.acknowledged();
                return;
            }
            Outcome::Refused(_) => return,
            Outcome::NoAnswer => client.next_after(endpoint.generation).await,
        }
    }
}

/// Receives and deletes until [`EMPTY_IN_A_ROW`] receives in a row come back empty; no
/// server is killed meanwhile, so every call must be answered.
async fn drain(client: &Client, shared: &Shared, queue: &'static str, phase: Phase) {
    let mut empty = 0;
    while empty < EMPTY_IN_A_ROW {
        let request = json!({
            "QueueUrl": queue_url(&client.current(), queue),
            "MaxNumberOfMessages": 10,
            "VisibilityTimeout": 30,
        });
        let issued = shared.tick();
        let messages = received(&client.answered("ReceiveMessage", &request).await);
        if messages.is_empty() {
            empty += 1;
            continue;
        }
        empty = 0;
        log_batch(shared, queue, phase, issued, &messages);
        for message in &messages {
            let request = json!({"QueueUrl": queue_url(&client.current(), queue), "ReceiptHandle": message.handle});
            let issued = shared.tick();
            client.answered("DeleteMessage", &request).await;
            let mut log = shared.log.lock().unwrap();
            let answered = log.next_tick();
            log.deletes.push(DeleteAttempt {
                id: message.id.clone(),
                issued,
                answered,
                acked: true,
            });
        }
    }
}

/// Notes what a drained queue still holds (visible, in flight or delayed): it should
/// hold nothing.
async fn check_empty(client: &Client, shared: &Shared, queue: &str, phase: Phase) {
    let answer = client
        .answered(
            "GetQueueAttributes",
            &json!({"QueueUrl": queue_url(&client.current(), queue), "AttributeNames": ["All"]}),
        )
        .await;
    for count in [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ] {
        let left = &answer["Attributes"][count];
        if left != "0" {
            shared
                .log
                .lock()
                .unwrap()
                .leftovers
                .push(format!("{queue} ({phase:?}): {count} {left}"));
        }
    }
}

// ---------------------------------------------------------------------------------
// The checks

/// Broken promises, by kind.
#[derive(Default)]
struct Violations(BTreeMap<&'static str, Vec<String>>);

impl Violations {
    fn push(&mut self, kind: &'static str, detail: String) {
        self.0.entry(kind).or_default().push(detail);
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many of each kind, with the first few of each.
    fn report(&self) -> String {
        let mut report = String::new();
        for (kind, details) in &self.0 {
            report += &format!("{kind}: {}\n", details.len());
            for detail in details.iter().take(5) {
                report += &format!("    {detail}\n");
            }
        }
        report
    }
}

/// Every broken promise the log shows.
fn check(log: &Log) -> Violations {
    let mut violations = Violations::default();
    for refusal in &log.refusals {
        violations.push("request refused", refusal.clone());
    }
    for leftover in &log.leftovers {
        violations.push("messages left after the drain", leftover.clone());
    }
    let receipts: Vec<(&Batch, usize, &Received)> = log
        .batches
        .iter()
        .flat_map(|b| b.messages.iter().enumerate().map(move |(i, m)| (b, i, m)))
        .collect();
    let received_ids: HashSet<&str> = receipts.iter().map(|(_, _, m)| m.id.as_str()).collect();
    let sent_bodies: HashSet<&str> = log.sends.iter().map(|s| s.body.as_str()).collect();

    // Every acknowledged send was received.
    for send in &log.sends {
        if let Some(id) = &send.acked {
            if !received_ids.contains(id.as_str()) {
                violations.push(
                    "acknowledged send never received",
                    format!("{} ({id})", send.body),
                );
            }
        }
    }
    // Nothing received that was not sent.
    for (_, _, m) in &receipts {
        if !sent_bodies.contains(m.body.as_str()) {
            violations.push("received, never sent", format!("{} ({})", m.body, m.id));
        }
    }
    // Before the clock moved, a message in flight stays in flight.
    let mut seen_in_run = HashSet::new();
    for (batch, _, m) in &receipts {
        if batch.phase == Phase::Run && !seen_in_run.insert(m.id.as_str()) {
            violations.push(
                "received twice before the clock moved (in-flight state lost)",
                format!("{} ({})", m.body, m.id),
            );
        }
    }
    // An acknowledged delete holds.
    let mut deleted_at: HashMap<&str, u64> = HashMap::new();
    for delete in log.deletes.iter().filter(|d| d.acked) {
        let at = deleted_at
            .entry(delete.id.as_str())
            .or_insert(delete.answered);
        *at = (*at).min(delete.answered);
    }
    for (batch, _, m) in &receipts {
        if let Some(&at) = deleted_at.get(m.id.as_str()) {
            if batch.issued > at {
                violations.push(
                    "received after its delete was acknowledged",
                    format!("{} ({}), in {:?}", m.body, m.id, batch.phase),
                );
            }
        }
    }
    // FIFO: one message per deduplication id, acknowledged sends included.
    let mut fifo_ids: BTreeMap<&str, HashSet<&str>> = BTreeMap::new();
    for send in log.sends.iter().filter(|s| s.queue == FIFO) {
        if let Some(id) = &send.acked {
            fifo_ids.entry(&send.body).or_default().insert(id);
        }
    }
    for (batch, _, m) in &receipts {
        if batch.queue == FIFO {
            fifo_ids.entry(&m.body).or_default().insert(&m.id);
        }
    }
    for (body, ids) in &fifo_ids {
        if ids.len() > 1 {
            violations.push(
                "FIFO message known by several MessageIds (one deduplication id)",
                format!("{body}: {ids:?}"),
            );
        }
    }
    check_fifo_order(log, &receipts, &mut violations);
    violations
}

/// FIFO order per group: message j of a group is first delivered after message i < j
/// was, in the same batch behind it or in a later batch answered after i's deletion was
/// asked for (the group is locked while i is in flight).
fn check_fifo_order(
    log: &Log,
    receipts: &[(&Batch, usize, &Received)],
    violations: &mut Violations,
) {
    // Receipts in the order the log has them: batches by answer.
    let mut first: HashMap<&str, (&Batch, usize)> = HashMap::new();
    for (batch, position, m) in receipts {
        if batch.queue == FIFO {
            first.entry(m.body.as_str()).or_insert((batch, *position));
        }
    }
    let mut id_of: HashMap<&str, &str> = HashMap::new();
    for (_, _, m) in receipts {
        id_of.insert(m.id.as_str(), m.body.as_str());
    }
    let mut delete_asked: HashMap<&str, u64> = HashMap::new();
    for delete in &log.deletes {
        if let Some(body) = id_of.get(delete.id.as_str()) {
            let at = delete_asked.entry(body).or_insert(delete.issued);
            *at = (*at).min(delete.issued);
        }
    }
    for g in 0..GROUPS {
        let bodies: Vec<String> = (0..GROUP_MESSAGES).map(|i| fifo_body(g, i)).collect();
        for (j, later) in bodies.iter().enumerate() {
            let Some(&(batch, position)) = first.get(later.as_str()) else {
                violations.push("FIFO message never received", later.clone());
                continue;
            };
            // The first earlier message it overtook, if any: one line per message.
            for earlier in &bodies[..j] {
                let in_batch = batch.messages.iter().position(|m| &m.body == earlier);
                let ok = match in_batch {
                    Some(p) => p < position,
                    None => delete_asked
                        .get(earlier.as_str())
                        .is_some_and(|&asked| asked < batch.answered),
                };
                if !ok {
                    violations.push(
                        "FIFO order broken",
                        format!(
                            "{later} delivered ({:?}, tick {}) before {earlier} was received \
                             and its delete asked for",
                            batch.phase, batch.answered
                        ),
                    );
                    break;
                }
            }
        }
    }
}

/// Counts for the test's output.
fn summarize(log: &Log, kills: &[u64]) -> String {
    let attempts = log.sends.len();
    let acked = log.sends.iter().filter(|s| s.acked.is_some()).count();
    let receipts: usize = log.batches.iter().map(|b| b.messages.len()).sum();
    let distinct: HashSet<&str> = log
        .batches
        .iter()
        .flat_map(|b| b.messages.iter().map(|m| m.id.as_str()))
        .collect();
    let mut standard_ids: HashMap<&str, HashSet<&str>> = HashMap::new();
    for batch in log.batches.iter().filter(|b| b.queue == STANDARD) {
        for m in &batch.messages {
            standard_ids.entry(&m.body).or_default().insert(&m.id);
        }
    }
    let duplicates = standard_ids.values().filter(|ids| ids.len() > 1).count();
    let in_drain: usize = log
        .batches
        .iter()
        .filter(|b| b.phase != Phase::Run)
        .map(|b| b.messages.len())
        .sum();
    let deletes_acked: HashSet<&str> = log
        .deletes
        .iter()
        .filter(|d| d.acked)
        .map(|d| d.id.as_str())
        .collect();
    let unanswered_deletes = log.deletes.iter().filter(|d| !d.acked).count();
    format!(
        "{attempts} send attempts, {acked} acknowledged ({} unanswered, retried); \
         {} kills at {kills:?} acknowledged operations (+2 around the drain); \
         {} receives unanswered; {receipts} receipts of {} messages ({} redeliveries, \
         {in_drain} in the drain); \
         {} messages acknowledged deleted, {unanswered_deletes} delete attempts unanswered; \
         standard bodies delivered as two messages (an unanswered send that was kept, then sent again): {duplicates}",
        attempts - acked,
        kills.len(),
        log.unanswered_receives,
        distinct.len(),
        receipts - distinct.len(),
        deletes_acked.len(),
    )
}

/// A small seeded generator (SplitMix64): the same seed, the same kill points.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn within(&mut self, range: &std::ops::RangeInclusive<u64>) -> u64 {
        range.start() + self.next() % (range.end() - range.start() + 1)
    }
}
