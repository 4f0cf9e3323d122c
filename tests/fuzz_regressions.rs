//! Every input a fuzz target failed on, kept in `fuzz/regressions/<target>/`, replayed
//! over HTTP against a real fake, without nightly or libFuzzer: each answer must be a
//! well-formed SQS answer for its protocol (`fuzz/src/check.rs`), and the server must
//! keep serving. One test per file, named after it.
//!
//! A binary of its own: an input that overflows the server's stack aborts the process,
//! and the rest of the suite should still report.

#[allow(dead_code)]
#[path = "../fuzz/src/script.rs"]
mod script;

#[allow(dead_code)]
#[path = "../fuzz/src/check.rs"]
mod check;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, UNIX_EPOCH};

use bytes::Bytes;
use fake_sqs::{ClockMode, Dialect, FakeSqs};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use rstest::rstest;
use script::{Handles, Script, Step};

/// Where the fuzzing module's in-process server starts its clock, so that a replay
/// sees the times the target saw.
const START_SECS: u64 = 1_735_689_600;

/// How far the clock moves when a request waits: SQS's longest long poll.
const LONG_POLL_STEP: Duration = Duration::from_secs(20);

#[rstest]
#[tokio::test]
async fn fuzz_regression_gets_well_formed_answers(#[files("fuzz/regressions/*/*")] path: PathBuf) {
    let target = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .expect("fuzz/regressions/<target>/<file>");
    let data = std::fs::read(&path).expect("a regression file");
    let script = script::for_target(target, &data)
        .unwrap_or_else(|| panic!("{}: no fuzz target {target}", path.display()));
    replay(&script).await;
}

/// Runs the script (after the same setup as the fuzz targets) against a fresh fake in
/// its dialect, checks every answer, and checks the server still answers at the end.
async fn replay(script: &Script) {
    let sqs = FakeSqs::builder()
        .dialect(match script.dialect {
            "scaleway" => Dialect::Scaleway,
            "yandex" => Dialect::Yandex,
            _ => Dialect::Aws,
        })
        .clock(ClockMode::Paused(Some(
            UNIX_EPOCH + Duration::from_secs(START_SECS),
        )))
        .seed(0)
        .start()
        .await;
    let mut conn = connect(&sqs).await;
    let mut handles = Handles::default();
    for step in &script.all_steps() {
        let request = match step {
            Step::Advance(secs) => {
                sqs.clock().advance(Duration::from_secs((*secs).into()));
                continue;
            }
            Step::Request(request) => request.with_handles(&handles),
        };
        let Some(http) = to_http(&request) else {
            continue; // not valid HTTP: the fuzz target skips it too
        };
        let (status, headers, body) = send(&sqs, &mut conn, http).await;
        if let Err(problem) = check::answer(script.dialect, &request, status, &headers, &body) {
            panic!(
                "{problem}\nrequest: {}\nanswer: {status} {}",
                String::from_utf8_lossy(&script::write("aws", &[Step::Request(request.clone())]))
                    .escape_debug(),
                String::from_utf8_lossy(&body).escape_debug()
            );
        }
        handles.capture(&body);
    }
    // Still serving: a new request gets an SQS answer (in Scaleway's dialect, without
    // credentials, an error one).
    let ping = script::query_request("/", b"Action=ListQueues");
    let (status, headers, body) = send(&sqs, &mut conn, to_http(&ping).expect("valid")).await;
    // Scaleway refuses an unsigned call (403): an answer all the same.
    let expected = if script.dialect == "scaleway" {
        403
    } else {
        200
    };
    assert_eq!(status, expected, "the fake answers after the replay");
    check::answer(script.dialect, &ping, status, &headers, &body)
        .unwrap_or_else(|problem| panic!("after the replay: {problem}"));
}

type Conn = http1::SendRequest<Full<Bytes>>;

async fn connect(sqs: &FakeSqs) -> Conn {
    let stream = tokio::net::TcpStream::connect(sqs.address())
        .await
        .expect("connect to the fake");
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .expect("an HTTP/1.1 connection");
    tokio::spawn(connection);
    sender
}

/// The request as hyper builds it, or `None` when its method, target or a header is
/// not valid HTTP (the in-process target skips the same requests).
fn to_http(request: &script::Request) -> Option<hyper::Request<Full<Bytes>>> {
    let mut builder = hyper::Request::builder()
        .method(request.method.as_str())
        .uri(request.target.as_str());
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::copy_from_slice(&request.body)))
        .ok()
}

/// Sends one request; a long poll that waits gets the clock moved by 20 s each time it
/// is seen waiting, as the in-process target does.
async fn send(
    sqs: &FakeSqs,
    conn: &mut Conn,
    request: hyper::Request<Full<Bytes>>,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    conn.ready().await.expect("the connection is still open");
    let response = conn.send_request(request);
    tokio::pin!(response);
    let started = Instant::now();
    let response = loop {
        tokio::select! {
            biased;
            response = &mut response => break response.expect("an answer, not a dropped connection"),
            () = waiting(sqs, true) => {
                sqs.clock().advance(LONG_POLL_STEP);
                waiting(sqs, false).await;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no answer within a minute"
        );
    };
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("the whole body")
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

/// Returns once a long poll waits (`true`) or none does (`false`); yields, never sleeps.
async fn waiting(sqs: &FakeSqs, some: bool) {
    let started = Instant::now();
    while (sqs.waiting_receives() > 0) != some {
        if started.elapsed() > Duration::from_secs(30) {
            std::future::pending::<()>().await;
        }
        tokio::task::yield_now().await;
    }
}
