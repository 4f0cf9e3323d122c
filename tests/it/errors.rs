//! Bad input gets the exact SQS error: code, HTTP status and message, on both protocols.

use aws_sdk_sqs::types::QueueAttributeName as Q;

use crate::support::{aws_fact, code, create_queue, fake, fake_and_client, json, message, query};

/// Attribute rules at creation (fixtures/aws/recorded.md rows 5-10; ranges from the API model).
#[tokio::test]
async fn create_queue_rejects_bad_names_and_attributes() {
    let (_sqs, client) = fake_and_client().await;
    // (queue name, attributes, expected code, expected message)
    type Case<'a> = (&'a str, Vec<(Q, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        ("std", vec![(Q::FifoQueue, "false")], "InvalidAttributeName", "Unknown Attribute FifoQueue."),
        (
            "std",
            vec![(Q::ContentBasedDeduplication, "false")],
            "InvalidAttributeName",
            "Unknown Attribute ContentBasedDeduplication.",
        ),
        (
            "std",
            vec![(Q::DeduplicationScope, "queue")],
            "InvalidAttributeName",
            "You can specify the DeduplicationScope only when FifoQueue is set to true.",
        ),
        (
            "std",
            vec![(Q::FifoThroughputLimit, "perQueue")],
            "InvalidAttributeName",
            "You can specify the FifoThroughputLimit only when FifoQueue is set to true.",
        ),
        (
            "std",
            vec![(Q::VisibilityTimeout, "43201")],
            "InvalidAttributeValue",
            "Invalid value for the parameter VisibilityTimeout.",
        ),
        (
            "std",
            vec![(Q::MessageRetentionPeriod, "59")],
            "InvalidAttributeValue",
            "Invalid value for the parameter MessageRetentionPeriod.",
        ),
        (
            "std",
            vec![(Q::MaximumMessageSize, "1048577")],
            "InvalidAttributeValue",
            "Invalid value for the parameter MaximumMessageSize.",
        ),
        (
            "std",
            vec![(Q::DelaySeconds, "abc")],
            "InvalidAttributeValue",
            "Invalid value for the parameter DelaySeconds.",
        ),
        (
            "std",
            vec![(Q::ReceiveMessageWaitTimeSeconds, "21")],
            "InvalidAttributeValue",
            "Invalid value for the parameter ReceiveMessageWaitTimeSeconds.",
        ),
        (
            "std",
            vec![(Q::QueueArn, "arn:aws:sqs:us-east-1:000000000000:std")],
            "InvalidAttributeName",
            "Unknown Attribute QueueArn.",
        ),
        (
            "no-suffix",
            vec![(Q::FifoQueue, "true")],
            "InvalidParameterValue",
            "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
        ),
        (
            "suffix.fifo",
            vec![],
            "InvalidParameterValue",
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        ),
        (
            "has space",
            vec![],
            "InvalidParameterValue",
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        ),
    ];
    for (name, attributes, want_code, want_message) in cases {
        let mut req = client.create_queue().queue_name(name);
        for (k, v) in &attributes {
            req = req.attributes(k.clone(), *v);
        }
        let err = req.send().await.unwrap_err();
        assert_eq!(code(&err), want_code, "{name} {attributes:?}");
        assert_eq!(message(&err), want_message, "{name} {attributes:?}");
    }
    let long = "a".repeat(81);
    let err = client
        .create_queue()
        .queue_name(&long)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    let max = "a".repeat(80);
    create_queue(&client, &max).await;
    assert!(
        client
            .list_queues()
            .send()
            .await
            .unwrap()
            .queue_urls()
            .len()
            == 1
    );
}

/// A missing, empty or invalid QueueName: each case of `fixtures/aws/create-queue-names.json`
/// gets its recorded code, status and text over both protocols, and creates nothing.
#[tokio::test]
async fn create_queue_name_errors_match_the_recorded_facts() {
    let sqs = fake().await;
    let fact = aws_fact("create-queue-names.json");
    for case in fact["cases"].as_array().unwrap() {
        let name = case["params"]["QueueName"].as_str();
        let want = (
            case["status"].as_u64().unwrap() as u16,
            case["error"].as_str().unwrap().to_owned(),
            case["message"].as_str().unwrap().to_owned(),
        );
        let mut pairs = vec![("Action", "CreateQueue")];
        pairs.extend(name.map(|n| ("QueueName", n)));
        let over_query = query(&sqs, &pairs).await;
        let over_json = json(&sqs, "CreateQueue", &case["params"].to_string()).await;
        assert_eq!(over_query.error(), want, "{} (Query)", case["case"]);
        assert_eq!(over_json.error(), want, "{} (JSON)", case["case"]);
    }
    assert!(sqs.queues().is_empty());
}

/// FifoQueue cannot change; setting `true` on a FIFO queue is a no-op (rows 37-40).
#[tokio::test]
async fn queue_type_cannot_change() {
    let (_sqs, client) = fake_and_client().await;
    let std = create_queue(&client, "std").await;
    let fifo = client
        .create_queue()
        .queue_name("f.fifo")
        .attributes(Q::FifoQueue, "true")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let set = |url: &str, v: &'static str| {
        client
            .set_queue_attributes()
            .queue_url(url)
            .attributes(Q::FifoQueue, v)
            .send()
    };
    let err = set(&std, "true").await.unwrap_err();
    assert_eq!(
        (code(&err), message(&err)),
        (
            "InvalidAttributeName".into(),
            "Unknown Attribute FifoQueue.".into()
        )
    );
    set(&fifo, "true").await.unwrap();
    let err = set(&fifo, "false").await.unwrap_err();
    assert_eq!(code(&err), "InvalidAttributeValue");
    assert_eq!(
        message(&err),
        "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."
    );
}

/// An unknown attribute name in GetQueueAttributes (row 35).
#[tokio::test]
async fn get_queue_attributes_rejects_unknown_names() {
    let sqs = fake().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "q").await;
    let answer = query(
        &sqs,
        &[
            ("Action", "GetQueueAttributes"),
            ("QueueUrl", &url),
            ("AttributeName.1", "Foobar"),
        ],
    )
    .await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("<Code>InvalidAttributeName</Code>"));
    assert!(answer.body.contains("<Type>Sender</Type>"));
    assert!(answer
        .body
        .contains("<Message>Unknown Attribute Foobar.</Message>"));
}

/// JSON errors carry the modelled `__type`, the message, the Query code in
/// `x-amzn-query-error`, and the modelled HTTP status.
#[tokio::test]
async fn json_errors_have_type_message_header_and_status() {
    let sqs = fake().await;
    let answer = json(&sqs, "GetQueueUrl", r#"{"QueueName":"nope"}"#).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.headers["x-amzn-query-error"],
        "AWS.SimpleQueueService.NonExistentQueue;Sender"
    );
    assert_eq!(
        answer.json(),
        serde_json::json!({"__type": "com.amazonaws.sqs#QueueDoesNotExist",
                           "message": "The specified queue does not exist."})
    );

    let answer = json(&sqs, "DeleteQueue", "{}").await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.headers["x-amzn-query-error"],
        "MissingParameter;Sender"
    );
    assert_eq!(
        answer.json()["message"],
        "The request must contain the parameter QueueUrl."
    );
}

/// Unknown actions, malformed bodies and wrong types are answered, never dropped.
#[tokio::test]
async fn malformed_requests_get_errors_not_panics() {
    let sqs = fake().await;
    let answer = json(&sqs, "FooBar", "{}").await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.json()["__type"],
        "com.amazon.coral.service#UnknownOperationException"
    );

    let answer = json(&sqs, "CreateQueue", "{not json").await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.json()["__type"],
        "com.amazon.coral.service#SerializationException"
    );

    let answer = json(&sqs, "CreateQueue", "[1,2]").await;
    assert_eq!(answer.status, 400);

    let answer = json(&sqs, "CreateQueue", r#"{"QueueName": 5}"#).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.json()["__type"],
        "com.amazon.coral.service#SerializationException"
    );

    let answer = json(
        &sqs,
        "ReceiveMessage",
        r#"{"QueueUrl": "x", "MaxNumberOfMessages": "ten"}"#,
    )
    .await;
    assert_eq!(answer.status, 400);

    let answer = query(&sqs, &[("Action", "FooBar")]).await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("<Code>InvalidAction</Code>"));
    assert!(answer
        .body
        .contains("<Message>The action FooBar is not valid for this endpoint.</Message>"));

    let answer = query(&sqs, &[("Action", "ListQueues"), ("MaxResults", "lots")]).await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("<Code>InvalidParameterValue</Code>"));

    // No action at all: AWS's bare 404 (tests/it/no_action.rs has every form).
    let answer = query(&sqs, &[]).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.body, "<UnknownOperationException/>\n");

    // The server is still there.
    let answer = json(&sqs, "ListQueues", "{}").await;
    assert_eq!(answer.status, 200);
}

/// A body over the cap is refused with 413, and the server goes on.
#[tokio::test]
async fn oversized_bodies_are_refused() {
    let sqs = fake().await;
    let big = format!(r#"{{"QueueName": "{}"}}"#, "a".repeat(9 * 1024 * 1024));
    let answer = json(&sqs, "CreateQueue", &big).await;
    assert_eq!(answer.status, 413);
    assert_eq!(json(&sqs, "ListQueues", "{}").await.status, 200);
}

/// A body three times the cap, sent in chunks with no length declared, gets its 413: the
/// server reads (and drops) the rest before answering, so the client, still writing,
/// is not reset before it can read the answer.
#[tokio::test]
async fn an_oversized_chunked_body_gets_its_answer() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let sqs = fake().await;
    let addr = sqs.endpoint_url().trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let chunk = vec![b'a'; 1024 * 1024];
    for _ in 0..24 {
        stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await
            .unwrap();
        stream.write_all(&chunk).await.unwrap();
        stream.write_all(b"\r\n").await.unwrap();
    }
    stream.write_all(b"0\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("<Code>RequestEntityTooLarge</Code>"),
        "{answer}"
    );
}

/// Half a body, then the client goes away: what arrived is not run as a request.
#[tokio::test]
async fn a_body_cut_short_is_not_run() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let sqs = fake().await;
    let addr = sqs.endpoint_url().trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let half = "Action=CreateQueue&QueueName=half";
    stream
        .write_all(
            format!(
                "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{half}",
                half.len() + 10
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    stream.shutdown().await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    assert!(sqs.queues().is_empty(), "{:?}", sqs.queues());
}
