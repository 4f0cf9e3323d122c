//! The `fake-sqs` command measured from outside, as a user runs it: its resident memory
//! (RSS) per stored message, a 60-second fill curve (requests/s and RSS, second by
//! second), and, in the same run, the bare-hyper ceiling in a process of its own set up
//! like the command (a multi-thread runtime with the command's default 2 workers).
//!
//! The load is the issue's: AWS JSON SendMessage with a 64-byte body and one String
//! message attribute, from 32 keep-alive connections. The command logs a line per
//! request to stderr, as it does for a user; here stderr goes to /dev/null.
//!
//! Then a second, fresh command is filled to exactly 1,000,000 of the same message
//! (SendMessageBatch, for speed) and its RSS read; and the same message is stored
//! 100,000 times in process, where the counting allocator gives the heap per message,
//! beside the RSS that a user sees (allocator overhead and fragmentation included).

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use fake_sqs::FakeSqs;
use serde_json::{json, Value};

use crate::bare;
use crate::client::{json_request, queue_url, raw_request, Conn};
use crate::counting_alloc;
use crate::stats::per_second;

const CONNECTIONS: usize = 32;
const FILL: Duration = Duration::from_secs(60);
const CEILING_ROUND: Duration = Duration::from_secs(5);
const MILLION: u64 = 1_000_000;
const IN_PROCESS: u64 = 100_000;
/// The command's default `--threads`.
const THREADS: usize = 2;
/// The variable that names a `fake-sqs` executable to measure instead of this
/// checkout's release build.
const COMMAND_VARIABLE: &str = "FAKE_SQS_COMMAND";
/// The argument that makes the bench executable a bare server (see [`serve_bare`]).
pub const BARE_FLAG: &str = "--bare-server";

/// The message of every send: a 64-byte body and one String attribute.
pub fn message(url: &str) -> Value {
    json!({
        "QueueUrl": url,
        "MessageBody": "b".repeat(64),
        "MessageAttributes": {"trace": {"DataType": "String", "StringValue": "0123456789abcdef"}}
    })
}

pub async fn run() {
    println!(
        "## The fake-sqs command from outside: RSS per message, 60 s fill, bare-hyper ceiling"
    );
    println!("(machine load average at start: {})", load_average());
    if let Some(path) = std::env::var_os(COMMAND_VARIABLE) {
        println!("(the command measured: {})", path.to_string_lossy());
    }
    let fake = Process::command();
    let addr = fake.addr;
    let url = queue_url(addr, "load");
    let mut conn = Conn::open(addr).await;
    conn.ok(json_request(
        addr,
        "CreateQueue",
        &json!({"QueueName": "load"}),
    ))
    .await;
    let body = Bytes::from(message(&url).to_string());
    // The ceiling answers what the command answers to this very request.
    let (_, answer) = conn
        .call(raw_request(addr, "SendMessage", body.clone()))
        .await;
    drop(conn);
    let answer = String::from_utf8(answer.to_vec()).expect("utf-8");
    let bare = Process::bare(&answer);

    let rss_before = fake.rss();
    let first_ceiling = hammer(&bare, "SendMessage", body.clone(), CEILING_ROUND, None).await;
    let mut curve = Vec::new();
    let fill = hammer(&fake, "SendMessage", body.clone(), FILL, Some(&mut curve)).await;
    let second_ceiling = hammer(&bare, "SendMessage", body.clone(), CEILING_ROUND, None).await;
    let stored = fill.requests + 1;
    let rss_after = fake.rss();
    drop(fake);
    drop(bare);

    let ceiling = Round {
        requests: first_ceiling.requests + second_ceiling.requests,
        elapsed: first_ceiling.elapsed + second_ceiling.elapsed,
        cpu: first_ceiling.cpu + second_ceiling.cpu,
        cpu_start: first_ceiling.cpu_start,
    };
    let (fake_rps, bare_rps) = (fill.rate(), ceiling.rate());
    println!(
        "SendMessage, {CONNECTIONS} connections: fake-sqs {fake_rps:.0} req/s over {FILL:?} \
         (process CPU {:.1} µs/request); bare hyper {bare_rps:.0} req/s (2 × {CEILING_ROUND:?}, \
         before and after; {:.1} µs/request); ratio {:.2}×",
        fill.cpu_per_request(),
        ceiling.cpu_per_request(),
        fake_rps / bare_rps
    );
    let first_ten: u64 = curve.iter().take(10).map(|s| s.requests).sum();
    let last_ten: u64 = curve.iter().rev().take(10).map(|s| s.requests).sum();
    println!(
        "first 10 s of the fill: {:.0} req/s ({:.2}× the ceiling); last 10 s: {:.0} req/s; \
         last/first {:.2} (on a shared machine single seconds swing, ten of them less)",
        first_ten as f64 / 10.0,
        first_ten as f64 / 10.0 / bare_rps,
        last_ten as f64 / 10.0,
        last_ten as f64 / first_ten.max(1) as f64
    );
    // Server CPU per request over the first and the last 10 s.
    if curve.len() >= 20 {
        let per_request =
            |cpu: Duration, requests: u64| cpu.as_secs_f64() * 1e6 / requests.max(1) as f64;
        let n = curve.len();
        let first_cpu = per_request(curve[9].cpu.saturating_sub(fill.cpu_start), first_ten);
        let last_cpu = per_request(curve[n - 1].cpu.saturating_sub(curve[n - 11].cpu), last_ten);
        println!(
            "server CPU per request: first 10 s {first_cpu:.1} µs, last 10 s {last_cpu:.1} µs: \
             last/first {:.2}",
            last_cpu / first_cpu
        );
    }
    let (first, last) = (curve.first().copied(), curve.last().copied());
    if let (Some(first), Some(last)) = (first, last) {
        println!(
            "first second {} req/s, last second {} req/s: last/first {:.2}",
            first.requests,
            last.requests,
            last.requests as f64 / first.requests.max(1) as f64
        );
    }
    println!(
        "RSS {:.1} MB → {:.1} MB for {stored} messages: {:.0} bytes of RSS per stored message",
        mb(rss_before),
        mb(rss_after),
        rss_after.saturating_sub(rss_before) as f64 / stored as f64
    );
    println!("fill curve (second: requests in it, messages stored, RSS, RSS per message):");
    let mut total = 1;
    for (i, s) in curve.iter().enumerate() {
        total += s.requests;
        println!(
            "  {:>2} s {:>7} {:>9} {:>8.1} MB {:>6.0} B",
            i + 1,
            s.requests,
            total,
            mb(s.rss),
            s.rss.saturating_sub(rss_before) as f64 / total as f64
        );
    }

    million().await;
    in_process().await;
    println!("(machine load average at end: {})", load_average());
}

/// A fresh command filled to exactly 1,000,000 messages with SendMessageBatch.
async fn million() {
    let fake = Process::command();
    let addr = fake.addr;
    let url = queue_url(addr, "million");
    let mut conn = Conn::open(addr).await;
    conn.ok(json_request(
        addr,
        "CreateQueue",
        &json!({"QueueName": "million"}),
    ))
    .await;
    let before = fake.rss();
    let started = Instant::now();
    fill_with_batches(addr, &url, MILLION).await;
    let elapsed = started.elapsed();
    let after = fake.rss();
    let counted = conn
        .ok(json_request(
            addr,
            "GetQueueAttributes",
            &json!({"QueueUrl": url, "AttributeNames": ["ApproximateNumberOfMessages"]}),
        ))
        .await;
    let counted = &counted["Attributes"]["ApproximateNumberOfMessages"];
    assert_eq!(counted, &json!(MILLION.to_string()), "every message stored");
    println!(
        "1,000,000 messages in a fresh command: RSS {:.1} MB → {:.1} MB ({:.0} bytes per message), \
         filled at {:.0} messages/s (SendMessageBatch, {CONNECTIONS} connections)",
        mb(before),
        mb(after),
        after.saturating_sub(before) as f64 / MILLION as f64,
        per_second(MILLION, elapsed)
    );
}

/// The same message stored in process, counted by the counting allocator.
async fn in_process() {
    let sqs = FakeSqs::start().await;
    let addr = sqs.address();
    let url = queue_url(addr, "heap");
    let mut conn = Conn::open(addr).await;
    conn.ok(json_request(
        addr,
        "CreateQueue",
        &json!({"QueueName": "heap"}),
    ))
    .await;
    counting_alloc::start();
    let before = counting_alloc::live();
    fill_with_batches(addr, &url, IN_PROCESS).await;
    // The fill's connections are closed; let the server drop their buffers.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let heap = counting_alloc::live() - before;
    counting_alloc::stop();
    println!(
        "in process, {IN_PROCESS} of the same message: heap {} bytes per stored message \
         (the counting allocator: no allocator overhead or fragmentation)",
        heap / IN_PROCESS as isize
    );
}

/// Sends `count` messages (a multiple of 10) in batches of 10 over `CONNECTIONS`
/// connections.
async fn fill_with_batches(addr: SocketAddr, url: &str, count: u64) {
    let one = message(url);
    let entries: Vec<Value> = (0..10)
        .map(|i| {
            let mut entry = one.clone();
            let entry = entry.as_object_mut().expect("an object");
            entry.remove("QueueUrl");
            entry.insert("Id".into(), json!(i.to_string()));
            Value::Object(entry.clone())
        })
        .collect();
    let batch = Bytes::from(json!({"QueueUrl": url, "Entries": entries}).to_string());
    let batches = count / 10;
    let connections = CONNECTIONS as u64;
    let tasks: Vec<_> = (0..connections)
        .map(|c| {
            let batch = batch.clone();
            let mine = batches / connections + u64::from(c < batches % connections);
            tokio::spawn(async move {
                let mut conn = Conn::open(addr).await;
                for _ in 0..mine {
                    let answer = conn
                        .ok(raw_request(addr, "SendMessageBatch", batch.clone()))
                        .await;
                    assert!(answer.get("Failed").is_none(), "{answer}");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("fill task");
    }
}

/// One second of a fill.
#[derive(Clone, Copy)]
struct Second {
    requests: u64,
    rss: u64,
    /// The server's CPU time up to the end of this second: what a request costs as the
    /// queue fills, which other work on the machine sways less than the rate.
    cpu: Duration,
}

/// What a round of load did.
struct Round {
    requests: u64,
    elapsed: Duration,
    /// CPU time of the server process over the round.
    cpu: Duration,
    /// The server process's CPU time when the round started.
    cpu_start: Duration,
}

impl Round {
    fn rate(&self) -> f64 {
        per_second(self.requests, self.elapsed)
    }

    fn cpu_per_request(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.requests.max(1) as f64
    }
}

/// `CONNECTIONS` connections send `body` as `action` to `server` for `round`, as fast
/// as answers come; with `curve`, what each second did.
async fn hammer(
    server: &Process,
    action: &'static str,
    body: Bytes,
    round: Duration,
    mut curve: Option<&mut Vec<Second>>,
) -> Round {
    let addr = server.addr;
    let mut conns = Vec::new();
    for _ in 0..CONNECTIONS {
        conns.push(Conn::open(addr).await);
    }
    let done = Arc::new(AtomicU64::new(0));
    let cpu_before = server.cpu();
    let started = Instant::now();
    let end = started + round;
    let tasks: Vec<_> = conns
        .into_iter()
        .map(|mut conn| {
            let (body, done) = (body.clone(), done.clone());
            tokio::spawn(async move {
                while Instant::now() < end {
                    let (status, answer) = conn.call(raw_request(addr, action, body.clone())).await;
                    assert!(status.is_success(), "{status}: {answer:?}");
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let mut last = 0;
    let mut tick = started;
    while tick + Duration::from_secs(1) <= end {
        tick += Duration::from_secs(1);
        tokio::time::sleep_until(tick.into()).await;
        let now = done.load(Ordering::Relaxed);
        if let Some(curve) = curve.as_deref_mut() {
            curve.push(Second {
                requests: now - last,
                rss: server.rss(),
                cpu: server.cpu(),
            });
        }
        last = now;
    }
    for task in tasks {
        task.await.expect("load task");
    }
    let elapsed = started.elapsed();
    Round {
        requests: done.load(Ordering::Relaxed),
        elapsed,
        cpu: server.cpu().saturating_sub(cpu_before),
        cpu_start: cpu_before,
    }
}

/// A server process this section started; killed when dropped.
pub struct Process {
    child: Child,
    pub addr: SocketAddr,
}

impl Process {
    /// The release `fake-sqs` command on a free port, built first if it is not up to
    /// date (it is a package of its own, `cli/`, so cargo does not build it for a bench
    /// of this one). [`COMMAND_VARIABLE`], when set, names another build to measure
    /// instead (an older one, for a before-and-after in one run).
    fn command() -> Process {
        Process::command_with(&[])
    }

    /// [`Process::command`] with more arguments (`--data-dir DIR`).
    pub fn command_with(args: &[&str]) -> Process {
        let path = match std::env::var_os(COMMAND_VARIABLE) {
            Some(path) => std::path::PathBuf::from(path),
            None => {
                let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
                let built = Command::new(cargo)
                    .args(["build", "--release", "--quiet", "-p", "fake-sqs-cli"])
                    .status()
                    .expect("cargo build");
                assert!(built.success(), "building the fake-sqs command failed");
                std::env::current_exe()
                    .expect("the bench's path")
                    .parent()
                    .and_then(|deps| deps.parent())
                    .expect("target/release")
                    .join("fake-sqs")
            }
        };
        let mut child = Command::new(path)
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start fake-sqs");
        // Its first line of stdout is its URL.
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the URL line");
        let addr = line
            .trim()
            .trim_start_matches("http://")
            .parse()
            .expect("an address");
        Process { child, addr }
    }

    /// The bench executable again, as a bare server answering `answer` (see
    /// [`serve_bare`]).
    fn bare(answer: &str) -> Process {
        let mut child = Command::new(std::env::current_exe().expect("the bench's path"))
            .args([BARE_FLAG, answer])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the bare server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the address line");
        let addr = line.trim().parse().expect("an address");
        Process { child, addr }
    }

    /// Resident set size, in bytes.
    fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// User + system CPU time of the process, all its threads (10 ms ticks).
    pub fn cpu(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        let ticks: u64 = stat
            .rfind(')')
            .map(|end| {
                stat[end + 2..]
                    .split(' ')
                    .skip(11)
                    .take(2)
                    .filter_map(|f| f.parse::<u64>().ok())
                    .sum()
            })
            .unwrap_or(0);
        Duration::from_millis(ticks * 10)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The bare server's process: serves `answer` (SendMessage's, as AWS JSON) with the
/// command's runtime, prints its address, and serves until killed.
pub fn serve_bare(answer: String) -> ! {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    println!("{}", listener.local_addr().expect("local addr"));
    let answer: &'static str = answer.leak();
    bare::serve_blocking(listener, THREADS, answer, "application/x-amz-json-1.0");
    std::process::exit(0)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// `/proc/loadavg`'s three averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
