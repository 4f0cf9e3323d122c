//! Visibility timeouts, receipt handles, delays, retention and purge, all driven by the
//! fake's clock.

use std::time::Duration;

use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry,
    MessageSystemAttributeName as S, QueueAttributeName as Q,
};
use fake_sqs::MessageState;

use crate::support::{code, create_queue, fake_and_client, message};

async fn counts(client: &aws_sdk_sqs::Client, url: &str) -> (String, String, String) {
    let a = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(Q::All)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();
    (
        a[&Q::ApproximateNumberOfMessages].clone(),
        a[&Q::ApproximateNumberOfMessagesNotVisible].clone(),
        a[&Q::ApproximateNumberOfMessagesDelayed].clone(),
    )
}

fn c(v: &str, nv: &str, d: &str) -> (String, String, String) {
    (v.into(), nv.into(), d.into())
}

async fn receive_one(
    client: &aws_sdk_sqs::Client,
    url: &str,
) -> Option<aws_sdk_sqs::types::Message> {
    client
        .receive_message()
        .queue_url(url)
        .message_system_attribute_names(S::ApproximateReceiveCount)
        .send()
        .await
        .unwrap()
        .messages
        .and_then(|mut m| m.pop())
}

/// The headline: received but not deleted, the message is back after the 30 s
/// timeout passes on the fake's clock, with ApproximateReceiveCount 2 and a new handle.
#[tokio::test]
async fn message_reappears_after_visibility_timeout() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("job")
        .send()
        .await
        .unwrap();
    assert_eq!(counts(&client, &url).await, c("1", "0", "0"));

    let first = receive_one(&client, &url).await.unwrap();
    assert_eq!(
        first.attributes().unwrap()[&S::ApproximateReceiveCount],
        "1"
    );
    assert_eq!(counts(&client, &url).await, c("0", "1", "0"));
    assert!(receive_one(&client, &url).await.is_none());

    sqs.clock().advance(Duration::from_secs(29));
    assert!(receive_one(&client, &url).await.is_none());
    sqs.clock().advance(Duration::from_secs(2));
    assert_eq!(counts(&client, &url).await, c("1", "0", "0"));
    let again = receive_one(&client, &url).await.unwrap();
    assert_eq!(
        again.attributes().unwrap()[&S::ApproximateReceiveCount],
        "2"
    );
    assert_ne!(again.receipt_handle(), first.receipt_handle());
    assert_eq!(again.message_id(), first.message_id());
}

/// A receive's VisibilityTimeout overrides the queue's; 0 makes the message visible at
/// once, with a new handle on the next receive (row 114).
#[tokio::test]
async fn receive_visibility_timeout_overrides_the_queue() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .send()
        .await
        .unwrap();
    let r = client
        .receive_message()
        .queue_url(&url)
        .visibility_timeout(0)
        .send()
        .await
        .unwrap();
    let h1 = r.messages()[0].receipt_handle().unwrap().to_owned();
    let r = client
        .receive_message()
        .queue_url(&url)
        .visibility_timeout(5)
        .send()
        .await
        .unwrap();
    let h2 = r.messages()[0].receipt_handle().unwrap().to_owned();
    assert_ne!(h1, h2);
    sqs.clock().advance(Duration::from_secs(4));
    assert!(receive_one(&client, &url).await.is_none());
    sqs.clock().advance(Duration::from_secs(1));
    assert!(receive_one(&client, &url).await.is_some());
}

/// ChangeMessageVisibility extends from "now" and can be repeated; 0 releases the
/// message once; the total cannot pass 12 hours from the receive (rows 128, 129).
#[tokio::test]
async fn change_message_visibility_extends_releases_and_is_capped() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .send()
        .await
        .unwrap();
    let r = client
        .receive_message()
        .queue_url(&url)
        .visibility_timeout(2)
        .send()
        .await
        .unwrap();
    let handle = r.messages()[0].receipt_handle().unwrap().to_owned();
    let change = |t: i32| {
        client
            .change_message_visibility()
            .queue_url(&url)
            .receipt_handle(&handle)
            .visibility_timeout(t)
            .send()
    };
    for _ in 0..4 {
        sqs.clock().advance(Duration::from_secs(1));
        change(2).await.unwrap();
        assert!(receive_one(&client, &url).await.is_none());
    }
    change(0).await.unwrap();
    let back = receive_one(&client, &url).await.unwrap();
    assert!(
        receive_one(&client, &url).await.is_none(),
        "visible once, not for good"
    );

    let handle = back.receipt_handle().unwrap().to_owned();
    sqs.clock().advance(Duration::from_secs(10));
    let over = client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&handle)
        .visibility_timeout(43_200)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&over), "InvalidParameterValue");
    assert_eq!(
        message(&over),
        "Value 43200 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]"
    );
    client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&handle)
        .visibility_timeout(43_190)
        .send()
        .await
        .unwrap();
    let err = client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&handle)
        .visibility_timeout(43_201)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
}

/// Receipt-handle rules on standard queues: a malformed handle is
/// ReceiptHandleIsInvalid; deleting with the latest handle works even after its timeout
/// ran out (row 117); deleting twice is fine (row 121); changing visibility of a deleted
/// message is InvalidParameterValue (row 126); an expired latest handle may still change
/// visibility (row 125).
#[tokio::test]
async fn receipt_handles_behave_as_on_aws() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let err = client
        .delete_message()
        .queue_url(&url)
        .receipt_handle("garbage")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ReceiptHandleIsInvalid");
    assert_eq!(
        message(&err),
        "The input receipt handle \"garbage\" is not a valid receipt handle."
    );
    let err = client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle("INVALID")
        .visibility_timeout(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ReceiptHandleIsInvalid");

    client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap();
    let r = client
        .receive_message()
        .queue_url(&url)
        .visibility_timeout(1)
        .send()
        .await
        .unwrap();
    let handle = r.messages()[0].receipt_handle().unwrap().to_owned();
    sqs.clock().advance(Duration::from_secs(2));
    client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&handle)
        .visibility_timeout(2)
        .send()
        .await
        .unwrap();
    assert!(receive_one(&client, &url).await.is_none());
    sqs.clock().advance(Duration::from_secs(3));
    for _ in 0..3 {
        client
            .delete_message()
            .queue_url(&url)
            .receipt_handle(&handle)
            .send()
            .await
            .unwrap();
    }
    assert!(receive_one(&client, &url).await.is_none());
    assert!(sqs.messages(&url).is_empty());
    let err = client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&handle)
        .visibility_timeout(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert_eq!(
        message(&err),
        format!("Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.")
    );
}

/// While a message exists, a standard queue takes any receipt handle ever issued for it
/// (`fixtures/aws/receipt-handles.json`): an older handle changes the visibility,
/// counted from now, and deletes the message; deleting again answers 200; only a gone
/// message makes a visibility change fail.
#[tokio::test]
async fn older_handles_act_on_a_standard_queue_message() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap();
    let first = receive_one(&client, &url).await.unwrap();
    let old = first.receipt_handle().unwrap().to_owned();
    sqs.clock().advance(Duration::from_secs(31));
    let second = receive_one(&client, &url).await.unwrap();
    assert_eq!(
        second.attributes().unwrap()[&S::ApproximateReceiveCount],
        "2"
    );

    // The older handle sets the new timeout from now: 10 s, not the 30 s of the receive.
    sqs.clock().advance(Duration::from_secs(5));
    client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&old)
        .visibility_timeout(10)
        .send()
        .await
        .unwrap();
    sqs.clock().advance(Duration::from_secs(9));
    assert!(receive_one(&client, &url).await.is_none());
    sqs.clock().advance(Duration::from_secs(1));
    let third = receive_one(&client, &url).await.unwrap();
    assert_eq!(
        third.attributes().unwrap()[&S::ApproximateReceiveCount],
        "3"
    );

    // The oldest handle deletes the message, though two receives came after it.
    for _ in 0..2 {
        client
            .delete_message()
            .queue_url(&url)
            .receipt_handle(&old)
            .send()
            .await
            .unwrap();
    }
    assert!(sqs.messages(&url).is_empty());
    client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(third.receipt_handle().unwrap())
        .send()
        .await
        .unwrap();
    let err = client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&old)
        .visibility_timeout(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert_eq!(
        message(&err),
        format!("Value {old} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.")
    );
}

/// The batch forms follow the same rule: an older handle changes the visibility of a
/// visible message (it goes in flight again) and deletes it.
#[tokio::test]
async fn older_handles_act_in_batches_too() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap();
    let old = receive_one(&client, &url).await.unwrap();
    let old = old.receipt_handle().unwrap();
    sqs.clock().advance(Duration::from_secs(31));
    receive_one(&client, &url).await.unwrap();
    // The second receive's timeout runs out too: the message is visible again.
    sqs.clock().advance(Duration::from_secs(31));
    let changed = client
        .change_message_visibility_batch()
        .queue_url(&url)
        .entries(
            ChangeMessageVisibilityBatchRequestEntry::builder()
                .id("old")
                .receipt_handle(old)
                .visibility_timeout(20)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(changed.successful().len(), 1);
    assert!(changed.failed().is_empty());
    assert!(receive_one(&client, &url).await.is_none());
    assert_eq!(counts(&client, &url).await, c("0", "1", "0"));

    let deleted = client
        .delete_message_batch()
        .queue_url(&url)
        .entries(
            DeleteMessageBatchRequestEntry::builder()
                .id("old")
                .receipt_handle(old)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.successful().len(), 1);
    assert!(deleted.failed().is_empty());
    assert!(sqs.messages(&url).is_empty());
}

/// A FIFO queue keeps the stricter rule: after a re-receive the older handle has
/// expired, for DeleteMessage (fixtures/aws/recorded.md row 118's text) and its batch form.
#[tokio::test]
async fn an_older_fifo_handle_has_expired() {
    let (sqs, client) = fake_and_client().await;
    let url = client
        .create_queue()
        .queue_name("q.fifo")
        .attributes(Q::FifoQueue, "true")
        .attributes(Q::ContentBasedDeduplication, "true")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .message_group_id("g")
        .send()
        .await
        .unwrap();
    let old = receive_one(&client, &url).await.unwrap();
    let old = old.receipt_handle().unwrap();
    sqs.clock().advance(Duration::from_secs(31));
    receive_one(&client, &url).await.unwrap();
    let err = client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(old)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert_eq!(
        message(&err),
        format!("Value {old} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.")
    );
    let batch = client
        .delete_message_batch()
        .queue_url(&url)
        .entries(
            DeleteMessageBatchRequestEntry::builder()
                .id("old")
                .receipt_handle(old)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(batch.failed()[0].code(), "InvalidParameterValue");
    assert_eq!(sqs.messages(&url).len(), 1);
}

/// A handle from another queue is not a valid handle here.
#[tokio::test]
async fn handle_of_another_queue_is_invalid() {
    let (_sqs, client) = fake_and_client().await;
    let a = create_queue(&client, "a").await;
    let b = create_queue(&client, "b").await;
    client
        .send_message()
        .queue_url(&a)
        .message_body("m")
        .send()
        .await
        .unwrap();
    let m = receive_one(&client, &a).await.unwrap();
    let err = client
        .delete_message()
        .queue_url(&b)
        .receipt_handle(m.receipt_handle().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ReceiptHandleIsInvalid");
}

/// Per-message and per-queue delays hold messages back, counted as Delayed.
#[tokio::test]
async fn delays_hold_messages_until_due() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .delay_seconds(10)
        .send()
        .await
        .unwrap();
    assert_eq!(counts(&client, &url).await, c("0", "0", "1"));
    assert!(matches!(
        sqs.messages(&url)[0].state,
        MessageState::Delayed { .. }
    ));
    sqs.clock().advance(Duration::from_secs(9));
    assert!(receive_one(&client, &url).await.is_none());
    sqs.clock().advance(Duration::from_secs(1));
    assert!(receive_one(&client, &url).await.is_some());

    client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::DelaySeconds, "5")
        .send()
        .await
        .unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("q")
        .send()
        .await
        .unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("z")
        .delay_seconds(0)
        .send()
        .await
        .unwrap();
    // An explicit DelaySeconds=0 is a message timer: it overrides the queue's delay
    // ("z" is visible at once); "q" waits the queue's 5 s.
    assert_eq!(counts(&client, &url).await, c("1", "1", "1"));
    sqs.clock().advance(Duration::from_secs(5));
    assert_eq!(counts(&client, &url).await, c("2", "1", "0"));

    let err = client
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .delay_seconds(901)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
}

/// MessageRetentionPeriod drops messages at their age limit, in flight or not; a delete
/// of an expired message's handle still succeeds (row 122).
#[tokio::test]
async fn retention_period_expires_messages() {
    let (sqs, client) = fake_and_client().await;
    let url = client
        .create_queue()
        .queue_name("short")
        .attributes(Q::MessageRetentionPeriod, "60")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("old")
        .send()
        .await
        .unwrap();
    sqs.clock().advance(Duration::from_secs(30));
    client
        .send_message()
        .queue_url(&url)
        .message_body("young")
        .send()
        .await
        .unwrap();
    let inflight = client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(1)
        .visibility_timeout(600)
        .send()
        .await
        .unwrap();
    assert_eq!(inflight.messages()[0].body(), Some("old"));
    sqs.clock().advance(Duration::from_secs(30));
    assert_eq!(counts(&client, &url).await, c("1", "0", "0"));
    assert_eq!(sqs.messages(&url)[0].body, "young");
    client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(inflight.messages()[0].receipt_handle().unwrap())
        .send()
        .await
        .unwrap();
    sqs.clock().advance(Duration::from_secs(30));
    assert_eq!(counts(&client, &url).await, c("0", "0", "0"));
}

/// PurgeQueue empties ready, in-flight and delayed messages; a second purge within 60 s
/// is PurgeQueueInProgress with HTTP 403 naming the queue (rows 132, 133).
#[tokio::test]
async fn purge_empties_the_queue_once_a_minute() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "purgeable").await;
    for d in [0, 0, 30] {
        client
            .send_message()
            .queue_url(&url)
            .message_body("m")
            .delay_seconds(d)
            .send()
            .await
            .unwrap();
    }
    receive_one(&client, &url).await.unwrap();
    assert_eq!(counts(&client, &url).await, c("1", "1", "1"));
    client.purge_queue().queue_url(&url).send().await.unwrap();
    assert_eq!(counts(&client, &url).await, c("0", "0", "0"));

    let err = client
        .purge_queue()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AWS.SimpleQueueService.PurgeQueueInProgress");
    assert_eq!(
        message(&err),
        "Only one PurgeQueue operation on purgeable is allowed every 60 seconds."
    );
    let raw = err.raw_response().unwrap();
    assert_eq!(raw.status().as_u16(), 403);

    client
        .send_message()
        .queue_url(&url)
        .message_body("after")
        .send()
        .await
        .unwrap();
    assert_eq!(
        receive_one(&client, &url).await.unwrap().body(),
        Some("after")
    );
    sqs.clock().advance(Duration::from_secs(60));
    client.purge_queue().queue_url(&url).send().await.unwrap();
}

/// Inspection shows every message with its state without changing receive counts or
/// visibility.
#[tokio::test]
async fn inspection_does_not_disturb_messages() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("b")
        .send()
        .await
        .unwrap();
    receive_one(&client, &url).await.unwrap();
    let seen = sqs.messages(&url);
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body, "a");
    assert_eq!(seen[0].receive_count, 1);
    assert!(matches!(seen[0].state, MessageState::InFlight { .. }));
    assert_eq!(seen[1].state, MessageState::Visible);
    assert_eq!(sqs.messages(&url), seen, "reading twice changes nothing");
    let q = &sqs.queues()[0];
    assert_eq!((q.visible, q.in_flight, q.delayed), (1, 1, 0));
    assert_eq!(receive_one(&client, &url).await.unwrap().body(), Some("b"));
    sqs.clock().advance(Duration::from_secs(30));
    assert_eq!(sqs.messages(&url)[0].state, MessageState::Visible);
}
