//! FIFO queues serve message groups from a first-in, first-out line of available groups
//! (`fixtures/aws/fifo-group-line.json`): a receive takes a group out of the line, and
//! a group whose message becomes visible again goes to the back. The four examples
//! recorded on AWS, exactly as the issue writes them, through the AWS SDK for Rust.

use std::time::Duration;

use aws_sdk_sqs::types::{Message, QueueAttributeName as Q};
use aws_sdk_sqs::Client;

use crate::support::fake_and_client;

/// A FIFO queue with content-based deduplication and the given visibility timeout.
async fn fifo(client: &Client, visibility_timeout: &str) -> String {
    client
        .create_queue()
        .queue_name("line.fifo")
        .attributes(Q::FifoQueue, "true")
        .attributes(Q::ContentBasedDeduplication, "true")
        .attributes(Q::VisibilityTimeout, visibility_timeout)
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap()
}

/// Sends each body to the group its name starts with (`g1-m2` goes to `g1`).
async fn send(client: &Client, url: &str, bodies: &[&str]) {
    for body in bodies {
        let group = body.split('-').next().unwrap();
        client
            .send_message()
            .queue_url(url)
            .message_body(*body)
            .message_group_id(group)
            .send()
            .await
            .unwrap();
    }
}

/// Receives up to `max` messages, with a receive-time visibility timeout if given.
async fn receive(client: &Client, url: &str, max: i32, visibility: Option<i32>) -> Vec<Message> {
    client
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(max)
        .set_visibility_timeout(visibility)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default()
}

fn bodies(messages: &[Message]) -> Vec<&str> {
    messages.iter().filter_map(Message::body).collect()
}

async fn change_visibility(client: &Client, url: &str, message: &Message, seconds: i32) {
    client
        .change_message_visibility()
        .queue_url(url)
        .receipt_handle(message.receipt_handle().unwrap())
        .visibility_timeout(seconds)
        .send()
        .await
        .unwrap();
}

/// Send g1-m1, g1-m2, g2-m1 (VT 30 s); receive Max=2 → g1-m1, g1-m2; change g1-m1's
/// visibility to 0; receive Max=3 → g2-m1, g1-m1 (g1-m2 stays in flight).
#[tokio::test]
async fn a_group_released_by_a_visibility_change_to_zero_goes_to_the_back() {
    let (_sqs, client) = fake_and_client().await;
    let url = fifo(&client, "30").await;
    send(&client, &url, &["g1-m1", "g1-m2", "g2-m1"]).await;
    let first = receive(&client, &url, 2, None).await;
    assert_eq!(bodies(&first), ["g1-m1", "g1-m2"]);
    change_visibility(&client, &url, &first[0], 0).await;
    assert_eq!(
        bodies(&receive(&client, &url, 3, None).await),
        ["g2-m1", "g1-m1"]
    );
}

/// The same start, but g1-m1's visibility is changed to 1 s and 2 s pass →
/// g2-m1, g1-m1.
#[tokio::test]
async fn a_group_whose_changed_visibility_runs_out_goes_to_the_back() {
    let (sqs, client) = fake_and_client().await;
    let url = fifo(&client, "30").await;
    send(&client, &url, &["g1-m1", "g1-m2", "g2-m1"]).await;
    let first = receive(&client, &url, 2, None).await;
    assert_eq!(bodies(&first), ["g1-m1", "g1-m2"]);
    change_visibility(&client, &url, &first[0], 1).await;
    sqs.clock().advance(Duration::from_secs(2));
    assert_eq!(
        bodies(&receive(&client, &url, 3, None).await),
        ["g2-m1", "g1-m1"]
    );
}

/// Send g1-m1..m4, g2-m1, g3-m1 (VT 1 s); receive Max=2 → g1-m1, g1-m2; receive Max=1 →
/// g2-m1; both time out; receive Max=10 with VT 0 →
/// g3-m1, g1-m1, g1-m2, g1-m3, g1-m4, g2-m1.
#[tokio::test]
async fn groups_that_time_out_together_keep_the_order_they_were_taken_in() {
    let (sqs, client) = fake_and_client().await;
    let url = fifo(&client, "1").await;
    send(
        &client,
        &url,
        &["g1-m1", "g1-m2", "g1-m3", "g1-m4", "g2-m1", "g3-m1"],
    )
    .await;
    assert_eq!(
        bodies(&receive(&client, &url, 2, None).await),
        ["g1-m1", "g1-m2"]
    );
    assert_eq!(bodies(&receive(&client, &url, 1, None).await), ["g2-m1"]);
    sqs.clock().advance(Duration::from_secs(1));
    assert_eq!(
        bodies(&receive(&client, &url, 10, Some(0)).await),
        ["g3-m1", "g1-m1", "g1-m2", "g1-m3", "g1-m4", "g2-m1"]
    );
}

/// Send g1-m1, g2-m1, g2-m2, g3-m1, g1-m2; receive Max=3 with VT 0 → g1-m1, g1-m2,
/// g2-m1; receive Max=10 with VT 0 → g3-m1, g1-m1, g1-m2, g2-m1, g2-m2.
#[tokio::test]
async fn groups_released_at_once_by_a_zero_timeout_queue_behind_the_waiting_ones() {
    let (_sqs, client) = fake_and_client().await;
    let url = fifo(&client, "30").await;
    send(
        &client,
        &url,
        &["g1-m1", "g2-m1", "g2-m2", "g3-m1", "g1-m2"],
    )
    .await;
    assert_eq!(
        bodies(&receive(&client, &url, 3, Some(0)).await),
        ["g1-m1", "g1-m2", "g2-m1"]
    );
    assert_eq!(
        bodies(&receive(&client, &url, 10, Some(0)).await),
        ["g3-m1", "g1-m1", "g1-m2", "g2-m1", "g2-m2"]
    );
}

/// Two groups taken in one order at the same instant come back, at the same instant,
/// in that order, whatever order their messages were sent in: g2 is taken before g1,
/// so g2 is served first when both time out.
#[tokio::test]
async fn the_taking_order_breaks_ties_not_the_sending_order() {
    let (sqs, client) = fake_and_client().await;
    let url = fifo(&client, "1").await;
    send(&client, &url, &["g1-m1", "g2-m1"]).await;
    let g1 = receive(&client, &url, 1, None).await;
    assert_eq!(bodies(&g1), ["g1-m1"]);
    // g1 comes back at once and queues behind g2, so the next receives take g2, then g1.
    change_visibility(&client, &url, &g1[0], 0).await;
    assert_eq!(bodies(&receive(&client, &url, 1, None).await), ["g2-m1"]);
    assert_eq!(bodies(&receive(&client, &url, 1, None).await), ["g1-m1"]);
    sqs.clock().advance(Duration::from_secs(1));
    assert_eq!(
        bodies(&receive(&client, &url, 10, None).await),
        ["g2-m1", "g1-m1"]
    );
}
