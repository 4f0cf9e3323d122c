//! Batch actions: 1 to 10 entries with distinct, well-formed ids; per-entry failures in
//! `Failed` with HTTP 200; whole-request errors where AWS has them.

use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry,
    MessageAttributeValue, QueueAttributeName as Q, SendMessageBatchRequestEntry,
};

use crate::support::{code, create_queue, fake_and_client, message};

fn entry(id: &str, body: &str) -> SendMessageBatchRequestEntry {
    SendMessageBatchRequestEntry::builder()
        .id(id)
        .message_body(body)
        .build()
        .unwrap()
}

/// A batch sends each entry; the answer lists each success with its MD5 and no `Failed`
/// when nothing failed (row 83).
#[tokio::test]
async fn send_batch_succeeds_per_entry() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let out = client
        .send_message_batch()
        .queue_url(&url)
        .entries(entry("1", "a"))
        .entries(
            SendMessageBatchRequestEntry::builder()
                .id("2")
                .message_body("b")
                .delay_seconds(5)
                .message_attributes(
                    "k",
                    MessageAttributeValue::builder()
                        .data_type("String")
                        .string_value("x")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(out.failed().is_empty());
    let ok = out.successful();
    assert_eq!(ok.len(), 2);
    assert_eq!(ok[0].id(), "1");
    assert_eq!(
        ok[0].md5_of_message_body(),
        "0cc175b9c0f1b6a831c399e269772661"
    );
    assert_eq!(
        ok[1].md5_of_message_attributes(),
        Some("a45daa70926828a2f0a1db3418e6feb4")
    );
    let msgs = sqs.messages(&url);
    assert_eq!(msgs.len(), 2);
    assert!(matches!(
        msgs[1].state,
        fake_sqs::MessageState::Delayed { .. }
    ));
}

/// Entries that break a message rule fail alone, with AWS's batch wording (rows 84, 87).
#[tokio::test]
async fn bad_entries_fail_alone() {
    let (_sqs, client) = fake_and_client().await;
    let url = client
        .create_queue()
        .queue_name("small")
        .attributes(Q::MaximumMessageSize, "1024")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let out = client
        .send_message_batch()
        .queue_url(&url)
        .entries(entry("ok", &"a".repeat(1024)))
        .entries(entry("big", &"a".repeat(1025)))
        .entries(entry("bad", "\u{1}"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.successful().len(), 1);
    assert_eq!(
        out.successful()[0].md5_of_message_body(),
        "c9a34cfc85d982698c6ac89f76071abd"
    );
    let failed = out.failed();
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[0].id(), "big");
    assert_eq!(failed[0].code(), "InvalidParameterValue");
    assert!(failed[0].sender_fault());
    assert_eq!(
        failed[0].message(),
        Some("One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.")
    );
    assert_eq!(failed[1].code(), "InvalidMessageContents");
}

/// Whole-request errors: too many entries, bad or repeated ids, no entries, a total over
/// 1 MiB (rows 80-82, 88, 123-124, 130).
#[tokio::test]
async fn batch_shape_errors_fail_the_whole_request() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;

    let mut twenty = client.send_message_batch().queue_url(&url);
    for i in 0..20 {
        twenty = twenty.entries(entry(&i.to_string(), "m"));
    }
    let err = twenty.send().await.unwrap_err();
    assert_eq!(
        code(&err),
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
    );
    assert_eq!(
        message(&err),
        "Maximum number of entries per request are 10. You have sent 20."
    );

    let err = client
        .send_message_batch()
        .queue_url(&url)
        .entries(entry("message:1", "m"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AWS.SimpleQueueService.InvalidBatchEntryId");
    assert_eq!(
        message(&err),
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."
    );

    let err = client
        .send_message_batch()
        .queue_url(&url)
        .entries(entry("a", "m"))
        .entries(entry("a", "n"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&err),
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    );

    let err = client
        .send_message_batch()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AWS.SimpleQueueService.EmptyBatchRequest");

    let big = SendMessageBatchRequestEntry::builder()
        .id("1")
        .message_body("a".repeat(1_048_568))
        .message_attributes(
            "k",
            MessageAttributeValue::builder()
                .data_type("String")
                .string_value("x")
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let err = client
        .send_message_batch()
        .queue_url(&url)
        .entries(big)
        .entries(entry("2", "a"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AWS.SimpleQueueService.BatchRequestTooLong");
    assert_eq!(
        message(&err),
        "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes."
    );

    for bad in ["", &"testLongId".repeat(10), "invalid:id"] {
        let err = client
            .delete_message_batch()
            .queue_url(&url)
            .entries(
                DeleteMessageBatchRequestEntry::builder()
                    .id(bad)
                    .receipt_handle("h")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            code(&err),
            "AWS.SimpleQueueService.InvalidBatchEntryId",
            "{bad:?}"
        );
    }
}

/// DeleteMessageBatch and ChangeMessageVisibilityBatch: valid handles succeed, bad ones
/// fail per entry with ReceiptHandleIsInvalid.
#[tokio::test]
async fn delete_and_visibility_batches_fail_per_entry() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    for b in ["a", "b", "c"] {
        client
            .send_message()
            .queue_url(&url)
            .message_body(b)
            .send()
            .await
            .unwrap();
    }
    let got = client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(3)
        .send()
        .await
        .unwrap();
    let handles: Vec<_> = got
        .messages()
        .iter()
        .map(|m| m.receipt_handle().unwrap().to_owned())
        .collect();

    let out = client
        .change_message_visibility_batch()
        .queue_url(&url)
        .entries(
            ChangeMessageVisibilityBatchRequestEntry::builder()
                .id("keep")
                .receipt_handle(&handles[0])
                .visibility_timeout(0)
                .build()
                .unwrap(),
        )
        .entries(
            ChangeMessageVisibilityBatchRequestEntry::builder()
                .id("bogus")
                .receipt_handle("fake-receipt-handle-1")
                .visibility_timeout(0)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(out.successful().len(), 1);
    assert_eq!(out.failed()[0].code(), "ReceiptHandleIsInvalid");
    assert_eq!(
        out.failed()[0].message(),
        Some("The input receipt handle \"fake-receipt-handle-1\" is not a valid receipt handle.")
    );
    assert_eq!(sqs.queues()[0].visible, 1);

    let out = client
        .delete_message_batch()
        .queue_url(&url)
        .entries(
            DeleteMessageBatchRequestEntry::builder()
                .id("1")
                .receipt_handle(&handles[1])
                .build()
                .unwrap(),
        )
        .entries(
            DeleteMessageBatchRequestEntry::builder()
                .id("2")
                .receipt_handle(&handles[2])
                .build()
                .unwrap(),
        )
        .entries(
            DeleteMessageBatchRequestEntry::builder()
                .id("3")
                .receipt_handle("nope")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = out.successful().iter().map(|s| s.id()).collect();
    assert_eq!(ids, vec!["1", "2"]);
    assert_eq!(out.failed()[0].id(), "3");
    assert_eq!(sqs.messages(&url).len(), 1);
}
