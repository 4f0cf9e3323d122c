//! Connections cannot hold the server hostage (issue 11): one that stalls in its headers
//! or its body, or sits idle, is closed after its timeout, while a request being
//! answered (a long poll) is never cut short. (The binary's timeout flags and its
//! back-off when out of file descriptors are tested with the binary, in
//! `cli/tests/binary/connections.rs`.)
//!
//! Socket timeouts run on real time, so these tests set them to 200 ms and wait for the
//! server to close a connection, at most a few seconds.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::builder;

const SHORT: Duration = Duration::from_millis(200);
const LONG: Duration = Duration::from_secs(60);

async fn connect(endpoint: &str) -> TcpStream {
    let addr = endpoint.trim_start_matches("http://");
    TcpStream::connect(addr).await.expect("the fake listens")
}

/// Reads until the server closes the connection and returns how long that took from
/// `since`, with what was read; panics if it stays open for `within`.
async fn closed(stream: &mut TcpStream, since: Instant, within: Duration) -> (Duration, String) {
    let mut read = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(within, stream.read(&mut buf)).await {
            Err(_) => panic!(
                "still open after {within:?}; read {:?}",
                String::from_utf8_lossy(&read)
            ),
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => read.extend_from_slice(&buf[..n]),
        }
    }
    (since.elapsed(), String::from_utf8_lossy(&read).into_owned())
}

/// Reads one answer to a Query request: up to the end of its root element.
async fn answer(stream: &mut TcpStream, root: &str) -> String {
    let end = format!("</{root}>");
    let mut read = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&read).contains(&end) {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("an answer in time")
            .expect("the connection stays open");
        assert!(
            n > 0,
            "closed before answering: {:?}",
            String::from_utf8_lossy(&read)
        );
        read.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&read).into_owned()
}

fn post(body: &str) -> String {
    format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_headers_is_closed() {
    let sqs = builder()
        .header_read_timeout(SHORT)
        .body_read_timeout(LONG)
        .idle_timeout(LONG)
        .start()
        .await;
    let since = Instant::now();
    let mut stream = connect(&sqs.endpoint_url()).await;
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Le")
        .await
        .unwrap();
    let (after, read) = closed(&mut stream, since, Duration::from_secs(5)).await;
    assert!(after >= SHORT, "closed after {after:?}");
    assert_eq!(read, "", "closed without an answer");

    // A connection that sends nothing at all is closed the same way.
    let since = Instant::now();
    let mut silent = connect(&sqs.endpoint_url()).await;
    let (after, _) = closed(&mut silent, since, Duration::from_secs(5)).await;
    assert!(after >= SHORT, "closed after {after:?}");
}

#[tokio::test]
async fn a_connection_that_stalls_in_its_body_is_closed() {
    let sqs = builder()
        .header_read_timeout(LONG)
        .body_read_timeout(SHORT)
        .idle_timeout(LONG)
        .start()
        .await;
    let mut stream = connect(&sqs.endpoint_url()).await;
    let since = Instant::now();
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAction=List")
        .await
        .unwrap();
    let (after, read) = closed(&mut stream, since, Duration::from_secs(5)).await;
    assert!(after >= SHORT, "closed after {after:?}");
    assert_eq!(read, "", "closed without an answer");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_and_a_busy_one_is_not() {
    let sqs = builder()
        .header_read_timeout(Duration::from_millis(300))
        .body_read_timeout(SHORT)
        .idle_timeout(Duration::from_millis(600))
        .start()
        .await;
    let mut stream = connect(&sqs.endpoint_url()).await;
    stream
        .write_all(post("Action=ListQueues").as_bytes())
        .await
        .unwrap();
    answer(&mut stream, "ListQueuesResponse").await;
    let idle_since = Instant::now();

    // Idle longer than the header timeout: the connection is still there, because
    // between requests the (longer) idle timeout runs.
    tokio::time::sleep(Duration::from_millis(400)).await;
    // Taken before the request: the server's idle countdown starts once it has written
    // the answer, which is after this instant and before the client has read it.
    let since = Instant::now();
    stream
        .write_all(post("Action=ListQueues").as_bytes())
        .await
        .unwrap();
    let again = answer(&mut stream, "ListQueuesResponse").await;
    assert!(
        again.starts_with("HTTP/1.1 200"),
        "{again} after {:?}",
        idle_since.elapsed()
    );

    let (after, read) = closed(&mut stream, since, Duration::from_secs(5)).await;
    assert!(
        after >= Duration::from_millis(600),
        "closed after {after:?}"
    );
    assert_eq!(read, "");
}

/// A long poll waits longer than every timeout, and is answered on its connection.
#[tokio::test]
async fn a_long_poll_is_never_cut_short() {
    let sqs = builder()
        .header_read_timeout(SHORT)
        .body_read_timeout(SHORT)
        .idle_timeout(SHORT)
        .start()
        .await;
    let client = sqs.client().await;
    let url = crate::support::create_queue(&client, "q").await;
    let mut stream = connect(&sqs.endpoint_url()).await;
    let body = format!(
        "Action=ReceiveMessage&WaitTimeSeconds=20&QueueUrl={}",
        form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>()
    );
    stream.write_all(post(&body).as_bytes()).await.unwrap();
    sqs.wait_for_receivers(1).await;
    tokio::time::sleep(SHORT * 3).await;
    sqs.clock().advance(Duration::from_secs(20));
    let answer = answer(&mut stream, "ReceiveMessageResponse").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
