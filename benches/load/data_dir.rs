//! What `--data-dir` costs SendMessage (issue 18): the release command with and without
//! a data directory, side by side, under the `binary` section's load (AWS JSON
//! SendMessage, a 64-byte body and one String attribute, 32 keep-alive connections).
//! Rounds alternate between the two, which goes first alternating too, so that load from
//! elsewhere on the machine falls on both alike; each gets [`ROUNDS`] × [`ROUND`].
//!
//! With a data directory every SendMessage is answered once its message is committed to
//! SQLite (WAL, `synchronous = FULL`: a sync of the log at every commit), and the
//! requests that arrive while a commit syncs share the next one. When `perf` is there
//! (and allowed to read the syscall tracepoints), the command's fsync and fdatasync
//! calls are counted over each of its rounds, which shows how many requests share one.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::json;

use crate::binary::{load_average, message, Process};
use crate::client::{json_request, queue_url, raw_request, Conn};
use crate::stats::{micros, per_second, percentile};

const CONNECTIONS: usize = 32;
const ROUND: Duration = Duration::from_secs(2);
/// Per configuration: 10 s each.
const ROUNDS: usize = 5;

/// One configuration's figures over all its rounds.
#[derive(Default)]
struct Figures {
    requests: u64,
    elapsed: Duration,
    latencies: Vec<Duration>,
    cpu: Duration,
    /// fsync and fdatasync calls, and the time they were counted over (`perf stat`).
    syncs: u64,
    counted: Duration,
}

pub async fn run() {
    println!(
        "## SendMessage with and without --data-dir: the release command, {CONNECTIONS} \
         connections, {ROUNDS} interleaved rounds of {ROUND:?} each"
    );
    println!("(machine load average at start: {})", load_average());
    let dir = std::env::temp_dir().join(format!("fake-sqs-bench-data-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let in_memory = Process::command_with(&[]);
    let durable = Process::command_with(&["--data-dir", dir.to_str().expect("a UTF-8 path")]);
    let mut bodies = Vec::new();
    for process in [&in_memory, &durable] {
        let addr = process.addr;
        let mut conn = Conn::open(addr).await;
        conn.ok(json_request(
            addr,
            "CreateQueue",
            &json!({"QueueName": "load"}),
        ))
        .await;
        bodies.push(Bytes::from(message(&queue_url(addr, "load")).to_string()));
    }
    let processes = [&in_memory, &durable];
    let mut figures = [Figures::default(), Figures::default()];
    for round in 0..ROUNDS {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            let syncs = if i == 1 {
                count_syncs(processes[i])
            } else {
                None
            };
            let cpu = processes[i].cpu();
            let started = Instant::now();
            let (requests, mut latencies) = hammer(processes[i], bodies[i].clone()).await;
            let figures = &mut figures[i];
            figures.elapsed += started.elapsed();
            figures.cpu += processes[i].cpu().saturating_sub(cpu);
            figures.requests += requests;
            figures.latencies.append(&mut latencies);
            if let Some(syncs) = syncs.and_then(syncs_counted) {
                figures.syncs += syncs;
                figures.counted += ROUND;
            }
        }
    }
    drop(durable);
    let _ = std::fs::remove_dir_all(&dir);

    for (name, figures) in ["in memory", "--data-dir"].iter().zip(figures.iter_mut()) {
        let rate = per_second(figures.requests, figures.elapsed);
        let p50 = percentile(&mut figures.latencies, 50.0);
        let p99 = percentile(&mut figures.latencies, 99.0);
        let cpu = figures.cpu.as_secs_f64() * 1e6 / figures.requests.max(1) as f64;
        print!(
            "{name:>10}: {rate:>8.0} req/s, p50 {}, p99 {}, process CPU {cpu:.1} µs/request",
            micros(p50),
            micros(p99)
        );
        if !figures.counted.is_zero() {
            let syncs = per_second(figures.syncs, figures.counted);
            print!(
                "; {syncs:.0} fsync + fdatasync/s, {:.1} requests per sync",
                rate / syncs
            );
        }
        println!();
    }
    let [memory, disk] = &figures;
    println!(
        "--data-dir / in memory: {:.2}× the rate",
        per_second(disk.requests, disk.elapsed) / per_second(memory.requests, memory.elapsed)
    );
    println!("(machine load average at end: {})", load_average());
}

/// [`CONNECTIONS`] connections send `body` to `server` for one [`ROUND`], each as fast
/// as its answers come: the requests, and the latency of each.
async fn hammer(server: &Process, body: Bytes) -> (u64, Vec<Duration>) {
    let addr = server.addr;
    let mut conns = Vec::new();
    for _ in 0..CONNECTIONS {
        conns.push(Conn::open(addr).await);
    }
    let end = Instant::now() + ROUND;
    let tasks: Vec<_> = conns
        .into_iter()
        .map(|mut conn| {
            let body = body.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < end {
                    let sent = Instant::now();
                    let (status, answer) = conn
                        .call(raw_request(addr, "SendMessage", body.clone()))
                        .await;
                    latencies.push(sent.elapsed());
                    assert!(status.is_success(), "{status}: {answer:?}");
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.append(&mut task.await.expect("load task"));
    }
    (all.len() as u64, all)
}

/// Starts counting the fsync and fdatasync calls of `process` for one [`ROUND`] with
/// `perf stat`; `None` without perf.
fn count_syncs(process: &Process) -> Option<Child> {
    Command::new("perf")
        .args(["stat", "-x", ",", "-e"])
        .arg("syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync")
        .args(["-p", &process.pid().to_string(), "--", "sleep"])
        .arg(ROUND.as_secs_f64().to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()
}

/// What `perf stat` counted (its CSV lines on stderr: the count first); `None` if it
/// could not count.
fn syncs_counted(perf: Child) -> Option<u64> {
    let output = perf.wait_with_output().ok()?;
    if !output.status.success() {
        return None;
    }
    let counts: Option<Vec<u64>> = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.contains("syscalls:"))
        .map(|line| line.split(',').next()?.parse().ok())
        .collect();
    counts.filter(|c| c.len() == 2).map(|c| c.iter().sum())
}
