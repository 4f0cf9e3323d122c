//! Nothing a client sends may panic the server or drop the connection: seeded random
//! requests for every action, with members of the wrong type, missing, empty, huge or
//! odd, over both protocols, must each get an SQS answer (never a 5xx or a dropped
//! connection), and the server must keep serving.

use serde_json::{json, Map, Value};

use crate::support::{fake, json as json_call, query};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ACTIONS: [&str; 23] = [
    "AddPermission",
    "CancelMessageMoveTask",
    "ChangeMessageVisibility",
    "ChangeMessageVisibilityBatch",
    "CreateQueue",
    "DeleteMessage",
    "DeleteMessageBatch",
    "DeleteQueue",
    "GetQueueAttributes",
    "GetQueueUrl",
    "ListDeadLetterSourceQueues",
    "ListMessageMoveTasks",
    "ListQueueTags",
    "ListQueues",
    "PurgeQueue",
    "ReceiveMessage",
    "RemovePermission",
    "SendMessage",
    "SendMessageBatch",
    "SetQueueAttributes",
    "StartMessageMoveTask",
    "TagQueue",
    "UntagQueue",
];

/// Every request member of the API, as JSON names.
const MEMBERS: &[&str] = &[
    "QueueUrl",
    "QueueName",
    "Attributes",
    "tags",
    "Tags",
    "TagKeys",
    "AttributeNames",
    "MessageSystemAttributeNames",
    "MessageAttributeNames",
    "MaxNumberOfMessages",
    "VisibilityTimeout",
    "WaitTimeSeconds",
    "ReceiveRequestAttemptId",
    "MessageBody",
    "DelaySeconds",
    "MessageAttributes",
    "MessageSystemAttributes",
    "MessageDeduplicationId",
    "MessageGroupId",
    "ReceiptHandle",
    "Entries",
    "Id",
    "Label",
    "AWSAccountIds",
    "Actions",
    "QueueNamePrefix",
    "NextToken",
    "MaxResults",
    "QueueOwnerAWSAccountId",
    "SourceArn",
    "DestinationArn",
    "MaxNumberOfMessagesPerSecond",
    "TaskHandle",
];

fn value(rng: &mut Rng, url: &str, depth: usize) -> Value {
    let strings = [
        "",
        "q",
        url,
        "All",
        "String",
        "Number",
        "Binary",
        "Number.x",
        "-1",
        "99999999999999999999",
        "1e400",
        "\u{0}",
        "\u{FFFF}",
        "{\"deadLetterTargetArn\":1}",
        "arn:aws:sqs:us-east-1:000000000000:q",
        "eyJ0YXNrSWQiOjF9",
        "AAAA",
        "..",
        "a.fifo",
    ];
    match rng.below(if depth > 2 { 4 } else { 7 }) {
        0 => Value::Null,
        1 => json!(rng.below(3) == 0),
        2 => json!([-1i64, 0, 1, 10, 43_201, i64::MAX, i64::MIN][rng.below(7)]),
        3 => {
            if rng.below(10) == 0 {
                json!("x".repeat(300_000))
            } else {
                json!(rng.pick(&strings))
            }
        }
        4 => json!(1.5),
        5 => Value::Array(
            (0..rng.below(12))
                .map(|_| value(rng, url, depth + 1))
                .collect(),
        ),
        _ => {
            let mut map = Map::new();
            for _ in 0..rng.below(12) {
                let key = if rng.below(2) == 0 {
                    rng.pick(MEMBERS).to_owned()
                } else {
                    rng.pick(&strings).to_owned()
                };
                map.insert(key, value(rng, url, depth + 1));
            }
            Value::Object(map)
        }
    }
}

fn body(rng: &mut Rng, url: &str) -> String {
    let mut map = Map::new();
    for _ in 0..rng.below(8) {
        map.insert(rng.pick(MEMBERS).to_owned(), value(rng, url, 0));
    }
    if rng.below(3) == 0 {
        map.insert("QueueUrl".into(), json!(url));
    }
    Value::Object(map).to_string()
}

/// JSON requests with random members for every action.
#[tokio::test]
async fn random_json_requests_get_answers_not_panics() {
    let sqs = fake().await;
    let created = json_call(&sqs, "CreateQueue", r#"{"QueueName":"q"}"#).await;
    let url = created.json()["QueueUrl"].as_str().unwrap().to_owned();
    json_call(
        &sqs,
        "SendMessage",
        &format!(r#"{{"QueueUrl":"{url}","MessageBody":"m"}}"#),
    )
    .await;
    let mut rng = Rng(0x5eed_0001);
    for i in 0..700 {
        let action = ACTIONS[i % ACTIONS.len()];
        let payload = body(&mut rng, &url);
        let answer = json_call(&sqs, action, &payload).await;
        assert!(
            answer.status < 500,
            "{action} {payload:.300} -> {} {}",
            answer.status,
            answer.body
        );
        assert!(
            serde_json::from_str::<Value>(&answer.body).is_ok(),
            "{action}: {}",
            answer.body
        );
    }
    assert_eq!(json_call(&sqs, "ListQueues", "{}").await.status, 200);
}

/// Query requests with random flattened keys and values for every action.
#[tokio::test]
async fn random_query_requests_get_answers_not_panics() {
    let sqs = fake().await;
    let created = query(&sqs, &[("Action", "CreateQueue"), ("QueueName", "q")]).await;
    let url = created
        .body
        .split("<QueueUrl>")
        .nth(1)
        .and_then(|s| s.split("</QueueUrl>").next())
        .unwrap()
        .to_owned();
    let keys = [
        "QueueUrl",
        "QueueName",
        "MessageBody",
        "Attribute.1.Name",
        "Attribute.1.Value",
        "Attribute.0.Name",
        "Attribute.18446744073709551616.Name",
        "AttributeName.1",
        "AttributeName",
        "MessageAttributeName.2",
        "MessageAttribute.1.Name",
        "MessageAttribute.1.Value.DataType",
        "MessageAttribute.1.Value.BinaryValue",
        "MessageAttribute.1.Value.StringListValue.1",
        "SendMessageBatchRequestEntry.1.Id",
        "SendMessageBatchRequestEntry.1.MessageBody",
        "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue",
        "DeleteMessageBatchRequestEntry.1.ReceiptHandle",
        "ChangeMessageVisibilityBatchRequestEntry.3.VisibilityTimeout",
        "Entries",
        "Tag.1.Key",
        "Tag.1.Value",
        "TagKey.1",
        "AWSAccountId.1",
        "ActionName.1",
        "MaxNumberOfMessages",
        "VisibilityTimeout",
        "WaitTimeSeconds",
        "DelaySeconds",
        "MaxResults",
        "NextToken",
        "ReceiptHandle",
        "Label",
        "TaskHandle",
        "SourceArn",
        "....",
        "a..b.",
        ".",
    ];
    let values = [
        "",
        "1",
        "-5",
        "abc",
        "All",
        "String",
        "\u{1}",
        "99999999999999999999",
        "AAE=",
        "%%%",
        &url,
    ];
    let mut rng = Rng(0x5eed_0002);
    for i in 0..700 {
        let action = ACTIONS[i % ACTIONS.len()];
        let mut pairs: Vec<(&str, &str)> = vec![("Action", action)];
        for _ in 0..rng.below(10) {
            pairs.push((rng.pick(&keys), rng.pick(&values)));
        }
        let answer = query(&sqs, &pairs).await;
        assert!(
            answer.status < 500,
            "{pairs:?} -> {} {}",
            answer.status,
            answer.body
        );
        assert!(
            answer.body.starts_with("<?xml"),
            "{pairs:?}: {}",
            answer.body
        );
    }
    assert_eq!(query(&sqs, &[("Action", "ListQueues")]).await.status, 200);
}
