//! 10,000 concurrent long polls on one empty queue, all waiting: the CPU the process
//! spends while they wait (it should be none: no busy loop, no periodic wake-up) and
//! the heap each costs. HTTP/2 carries them (100 streams on each of 100 connections):
//! 10,000 HTTP/1.1 sockets at both ends would pass this machine's 20,000 descriptors.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use fake_sqs::FakeSqs;
use serde_json::json;

use crate::client::{json_request, queue_url, Conn, Multiplexed};
use crate::{counting_alloc, cpu};

const POLLS: usize = 10_000;
const CONNECTIONS: usize = 100;
/// Time for every poll to reach the server and start waiting.
const SETTLE: Duration = Duration::from_secs(3);
/// The window CPU is measured over; with SETTLE it stays well inside the 20 s wait.
const WINDOW: Duration = Duration::from_secs(5);

pub async fn run() {
    let sqs = FakeSqs::start().await;
    let addr = sqs.address();
    let url = queue_url(addr, "idle");
    Conn::open(addr)
        .await
        .ok(json_request(
            addr,
            "CreateQueue",
            &json!({"QueueName": "idle"}),
        ))
        .await;
    let poll = json!({"QueueUrl": url, "WaitTimeSeconds": 20});

    counting_alloc::start();
    let before = counting_alloc::live();
    let mut conns = Vec::new();
    for _ in 0..CONNECTIONS {
        conns.push(Multiplexed::open(addr).await);
    }
    let answered = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..POLLS)
        .map(|i| {
            let mut conn = conns[i % CONNECTIONS].clone();
            let request = json_request(addr, "ReceiveMessage", &poll);
            let answered = answered.clone();
            tokio::spawn(async move {
                if conn.call(request).await.is_some() {
                    answered.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    tokio::time::sleep(SETTLE).await;
    let heap = counting_alloc::live() - before;
    counting_alloc::stop();

    let fake_thread = format!("fake-sqs-{}", addr.port());
    let (process_before, server_before) = (cpu::process(), cpu::thread(&fake_thread));
    tokio::time::sleep(WINDOW).await;
    let (process_after, server_after) = (cpu::process(), cpu::thread(&fake_thread));
    let answered_early = answered.load(Ordering::Relaxed);

    println!("## {POLLS} concurrent idle long polls (WaitTimeSeconds 20)");
    println!(
        "heap per waiting poll (server and client): {} bytes",
        heap / POLLS as isize
    );
    println!(
        "CPU over {WINDOW:?} of waiting: process {:?} ({:.2}% of a core), server thread {:?}",
        process_after.saturating_sub(process_before),
        process_after.saturating_sub(process_before).as_secs_f64() / WINDOW.as_secs_f64() * 100.0,
        server_after
            .unwrap_or_default()
            .saturating_sub(server_before.unwrap_or_default()),
    );
    println!("polls answered before their deadline (should be 0): {answered_early}");
    drop(sqs);
    for task in tasks {
        task.abort();
    }
}
