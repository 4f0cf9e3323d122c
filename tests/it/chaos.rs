//! At-least-once chaos on standard queues: duplicate deliveries (even of deleted
//! messages), short receives, out-of-order delivery, deletes with older handles that do
//! not delete; each knob alone, seeded, recorded in the journal, and never on FIFO
//! queues.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName;
use aws_sdk_sqs::Client;
use fake_sqs::{Action, Chaos, ChaosEvent, FakeSqs};

use crate::support::{builder, create_queue};

async fn chaotic(chaos: Chaos) -> (FakeSqs, Client) {
    let sqs = builder().chaos(chaos).start().await;
    let client = sqs.client().await;
    (sqs, client)
}

async fn send_all(client: &Client, url: &str, bodies: &[&str]) {
    for body in bodies {
        client
            .send_message()
            .queue_url(url)
            .message_body(*body)
            .send()
            .await
            .unwrap();
    }
}

/// The code under test: a worker that does each job once, whatever SQS delivers twice,
/// by remembering the MessageIds it has done.
async fn idempotent_worker(client: &Client, url: &str, polls: usize) -> (Vec<String>, usize) {
    let mut done = Vec::new();
    let mut seen = HashSet::new();
    let mut duplicates = 0;
    for _ in 0..polls {
        let received = client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(2)
            .send()
            .await
            .unwrap();
        for message in received.messages() {
            if seen.insert(message.message_id().unwrap().to_owned()) {
                done.push(message.body().unwrap().to_owned());
            } else {
                duplicates += 1;
            }
            let handle = message.receipt_handle().unwrap();
            client
                .delete_message()
                .queue_url(url)
                .receipt_handle(handle)
                .send()
                .await
                .unwrap();
        }
    }
    (done, duplicates)
}

/// A worker that processes a duplicated delivery idempotently: every job done once,
/// though SQS delivered some twice, deleted ones included.
#[tokio::test]
async fn a_worker_processes_duplicated_deliveries_once() {
    let (sqs, client) = chaotic(Chaos::new().duplicates(1.0)).await;
    let url = create_queue(&client, "jobs").await;
    send_all(&client, &url, &["a", "b", "c"]).await;

    let (done, duplicates) = idempotent_worker(&client, &url, 6).await;
    assert_eq!(done, ["a", "b", "c"]);
    assert!(duplicates >= 1, "chaos at rate 1 duplicated nothing");
    assert!(sqs.messages(&url).is_empty());

    let duplicated: Vec<ChaosEvent> = sqs
        .requests()
        .by_action(Action::ReceiveMessage)
        .iter()
        .flat_map(|r| r.chaos.clone())
        .collect();
    assert_eq!(duplicated.len(), duplicates);
    assert!(matches!(duplicated[0], ChaosEvent::Duplicated { .. }));
}

/// A duplicate repeats a delivery once, and its handle deletes nothing more (the
/// message is gone) and answers success, as SQS does for a deleted message.
#[tokio::test]
async fn a_deleted_message_is_delivered_once_more() {
    let (_sqs, client) = chaotic(Chaos::new().duplicates(1.0)).await;
    let url = create_queue(&client, "jobs").await;
    send_all(&client, &url, &["once"]).await;
    let first = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    let handle = first.messages()[0].receipt_handle().unwrap();
    client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(handle)
        .send()
        .await
        .unwrap();

    let again = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    let duplicate = &again.messages()[0];
    assert_eq!(duplicate.message_id(), first.messages()[0].message_id());
    assert_ne!(duplicate.receipt_handle(), Some(handle));
    client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(duplicate.receipt_handle().unwrap())
        .send()
        .await
        .unwrap();
    // Repeated once only.
    assert!(client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap()
        .messages()
        .is_empty());
}

/// Short receives: a short poll may return none of the available messages, a long poll
/// at least one, each fewer than it could.
#[tokio::test]
async fn short_receives_return_fewer_than_available() {
    let (sqs, client) = chaotic(Chaos::new().short_receives(1.0)).await;
    let url = create_queue(&client, "jobs").await;
    send_all(&client, &url, &["a", "b", "c", "d"]).await;

    let mut short_poll_sizes = Vec::new();
    let mut long_poll_sizes = Vec::new();
    for _ in 0..4 {
        let short = client
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
        short_poll_sizes.push(short.messages().len());
        let long = client
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .wait_time_seconds(20)
            .send()
            .await
            .unwrap();
        long_poll_sizes.push(long.messages().len());
    }
    assert!(
        short_poll_sizes.iter().all(|n| *n < 4),
        "{short_poll_sizes:?}"
    );
    assert!(
        long_poll_sizes.iter().all(|n| (1..4).contains(n)),
        "{long_poll_sizes:?}"
    );
    let limits: Vec<usize> = sqs
        .requests()
        .iter()
        .flat_map(|r| r.chaos.clone())
        .map(|e| match e {
            ChaosEvent::ShortReceive { limit } => limit,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(limits.len(), 8);
}

/// Out of order: a receive takes the available messages in another order than sent.
#[tokio::test]
async fn out_of_order_receives_shuffle_the_queue() {
    let (sqs, client) = chaotic(Chaos::new().out_of_order(1.0)).await;
    let url = create_queue(&client, "jobs").await;
    let sent: Vec<String> = (0..10).map(|i| format!("m{i}")).collect();
    let refs: Vec<&str> = sent.iter().map(String::as_str).collect();
    send_all(&client, &url, &refs).await;

    let received = client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    let bodies: Vec<String> = received
        .messages()
        .iter()
        .map(|m| m.body().unwrap().to_owned())
        .collect();
    assert_ne!(bodies, sent);
    let mut sorted = bodies.clone();
    sorted.sort_by_key(|b| b[1..].parse::<u32>().unwrap());
    assert_eq!(sorted, sent);
    assert_eq!(
        sqs.requests().last().unwrap().chaos,
        [ChaosEvent::OutOfOrder]
    );
}

/// A delete with an older receipt handle succeeds and deletes nothing; the latest
/// handle deletes.
#[tokio::test]
async fn a_delete_with_an_older_handle_may_not_delete() {
    let (sqs, client) = chaotic(Chaos::new().stale_deletes(1.0)).await;
    let url = create_queue(&client, "jobs").await;
    send_all(&client, &url, &["a"]).await;
    let first = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    sqs.clock().advance(Duration::from_secs(31));
    let second = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();

    let old = first.messages()[0].receipt_handle().unwrap();
    client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(old)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sqs.messages(&url).len(),
        1,
        "the older handle did not delete"
    );
    let message_id = first.messages()[0].message_id().unwrap().to_owned();
    assert_eq!(
        sqs.requests().last().unwrap().chaos,
        [ChaosEvent::DeleteIgnored { message_id }]
    );

    let latest = second.messages()[0].receipt_handle().unwrap();
    client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(latest)
        .send()
        .await
        .unwrap();
    assert!(sqs.messages(&url).is_empty());
}

/// FIFO queues are exactly-once and in order: chaos leaves them alone.
#[tokio::test]
async fn fifo_queues_are_unaffected() {
    let all = Chaos::new()
        .duplicates(1.0)
        .short_receives(1.0)
        .out_of_order(1.0)
        .stale_deletes(1.0);
    let (sqs, client) = chaotic(all).await;
    let url = client
        .create_queue()
        .queue_name("jobs.fifo")
        .attributes(QueueAttributeName::FifoQueue, "true")
        .attributes(QueueAttributeName::ContentBasedDeduplication, "true")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for body in ["a", "b", "c"] {
        client
            .send_message()
            .queue_url(&url)
            .message_body(body)
            .message_group_id("g")
            .send()
            .await
            .unwrap();
    }
    let received = client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    let bodies: Vec<_> = received
        .messages()
        .iter()
        .map(|m| m.body().unwrap())
        .collect();
    assert_eq!(bodies, ["a", "b", "c"]);
    for message in received.messages() {
        client
            .delete_message()
            .queue_url(&url)
            .receipt_handle(message.receipt_handle().unwrap())
            .send()
            .await
            .unwrap();
    }
    assert!(client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap()
        .messages()
        .is_empty());
    assert!(sqs.requests().iter().all(|r| r.chaos.is_empty()));
}

/// What a seeded chaotic run delivers: each receive's bodies, in order.
async fn run(seed: u64) -> (Vec<Vec<String>>, Vec<ChaosEvent>) {
    let chaos = Chaos::new()
        .duplicates(0.5)
        .short_receives(0.5)
        .out_of_order(0.5)
        .stale_deletes(0.5);
    let sqs = FakeSqs::builder().seed(seed).chaos(chaos).start().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "jobs").await;
    let bodies: Vec<String> = (0..12).map(|i| format!("m{i}")).collect();
    let refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
    send_all(&client, &url, &refs).await;
    let mut deliveries = Vec::new();
    for _ in 0..8 {
        let received = client
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(3)
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
        deliveries.push(
            received
                .messages()
                .iter()
                .map(|m| m.body().unwrap().to_owned())
                .collect(),
        );
        if let Some(m) = received.messages().first() {
            client
                .delete_message()
                .queue_url(&url)
                .receipt_handle(m.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    let events = sqs
        .requests()
        .iter()
        .flat_map(|r| r.chaos.clone())
        .collect();
    (deliveries, events)
}

/// Chaos seeded twice gives the same sequence; another seed, another.
#[tokio::test]
async fn chaos_seeded_twice_gives_the_same_sequence() {
    let first = run(7).await;
    assert_eq!(first, run(7).await);
    assert!(!first.1.is_empty());
    assert_ne!(first, run(8).await);
}

/// Chaos changes at run time; a reset puts back the builder's.
#[tokio::test]
async fn chaos_is_set_at_run_time_and_reset_to_the_builders() {
    let from_builder = Chaos::new().out_of_order(0.25).seed(3);
    let (sqs, _client) = chaotic(from_builder).await;
    sqs.set_chaos(Chaos::new().duplicates(1.0));
    assert_eq!(sqs.chaos(), Chaos::new().duplicates(1.0));
    sqs.reset();
    assert_eq!(sqs.chaos(), from_builder);
    let json = serde_json::to_value(from_builder).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"duplicates": 0.0, "short_receives": 0.0, "out_of_order": 0.25, "stale_deletes": 0.0, "seed": 3})
    );
    assert_eq!(
        serde_json::from_value::<Chaos>(serde_json::json!({"out_of_order": 0.25, "seed": 3}))
            .unwrap(),
        from_builder
    );
}
