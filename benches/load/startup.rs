//! `FakeSqs::start()` to the first answered request, as percentiles (criterion's
//! `start` bench gives means), split into its phases to show where the time goes.

use std::time::{Duration, Instant};

use fake_sqs::FakeSqs;
use serde_json::json;

use crate::client::{json_request, Conn};
use crate::stats::{micros, percentile};

const SAMPLES: usize = 2_000;

pub async fn run() {
    let (mut start, mut connect, mut answer, mut total) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..SAMPLES {
        let t0 = Instant::now();
        let sqs = FakeSqs::start().await;
        let t1 = Instant::now();
        let addr = sqs.address();
        let mut conn = Conn::open(addr).await;
        let t2 = Instant::now();
        conn.ok(json_request(addr, "ListQueues", &json!({}))).await;
        let t3 = Instant::now();
        start.push(t1 - t0);
        connect.push(t2 - t1);
        answer.push(t3 - t2);
        total.push(t3 - t0);
        drop(conn);
        drop(sqs);
    }
    println!("## FakeSqs::start() to the first answered request ({SAMPLES} fakes)");
    let line = |name: &str, samples: &mut Vec<Duration>| {
        println!(
            "{name:<34} p50 {:>10}  p99 {:>10}",
            micros(percentile(samples, 50.0)),
            micros(percentile(samples, 99.0))
        );
    };
    line("FakeSqs::start()", &mut start);
    line("TCP connect + HTTP/1.1 handshake", &mut connect);
    line("first request (ListQueues)", &mut answer);
    line("total: start to first answer", &mut total);
}
