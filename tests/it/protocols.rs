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

/// The message lifecycle over the Query protocol: every answer as exact XML.
#[tokio::test]
async fn query_message_lifecycle_answers() {
    let sqs = fake().await;
    query(&sqs, &[("Action", "CreateQueue"), ("QueueName", "q1")]).await;
    let url = format!("{}/000000000000/q1", sqs.endpoint_url());
    let url = url.as_str();

    let sent = query(
        &sqs,
        &[
            ("Action", "SendMessage"),
            ("QueueUrl", url),
            ("MessageBody", "test"),
            ("MessageAttribute.1.Name", "timestamp"),
            ("MessageAttribute.1.Value.DataType", "Number"),
            ("MessageAttribute.1.Value.StringValue", "1493147359900"),
            ("MessageAttribute.2.Name", "blob"),
            ("MessageAttribute.2.Value.DataType", "Binary"),
            ("MessageAttribute.2.Value.BinaryValue", "AAE="),
            ("MessageSystemAttribute.1.Name", "AWSTraceHeader"),
            ("MessageSystemAttribute.1.Value.DataType", "String"),
            (
                "MessageSystemAttribute.1.Value.StringValue",
                "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
            ),
        ],
    )
    .await;
    assert_snapshot!("query_send_message", sent.snapshot());

    let batch = query(
        &sqs,
        &[
            ("Action", "SendMessageBatch"),
            ("QueueUrl", url),
            ("SendMessageBatchRequestEntry.1.Id", "a"),
            ("SendMessageBatchRequestEntry.1.MessageBody", "first"),
            ("SendMessageBatchRequestEntry.2.Id", "b"),
            ("SendMessageBatchRequestEntry.2.MessageBody", "second"),
            ("SendMessageBatchRequestEntry.2.DelaySeconds", "1000"),
        ],
    )
    .await;
    assert_snapshot!("query_send_message_batch", batch.snapshot());

    let received = query(
        &sqs,
        &[
            ("Action", "ReceiveMessage"),
            ("QueueUrl", url),
            ("MaxNumberOfMessages", "10"),
            ("AttributeName.1", "All"),
            ("MessageAttributeName.1", "All"),
        ],
    )
    .await;
    assert_snapshot!("query_receive_message", received.snapshot());
    let handles: Vec<String> = received
        .body
        .split("<ReceiptHandle>")
        .skip(1)
        .map(|s| s.split("</ReceiptHandle>").next().unwrap().to_owned())
        .collect();
    assert_eq!(handles.len(), 2);

    let empty = query(&sqs, &[("Action", "ReceiveMessage"), ("QueueUrl", url)]).await;
    assert_snapshot!("query_receive_message_empty", empty.snapshot());

    let changed = query(
        &sqs,
        &[
            ("Action", "ChangeMessageVisibility"),
            ("QueueUrl", url),
            ("ReceiptHandle", &handles[0]),
            ("VisibilityTimeout", "60"),
        ],
    )
    .await;
    assert_snapshot!("query_change_message_visibility", changed.snapshot());

    let changed_batch = query(
        &sqs,
        &[
            ("Action", "ChangeMessageVisibilityBatch"),
            ("QueueUrl", url),
            ("ChangeMessageVisibilityBatchRequestEntry.1.Id", "ok"),
            (
                "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle",
                &handles[1],
            ),
            (
                "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout",
                "60",
            ),
            ("ChangeMessageVisibilityBatchRequestEntry.2.Id", "bad"),
            (
                "ChangeMessageVisibilityBatchRequestEntry.2.ReceiptHandle",
                "garbage",
            ),
            (
                "ChangeMessageVisibilityBatchRequestEntry.2.VisibilityTimeout",
                "60",
            ),
        ],
    )
    .await;
    assert_snapshot!(
        "query_change_message_visibility_batch",
        changed_batch.snapshot()
    );

    let deleted = query(
        &sqs,
        &[
            ("Action", "DeleteMessage"),
            ("QueueUrl", url),
            ("ReceiptHandle", &handles[0]),
        ],
    )
    .await;
    assert_snapshot!("query_delete_message", deleted.snapshot());

    let deleted_batch = query(
        &sqs,
        &[
            ("Action", "DeleteMessageBatch"),
            ("QueueUrl", url),
            ("DeleteMessageBatchRequestEntry.1.Id", "ok"),
            (
                "DeleteMessageBatchRequestEntry.1.ReceiptHandle",
                &handles[1],
            ),
            ("DeleteMessageBatchRequestEntry.2.Id", "bad"),
            ("DeleteMessageBatchRequestEntry.2.ReceiptHandle", "garbage"),
        ],
    )
    .await;
    assert_snapshot!("query_delete_message_batch", deleted_batch.snapshot());

    let invalid = query(
        &sqs,
        &[
            ("Action", "DeleteMessage"),
            ("QueueUrl", url),
            ("ReceiptHandle", "garbage"),
        ],
    )
    .await;
    assert_snapshot!("query_delete_message_invalid_handle", invalid.snapshot());

    let purged = query(&sqs, &[("Action", "PurgeQueue"), ("QueueUrl", url)]).await;
    assert_snapshot!("query_purge_queue", purged.snapshot());
    let again = query(&sqs, &[("Action", "PurgeQueue"), ("QueueUrl", url)]).await;
    assert_snapshot!("query_purge_queue_in_progress", again.snapshot());

    let too_many = query(
        &sqs,
        &[
            ("Action", "ReceiveMessage"),
            ("QueueUrl", url),
            ("MaxNumberOfMessages", "11"),
        ],
    )
    .await;
    assert_snapshot!("query_receive_message_too_many", too_many.snapshot());
}

/// The same receive over JSON: the member names and shapes JSON clients parse.
#[tokio::test]
async fn json_message_answers() {
    let sqs = fake().await;
    json(&sqs, "CreateQueue", r#"{"QueueName":"q1"}"#).await;
    let url = format!("{}/000000000000/q1", sqs.endpoint_url());
    let sent = json(
        &sqs,
        "SendMessage",
        &format!(
            r#"{{"QueueUrl":"{url}","MessageBody":"test","MessageAttributes":{{"blob":{{"DataType":"Binary","BinaryValue":"AAE="}},"n":{{"DataType":"Number","StringValue":"1"}}}}}}"#
        ),
    )
    .await;
    assert_snapshot!("json_send_message", sent.snapshot());
    let batch = json(
        &sqs,
        "SendMessageBatch",
        &format!(r#"{{"QueueUrl":"{url}","Entries":[{{"Id":"a","MessageBody":"x"}},{{"Id":"b","MessageBody":"\u0001"}}]}}"#),
    )
    .await;
    assert_snapshot!("json_send_message_batch", batch.snapshot());
    let received = json(
        &sqs,
        "ReceiveMessage",
        &format!(r#"{{"QueueUrl":"{url}","MaxNumberOfMessages":10,"MessageSystemAttributeNames":["All"],"MessageAttributeNames":["All"]}}"#),
    )
    .await;
    assert_snapshot!("json_receive_message", received.snapshot());
    let empty = json(
        &sqs,
        "ReceiveMessage",
        &format!(r#"{{"QueueUrl":"{url}"}}"#),
    )
    .await;
    assert_snapshot!("json_receive_message_empty", empty.snapshot());
    let purge = json(&sqs, "PurgeQueue", &format!(r#"{{"QueueUrl":"{url}"}}"#)).await;
    let again = json(&sqs, "PurgeQueue", &format!(r#"{{"QueueUrl":"{url}"}}"#)).await;
    assert_eq!(purge.status, 200);
    assert_eq!(again.status, 403);
    assert_eq!(
        again.headers["x-amzn-query-error"],
        "AWS.SimpleQueueService.PurgeQueueInProgress;Sender"
    );
    assert_snapshot!("json_purge_queue_in_progress", again.snapshot());
}

/// A Query request that asks for JSON gets the JSON form of its answer (fixtures/aws/recorded.md
/// rows 116 and 173); without the header it gets XML.
#[tokio::test]
async fn query_with_accept_json_answers_json() {
    let sqs = fake().await;
    query(&sqs, &[("Action", "CreateQueue"), ("QueueName", "q1")]).await;
    let url = format!("{}/000000000000/q1", sqs.endpoint_url());
    query(
        &sqs,
        &[
            ("Action", "SendMessage"),
            ("QueueUrl", &url),
            ("MessageBody", "foobar"),
        ],
    )
    .await;
    let get = |pairs: Vec<(&'static str, String)>| {
        reqwest::Client::new()
            .get(sqs.endpoint_url())
            .header("accept", "application/json")
            .query(&pairs)
            .send()
    };
    let listed = get(vec![
        ("Action", "ListQueues".into()),
        ("Version", "2012-11-05".into()),
    ])
    .await
    .unwrap();
    assert_eq!(listed.status(), 200);
    let listed: serde_json::Value = listed.json_body().await;
    assert_eq!(
        listed["ListQueuesResponse"]["ListQueuesResult"]["QueueUrls"][0],
        url.as_str()
    );
    assert!(listed["ListQueuesResponse"]["ResponseMetadata"]["RequestId"].is_string());

    let received = get(vec![
        ("Action", "ReceiveMessage".into()),
        ("QueueUrl", url.clone()),
    ])
    .await
    .unwrap();
    let received: serde_json::Value = received.json_body().await;
    assert_eq!(
        received["ReceiveMessageResponse"]["ReceiveMessageResult"]["messages"][0]["Body"],
        "foobar"
    );
    let xml = query_get(&sqs, "/", &[("Action", "ListQueues")]).await;
    assert!(xml.body.starts_with("<?xml"));
}

/// Reads a response body as JSON.
trait JsonBody {
    async fn json_body(self) -> serde_json::Value;
}

impl JsonBody for reqwest::Response {
    async fn json_body(self) -> serde_json::Value {
        serde_json::from_str(&self.text().await.unwrap()).unwrap()
    }
}
