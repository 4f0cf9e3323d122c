//! Many queues: creating 10,000, and what lookups cost with 10 queues and with 10,000
//! (GetQueueUrl, SendMessage by URL, ListQueues by a prefix one queue matches), plus
//! walking all 10,000 through ListQueues pages. Both fakes run side by side and take
//! requests in turn, so that whatever else the machine does falls on both alike; each
//! request's server-thread CPU is read from `schedstat` around it.

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use fake_sqs::FakeSqs;
use http_body_util::Full;
use hyper::Request;
use serde_json::json;

use crate::client::{json_request, queue_url, Conn};
use crate::cpu::ThreadClock;
use crate::stats::{micros, per_second, percentile};

const COUNTS: [usize; 2] = [10, 10_000];
const CREATE_CONNECTIONS: usize = 32;
const OPS: usize = 1_000;

/// One fake with `count` queues.
struct Setup {
    _sqs: FakeSqs,
    addr: SocketAddr,
    count: usize,
    conn: Conn,
    server: ThreadClock,
}

/// A kind of request, made for queue number `i` of `count` at `addr`.
type MakeRequest = fn(SocketAddr, usize, usize) -> Request<Full<Bytes>>;

pub async fn run() {
    println!("## Many queues");
    let mut setups = Vec::new();
    for count in COUNTS {
        let sqs = FakeSqs::start().await;
        let addr = sqs.address();
        let started = Instant::now();
        create(addr, count).await;
        if count >= 1_000 {
            println!(
                "{count:>6} queues: created at {:.0} queues/s ({CREATE_CONNECTIONS} connections)",
                per_second(count as u64, started.elapsed())
            );
        }
        setups.push(Setup {
            addr,
            count,
            conn: Conn::open(addr).await,
            server: ThreadClock::named(&format!("fake-sqs-{}", addr.port()))
                .expect("the fake's server thread"),
            _sqs: sqs,
        });
    }
    let kinds: [(&str, MakeRequest); 3] = [
        ("GetQueueUrl", |addr, i, count| {
            json_request(addr, "GetQueueUrl", &json!({"QueueName": name(i, count)}))
        }),
        ("SendMessage", |addr, i, count| {
            let url = queue_url(addr, &name(i, count));
            json_request(
                addr,
                "SendMessage",
                &json!({"QueueUrl": url, "MessageBody": "m"}),
            )
        }),
        ("ListQueues(prefix matching 1)", |addr, i, count| {
            json_request(
                addr,
                "ListQueues",
                &json!({"QueueNamePrefix": name(i, count)}),
            )
        }),
    ];
    println!("p50 per request, server CPU / latency:");
    for (kind, make) in kinds {
        let mut samples = vec![(Vec::new(), Vec::new()); setups.len()];
        for i in 0..OPS {
            for (setup, (cpu, latency)) in setups.iter_mut().zip(samples.iter_mut()) {
                let request = make(setup.addr, i, setup.count);
                let cpu_before = setup.server.read();
                let started = Instant::now();
                setup.conn.ok(request).await;
                latency.push(started.elapsed());
                cpu.push(setup.server.read().saturating_sub(cpu_before));
            }
        }
        let line: Vec<String> = setups
            .iter()
            .zip(samples.iter_mut())
            .map(|(setup, (cpu, latency))| {
                format!(
                    "{} queues: {} / {}",
                    setup.count,
                    micros(percentile(cpu, 50.0)),
                    micros(percentile(latency, 50.0))
                )
            })
            .collect();
        println!("  {kind:<30} {}", line.join("   "));
    }
    let largest = setups.last_mut().expect("a setup");
    let started = Instant::now();
    let (mut seen, mut pages, mut token) = (0, 0, None::<String>);
    loop {
        let mut request = json!({"MaxResults": 1000});
        if let Some(t) = &token {
            request["NextToken"] = json!(t);
        }
        let page = largest
            .conn
            .ok(json_request(largest.addr, "ListQueues", &request))
            .await;
        seen += page["QueueUrls"].as_array().map_or(0, Vec::len);
        pages += 1;
        match page["NextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, largest.count);
    println!(
        "{} queues: ListQueues walk of all, {pages} pages of ≤ 1000: {}",
        largest.count,
        micros(started.elapsed())
    );
}

/// The name of one of `count` queues, spread over all of them.
fn name(i: usize, count: usize) -> String {
    format!("q-{:05}", (i * 7919) % count)
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
