//! What the request journal costs SendMessage: requests/s and server CPU per request with
//! the journal on (the default, 10,000 requests kept) and off (`journal_capacity(0)`),
//! over 32 keep-alive connections, in alternating rounds (each first every other
//! round) so that load from elsewhere on the machine falls on both alike. The journal is full after the first round's first
//! moments, so the figure is its steady state: each request kept, the oldest dropped.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use fake_sqs::FakeSqs;
use serde_json::json;

use crate::client::{json_request, queue_url, Conn};
use crate::stats::{micros, per_second};
use crate::throughput::{add, cpu_per_request, hammer, Load};

const ROUNDS: usize = 6;

/// A fake with a queue `load`, and the body of a SendMessage to it.
async fn fake(journal_capacity: usize) -> (FakeSqs, Bytes) {
    let sqs = FakeSqs::builder()
        .journal_capacity(journal_capacity)
        .start()
        .await;
    let addr: SocketAddr = sqs.address();
    let mut conn = Conn::open(addr).await;
    conn.ok(json_request(
        addr,
        "CreateQueue",
        &json!({"QueueName": "load"}),
    ))
    .await;
    let body = json!({"QueueUrl": queue_url(addr, "load"), "MessageBody": "x".repeat(100)});
    (sqs, Bytes::from(body.to_string()))
}

pub async fn run(round: Duration) {
    let (on, on_body) = fake(10_000).await;
    let (off, off_body) = fake(0).await;
    let thread = |sqs: &FakeSqs| format!("fake-sqs-{}", sqs.address().port());
    let (mut with, mut without) = (Load::default(), Load::default());
    for i in 0..ROUNDS {
        // Each goes first every other round, so that neither gains from a trend.
        for on_now in [i % 2 == 0, i % 2 == 1] {
            if on_now {
                let load = hammer(on.address(), on_body.clone(), round, &thread(&on)).await;
                add(&mut with, load);
            } else {
                let load = hammer(off.address(), off_body.clone(), round, &thread(&off)).await;
                add(&mut without, load);
            }
        }
    }

    assert_eq!(on.requests().len(), 10_000, "the journal kept its capacity");
    assert!(off.requests().is_empty());
    let (with_rps, without_rps) = (
        per_second(with.requests, with.elapsed),
        per_second(without.requests, without.elapsed),
    );
    println!("## SendMessage with the request journal on and off, {ROUNDS} × {round:?} each");
    for (name, load, rps) in [
        ("journal on (default)", with, with_rps),
        ("journal off", without, without_rps),
    ] {
        println!(
            "{name:<22} {rps:>9.0} requests/s   server thread CPU {} per request",
            micros(cpu_per_request(load))
        );
    }
    println!("throughput on / off: {:.3}×", with_rps / without_rps);
    println!(
        "server CPU per request, on − off: {}",
        micros(cpu_per_request(with).saturating_sub(cpu_per_request(without)))
    );
}
