//! send → receive → delete messages/s over HTTP with the AWS SDK for Rust, one message
//! at a time and in batches of 10, on standard and FIFO queues, with 1 and 16
//! concurrent workers (each on a queue of its own, so every receive finds its messages).
//! FIFO messages all go to one group, so each receive must return the batch in order.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, SendMessageBatchRequestEntry};
use aws_sdk_sqs::Client;
use fake_sqs::FakeSqs;

use crate::cpu;
use crate::stats::{micros, per_second};

/// Tells every FIFO message apart, so no send is taken for a duplicate.
static DEDUP: AtomicU64 = AtomicU64::new(0);

pub async fn run(round: Duration) {
    let sqs = FakeSqs::start().await;
    let client = sqs.client().await;
    let thread = format!("fake-sqs-{}", sqs.address().port());
    println!("## send → receive → delete over HTTP, AWS SDK for Rust, {round:?} each");
    for fifo in [false, true] {
        for batch in [1usize, 10] {
            for workers in [1usize, 16] {
                let kind = if fifo { "FIFO" } else { "standard" };
                let cpu_before = cpu::thread(&thread).unwrap_or_default();
                let process_before = cpu::process();
                match measure(&client, fifo, batch, workers, round).await {
                    Ok((messages, elapsed)) => {
                        let server = cpu::thread(&thread)
                            .unwrap_or_default()
                            .saturating_sub(cpu_before);
                        let client = cpu::process()
                            .saturating_sub(process_before)
                            .saturating_sub(server);
                        let per_message = |d: Duration| micros(d / messages.max(1) as u32);
                        println!(
                            "{kind:<8} batch {batch:>2}, {workers:>2} workers: {:>8.0} messages/s   \
                             CPU per message: server thread {}, client (SDK) {}",
                            per_second(messages, elapsed),
                            per_message(server),
                            per_message(client),
                        );
                    }
                    Err(err) => println!(
                        "{kind:<8} batch {batch:>2}, {workers:>2} workers: not measured ({err})"
                    ),
                }
            }
        }
    }
}

async fn measure(
    client: &Client,
    fifo: bool,
    batch: usize,
    workers: usize,
    round: Duration,
) -> Result<(u64, Duration), String> {
    let mut urls = Vec::new();
    for i in 0..workers {
        let mut name = format!("rt-{batch}-{workers}-{i}");
        let mut create = client.create_queue();
        if fifo {
            name.push_str(".fifo");
            create = create.attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true");
        }
        let url = create
            .queue_name(name)
            .send()
            .await
            .map_err(|e| format!("CreateQueue: {e:?}"))?
            .queue_url
            .unwrap_or_default();
        urls.push(url);
    }
    let started = Instant::now();
    let end = started + round;
    let tasks: Vec<_> = urls
        .into_iter()
        .map(|url| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut done = 0u64;
                while Instant::now() < end {
                    done += cycle(&client, &url, fifo, batch).await?;
                }
                Ok::<_, String>(done)
            })
        })
        .collect();
    let mut messages = 0;
    for task in tasks {
        messages += task.await.map_err(|e| e.to_string())??;
    }
    Ok((messages, started.elapsed()))
}

/// Sends `batch` messages, receives them all, deletes them; returns how many.
async fn cycle(client: &Client, url: &str, fifo: bool, batch: usize) -> Result<u64, String> {
    let dedup = || DEDUP.fetch_add(1, Ordering::Relaxed).to_string();
    if batch == 1 {
        let mut send = client
            .send_message()
            .queue_url(url)
            .message_body("a message");
        if fifo {
            send = send.message_group_id("g").message_deduplication_id(dedup());
        }
        send.send()
            .await
            .map_err(|e| format!("SendMessage: {e:?}"))?;
    } else {
        let entries = (0..batch)
            .map(|i| {
                let mut entry = SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body("a message");
                if fifo {
                    entry = entry
                        .message_group_id("g")
                        .message_deduplication_id(dedup());
                }
                entry.build().expect("a complete entry")
            })
            .collect();
        let sent = client
            .send_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| format!("SendMessageBatch: {e:?}"))?;
        if !sent.failed().is_empty() {
            return Err(format!("SendMessageBatch failed: {:?}", sent.failed()));
        }
    }
    let mut handles = Vec::new();
    let mut empty_receives = 0;
    while handles.len() < batch {
        let received = client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(batch as i32)
            .send()
            .await
            .map_err(|e| format!("ReceiveMessage: {e:?}"))?;
        if received.messages().is_empty() {
            empty_receives += 1;
            if empty_receives > 100 {
                return Err("messages sent but never received".into());
            }
        }
        handles.extend(
            received
                .messages()
                .iter()
                .filter_map(|m| m.receipt_handle().map(str::to_owned)),
        );
    }
    if batch == 1 {
        client
            .delete_message()
            .queue_url(url)
            .receipt_handle(&handles[0])
            .send()
            .await
            .map_err(|e| format!("DeleteMessage: {e:?}"))?;
    } else {
        let entries = handles
            .iter()
            .enumerate()
            .map(|(i, handle)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(handle)
                    .build()
                    .expect("a complete entry")
            })
            .collect();
        client
            .delete_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| format!("DeleteMessageBatch: {e:?}"))?;
    }
    Ok(handles.len() as u64)
}
