//! Long polling: a receive that waits returns as soon as a message can be had, and
//! empty at its deadline, whichever the fake's clock or a send brings first.

use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName as Q;
use fake_sqs::FakeSqs;

use crate::support::{code, create_queue, fake_and_client};

fn long_poll(
    client: &aws_sdk_sqs::Client,
    url: &str,
    wait: Option<i32>,
) -> tokio::task::JoinHandle<Vec<String>> {
    let client = client.clone();
    let url = url.to_owned();
    tokio::spawn(async move {
        let mut req = client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10);
        if let Some(w) = wait {
            req = req.wait_time_seconds(w);
        }
        req.send()
            .await
            .unwrap()
            .messages()
            .iter()
            .map(|m| m.body().unwrap().to_owned())
            .collect()
    })
}

/// A message already there is returned at once; a long poll does not wait to fill
/// MaxNumberOfMessages (row 112).
#[tokio::test]
async fn returns_at_once_when_messages_are_there() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("ready")
        .send()
        .await
        .unwrap();
    let got = long_poll(&client, &url, Some(20)).await.unwrap();
    assert_eq!(got, vec!["ready"]);
    assert_eq!(sqs.waiting_receives(), 0);
}

/// A waiting poll is woken by a send and returns that message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_wakes_a_waiting_poll() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let poll = long_poll(&client, &url, Some(20));
    sqs.wait_for_receivers(1).await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("wake")
        .send()
        .await
        .unwrap();
    assert_eq!(poll.await.unwrap(), vec!["wake"]);
}

/// With a paused clock a poll ends empty exactly when the clock passes its deadline.
#[tokio::test]
async fn a_poll_ends_empty_at_its_deadline() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let poll = long_poll(&client, &url, Some(20));
    sqs.wait_for_receivers(1).await;
    sqs.clock().advance(Duration::from_secs(19));
    tokio::task::yield_now().await;
    sqs.wait_for_receivers(1).await;
    assert!(!poll.is_finished());
    sqs.clock().advance(Duration::from_secs(1));
    assert!(poll.await.unwrap().is_empty());
}

/// A clock advance that makes a delayed (or in-flight) message visible wakes the poll.
#[tokio::test]
async fn a_clock_advance_that_releases_a_message_wakes_the_poll() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("later")
        .delay_seconds(5)
        .send()
        .await
        .unwrap();
    let poll = long_poll(&client, &url, Some(20));
    sqs.wait_for_receivers(1).await;
    sqs.clock().advance(Duration::from_secs(5));
    assert_eq!(poll.await.unwrap(), vec!["later"]);
}

/// The queue's ReceiveMessageWaitTimeSeconds makes a plain receive a long poll (row 113),
/// and an explicit WaitTimeSeconds=0 is a short poll.
#[tokio::test]
async fn the_queue_default_wait_time_applies() {
    let (sqs, client) = fake_and_client().await;
    let url = client
        .create_queue()
        .queue_name("waits")
        .attributes(Q::ReceiveMessageWaitTimeSeconds, "10")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    assert!(long_poll(&client, &url, Some(0)).await.unwrap().is_empty());
    let poll = long_poll(&client, &url, None);
    sqs.wait_for_receivers(1).await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .send()
        .await
        .unwrap();
    assert_eq!(poll.await.unwrap(), vec!["m"]);
}

/// Deleting a queue ends the polls waiting on it with NonExistentQueue.
#[tokio::test]
async fn deleting_the_queue_ends_waiting_polls() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "doomed").await;
    let poll = {
        let client = client.clone();
        let url = url.clone();
        tokio::spawn(async move {
            client
                .receive_message()
                .queue_url(url)
                .wait_time_seconds(20)
                .send()
                .await
        })
    };
    sqs.wait_for_receivers(1).await;
    client.delete_queue().queue_url(&url).send().await.unwrap();
    let err = poll.await.unwrap().unwrap_err();
    assert_eq!(code(&err), "AWS.SimpleQueueService.NonExistentQueue");
    assert_eq!(sqs.waiting_receives(), 0);
}

/// Many polls on one queue and one message: exactly one poll gets it; the others keep
/// waiting, then end empty at the deadline.
#[tokio::test]
async fn one_message_goes_to_exactly_one_of_many_polls() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let polls: Vec<_> = (0..5).map(|_| long_poll(&client, &url, Some(20))).collect();
    sqs.wait_for_receivers(5).await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("only")
        .send()
        .await
        .unwrap();
    sqs.wait_for_receivers(4).await;
    sqs.clock().advance(Duration::from_secs(20));
    let mut got = Vec::new();
    for p in polls {
        got.extend(p.await.unwrap());
    }
    assert_eq!(got, vec!["only"]);
}

/// With the real clock a long poll ends by itself at its deadline (here 1 s: the one
/// test that lets real time pass, because it is about real time).
#[tokio::test]
async fn with_the_system_clock_a_poll_times_out_by_itself() {
    let sqs = FakeSqs::start().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "q").await;
    let got = long_poll(&client, &url, Some(1)).await.unwrap();
    assert!(got.is_empty());
}
