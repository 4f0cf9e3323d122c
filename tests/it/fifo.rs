//! FIFO queues through the AWS SDK for Rust: sequence numbers, deduplication, strict
//! order within a message group, group locking, receive attempts and counts. The
//! 5-minute windows are crossed by moving the paused clock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_sqs::operation::send_message::SendMessageOutput;
use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, Message, MessageSystemAttributeName as M,
    QueueAttributeName as Q, SendMessageBatchRequestEntry,
};
use aws_sdk_sqs::Client;
use insta::assert_snapshot;
use rstest::rstest;

use crate::support::{code, create_queue, fake, fake_and_client, message, query};

/// Creates a FIFO queue `name` (which ends in `.fifo`) with extra attributes.
async fn create_fifo(client: &Client, name: &str, attributes: &[(Q, &str)]) -> String {
    let mut create = client
        .create_queue()
        .queue_name(name)
        .attributes(Q::FifoQueue, "true");
    for (k, v) in attributes {
        create = create.attributes(k.clone(), *v);
    }
    create.send().await.unwrap().queue_url.unwrap()
}

/// A FIFO queue with content-based deduplication, so sends need only a group.
async fn create_cbd_fifo(client: &Client, name: &str) -> String {
    create_fifo(client, name, &[(Q::ContentBasedDeduplication, "true")]).await
}

/// Sends `body` to `group`, with an explicit deduplication id if given.
async fn send(
    client: &Client,
    url: &str,
    group: &str,
    dedup: Option<&str>,
    body: &str,
) -> SendMessageOutput {
    client
        .send_message()
        .queue_url(url)
        .message_body(body)
        .message_group_id(group)
        .set_message_deduplication_id(dedup.map(str::to_owned))
        .send()
        .await
        .unwrap()
}

/// Receives up to `max` messages (short poll) with all system attributes.
async fn receive(client: &Client, url: &str, max: i32) -> Vec<Message> {
    client
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(max)
        .message_system_attribute_names(M::All)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default()
}

fn bodies(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.body().unwrap()).collect()
}

async fn delete(client: &Client, url: &str, message: &Message) {
    client
        .delete_message()
        .queue_url(url)
        .receipt_handle(message.receipt_handle().unwrap())
        .send()
        .await
        .unwrap();
}

async fn counts(client: &Client, url: &str) -> (String, String) {
    let attrs = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(Q::All)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();
    (
        attrs[&Q::ApproximateNumberOfMessages].clone(),
        attrs[&Q::ApproximateNumberOfMessagesNotVisible].clone(),
    )
}

/// Every FIFO send answers a 20-digit SequenceNumber, strictly increasing; a standard
/// queue never answers one, even for a message sent with a group (fixtures/aws/recorded.md §8).
#[tokio::test]
async fn sends_answer_strictly_increasing_20_digit_sequence_numbers() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_cbd_fifo(&client, "seq.fifo").await;
    let mut last = 0u128;
    for (i, group) in ["a", "b", "a"].into_iter().enumerate() {
        let sent = send(&client, &url, group, None, &format!("m{i}")).await;
        let seq = sent.sequence_number().unwrap();
        assert_eq!(seq.len(), 20, "{seq}");
        let seq: u128 = seq.parse().unwrap();
        assert!(seq > last);
        last = seq;
    }

    let standard = create_queue(&client, "plain").await;
    let sent = send(&client, &standard, "a", None, "x").await;
    assert_eq!(sent.sequence_number(), None);
}

/// AttributeNames=All on a FIFO message gives exactly seven system attributes, with the
/// sequence number the send answered; a second receive counts 2 and has a new handle
/// (fixtures/aws/recorded.md rows 99-100).
#[tokio::test]
async fn receive_shows_exactly_the_seven_fifo_system_attributes() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_fifo(&client, "attrs.fifo", &[(Q::VisibilityTimeout, "0")]).await;
    let sent = send(&client, &url, "group-1", Some("dedup-1"), "hello").await;

    let first = receive(&client, &url, 1).await;
    let attrs = first[0].attributes().unwrap();
    let mut names: Vec<&str> = attrs.keys().map(|k| k.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "ApproximateFirstReceiveTimestamp",
            "ApproximateReceiveCount",
            "MessageDeduplicationId",
            "MessageGroupId",
            "SenderId",
            "SentTimestamp",
            "SequenceNumber",
        ]
    );
    assert_eq!(attrs[&M::MessageDeduplicationId], "dedup-1");
    assert_eq!(attrs[&M::MessageGroupId], "group-1");
    assert_eq!(
        attrs[&M::SequenceNumber].as_str(),
        sent.sequence_number().unwrap()
    );
    assert_eq!(first[0].message_id(), sent.message_id());

    let second = receive(&client, &url, 1).await;
    let again = second[0].attributes().unwrap();
    assert_eq!(again[&M::ApproximateReceiveCount], "2");
    assert_ne!(second[0].receipt_handle(), first[0].receipt_handle());
}

/// With content-based deduplication the id receivers see is the SHA-256 of the body.
#[tokio::test]
async fn content_based_deduplication_id_is_the_sha256_of_the_body() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_cbd_fifo(&client, "cbd.fifo").await;
    send(&client, &url, "g", None, "hello").await;
    let got = receive(&client, &url, 1).await;
    assert_eq!(
        got[0].attributes().unwrap()[&M::MessageDeduplicationId],
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
}

/// A duplicate within 5 minutes is accepted and answers the original MessageId and
/// SequenceNumber, but is never delivered — not even after the original was received
/// and deleted (row 136). Once 5 minutes have passed, the same id is a new message.
#[rstest]
#[case::content_based(true)]
#[case::explicit_id(false)]
#[tokio::test]
async fn duplicates_within_five_minutes_are_accepted_but_not_delivered(
    #[case] content_based: bool,
) {
    let (sqs, client) = fake_and_client().await;
    let cbd = if content_based { "true" } else { "false" };
    let url = create_fifo(
        &client,
        "dedup.fifo",
        &[(Q::ContentBasedDeduplication, cbd)],
    )
    .await;
    let dedup = (!content_based).then_some("same");

    let first = send(&client, &url, "g", dedup, "body").await;
    let dup = send(&client, &url, "g", dedup, "body").await;
    assert_eq!(dup.message_id(), first.message_id());
    assert_eq!(dup.sequence_number(), first.sequence_number());

    let got = receive(&client, &url, 10).await;
    assert_eq!(bodies(&got), ["body"]);
    delete(&client, &url, &got[0]).await;

    sqs.clock().advance(Duration::from_secs(299));
    let late = send(&client, &url, "g", dedup, "body").await;
    assert_eq!(late.message_id(), first.message_id());
    assert!(receive(&client, &url, 10).await.is_empty());

    sqs.clock().advance(Duration::from_secs(1));
    let fresh = send(&client, &url, "g", dedup, "body").await;
    assert_ne!(fresh.message_id(), first.message_id());
    assert!(fresh.sequence_number().unwrap() > first.sequence_number().unwrap());
    assert_eq!(bodies(&receive(&client, &url, 10).await), ["body"]);
}

/// A duplicate with a different body answers the MD5 of the body it carried (so the
/// SDK's checksum holds) and the original's MessageId; only the first body is delivered.
#[tokio::test]
async fn a_duplicate_with_another_body_answers_its_own_md5() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_fifo(&client, "md5.fifo", &[]).await;
    let first = send(&client, &url, "g", Some("d"), "first").await;
    let dup = send(&client, &url, "g", Some("d"), "second").await;
    assert_eq!(dup.message_id(), first.message_id());
    assert_eq!(
        dup.md5_of_message_body(),
        Some("a9f0e61a137d86aa9db53465e0801612")
    );
    assert_eq!(bodies(&receive(&client, &url, 10).await), ["first"]);
}

/// The default deduplication scope is the queue: the same id in another group is a
/// duplicate, also after the first was deleted (rows 137-138).
#[tokio::test]
async fn default_deduplication_scope_is_the_whole_queue() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_fifo(&client, "scope-q.fifo", &[]).await;
    send(&client, &url, "group1", Some("same-dedup"), "one").await;
    let got = receive(&client, &url, 10).await;
    delete(&client, &url, &got[0]).await;
    send(&client, &url, "group2", Some("same-dedup"), "two").await;
    assert!(receive(&client, &url, 10).await.is_empty());
}

/// DeduplicationScope=messageGroup keeps groups apart, with or without
/// FifoThroughputLimit=perMessageGroupId (rows 139-140).
#[rstest]
#[case::high_throughput(true)]
#[case::scope_only(false)]
#[tokio::test]
async fn message_group_scope_deduplicates_within_a_group_only(#[case] per_group_limit: bool) {
    let (_sqs, client) = fake_and_client().await;
    let mut attributes = vec![
        (Q::DeduplicationScope, "messageGroup"),
        (Q::ContentBasedDeduplication, "true"),
    ];
    if per_group_limit {
        attributes.push((Q::FifoThroughputLimit, "perMessageGroupId"));
    }
    let url = create_fifo(&client, "scope-g.fifo", &attributes).await;
    let a = send(&client, &url, "g1", None, "same").await;
    let b = send(&client, &url, "g2", None, "same").await;
    let c = send(&client, &url, "g1", None, "same").await;
    assert_ne!(a.message_id(), b.message_id());
    assert_eq!(a.message_id(), c.message_id());
    assert_eq!(bodies(&receive(&client, &url, 10).await), ["same", "same"]);
}

/// The deduplication scope a queue was created with stays in force after
/// SetQueueAttributes changes it (rows 141-142).
#[rstest]
#[case::created_queue_scope("queue", "perQueue", "messageGroup", "perMessageGroupId", false)]
#[case::created_group_scope("messageGroup", "perMessageGroupId", "queue", "perQueue", true)]
#[tokio::test]
async fn deduplication_scope_set_at_creation_stays_in_force(
    #[case] created: &str,
    #[case] created_limit: &str,
    #[case] set: &str,
    #[case] set_limit: &str,
    #[case] delivered_in_other_group: bool,
) {
    let (_sqs, client) = fake_and_client().await;
    let url = create_fifo(
        &client,
        "switch.fifo",
        &[
            (Q::DeduplicationScope, created),
            (Q::FifoThroughputLimit, created_limit),
        ],
    )
    .await;
    send(&client, &url, "group1", Some("dedup"), "first").await;
    client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::DeduplicationScope, set)
        .attributes(Q::FifoThroughputLimit, set_limit)
        .send()
        .await
        .unwrap();
    send(&client, &url, "group3", Some("dedup"), "again").await;
    let got = receive(&client, &url, 10).await;
    let expected: &[&str] = if delivered_in_other_group {
        &["first", "again"]
    } else {
        &["first"]
    };
    assert_eq!(bodies(&got), expected);
}

/// PurgeQueue clears the deduplication cache: the same id is delivered afterwards
/// (row 134).
#[tokio::test]
async fn purge_clears_the_deduplication_cache() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_cbd_fifo(&client, "purge.fifo").await;
    let first = send(&client, &url, "g", None, "body").await;
    client.purge_queue().queue_url(&url).send().await.unwrap();
    let again = send(&client, &url, "g", None, "body").await;
    assert_ne!(again.message_id(), first.message_id());
    assert!(again.sequence_number().unwrap() > first.sequence_number().unwrap());
    assert_eq!(bodies(&receive(&client, &url, 10).await), ["body"]);
}

/// A group is delivered strictly in order, and while its head is in flight nothing
/// else of the group is; deleting the head makes the next one deliverable, and a group
/// that was emptied takes new messages at once (row 135).
#[tokio::test]
async fn a_group_is_blocked_while_its_head_is_in_flight() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_cbd_fifo(&client, "order.fifo").await;
    for body in ["1", "2", "3"] {
        send(&client, &url, "g", None, body).await;
    }
    let first = receive(&client, &url, 1).await;
    assert_eq!(bodies(&first), ["1"]);
    assert!(receive(&client, &url, 10).await.is_empty());

    delete(&client, &url, &first[0]).await;
    let rest = receive(&client, &url, 10).await;
    assert_eq!(bodies(&rest), ["2", "3"]);
    for m in &rest {
        delete(&client, &url, m).await;
    }
    assert!(receive(&client, &url, 10).await.is_empty());

    send(&client, &url, "g", None, "4").await;
    assert_eq!(bodies(&receive(&client, &url, 10).await), ["4"]);
}

/// A receive takes whole groups, oldest group first, keeping the order within each
/// (row 143).
#[tokio::test]
async fn a_receive_fills_from_as_few_groups_as_possible() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_cbd_fifo(&client, "fill.fifo").await;
    for (group, body) in [
        ("g1", "g1-m1"),
        ("g1", "g1-m2"),
        ("g2", "g2-m1"),
        ("g1", "g1-m3"),
    ] {
        send(&client, &url, group, None, body).await;
    }
    assert_eq!(
        bodies(&receive(&client, &url, 10).await),
        ["g1-m1", "g1-m2", "g1-m3", "g2-m1"]
    );
}

/// Extending the visibility of message k of a group keeps it and every later message
/// of the group blocked, while the earlier ones come back (row 131 exactly).
#[rstest]
#[case::first(0, &[])]
#[case::second(1, &["foo"])]
#[case::third(2, &["foo", "bar"])]
#[tokio::test]
async fn extending_one_message_blocks_it_and_the_rest_of_its_group(
    #[case] k: usize,
    #[case] expected: &[&str],
) {
    let (sqs, client) = fake_and_client().await;
    let url = create_fifo(
        &client,
        "extend.fifo",
        &[
            (Q::VisibilityTimeout, "1"),
            (Q::ContentBasedDeduplication, "true"),
        ],
    )
    .await;
    for body in ["foo", "bar", "baz"] {
        send(&client, &url, "g", None, body).await;
    }
    let all = receive(&client, &url, 3).await;
    assert_eq!(bodies(&all), ["foo", "bar", "baz"]);
    client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(all[k].receipt_handle().unwrap())
        .visibility_timeout(4)
        .send()
        .await
        .unwrap();
    sqs.clock().advance(Duration::from_millis(2_500));
    assert_eq!(bodies(&receive(&client, &url, 5).await), expected);
}

/// When a received message's visibility runs out, the group comes back from its head:
/// the same message first, counted twice.
#[tokio::test]
async fn visibility_expiry_gives_the_group_back_from_its_head() {
    let (sqs, client) = fake_and_client().await;
    let url = create_cbd_fifo(&client, "expiry.fifo").await;
    for body in ["1", "2"] {
        send(&client, &url, "g", None, body).await;
    }
    assert_eq!(bodies(&receive(&client, &url, 1).await), ["1"]);
    sqs.clock().advance(Duration::from_secs(29));
    assert!(receive(&client, &url, 10).await.is_empty());
    sqs.clock().advance(Duration::from_secs(1));
    let again = receive(&client, &url, 10).await;
    assert_eq!(bodies(&again), ["1", "2"]);
    assert_eq!(
        again[0].attributes().unwrap()[&M::ApproximateReceiveCount],
        "2"
    );
}

/// ChangeMessageVisibility to 0 releases the group at once.
#[tokio::test]
async fn visibility_zero_releases_the_group() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_cbd_fifo(&client, "release.fifo").await;
    for body in ["1", "2"] {
        send(&client, &url, "g", None, body).await;
    }
    let got = receive(&client, &url, 1).await;
    client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(got[0].receipt_handle().unwrap())
        .visibility_timeout(0)
        .send()
        .await
        .unwrap();
    assert_eq!(bodies(&receive(&client, &url, 10).await), ["1", "2"]);
}

/// The queue's DelaySeconds still applies to FIFO messages (row 63).
#[tokio::test]
async fn queue_delay_applies_on_fifo_queues() {
    let (sqs, client) = fake_and_client().await;
    let url = create_fifo(
        &client,
        "delay.fifo",
        &[
            (Q::DelaySeconds, "2"),
            (Q::ContentBasedDeduplication, "true"),
        ],
    )
    .await;
    let sent = client
        .send_message()
        .queue_url(&url)
        .message_body("later")
        .message_group_id("g")
        .delay_seconds(0)
        .send()
        .await
        .unwrap();
    assert!(sent.sequence_number().is_some());
    sqs.clock().advance(Duration::from_secs(1));
    assert!(receive(&client, &url, 1).await.is_empty());
    sqs.clock().advance(Duration::from_secs(1));
    assert_eq!(bodies(&receive(&client, &url, 1).await), ["later"]);
}

/// A long poll waiting on a blocked group wakes when the head is deleted.
#[tokio::test]
async fn a_long_poll_wakes_when_a_delete_unblocks_the_group() {
    let (sqs, client) = fake_and_client().await;
    let url = create_cbd_fifo(&client, "poll.fifo").await;
    for body in ["1", "2"] {
        send(&client, &url, "g", None, body).await;
    }
    let head = receive(&client, &url, 1).await;
    let poll = tokio::spawn({
        let (client, url) = (client.clone(), url.clone());
        async move {
            client
                .receive_message()
                .queue_url(&url)
                .wait_time_seconds(20)
                .send()
                .await
                .unwrap()
        }
    });
    // Yield (not sleep) until the poll waits in the fake: the group is blocked.
    sqs.wait_for_receivers(1).await;
    delete(&client, &url, &head[0]).await;
    // A wall-clock guard only: with the paused clock the poll ends on the wake or never.
    let got = tokio::time::timeout(Duration::from_secs(10), poll)
        .await
        .expect("the delete wakes the long poll")
        .unwrap();
    assert_eq!(bodies(got.messages()), ["2"]);
}

/// A receive retried with the same ReceiveRequestAttemptId within 5 minutes returns the
/// same messages and receipt handles; once one of them is deleted, the id makes a new
/// receive (AWS's documented rule).
#[tokio::test]
async fn receive_request_attempt_id_repeats_the_same_receive() {
    let (sqs, client) = fake_and_client().await;
    let url = create_cbd_fifo(&client, "attempt.fifo").await;
    for (group, body) in [("a", "a1"), ("b", "b1"), ("a", "a2")] {
        send(&client, &url, group, None, body).await;
    }
    let attempt = |id: &str| {
        client
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(2)
            .receive_request_attempt_id(id)
            .send()
    };
    let first = attempt("try-1").await.unwrap();
    let handles = |out: &aws_sdk_sqs::operation::receive_message::ReceiveMessageOutput| {
        out.messages()
            .iter()
            .map(|m| m.receipt_handle().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(bodies(first.messages()), ["a1", "a2"]);

    sqs.clock().advance(Duration::from_secs(10));
    let retry = attempt("try-1").await.unwrap();
    assert_eq!(handles(&retry), handles(&first));

    // Another id is another receive: only b is left.
    let other = attempt("try-2").await.unwrap();
    assert_eq!(bodies(other.messages()), ["b1"]);

    // Deleting one of the messages ends the repeat.
    delete(&client, &url, &first.messages()[0]).await;
    let after = attempt("try-1").await.unwrap();
    assert!(after.messages().is_empty());
}

/// A retry starts the visibility timeout again, and after 5 minutes the id is new.
#[tokio::test]
async fn receive_request_attempt_id_lasts_five_minutes_and_resets_visibility() {
    let (sqs, client) = fake_and_client().await;
    let url = create_fifo(
        &client,
        "attempt5.fifo",
        &[
            (Q::VisibilityTimeout, "200"),
            (Q::ContentBasedDeduplication, "true"),
        ],
    )
    .await;
    send(&client, &url, "a", None, "a1").await;
    let attempt = || {
        client
            .receive_message()
            .queue_url(&url)
            .receive_request_attempt_id("same")
            .send()
    };
    let first = attempt().await.unwrap();
    sqs.clock().advance(Duration::from_secs(150));
    let retry = attempt().await.unwrap();
    assert_eq!(
        retry.messages()[0].receipt_handle(),
        first.messages()[0].receipt_handle()
    );
    // 150 s after the retry the first timeout (200 s) is long past, but the retry's
    // is not: the message is still in flight.
    sqs.clock().advance(Duration::from_secs(150));
    assert!(receive(&client, &url, 1).await.is_empty());
    // 5 minutes after the first receive the id is forgotten: a new receive.
    let late = attempt().await.unwrap();
    assert!(late.messages().is_empty());
    sqs.clock().advance(Duration::from_secs(50));
    let fresh = attempt().await.unwrap();
    assert_ne!(
        fresh.messages()[0].receipt_handle(),
        first.messages()[0].receipt_handle()
    );
}

/// ReceiveRequestAttemptId takes the same 128-character charset as the FIFO ids.
#[tokio::test]
async fn receive_request_attempt_id_is_validated() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_cbd_fifo(&client, "attempt-bad.fifo").await;
    let err = client
        .receive_message()
        .queue_url(&url)
        .receive_request_attempt_id("has space")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert_eq!(
        message(&err),
        "Value has space for parameter ReceiveRequestAttemptId is invalid. Reason: ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length."
    );
}

/// A batch keeps its order: sequence numbers grow entry by entry and the group is
/// delivered in entry order; a duplicate entry answers the original's identity.
#[tokio::test]
async fn batches_keep_their_order() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_fifo(&client, "batch.fifo", &[]).await;
    let entry = |id: &str, dedup: &str| {
        SendMessageBatchRequestEntry::builder()
            .id(id)
            .message_body(format!("body-{id}"))
            .message_group_id("g")
            .message_deduplication_id(dedup)
            .build()
            .unwrap()
    };
    let out = client
        .send_message_batch()
        .queue_url(&url)
        .entries(entry("0", "d0"))
        .entries(entry("1", "d1"))
        .entries(entry("2", "d0"))
        .entries(entry("3", "d3"))
        .send()
        .await
        .unwrap();
    let ok = out.successful();
    assert_eq!(ok.len(), 4);
    let seq = |i: usize| ok[i].sequence_number().unwrap().parse::<u128>().unwrap();
    assert!(seq(0) < seq(1) && seq(1) < seq(3));
    assert_eq!(seq(2), seq(0));
    assert_eq!(ok[2].message_id(), ok[0].message_id());
    assert_eq!(
        bodies(&receive(&client, &url, 10).await),
        ["body-0", "body-1", "body-3"]
    );
}

/// Only received messages count as not visible, even though their groups are blocked;
/// the rest count as visible (rows 144-145).
#[tokio::test]
async fn counts_follow_received_messages_not_blocked_groups() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_cbd_fifo(&client, "counts.fifo").await;
    for i in 0..6 {
        send(
            &client,
            &url,
            &format!("g{}", i % 3),
            None,
            &format!("m{i}"),
        )
        .await;
    }
    for _ in 0..2 {
        assert_eq!(receive(&client, &url, 1).await.len(), 1);
    }
    assert_eq!(counts(&client, &url).await, ("4".into(), "2".into()));

    let url = create_cbd_fifo(&client, "counts2.fifo").await;
    for (group, body) in [
        ("g1", "1"),
        ("g1", "2"),
        ("g1", "3"),
        ("g2", "4"),
        ("g3", "5"),
    ] {
        send(&client, &url, group, None, body).await;
    }
    assert_eq!(receive(&client, &url, 4).await.len(), 4);
    assert_eq!(counts(&client, &url).await, ("1".into(), "4".into()));
}

/// The exact Query answers of a FIFO send, a duplicate send, and a receive of all
/// attributes.
#[tokio::test]
async fn query_fifo_send_and_receive_answers() {
    let sqs = fake().await;
    let created = query(
        &sqs,
        &[
            ("Action", "CreateQueue"),
            ("QueueName", "q.fifo"),
            ("Attribute.1.Name", "FifoQueue"),
            ("Attribute.1.Value", "true"),
        ],
    )
    .await;
    assert_eq!(created.status, 200);
    let url = format!("{}/000000000000/q.fifo", sqs.endpoint_url());
    let send = [
        ("Action", "SendMessage"),
        ("QueueUrl", url.as_str()),
        ("MessageBody", "hello"),
        ("MessageGroupId", "group-1"),
        ("MessageDeduplicationId", "dedup-1"),
    ];
    assert_snapshot!("query_fifo_send", query(&sqs, &send).await.snapshot());
    assert_snapshot!(
        "query_fifo_send_duplicate",
        query(&sqs, &send).await.snapshot()
    );
    let received = query(
        &sqs,
        &[
            ("Action", "ReceiveMessage"),
            ("QueueUrl", url.as_str()),
            ("AttributeName.1", "All"),
        ],
    )
    .await;
    assert_snapshot!("query_fifo_receive", received.snapshot());
}

/// SplitMix64: a small seeded generator, so the randomized test is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE5_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What the consumers have seen of each group, checked as they go.
#[derive(Default)]
struct Ledger {
    /// Per group: how many messages were processed (deleted), and which are held now.
    done: HashMap<String, usize>,
    held: HashMap<String, Vec<usize>>,
    deleted: usize,
}

impl Ledger {
    /// A receive handed out these `(group, index)` pairs, in this order.
    fn received(&mut self, got: &[(String, usize)]) {
        let mut by_group: HashMap<&str, Vec<usize>> = HashMap::new();
        for (group, index) in got {
            by_group.entry(group).or_default().push(*index);
        }
        for (group, indices) in by_group {
            let held = self.held.entry(group.to_owned()).or_default();
            assert!(held.is_empty(), "{group}: {indices:?} while {held:?} held");
            let done = self.done.get(group).copied().unwrap_or(0);
            let expected: Vec<usize> = (done..done + indices.len()).collect();
            assert_eq!(indices, expected, "{group} out of order");
            *held = indices;
        }
    }

    /// About to delete the oldest held message of `group` (recorded before the request,
    /// so the server cannot hand out the next one before this is written down).
    fn deleting(&mut self, group: &str, index: usize) {
        let done = self.done.entry(group.to_owned()).or_default();
        assert_eq!(*done, index, "{group}: deleting out of order");
        *done += 1;
        self.held.get_mut(group).unwrap().remove(0);
        self.deleted += 1;
    }

    /// About to release every held message of `group`.
    fn releasing(&mut self, group: &str) {
        self.held.get_mut(group).unwrap().clear();
    }
}

/// Many messages across many groups, a producer and several concurrent consumers that
/// sometimes give a message back: every group is processed in send order, no two
/// consumers ever hold messages of one group, duplicates are never delivered, and every
/// message is processed exactly once. Seeded, so a failure reproduces.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_consumers_keep_group_order_and_never_see_duplicates() {
    const MESSAGES: usize = 400;
    const GROUPS: u64 = 25;
    const CONSUMERS: u64 = 4;
    let sqs = fake().await;
    let client = sqs.client().await;
    let url = create_fifo(&client, "random.fifo", &[]).await;

    let producer = {
        let (client, url) = (client.clone(), url.clone());
        tokio::spawn(async move {
            let mut rng = Rng(7);
            let mut next_index: HashMap<String, usize> = HashMap::new();
            let mut sent_ids: Vec<(String, String)> = Vec::new();
            let mut i = 0;
            while i < MESSAGES {
                let mut batch = client.send_message_batch().queue_url(&url);
                let mut entries = 0;
                while entries < 10 && i < MESSAGES {
                    // Now and then re-send an earlier id: a duplicate, never delivered.
                    if !sent_ids.is_empty() && rng.below(10) == 0 {
                        let (dedup, group) = &sent_ids[rng.below(sent_ids.len() as u64) as usize];
                        batch = batch.entries(
                            SendMessageBatchRequestEntry::builder()
                                .id(format!("e{entries}"))
                                .message_body("duplicate")
                                .message_group_id(group)
                                .message_deduplication_id(dedup)
                                .build()
                                .unwrap(),
                        );
                        entries += 1;
                        continue;
                    }
                    let group = format!("g{}", rng.below(GROUPS));
                    let index = next_index.entry(group.clone()).or_default();
                    let dedup = format!("m{i}");
                    batch = batch.entries(
                        SendMessageBatchRequestEntry::builder()
                            .id(format!("e{entries}"))
                            .message_body(format!("{group}:{index}"))
                            .message_group_id(&group)
                            .message_deduplication_id(&dedup)
                            .build()
                            .unwrap(),
                    );
                    *index += 1;
                    sent_ids.push((dedup, group));
                    entries += 1;
                    i += 1;
                }
                let out = batch.send().await.unwrap();
                assert!(out.failed().is_empty());
            }
        })
    };

    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut consumers = Vec::new();
    for c in 0..CONSUMERS {
        let client = sqs.client().await;
        let (url, ledger) = (url.clone(), ledger.clone());
        consumers.push(tokio::spawn(async move {
            let mut rng = Rng(100 + c);
            while ledger.lock().unwrap().deleted < MESSAGES {
                let got = client
                    .receive_message()
                    .queue_url(&url)
                    .max_number_of_messages(1 + rng.below(10) as i32)
                    .send()
                    .await
                    .unwrap()
                    .messages
                    .unwrap_or_default();
                if got.is_empty() {
                    tokio::task::yield_now().await;
                    continue;
                }
                let parsed: Vec<(String, usize)> = got
                    .iter()
                    .map(|m| {
                        let body = m.body().unwrap();
                        assert_ne!(body, "duplicate", "a duplicate was delivered");
                        let (group, index) = body.split_once(':').unwrap();
                        (group.to_owned(), index.parse().unwrap())
                    })
                    .collect();
                ledger.lock().unwrap().received(&parsed);
                // Process each group's run in order; sometimes give the rest of a run back.
                let mut released: Vec<&str> = Vec::new();
                let mut give_back = Vec::new();
                for (m, (group, index)) in got.iter().zip(&parsed) {
                    if released.contains(&group.as_str()) {
                        give_back.push(m);
                        continue;
                    }
                    if rng.below(5) == 0 {
                        ledger.lock().unwrap().releasing(group);
                        released.push(group);
                        give_back.push(m);
                        continue;
                    }
                    ledger.lock().unwrap().deleting(group, *index);
                    delete(&client, &url, m).await;
                }
                if !give_back.is_empty() {
                    let mut batch = client.change_message_visibility_batch().queue_url(&url);
                    for (n, m) in give_back.iter().enumerate() {
                        batch = batch.entries(
                            ChangeMessageVisibilityBatchRequestEntry::builder()
                                .id(format!("r{n}"))
                                .receipt_handle(m.receipt_handle().unwrap())
                                .visibility_timeout(0)
                                .build()
                                .unwrap(),
                        );
                    }
                    let out = batch.send().await.unwrap();
                    assert!(out.failed().is_empty());
                }
            }
        }));
    }
    let all = async {
        producer.await.unwrap();
        for consumer in consumers {
            consumer.await.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .expect("all messages are processed");
    let ledger = ledger.lock().unwrap();
    assert_eq!(ledger.deleted, MESSAGES);
    assert_eq!(ledger.done.values().sum::<usize>(), MESSAGES);
    assert!(ledger.held.values().all(Vec::is_empty));
}

/// At the in-flight limit (lowered here from AWS's 120,000) a standard queue's receive
/// answers OverLimit, while a FIFO queue's returns nothing and no error; a delete makes
/// room again.
#[tokio::test]
async fn the_in_flight_limit_is_overlimit_on_standard_and_silent_on_fifo() {
    let sqs = crate::support::builder().in_flight_limit(3).start().await;
    let client = sqs.client().await;

    let standard = create_queue(&client, "busy").await;
    for i in 0..5 {
        client
            .send_message()
            .queue_url(&standard)
            .message_body(format!("m{i}"))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(receive(&client, &standard, 10).await.len(), 3);
    let err = client
        .receive_message()
        .queue_url(&standard)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "OverLimit");

    let fifo = create_cbd_fifo(&client, "busy.fifo").await;
    for i in 0..5 {
        send(&client, &fifo, &format!("g{i}"), None, &format!("m{i}")).await;
    }
    let held = receive(&client, &fifo, 10).await;
    assert_eq!(bodies(&held), ["m0", "m1", "m2"]);
    assert!(receive(&client, &fifo, 10).await.is_empty());
    delete(&client, &fifo, &held[0]).await;
    assert_eq!(bodies(&receive(&client, &fifo, 10).await), ["m3"]);
}

/// A FIFO message received more often than maxReceiveCount moves to the FIFO
/// dead-letter queue with its MessageId, and its group keeps taking new messages
/// (row 148).
#[tokio::test]
async fn over_received_fifo_messages_move_to_the_dead_letter_queue_and_free_the_group() {
    let (_sqs, client) = fake_and_client().await;
    let dlq = create_cbd_fifo(&client, "dead.fifo").await;
    let policy = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dead.fifo","maxReceiveCount":"2"}"#;
    let url = create_fifo(
        &client,
        "source.fifo",
        &[
            (Q::ContentBasedDeduplication, "true"),
            (Q::RedrivePolicy, policy),
        ],
    )
    .await;
    let sent = send(&client, &url, "g", None, "poison").await;
    let receive_now = || {
        client
            .receive_message()
            .queue_url(&url)
            .visibility_timeout(0)
            .send()
    };
    for _ in 0..2 {
        let got = receive_now().await.unwrap();
        assert_eq!(bodies(got.messages()), ["poison"]);
    }
    assert!(receive_now().await.unwrap().messages().is_empty());

    let dead = receive(&client, &dlq, 10).await;
    assert_eq!(bodies(&dead), ["poison"]);
    assert_eq!(dead[0].message_id(), sent.message_id());

    send(&client, &url, "g", None, "next").await;
    assert_eq!(bodies(&receive(&client, &url, 10).await), ["next"]);
}
