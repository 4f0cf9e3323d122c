//! Long-poll wake latency: a ReceiveMessage waiting (WaitTimeSeconds 20) on an empty
//! queue, then a SendMessage on another connection; the time from issuing the send to
//! the poll's answer arriving at the client.

use std::time::{Duration, Instant};

use fake_sqs::FakeSqs;
use serde_json::json;

use crate::client::{json_request, queue_url, Conn};
use crate::stats::{micros, percentile};

/// Long enough for the poll to reach the server and wait there before the send.
const SETTLE: Duration = Duration::from_millis(2);
const WARMUP: usize = 20;

pub async fn run(samples: usize) {
    let sqs = FakeSqs::start().await;
    let addr = sqs.address();
    let url = queue_url(addr, "wake");
    let mut sender = Conn::open(addr).await;
    let mut poller = Conn::open(addr).await;
    sender
        .ok(json_request(
            addr,
            "CreateQueue",
            &json!({"QueueName": "wake"}),
        ))
        .await;
    let poll = json!({"QueueUrl": url, "WaitTimeSeconds": 20});
    let send = json!({"QueueUrl": url, "MessageBody": "wake up"});

    let (mut wake, mut send_rtt) = (Vec::new(), Vec::new());
    for i in 0..WARMUP + samples {
        let request = json_request(addr, "ReceiveMessage", &poll);
        let waiting = tokio::spawn(async move {
            let answer = poller.ok(request).await;
            (poller, answer, Instant::now())
        });
        tokio::time::sleep(SETTLE).await;
        let issued = Instant::now();
        sender.ok(json_request(addr, "SendMessage", &send)).await;
        let sent = issued.elapsed();
        let (conn, answer, answered) = waiting.await.expect("poll task");
        poller = conn;
        let handle = answer["Messages"][0]["ReceiptHandle"]
            .as_str()
            .expect("the poll received the message")
            .to_owned();
        sender
            .ok(json_request(
                addr,
                "DeleteMessage",
                &json!({"QueueUrl": url, "ReceiptHandle": handle}),
            ))
            .await;
        if i >= WARMUP {
            wake.push(answered - issued);
            send_rtt.push(sent);
        }
    }
    println!("## Long-poll wake latency ({samples} samples)");
    println!(
        "send issued → poll answered: p50 {}  p99 {}",
        micros(percentile(&mut wake, 50.0)),
        micros(percentile(&mut wake, 99.0))
    );
    println!(
        "for scale, a SendMessage round trip: p50 {}  p99 {}",
        micros(percentile(&mut send_rtt, 50.0)),
        micros(percentile(&mut send_rtt, 99.0))
    );
}
