//! The binary's connection timeouts from flags and variables, and its back-off when it
//! runs out of file descriptors (issue 11). Socket timeouts run on real time: these
//! tests set them to a few hundred milliseconds.

use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use crate::support::{post, KillOnDrop, BINARY};

async fn connect(endpoint: &str) -> TcpStream {
    let addr = endpoint.trim_start_matches("http://");
    TcpStream::connect(addr).await.expect("the fake listens")
}

/// The binary takes the timeouts as flags and as FAKE_SQS_* variables, and lists them.
#[test]
fn the_binary_takes_the_timeouts_as_flags_and_variables() {
    use std::io::{BufRead, Read, Write};
    use std::process::{Command, Stdio};

    let help = Command::new(BINARY)
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
        Command::new(BINARY)
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
            .arg(BINARY)
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
