//! The Yandex dialect: Query only, folder/queue-id/name URLs, Yandex's attribute set,
//! limits and XML.

use fake_sqs::{ClockMode, Dialect, FakeSqs};
use insta::assert_snapshot;

use crate::support::{json, query, query_at, START_SECS};

async fn yandex() -> FakeSqs {
    FakeSqs::builder()
        .dialect(Dialect::Yandex)
        .clock(ClockMode::Paused(Some(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(START_SECS),
        )))
        .seed(7)
        .start()
        .await
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).map(|i| i + open.len()).unwrap_or(0);
    let end = text[start..]
        .find(close)
        .map(|i| start + i)
        .unwrap_or(text.len());
    &text[start..end]
}

/// Queue URLs are `/<folder>/<queue id>/<name>`, and a re-created queue gets a new URL:
/// the old one no longer reaches it. Answers have no XML namespace.
#[tokio::test]
async fn queue_urls_carry_a_queue_id_that_changes_on_recreation() {
    let sqs = yandex().await;
    let created = query(
        &sqs,
        &[("Action", "CreateQueue"), ("QueueName", "sample-queue")],
    )
    .await;
    assert_snapshot!("yandex_create_queue", created.snapshot());
    let url = between(&created.body, "<QueueUrl>", "</QueueUrl>").to_owned();
    let path = url.trim_start_matches(&sqs.endpoint_url());
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    assert_eq!(segments.len(), 3);
    assert_eq!(segments[0], "b1g0000000000000fake");
    assert_eq!(segments[2], "sample-queue");

    query(&sqs, &[("Action", "DeleteQueue"), ("QueueUrl", &url)]).await;
    sqs.clock().advance(std::time::Duration::from_secs(60));
    let again = query(
        &sqs,
        &[("Action", "CreateQueue"), ("QueueName", "sample-queue")],
    )
    .await;
    let new_url = between(&again.body, "<QueueUrl>", "</QueueUrl>").to_owned();
    assert_ne!(new_url, url);
    let stale = query(
        &sqs,
        &[("Action", "GetQueueAttributes"), ("QueueUrl", &url)],
    )
    .await;
    assert_eq!(stale.status, 400);
    assert!(stale
        .body
        .contains("<Code>AWS.SimpleQueueService.NonExistentQueue</Code>"));
    let stale_path = query_at(&sqs, path, &[("Action", "GetQueueAttributes")]).await;
    assert_eq!(stale_path.status, 400);
    let arn = query(
        &sqs,
        &[
            ("Action", "GetQueueAttributes"),
            ("QueueUrl", &new_url),
            ("AttributeName.1", "QueueArn"),
        ],
    )
    .await;
    assert!(arn
        .body
        .contains("<Value>yrn:yc:ymq:ru-central1:b1g0000000000000fake:sample-queue</Value>"));
}

/// JSON requests and undocumented actions are refused; errors are XML without a
/// namespace; an invalid receipt handle is a 400.
#[tokio::test]
async fn only_the_query_protocol_and_documented_actions_exist() {
    let sqs = yandex().await;
    let answer = json(&sqs, "ListQueues", "{}").await;
    assert_eq!(answer.status, 400);
    assert!(
        answer.body.contains("<Code>MissingAction</Code>"),
        "{}",
        answer.body
    );
    assert!(answer.body.starts_with("<?xml"));

    let answer = query(&sqs, &[("Action", "AddPermission")]).await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("<Code>InvalidAction</Code>"));

    let created = query(&sqs, &[("Action", "CreateQueue"), ("QueueName", "q")]).await;
    let url = between(&created.body, "<QueueUrl>", "</QueueUrl>").to_owned();
    let invalid = query(
        &sqs,
        &[
            ("Action", "DeleteMessage"),
            ("QueueUrl", &url),
            ("ReceiptHandle", "garbage"),
        ],
    )
    .await;
    assert_snapshot!("yandex_invalid_receipt_handle", invalid.snapshot());
    assert_eq!(invalid.status, 400);
}

/// Yandex's attribute set: unknown names refused at creation; GetQueueAttributes All
/// shows Yandex's thirteen; 256 KB messages.
#[tokio::test]
async fn yandex_attributes_and_limits() {
    let sqs = yandex().await;
    let refused = query(
        &sqs,
        &[
            ("Action", "CreateQueue"),
            ("QueueName", "q"),
            ("Attribute.1.Name", "KmsMasterKeyId"),
            ("Attribute.1.Value", "k"),
        ],
    )
    .await;
    assert_eq!(refused.status, 400);
    assert!(refused
        .body
        .contains("<Message>Unknown Attribute KmsMasterKeyId.</Message>"));

    let created = query(&sqs, &[("Action", "CreateQueue"), ("QueueName", "q")]).await;
    let url = between(&created.body, "<QueueUrl>", "</QueueUrl>").to_owned();
    let attrs = query(
        &sqs,
        &[
            ("Action", "GetQueueAttributes"),
            ("QueueUrl", &url),
            ("AttributeName.1", "All"),
        ],
    )
    .await;
    assert_snapshot!("yandex_get_queue_attributes", attrs.snapshot());
    assert_eq!(attrs.body.matches("<Attribute>").count(), 10);
    assert!(attrs
        .body
        .contains("<Name>MaximumMessageSize</Name><Value>262144</Value>"));

    let body = "a".repeat(262_145);
    let big = query(
        &sqs,
        &[
            ("Action", "SendMessage"),
            ("QueueUrl", &url),
            ("MessageBody", &body),
        ],
    )
    .await;
    assert_eq!(big.status, 400);

    let batch = query(
        &sqs,
        &[
            ("Action", "SendMessageBatch"),
            ("QueueUrl", &url),
            ("SendMessageBatchRequestEntry.1.Id", "ok"),
            ("SendMessageBatchRequestEntry.1.MessageBody", "m"),
            ("SendMessageBatchRequestEntry.2.Id", "bad"),
            ("SendMessageBatchRequestEntry.2.MessageBody", "\u{1}"),
        ],
    )
    .await;
    assert_snapshot!("yandex_send_message_batch", batch.snapshot());
    assert!(!batch.body.contains("SenderFault"));
}

/// A FIFO receive on Yandex returns at most one message per group.
#[tokio::test]
async fn yandex_fifo_receives_take_one_message_per_group() {
    let sqs = yandex().await;
    let created = query(
        &sqs,
        &[
            ("Action", "CreateQueue"),
            ("QueueName", "q.fifo"),
            ("Attribute.1.Name", "FifoQueue"),
            ("Attribute.1.Value", "true"),
            ("Attribute.2.Name", "ContentBasedDeduplication"),
            ("Attribute.2.Value", "true"),
        ],
    )
    .await;
    let url = between(&created.body, "<QueueUrl>", "</QueueUrl>").to_owned();
    for (group, body) in [("g1", "g1-m1"), ("g1", "g1-m2"), ("g2", "g2-m1")] {
        let sent = query(
            &sqs,
            &[
                ("Action", "SendMessage"),
                ("QueueUrl", &url),
                ("MessageBody", body),
                ("MessageGroupId", group),
            ],
        )
        .await;
        assert_eq!(sent.status, 200, "{}", sent.body);
    }
    let got = query(
        &sqs,
        &[
            ("Action", "ReceiveMessage"),
            ("QueueUrl", &url),
            ("MaxNumberOfMessages", "10"),
        ],
    )
    .await;
    let bodies: Vec<&str> = got
        .body
        .split("<Body>")
        .skip(1)
        .map(|s| s.split("</Body>").next().unwrap())
        .collect();
    assert_eq!(bodies, ["g1-m1", "g2-m1"]);
}
