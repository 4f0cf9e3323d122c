//! `cargo bench --bench load [-- SECTION...]`: fake-sqs under HTTP load over loopback,
//! as tests use it, with a lean hyper client (and the AWS SDK where the figure is about
//! what a user's code sees). Sections: `startup` (start to first answer, percentiles),
//! `send` (SendMessage requests/s against a bare-hyper ceiling), `journal` (the same with
//! the request journal on and off), `roundtrip` (send →
//! receive → delete with the AWS SDK), `longpoll` (wake latency), `depth` (1k vs 1M
//! messages, heap per message), `queues` (10,000 queues), `idle` (10,000 waiting long
//! polls), `soak` (1,000,000 messages through concurrent producers and consumers, every
//! one accounted for), `binary` (the `fake-sqs` command from outside: RSS per message, a
//! 60-second fill curve, the bare-hyper ceiling in the same run), `datadir` (the command
//! with and without `--data-dir`: SendMessage rate, p50/p99 latency, commits). No section
//! named: all of them. Criterion's `start` bench gives start-up
//! means with confidence intervals.

mod bare;
mod binary;
mod client;
mod counting_alloc;
mod cpu;
mod data_dir;
mod depth;
mod idle;
mod journal;
mod longpoll;
mod queues;
mod roundtrip;
// Shared with `tests/it/soak.rs`, which uses the parts the benchmark does not.
#[allow(dead_code)]
mod soak;
mod startup;
mod stats;
mod throughput;

use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: counting_alloc::Counting = counting_alloc::Counting;

const SECTIONS: [&str; 11] = [
    "startup",
    "send",
    "journal",
    "roundtrip",
    "longpoll",
    "depth",
    "queues",
    "idle",
    "soak",
    "binary",
    "datadir",
];

fn main() {
    // The `binary` section starts this executable again as its bare-hyper ceiling.
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some(binary::BARE_FLAG) {
        binary::serve_bare(args.next().expect("the answer to serve"));
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` (or `--all-targets`) does
    // not, and a minute of load has no place in a test run.
    if !std::env::args().any(|a| a == "--bench") {
        println!("load: benchmarks run only under `cargo bench --bench load`");
        return;
    }
    // Anything else that is not a flag or a section is a mistake.
    let asked: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if let Some(unknown) = asked.iter().find(|a| !SECTIONS.contains(&a.as_str())) {
        eprintln!(
            "unknown section {unknown:?}; sections: {}",
            SECTIONS.join(", ")
        );
        std::process::exit(2);
    }
    let wanted = |s: &str| asked.is_empty() || asked.iter().any(|a| a == s);
    // Two client workers: the fake's server runs on a thread of its own, as in tests.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("client runtime");
    runtime.block_on(async {
        for section in SECTIONS.iter().filter(|s| wanted(s)) {
            // A dropped fake's thread frees its state as it ends (a million messages
            // take a while): not during the next section's figures.
            cpu::wait_for_threads_to_end("fake-sqs-").await;
            let started = Instant::now();
            match *section {
                "startup" => startup::run().await,
                "send" => throughput::run(Duration::from_secs(2)).await,
                "journal" => journal::run(Duration::from_millis(500)).await,
                "roundtrip" => roundtrip::run(Duration::from_secs(2)).await,
                "longpoll" => longpoll::run(1_000).await,
                "depth" => depth::run().await,
                "queues" => queues::run().await,
                "idle" => idle::run().await,
                "binary" => binary::run().await,
                "datadir" => data_dir::run().await,
                "soak" => {
                    let report = soak::run(soak::Soak::million()).await;
                    soak::print(&report);
                    assert!(
                        report.lost == 0 && report.violations.is_empty(),
                        "the soak lost messages or broke an SQS guarantee"
                    );
                }
                _ => unreachable!("sections are checked above"),
            }
            println!("({section}: {:.1} s)\n", started.elapsed().as_secs_f64());
        }
    });
}
