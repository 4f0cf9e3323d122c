//! Connections cannot hold the server hostage (issue 11): one that stalls in its headers
//! or its body, or sits idle, is closed after its timeout, while a request being
//! answered (a long poll) is never cut short; out of file descriptors, the server backs
//! off instead of spinning, and serves again once descriptors free up.
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

/// A spawned server, killed when dropped: also when an assertion fails first, so that no
/// test leaves a server behind.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
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

/// The binary takes the timeouts as flags and as FAKE_SQS_* variables, and lists them.
#[test]
fn the_binary_takes_the_timeouts_as_flags_and_variables() {
    use std::io::{BufRead, Read, Write};
    use std::process::{Command, Stdio};

    let help = Command::new(env!("CARGO_BIN_EXE_fake-sqs"))
        .arg("--help")
        .output()
        .expect("the binary runs");
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--header-read-timeout",
        "FAKE_SQS_HEADER_READ_TIMEOUT",
        "--body-read-timeout",
        "FAKE_SQS_BODY_READ_TIMEOUT",
        "--idle-timeout",
        "FAKE_SQS_IDLE_TIMEOUT",
    ] {
        assert!(help.contains(flag), "{flag} in {help}");
    }

    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_fake-sqs"))
            .args(["--port", "0", "--idle-timeout", "200ms"])
            .env("FAKE_SQS_HEADER_READ_TIMEOUT", "250ms")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let mut url = String::new();
    std::io::BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let addr = url.trim().trim_start_matches("http://").to_owned();
    let closes = |request: &[u8], wanted: Duration| {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream.write_all(request).unwrap();
        let since = Instant::now();
        let mut read = Vec::new();
        let result = stream.read_to_end(&mut read);
        let after = since.elapsed();
        assert!(result.is_ok(), "closed, not timed out: {result:?}");
        assert!(after >= wanted.mul_f32(0.9), "closed after {after:?}");
    };
    closes(b"GET / HTTP/1.1\r\nHo", Duration::from_millis(250));
    closes(
        post("Action=ListQueues").as_bytes(),
        Duration::from_millis(200),
    );
}

/// CPU time (user + system) of a process, in clock ticks, from `/proc/<pid>/stat`.
#[cfg(target_os = "linux")]
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("a stat file");
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..]
        .split_whitespace()
        .collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// At its file descriptor limit, the server retried `accept` in a tight loop: a whole
/// core, new requests timing out, nothing logged. It now backs off, says so once (not
/// again for a minute), and serves again once connections close.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_descriptors_the_server_backs_off_and_recovers() {
    use std::io::{BufRead, Read};
    use std::process::{Command, Stdio};

    let mut child = KillOnDrop(
        Command::new("sh")
            .args(["-c", "ulimit -n 64 && exec \"$0\" --port 0 --threads 1"])
            .arg(env!("CARGO_BIN_EXE_fake-sqs"))
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts"),
    );
    let pid = child.0.id();
    let mut stderr = child.0.stderr.take().unwrap();
    let mut url = String::new();
    std::io::BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url.trim().to_owned();
    let ticks_per_second: u64 = String::from_utf8(
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .expect("getconf")
            .stdout,
    )
    .unwrap()
    .trim()
    .parse()
    .unwrap();

    // 100 idle connections: more than the server's 64 descriptors.
    let mut idle = Vec::new();
    for _ in 0..100 {
        idle.push(connect(&url).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = cpu_ticks(pid);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let spent = cpu_ticks(pid) - before;
    assert!(
        spent * 10 < ticks_per_second,
        "the server spent {spent} of {ticks_per_second} ticks in one idle second"
    );

    drop(idle);
    let http = reqwest::Client::new();
    let since = Instant::now();
    loop {
        let answered = http
            .post(&url)
            .form(&[("Action", "ListQueues")])
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if answered.as_ref().is_ok_and(|r| r.status() == 200) {
            break;
        }
        assert!(
            since.elapsed() < Duration::from_secs(10),
            "not serving again: {answered:?}"
        );
    }
    drop(child);
    let mut log = String::new();
    stderr.read_to_string(&mut log).unwrap();
    assert_eq!(
        log.matches("cannot accept connections").count(),
        1,
        "logged once: {log}"
    );
}
