//! The exact bytes of answers, as snapshots: Query XML and JSON for the same operations.
//! The fake is seeded and its clock paused, so nothing is redacted but the port.

use insta::assert_snapshot;

use crate::support::{fake, json, query, query_at, query_get};

/// Queue management over the Query protocol, one snapshot per answer.
#[tokio::test]
async fn query_queue_management_answers() {
    let sqs = fake().await;
    let created = query(
        &sqs,
        &[
            ("Action", "CreateQueue"),
            ("QueueName", "q1"),
            ("Attribute.1.Name", "VisibilityTimeout"),
            ("Attribute.1.Value", "40"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "core"),
        ],
    )
    .await;
    assert_snapshot!("query_create_queue", created.snapshot());
    let url = format!("{}/000000000000/q1", sqs.endpoint_url());

    let got = query(&sqs, &[("Action", "GetQueueUrl"), ("QueueName", "q1")]).await;
    assert_snapshot!("query_get_queue_url", got.snapshot());

    let listed = query(&sqs, &[("Action", "ListQueues")]).await;
    assert_snapshot!("query_list_queues", listed.snapshot());

    let attrs = query(
        &sqs,
        &[
            ("Action", "GetQueueAttributes"),
            ("QueueUrl", &url),
            ("AttributeName.1", "All"),
        ],
    )
    .await;
    assert_snapshot!("query_get_queue_attributes", attrs.snapshot());

    let set = query(
        &sqs,
        &[
            ("Action", "SetQueueAttributes"),
            ("QueueUrl", &url),
            ("Attribute.1.Name", "DelaySeconds"),
            ("Attribute.1.Value", "5"),
        ],
    )
    .await;
    assert_snapshot!("query_set_queue_attributes", set.snapshot());

    let tagged = query(
        &sqs,
        &[
            ("Action", "TagQueue"),
            ("QueueUrl", &url),
            ("Tag.1.Key", "env"),
            ("Tag.1.Value", "test"),
        ],
    )
    .await;
    assert_snapshot!("query_tag_queue", tagged.snapshot());

    let tags = query(&sqs, &[("Action", "ListQueueTags"), ("QueueUrl", &url)]).await;
    assert_snapshot!("query_list_queue_tags", tags.snapshot());

    let untagged = query(
        &sqs,
        &[
            ("Action", "UntagQueue"),
            ("QueueUrl", &url),
            ("TagKey.1", "env"),
        ],
    )
    .await;
    assert_snapshot!("query_untag_queue", untagged.snapshot());

    let deleted = query(&sqs, &[("Action", "DeleteQueue"), ("QueueUrl", &url)]).await;
    assert_snapshot!("query_delete_queue", deleted.snapshot());

    let missing = query(&sqs, &[("Action", "GetQueueUrl"), ("QueueName", "q1")]).await;
    assert_snapshot!("query_get_queue_url_missing", missing.snapshot());

    let recently = query(&sqs, &[("Action", "CreateQueue"), ("QueueName", "q1")]).await;
    assert_snapshot!("query_create_queue_deleted_recently", recently.snapshot());
}

/// The same operations over JSON.
#[tokio::test]
async fn json_queue_management_answers() {
    let sqs = fake().await;
    let created = json(
        &sqs,
        "CreateQueue",
        r#"{"QueueName":"q1","Attributes":{"VisibilityTimeout":"40"},"tags":{"team":"core"}}"#,
    )
    .await;
    assert_snapshot!("json_create_queue", created.snapshot());
    let url = format!("{}/000000000000/q1", sqs.endpoint_url());
    let attrs = json(
        &sqs,
        "GetQueueAttributes",
        &format!(r#"{{"QueueUrl":"{url}","AttributeNames":["All"]}}"#),
    )
    .await;
    assert_snapshot!("json_get_queue_attributes", attrs.snapshot());
    let tags = json(&sqs, "ListQueueTags", &format!(r#"{{"QueueUrl":"{url}"}}"#)).await;
    assert_snapshot!("json_list_queue_tags", tags.snapshot());
    let deleted = json(&sqs, "DeleteQueue", &format!(r#"{{"QueueUrl":"{url}"}}"#)).await;
    assert_snapshot!("json_delete_queue", deleted.snapshot());
    let missing = json(&sqs, "GetQueueUrl", r#"{"QueueName":"q1"}"#).await;
    assert_snapshot!("json_get_queue_url_missing", missing.snapshot());
}

/// The Query protocol at a queue's URL: the path names the queue; a QueueUrl parameter
/// wins over it; service-level actions are refused there (rows 163-172).
#[tokio::test]
async fn query_at_a_queue_url() {
    let sqs = fake().await;
    query(&sqs, &[("Action", "CreateQueue"), ("QueueName", "q1")]).await;
    query(&sqs, &[("Action", "CreateQueue"), ("QueueName", "q2")]).await;

    let got = query_get(
        &sqs,
        "/000000000000/q1",
        &[
            ("Action", "GetQueueAttributes"),
            ("AttributeName.1", "QueueArn"),
        ],
    )
    .await;
    assert_eq!(got.status, 200);
    assert!(got
        .body
        .contains("<Value>arn:aws:sqs:us-east-1:000000000000:q1</Value>"));

    let q2 = format!("{}/000000000000/q2", sqs.endpoint_url());
    let got = query_get(
        &sqs,
        "/000000000000/q1",
        &[
            ("Action", "GetQueueAttributes"),
            ("AttributeName.1", "QueueArn"),
            ("QueueUrl", &q2),
        ],
    )
    .await;
    assert!(got.body.contains(":q2</Value>"));

    let refused = query_at(
        &sqs,
        "/000000000000/q1",
        &[("Action", "CreateQueue"), ("QueueName", "x")],
    )
    .await;
    assert_snapshot!("query_create_queue_at_queue_url", refused.snapshot());

    let other = query_get(
        &sqs,
        "/000000000000/q1",
        &[("Action", "GetQueueUrl"), ("QueueName", "q2")],
    )
    .await;
    assert!(other.body.contains("/000000000000/q2</QueueUrl>"));

    let deleted = query_get(&sqs, "/000000000000/q1", &[("Action", "DeleteQueue")]).await;
    assert!(deleted.body.contains("<DeleteQueueResponse "));
    let gone = query_get(
        &sqs,
        "/000000000000/q1",
        &[("Action", "GetQueueAttributes")],
    )
    .await;
    assert_eq!(gone.status, 400);
    assert!(gone
        .body
        .contains("The specified queue does not exist for this wsdl version."));
}
