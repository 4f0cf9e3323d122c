//! Many queues: creating 10,000, and what lookups cost with 10 queues and with 10,000
//! (GetQueueUrl, SendMessage by URL, ListQueues by a prefix one queue matches), plus
//! walking all 10,000 through ListQueues pages.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use fake_sqs::FakeSqs;
use serde_json::{json, Value};

use crate::client::{json_request, queue_url, Conn};
use crate::cpu::ThreadClock;
use crate::stats::{micros, per_second, percentile};

const COUNTS: [usize; 2] = [10, 10_000];
const CREATE_CONNECTIONS: usize = 32;
const OPS: usize = 1_000;

pub async fn run() {
    println!("## Many queues");
    for count in COUNTS {
        let sqs = FakeSqs::start().await;
        let addr = sqs.address();
        let started = Instant::now();
        create(addr, count).await;
        let creating = started.elapsed();

        let mut conn = Conn::open(addr).await;
        let server = ThreadClock::named(&format!("fake-sqs-{}", addr.port()))
            .expect("the fake's server thread");
        let name = |i: usize| format!("q-{:05}", (i * 7919) % count);
        let get_url = time(
            OPS,
            |i| json_request(addr, "GetQueueUrl", &json!({"QueueName": name(i)})),
            &mut conn,
            &server,
        )
        .await;
        let send = time(
            OPS,
            |i| {
                json_request(
                    addr,
                    "SendMessage",
                    &json!({"QueueUrl": queue_url(addr, &name(i)), "MessageBody": "m"}),
                )
            },
            &mut conn,
            &server,
        )
        .await;
        let list_one = time(
            OPS,
            |i| json_request(addr, "ListQueues", &json!({"QueueNamePrefix": name(i)})),
            &mut conn,
            &server,
        )
        .await;
        println!(
            "{count:>6} queues: created at {:.0}/s; per request:\n  GetQueueUrl {}\n  \
             SendMessage {}\n  ListQueues(prefix matching 1) {}",
            per_second(count as u64, creating),
            get_url,
            send,
            list_one,
        );
        if count >= 1_000 {
            let started = Instant::now();
            let (mut seen, mut pages, mut token) = (0, 0, None::<String>);
            loop {
                let mut request = json!({"MaxResults": 1000});
                if let Some(t) = &token {
                    request["NextToken"] = json!(t);
                }
                let page = conn.ok(json_request(addr, "ListQueues", &request)).await;
                seen += page["QueueUrls"].as_array().map_or(0, Vec::len);
                pages += 1;
                match page["NextToken"].as_str() {
                    Some(t) => token = Some(t.to_owned()),
                    None => break,
                }
            }
            assert_eq!(seen, count);
            println!(
                "{count:>6} queues: ListQueues walk of all, {pages} pages of ≤ 1000: {}",
                micros(started.elapsed())
            );
        }
    }
}

/// Median latency and server-thread CPU of `ops` requests made by `request(i)`, one
/// after another on `conn`.
async fn time(
    ops: usize,
    request: impl Fn(usize) -> hyper::Request<http_body_util::Full<bytes::Bytes>>,
    conn: &mut Conn,
    server: &ThreadClock,
) -> Cost {
    let (mut latency, mut server_cpu) = (Vec::new(), Vec::new());
    for i in 0..ops {
        let request = request(i);
        let cpu_before = server.read();
        let t = Instant::now();
        let answer: Value = conn.ok(request).await;
        latency.push(t.elapsed());
        server_cpu.push(server.read().saturating_sub(cpu_before));
        std::hint::black_box(answer);
    }
    Cost {
        latency: percentile(&mut latency, 50.0),
        server_cpu: percentile(&mut server_cpu, 50.0),
    }
}

/// What one kind of request costs, on average.
struct Cost {
    latency: Duration,
    server_cpu: Duration,
}

impl std::fmt::Display for Cost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (server CPU {})",
            micros(self.latency),
            micros(self.server_cpu)
        )
    }
}

/// Creates queues `q-00000` .. over `CREATE_CONNECTIONS` connections.
async fn create(addr: SocketAddr, count: usize) {
    let tasks: Vec<_> = (0..CREATE_CONNECTIONS.min(count))
        .map(|c| {
            tokio::spawn(async move {
                let mut conn = Conn::open(addr).await;
                for i in (c..count).step_by(CREATE_CONNECTIONS) {
                    conn.ok(json_request(
                        addr,
                        "CreateQueue",
                        &json!({"QueueName": format!("q-{i:05}")}),
                    ))
                    .await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("create task");
    }
}
