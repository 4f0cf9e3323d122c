//! Receive and delete cost against queue depth: one fake, a queue holding 1,000
//! messages and one holding 1,000,000, the same operations on each in turn (so that
//! whatever else the machine does falls on both alike). Each request's server-thread
//! CPU is read from `schedstat` around it: exact, and blind to the client and to
//! waiting. Also the heap each stored message takes.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use fake_sqs::FakeSqs;
use serde_json::{json, Value};

use crate::client::{json_request, queue_url, raw_request, Conn};
use crate::counting_alloc;
use crate::cpu::ThreadClock;
use crate::stats::{micros, per_second, percentile};

const SHALLOW: usize = 1_000;
const DEEP: usize = 1_000_000;
const BODY_BYTES: usize = 100;
const FILL_CONNECTIONS: usize = 32;
/// Messages taken off each queue one at a time, then in batches of 10, after `WARMUP`
/// untimed ones; together no more than the shallow queue holds.
const OPS: usize = 400;
const WARMUP: usize = 50;

/// Samples of one kind of request on one queue.
#[derive(Default)]
struct Samples {
    latency: Vec<Duration>,
    server_cpu: Vec<Duration>,
}

impl Samples {
    fn line(&mut self) -> String {
        format!(
            "{:>9} {:>9}",
            micros(percentile(&mut self.server_cpu, 50.0)),
            micros(percentile(&mut self.latency, 50.0))
        )
    }
}

/// One queue under test, with its samples by request kind.
struct Subject {
    depth: usize,
    url: String,
    receive: Samples,
    delete: Samples,
    receive_ten: Samples,
    delete_ten: Samples,
}

pub async fn run() {
    println!(
        "## Receive/delete cost against queue depth ({BODY_BYTES}-byte bodies, {OPS} of each, \
         p50)"
    );
    let sqs = FakeSqs::start().await;
    let addr = sqs.address();
    let mut conn = Conn::open(addr).await;
    let mut subjects = Vec::new();
    for depth in [SHALLOW, DEEP] {
        let name = format!("depth-{depth}");
        conn.ok(json_request(
            addr,
            "CreateQueue",
            &json!({"QueueName": name}),
        ))
        .await;
        let url = queue_url(addr, &name);
        counting_alloc::start();
        let before = counting_alloc::live();
        let started = Instant::now();
        fill(addr, &url, depth).await;
        let fill_time = started.elapsed();
        // The fill's connections are closed; let the server drop their buffers, which
        // are not the messages' (with 1,000 messages they would double the figure).
        tokio::time::sleep(Duration::from_millis(300)).await;
        let heap = counting_alloc::live() - before;
        counting_alloc::stop();
        println!(
            "depth {depth:>9}: heap {} bytes per stored message; filled at {:.0} messages/s \
             (SendMessageBatch, {FILL_CONNECTIONS} connections)",
            heap / depth as isize,
            per_second(depth as u64, fill_time)
        );
        subjects.push(Subject {
            depth,
            url,
            receive: Samples::default(),
            delete: Samples::default(),
            receive_ten: Samples::default(),
            delete_ten: Samples::default(),
        });
    }
    let server =
        ThreadClock::named(&format!("fake-sqs-{}", addr.port())).expect("the fake's server thread");

    for i in 0..WARMUP + OPS {
        for s in subjects.iter_mut() {
            let receive = json!({"QueueUrl": s.url});
            let answer = timed(
                &mut conn,
                &server,
                addr,
                "ReceiveMessage",
                &receive,
                &mut s.receive,
                i >= WARMUP,
            )
            .await;
            let delete = delete_one(&s.url, &answer);
            timed(
                &mut conn,
                &server,
                addr,
                "DeleteMessage",
                &delete,
                &mut s.delete,
                i >= WARMUP,
            )
            .await;
        }
    }
    for _ in 0..OPS / 10 {
        for s in subjects.iter_mut() {
            let receive = json!({"QueueUrl": s.url, "MaxNumberOfMessages": 10});
            let answer = timed(
                &mut conn,
                &server,
                addr,
                "ReceiveMessage",
                &receive,
                &mut s.receive_ten,
                true,
            )
            .await;
            let delete = delete_all(&s.url, &answer);
            timed(
                &mut conn,
                &server,
                addr,
                "DeleteMessageBatch",
                &delete,
                &mut s.delete_ten,
                true,
            )
            .await;
        }
    }
    println!(
        "{:<16} {:>19} {:>19} {:>19} {:>19}",
        "server CPU, latency:",
        "ReceiveMessage",
        "DeleteMessage",
        "ReceiveMessage(10)",
        "DeleteMessageBatch"
    );
    for s in subjects.iter_mut() {
        println!(
            "depth {:>9}:  {}  {}  {}  {}",
            s.depth,
            s.receive.line(),
            s.delete.line(),
            s.receive_ten.line(),
            s.delete_ten.line()
        );
    }
}

/// Sends one request, keeping its latency and server CPU if `keep`.
async fn timed(
    conn: &mut Conn,
    server: &ThreadClock,
    addr: SocketAddr,
    action: &str,
    body: &Value,
    samples: &mut Samples,
    keep: bool,
) -> Value {
    let request = json_request(addr, action, body);
    let cpu_before = server.read();
    let started = Instant::now();
    let answer = conn.ok(request).await;
    let latency = started.elapsed();
    let cpu = server.read().saturating_sub(cpu_before);
    if keep {
        samples.latency.push(latency);
        samples.server_cpu.push(cpu);
    }
    answer
}

/// Sends `depth` messages in batches of 10 over `FILL_CONNECTIONS` connections.
async fn fill(addr: SocketAddr, url: &str, depth: usize) {
    let entries: Vec<Value> = (0..10)
        .map(|i| json!({"Id": i.to_string(), "MessageBody": "m".repeat(BODY_BYTES)}))
        .collect();
    let batch = Bytes::from(json!({"QueueUrl": url, "Entries": entries}).to_string());
    let batches = depth / 10;
    let tasks: Vec<_> = (0..FILL_CONNECTIONS)
        .map(|c| {
            let batch = batch.clone();
            let mine = batches / FILL_CONNECTIONS + usize::from(c < batches % FILL_CONNECTIONS);
            tokio::spawn(async move {
                let mut conn = Conn::open(addr).await;
                for _ in 0..mine {
                    let answer = conn
                        .ok(raw_request(addr, "SendMessageBatch", batch.clone()))
                        .await;
                    assert!(answer.get("Failed").is_none(), "{answer}");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("fill task");
    }
}

fn handles(answer: &Value) -> Vec<&str> {
    answer["Messages"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter_map(|m| m["ReceiptHandle"].as_str())
                .collect()
        })
        .unwrap_or_default()
}

fn delete_one(url: &str, answer: &Value) -> Value {
    let handle = handles(answer).first().copied().expect("a message");
    json!({"QueueUrl": url, "ReceiptHandle": handle})
}

fn delete_all(url: &str, answer: &Value) -> Value {
    let entries: Vec<Value> = handles(answer)
        .into_iter()
        .enumerate()
        .map(|(i, h)| json!({"Id": i.to_string(), "ReceiptHandle": h}))
        .collect();
    assert_eq!(entries.len(), 10, "a full batch");
    json!({"QueueUrl": url, "Entries": entries})
}
