//! What the request journal costs SendMessage: requests/s and server CPU per request with
//! the journal on (the default, 10,000 requests kept) and off (`journal_capacity(0)`),
//! over 32 keep-alive connections. Rounds come in pairs, one round of each, so that
//! load from elsewhere on the machine falls on both alike; the figures are the totals
//! and the geometric mean of the pairs' ratios. Which goes first alternates from pair
//! to pair: the second round of a pair tends to be the faster, and the geometric mean
//! over as many pairs of each order cancels that. The journal is full within the first
//! round, so the figure is its steady state: each request kept, the oldest dropped.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use fake_sqs::FakeSqs;
use serde_json::json;

use crate::client::{json_request, queue_url, Conn};
use crate::stats::{micros, per_second};
use crate::throughput::{add, cpu_per_request, hammer, Load};

const PAIRS: usize = 30;

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

/// The geometric mean of `ratios`.
fn geometric_mean(ratios: &[f64]) -> f64 {
    let logs: f64 = ratios.iter().map(|r| r.ln()).sum();
    (logs / ratios.len() as f64).exp()
}

pub async fn run(round: Duration) {
    let (on, on_body) = fake(10_000).await;
    let (off, off_body) = fake(0).await;
    let thread = |sqs: &FakeSqs| format!("fake-sqs-{}", sqs.address().port());
    let (mut with, mut without) = (Load::default(), Load::default());
    let (mut rps_ratios, mut cpu_ratios) = (Vec::new(), Vec::new());
    println!(
        "## SendMessage with the request journal on and off, {PAIRS} pairs of {round:?} rounds"
    );
    for i in 0..PAIRS {
        let (mut pair_on, mut pair_off) = (Load::default(), Load::default());
        // Each goes first every other pair, so that neither gains from a trend.
        for on_now in [i % 2 == 0, i % 2 == 1] {
            if on_now {
                pair_on = hammer(on.address(), on_body.clone(), round, &thread(&on)).await;
            } else {
                pair_off = hammer(off.address(), off_body.clone(), round, &thread(&off)).await;
            }
        }
        let rps = |load: Load| per_second(load.requests, load.elapsed);
        let cpu = |load: Load| cpu_per_request(load).as_secs_f64();
        rps_ratios.push(rps(pair_on) / rps(pair_off));
        cpu_ratios.push(cpu(pair_on) / cpu(pair_off));
        println!(
            "pair {}: on {:>6.0} req/s {}, off {:>6.0} req/s {}",
            i + 1,
            rps(pair_on),
            micros(cpu_per_request(pair_on)),
            rps(pair_off),
            micros(cpu_per_request(pair_off)),
        );
        add(&mut with, pair_on);
        add(&mut without, pair_off);
    }

    assert_eq!(on.requests().len(), 10_000, "the journal kept its capacity");
    assert!(off.requests().is_empty());
    let (with_rps, without_rps) = (
        per_second(with.requests, with.elapsed),
        per_second(without.requests, without.elapsed),
    );
    for (name, load, rps) in [
        ("journal on (default)", with, with_rps),
        ("journal off", without, without_rps),
    ] {
        println!(
            "{name:<22} {rps:>9.0} requests/s   server thread CPU {} per request",
            micros(cpu_per_request(load))
        );
    }
    println!(
        "throughput on / off: {:.3}× in all, {:.3}× geometric mean of pairs",
        with_rps / without_rps,
        geometric_mean(&rps_ratios)
    );
    println!(
        "server CPU per request, on − off: {} in all; on / off {:.3}× geometric mean of pairs",
        micros(cpu_per_request(with).saturating_sub(cpu_per_request(without))),
        geometric_mean(&cpu_ratios)
    );
}
