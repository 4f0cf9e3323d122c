//! `cargo bench --bench start`: how long a test waits for its fake. `start` is
//! `FakeSqs::start()` alone (bind, state, server thread); `first_request` is start plus
//! the first answered request (a ListQueues over a fresh HTTP/1.1 connection), which is
//! what a test actually waits for before its first assertion.

use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use fake_sqs::FakeSqs;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::Request;
use hyper_util::rt::TokioIo;

async fn first_request(sqs: &FakeSqs) {
    let addr = sqs.address();
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (mut sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    let request = Request::post("/")
        .header("host", addr.to_string())
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "AmazonSQS.ListQueues")
        .body(Full::new(Bytes::from_static(b"{}")))
        .expect("request");
    let response = sender.send_request(request).await.expect("response");
    assert!(response.status().is_success());
    response.into_body().collect().await.expect("body");
}

fn start(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut group = c.benchmark_group("start");
    group.measurement_time(Duration::from_secs(5));
    // Each iteration's fake is dropped outside the timed part: a test pays for its
    // drop only after its assertions.
    group.bench_function("start", |b| {
        b.to_async(&runtime).iter_custom(|iters| async move {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                let sqs = FakeSqs::start().await;
                total += t.elapsed();
                drop(sqs);
            }
            total
        })
    });
    group.bench_function("first_request", |b| {
        b.to_async(&runtime).iter_custom(|iters| async move {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                let sqs = FakeSqs::start().await;
                first_request(&sqs).await;
                total += t.elapsed();
                drop(sqs);
                // Let the dropped fake's thread wind down before the next start, as it
                // does between tests; back to back, its teardown competes with the next
                // fake's first request (see benches/README.md).
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, start);
criterion_main!(benches);
