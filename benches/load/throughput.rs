//! SendMessage requests/s over loopback with 32 keep-alive connections, against the
//! fake and, in the same run, against a bare hyper server answering SendMessage's fixed
//! answer: the ceiling the fake's own work is measured against.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use fake_sqs::FakeSqs;
use serde_json::json;

use crate::client::{json_request, queue_url, raw_request, Conn};
use crate::stats::{micros, per_second};
use crate::{bare, cpu};

const CONNECTIONS: usize = 32;
/// Rounds alternate fake and ceiling, so that load from elsewhere on the machine falls
/// on both alike.
const ROUNDS: usize = 3;

/// What one round of load did.
#[derive(Default, Clone, Copy)]
pub struct Load {
    pub requests: u64,
    pub elapsed: Duration,
    pub server_cpu: Duration,
}

pub async fn run(round: Duration) {
    let sqs = FakeSqs::start().await;
    let addr = sqs.address();
    let mut conn = Conn::open(addr).await;
    conn.ok(json_request(
        addr,
        "CreateQueue",
        &json!({"QueueName": "load"}),
    ))
    .await;
    let body = Bytes::from(
        json!({"QueueUrl": queue_url(addr, "load"), "MessageBody": "x".repeat(100)}).to_string(),
    );
    let (_, answer) = conn
        .call(raw_request(addr, "SendMessage", body.clone()))
        .await;
    let answer: &'static str = String::from_utf8(answer.to_vec()).expect("utf-8").leak();
    let bare_addr = bare::start(answer, "application/x-amz-json-1.0");
    let fake_thread = format!("fake-sqs-{}", addr.port());

    let (mut fake, mut ceiling) = (Load::default(), Load::default());
    for _ in 0..ROUNDS {
        add(
            &mut fake,
            hammer(addr, body.clone(), round, &fake_thread).await,
        );
        add(
            &mut ceiling,
            hammer(bare_addr, body.clone(), round, bare::THREAD_NAME).await,
        );
    }
    let fake_rps = per_second(fake.requests, fake.elapsed);
    let bare_rps = per_second(ceiling.requests, ceiling.elapsed);
    println!("## SendMessage over loopback, {CONNECTIONS} connections, {ROUNDS} × {round:?} each");
    report("fake-sqs", fake, fake_rps);
    report("bare hyper (ceiling)", ceiling, bare_rps);
    println!("ratio fake / ceiling: {:.2}×", fake_rps / bare_rps);
    println!(
        "server CPU per request, fake − ceiling: {}",
        micros(cpu_per_request(fake).saturating_sub(cpu_per_request(ceiling)))
    );
}

pub fn add(total: &mut Load, round: Load) {
    total.requests += round.requests;
    total.elapsed += round.elapsed;
    total.server_cpu += round.server_cpu;
}

pub fn cpu_per_request(load: Load) -> Duration {
    load.server_cpu / load.requests.max(1) as u32
}

fn report(name: &str, load: Load, rps: f64) {
    println!(
        "{name:<22} {rps:>9.0} requests/s   server thread CPU {} per request",
        micros(cpu_per_request(load))
    );
}

/// `CONNECTIONS` connections send `body` as fast as answers come, for `round`.
pub async fn hammer(addr: SocketAddr, body: Bytes, round: Duration, thread: &str) -> Load {
    let mut conns = Vec::new();
    for _ in 0..CONNECTIONS {
        conns.push(Conn::open(addr).await);
    }
    let cpu_before = cpu::thread(thread).unwrap_or_default();
    let started = Instant::now();
    let end = started + round;
    let tasks: Vec<_> = conns
        .into_iter()
        .map(|mut conn| {
            let body = body.clone();
            tokio::spawn(async move {
                let mut done = 0u64;
                while Instant::now() < end {
                    let (status, answer) = conn
                        .call(raw_request(addr, "SendMessage", body.clone()))
                        .await;
                    assert!(status.is_success(), "{status}: {answer:?}");
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut requests = 0;
    for task in tasks {
        requests += task.await.expect("load task");
    }
    let elapsed = started.elapsed();
    let server_cpu = cpu::thread(thread)
        .unwrap_or_default()
        .saturating_sub(cpu_before);
    Load {
        requests,
        elapsed,
        server_cpu,
    }
}
