//! Receive and delete cost against queue depth: the same operations on a queue holding
//! 1,000 messages and one holding 1,000,000 (they must cost the same), and the heap each
//! stored message takes.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use fake_sqs::FakeSqs;
use serde_json::{json, Value};

use crate::client::{json_request, queue_url, raw_request, Conn};
use crate::counting_alloc;
use crate::stats::{micros, per_second};

const DEPTHS: [usize; 2] = [1_000, 1_000_000];
const BODY_BYTES: usize = 100;
const FILL_CONNECTIONS: usize = 32;
/// Operations timed at each depth (each takes one message off the queue).
const OPS: usize = 500;

pub async fn run() {
    println!("## Receive/delete cost against queue depth ({BODY_BYTES}-byte bodies)");
    for depth in DEPTHS {
        let sqs = FakeSqs::start().await;
        let addr = sqs.address();
        let url = queue_url(addr, "deep");
        let mut conn = Conn::open(addr).await;
        conn.ok(json_request(
            addr,
            "CreateQueue",
            &json!({"QueueName": "deep"}),
        ))
        .await;

        counting_alloc::start();
        let before = counting_alloc::live();
        let started = Instant::now();
        fill(addr, &url, depth).await;
        let fill_time = started.elapsed();
        let heap = counting_alloc::live() - before;
        counting_alloc::stop();

        let receive = json!({"QueueUrl": url});
        let receive_ten = json!({"QueueUrl": url, "MaxNumberOfMessages": 10});
        let (mut receiving, mut deleting) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..OPS {
            let t = Instant::now();
            let answer = conn
                .ok(json_request(addr, "ReceiveMessage", &receive))
                .await;
            receiving += t.elapsed();
            let t = Instant::now();
            conn.ok(json_request(
                addr,
                "DeleteMessage",
                &delete_one(&url, &answer),
            ))
            .await;
            deleting += t.elapsed();
        }
        let (mut receiving_ten, mut deleting_ten) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..OPS / 10 {
            let t = Instant::now();
            let answer = conn
                .ok(json_request(addr, "ReceiveMessage", &receive_ten))
                .await;
            receiving_ten += t.elapsed();
            let t = Instant::now();
            conn.ok(json_request(
                addr,
                "DeleteMessageBatch",
                &delete_all(&url, &answer),
            ))
            .await;
            deleting_ten += t.elapsed();
        }
        let per = |total: Duration, n: usize| micros(total / n as u32);
        println!(
            "depth {depth:>9}: ReceiveMessage {}  DeleteMessage {}  ReceiveMessage(10) {}  \
             DeleteMessageBatch(10) {}  (per request, one connection)",
            per(receiving, OPS),
            per(deleting, OPS),
            per(receiving_ten, OPS / 10),
            per(deleting_ten, OPS / 10),
        );
        println!(
            "depth {depth:>9}: heap {} bytes per stored message; filled at {:.0} messages/s",
            heap / depth as isize,
            per_second(depth as u64, fill_time)
        );
    }
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
