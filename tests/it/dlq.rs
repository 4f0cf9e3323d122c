//! Dead-letter queues: RedrivePolicy and RedriveAllowPolicy validation, messages that move
//! on the receive past maxReceiveCount, and ListDeadLetterSourceQueues.

use aws_sdk_sqs::types::{
    MessageAttributeValue, MessageSystemAttributeName as M, QueueAttributeName as Q,
};
use insta::assert_snapshot;

use crate::support::{code, create_queue, fake_and_client, json, message, query};

const DLQ_ARN: &str = "arn:aws:sqs:us-east-1:000000000000:dlq";

fn redrive(arn: &str, max: u32) -> String {
    format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":{max}}}"#)
}

/// Creates `name` with a RedrivePolicy to `dlq_arn`.
async fn create_source(
    client: &aws_sdk_sqs::Client,
    name: &str,
    dlq_arn: &str,
    max: u32,
) -> String {
    client
        .create_queue()
        .queue_name(name)
        .attributes(Q::RedrivePolicy, redrive(dlq_arn, max))
        .send()
        .await
        .expect("create source")
        .queue_url
        .unwrap()
}

async fn receive_all(client: &aws_sdk_sqs::Client, url: &str) -> Vec<aws_sdk_sqs::types::Message> {
    client
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(10)
        .visibility_timeout(0)
        .message_system_attribute_names(M::All)
        .message_attribute_names("All")
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default()
}

/// The receive past maxReceiveCount returns nothing; the DLQ then holds the same message
/// with its receive count carried over and DeadLetterQueueSourceArn (rows 146-147).
#[tokio::test]
async fn over_received_message_moves_to_the_dead_letter_queue_intact() {
    let (_sqs, client) = fake_and_client().await;
    let dlq = create_queue(&client, "dlq").await;
    let source = create_source(&client, "work", DLQ_ARN, 1).await;
    let sent = client
        .send_message()
        .queue_url(&source)
        .message_body("job")
        .message_attributes(
            "MyAttribute",
            MessageAttributeValue::builder()
                .data_type("String")
                .string_value("v")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let first = receive_all(&client, &source).await;
    assert_eq!(first.len(), 1);
    let first_attrs = first[0].attributes.clone().unwrap();
    assert_eq!(first_attrs[&M::ApproximateReceiveCount], "1");
    assert!(receive_all(&client, &source).await.is_empty());

    let moved = receive_all(&client, &dlq).await;
    assert_eq!(moved.len(), 1);
    let m = &moved[0];
    assert_eq!(m.message_id, sent.message_id);
    assert_eq!(m.body.as_deref(), Some("job"));
    assert_eq!(m.md5_of_body, first[0].md5_of_body);
    assert_eq!(m.message_attributes, first[0].message_attributes);
    let attrs = m.attributes.clone().unwrap();
    assert_eq!(attrs[&M::ApproximateReceiveCount], "2");
    assert_eq!(attrs[&M::SentTimestamp], first_attrs[&M::SentTimestamp]);
    assert_eq!(
        attrs[&M::DeadLetterQueueSourceArn],
        "arn:aws:sqs:us-east-1:000000000000:work"
    );
    assert!(receive_all(&client, &source).await.is_empty());
}

/// With maxReceiveCount 3 a message is delivered three times, then moves.
#[tokio::test]
async fn message_is_delivered_max_receive_count_times_before_it_moves() {
    let (_sqs, client) = fake_and_client().await;
    let dlq = create_queue(&client, "dlq").await;
    let source = create_source(&client, "work", DLQ_ARN, 3).await;
    client
        .send_message()
        .queue_url(&source)
        .message_body("a")
        .send()
        .await
        .unwrap();
    for _ in 0..3 {
        assert_eq!(receive_all(&client, &source).await.len(), 1);
    }
    assert!(receive_all(&client, &source).await.is_empty());
    assert_eq!(receive_all(&client, &dlq).await.len(), 1);
}

/// A receive that dead-letters one message still delivers the others it finds.
#[tokio::test]
async fn a_receive_skips_moved_messages_and_delivers_the_rest() {
    let (_sqs, client) = fake_and_client().await;
    let dlq = create_queue(&client, "dlq").await;
    let source = create_source(&client, "work", DLQ_ARN, 1).await;
    client
        .send_message()
        .queue_url(&source)
        .message_body("old")
        .send()
        .await
        .unwrap();
    assert_eq!(receive_all(&client, &source).await.len(), 1);
    client
        .send_message()
        .queue_url(&source)
        .message_body("new")
        .send()
        .await
        .unwrap();

    let got = receive_all(&client, &source).await;
    let bodies: Vec<_> = got.iter().filter_map(|m| m.body.as_deref()).collect();
    assert_eq!(bodies, ["new"]);
    let dead = receive_all(&client, &dlq).await;
    assert_eq!(dead[0].body.as_deref(), Some("old"));
}

/// FIFO to FIFO: moved messages keep their group and their order.
#[tokio::test]
async fn fifo_messages_move_to_a_fifo_dead_letter_queue_in_order() {
    let (_sqs, client) = fake_and_client().await;
    let dlq = client
        .create_queue()
        .queue_name("dlq.fifo")
        .attributes(Q::FifoQueue, "true")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let source = client
        .create_queue()
        .queue_name("work.fifo")
        .attributes(Q::FifoQueue, "true")
        .attributes(Q::ContentBasedDeduplication, "true")
        .attributes(
            Q::RedrivePolicy,
            redrive("arn:aws:sqs:us-east-1:000000000000:dlq.fifo", 1),
        )
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for body in ["1", "2", "3"] {
        client
            .send_message()
            .queue_url(&source)
            .message_body(body)
            .message_group_id("g")
            .send()
            .await
            .unwrap();
    }
    assert_eq!(receive_all(&client, &source).await.len(), 3);
    assert!(receive_all(&client, &source).await.is_empty());
    let moved = receive_all(&client, &dlq).await;
    let bodies: Vec<_> = moved.iter().filter_map(|m| m.body.as_deref()).collect();
    assert_eq!(bodies, ["1", "2", "3"]);
    assert!(moved
        .iter()
        .all(|m| m.attributes.as_ref().unwrap()[&M::MessageGroupId] == "g"));
}

/// RedrivePolicy reads back with maxReceiveCount as a JSON number, even when it was
/// sent as a string (row 32); an empty value removes it (row 36).
#[tokio::test]
async fn redrive_policy_reads_back_normalised_and_empty_removes_it() {
    let (_sqs, client) = fake_and_client().await;
    create_queue(&client, "dlq").await;
    let url = create_queue(&client, "work").await;
    client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(
            Q::RedrivePolicy,
            format!(r#"{{"maxReceiveCount":"10", "deadLetterTargetArn":"{DLQ_ARN}"}}"#),
        )
        .send()
        .await
        .unwrap();
    let get = || async {
        client
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(Q::RedrivePolicy)
            .send()
            .await
            .unwrap()
            .attributes
    };
    let attrs = get().await.unwrap();
    let policy: serde_json::Value = serde_json::from_str(&attrs[&Q::RedrivePolicy]).unwrap();
    assert_eq!(policy["maxReceiveCount"], serde_json::json!(10));
    assert_eq!(policy["deadLetterTargetArn"], DLQ_ARN);

    client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::RedrivePolicy, "")
        .send()
        .await
        .unwrap();
    assert_eq!(get().await, None);
}

/// Bad policies get InvalidParameterValue naming the policy and the reason.
#[tokio::test]
async fn invalid_redrive_policies_are_rejected() {
    let (_sqs, client) = fake_and_client().await;
    create_queue(&client, "dlq").await;
    client
        .create_queue()
        .queue_name("dlq.fifo")
        .attributes(Q::FifoQueue, "true")
        .send()
        .await
        .unwrap();
    let url = create_queue(&client, "work").await;
    let cases = [
        (
            format!(r#"{{"deadLetterTargetArn":"{DLQ_ARN}"}}"#),
            "Redrive policy does not contain mandatory attribute: maxReceiveCount.",
        ),
        (
            r#"{"maxReceiveCount":5}"#.to_owned(),
            "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.",
        ),
        (
            redrive(DLQ_ARN, 0),
            "Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.",
        ),
        (
            redrive(DLQ_ARN, 1001),
            "Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both inclusive.",
        ),
        (
            r#"{"deadLetterTargetArn":"dummy","maxReceiveCount":42}"#.to_owned(),
            "Invalid value for deadLetterTargetArn.",
        ),
        (
            redrive("arn:aws:sqs:us-east-1:000000000000:missing", 5),
            "Dead letter target does not exist.",
        ),
        (
            redrive("arn:aws:sqs:eu-west-1:000000000000:dlq", 5),
            "Dead letter target does not exist.",
        ),
        (
            redrive("arn:aws:sqs:us-east-1:999999999999:dlq", 5),
            "Dead-letter target owner should be same as the source.",
        ),
        (
            redrive("arn:aws:sqs:us-east-1:000000000000:dlq.fifo", 5),
            "Dead-letter queue must be same type of queue as the source.",
        ),
    ];
    for (policy, reason) in cases {
        let err = client
            .set_queue_attributes()
            .queue_url(&url)
            .attributes(Q::RedrivePolicy, &policy)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "InvalidParameterValue", "{policy}");
        let text = message(&err);
        assert!(
            text.ends_with(&format!("Reason: {reason}")),
            "{policy}: {text}"
        );
        assert!(
            text.contains("for parameter RedrivePolicy is invalid."),
            "{text}"
        );
    }
    // Nothing was stored by the failed attempts.
    let attrs = client
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(Q::RedrivePolicy)
        .send()
        .await
        .unwrap();
    assert_eq!(attrs.attributes, None);
}

/// CreateQueue checks the policy too, and creates nothing when it fails.
#[tokio::test]
async fn create_queue_with_a_missing_dead_letter_target_fails() {
    let (_sqs, client) = fake_and_client().await;
    let err = client
        .create_queue()
        .queue_name("work")
        .attributes(Q::RedrivePolicy, redrive(DLQ_ARN, 3))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    let listed = client.list_queues().send().await.unwrap();
    assert_eq!(listed.queue_urls, None);
}

/// RedriveAllowPolicy decides which queues may name this one as their target.
#[tokio::test]
async fn redrive_allow_policy_is_enforced_on_sources() {
    let (_sqs, client) = fake_and_client().await;
    let dlq = create_queue(&client, "dlq").await;
    let allow = |doc: &str| {
        let (client, dlq, doc) = (client.clone(), dlq.clone(), doc.to_owned());
        async move {
            client
                .set_queue_attributes()
                .queue_url(&dlq)
                .attributes(Q::RedriveAllowPolicy, doc)
                .send()
                .await
        }
    };
    allow(r#"{"redrivePermission":"denyAll"}"#).await.unwrap();
    let err = client
        .create_queue()
        .queue_name("a")
        .attributes(Q::RedrivePolicy, redrive(DLQ_ARN, 1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");

    allow(r#"{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:us-east-1:000000000000:b"]}"#)
        .await
        .unwrap();
    assert!(client
        .create_queue()
        .queue_name("a")
        .attributes(Q::RedrivePolicy, redrive(DLQ_ARN, 1))
        .send()
        .await
        .is_err());
    create_source(&client, "b", DLQ_ARN, 1).await;

    allow(r#"{"redrivePermission":"allowAll"}"#).await.unwrap();
    create_source(&client, "a", DLQ_ARN, 1).await;

    let eleven: Vec<String> = (0..11)
        .map(|i| format!("\"arn:aws:sqs:us-east-1:000000000000:q{i}\""))
        .collect();
    for bad in [
        r#"{"redrivePermission":"byQueue"}"#.to_owned(),
        r#"{"redrivePermission":"sometimes"}"#.to_owned(),
        format!(
            r#"{{"redrivePermission":"byQueue","sourceQueueArns":[{}]}}"#,
            eleven.join(",")
        ),
    ] {
        let err = allow(&bad).await.unwrap_err();
        assert_eq!(code(&err), "InvalidParameterValue", "{bad}");
        assert!(message(&err).contains("for parameter RedriveAllowPolicy is invalid."));
    }
}

/// ListDeadLetterSourceQueues lists the sources by name, a page at a time.
#[tokio::test]
async fn list_dead_letter_source_queues_pages_through_sources() {
    let (sqs, client) = fake_and_client().await;
    let dlq = create_queue(&client, "dlq").await;
    create_queue(&client, "unrelated").await;
    for name in ["c", "a", "b"] {
        create_source(&client, name, DLQ_ARN, 5).await;
    }
    let all = client
        .list_dead_letter_source_queues()
        .queue_url(&dlq)
        .send()
        .await
        .unwrap();
    let base = format!("{}/000000000000", sqs.endpoint_url());
    assert_eq!(
        all.queue_urls,
        ["a", "b", "c"].map(|n| format!("{base}/{n}")).to_vec()
    );
    assert_eq!(all.next_token, None);

    let page = client
        .list_dead_letter_source_queues()
        .queue_url(&dlq)
        .max_results(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.queue_urls.len(), 2);
    let rest = client
        .list_dead_letter_source_queues()
        .queue_url(&dlq)
        .max_results(2)
        .next_token(page.next_token.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.queue_urls, vec![format!("{base}/c")]);
    assert_eq!(rest.next_token, None);

    let none = client
        .list_dead_letter_source_queues()
        .queue_url(format!("{base}/unrelated"))
        .send()
        .await
        .unwrap();
    assert!(none.queue_urls.is_empty());
}

/// Deleting the dead-letter queue keeps over-received messages in the source: nothing
/// is silently lost.
#[tokio::test]
async fn messages_stay_in_the_source_when_the_dead_letter_queue_is_gone() {
    let (_sqs, client) = fake_and_client().await;
    let dlq = create_queue(&client, "dlq").await;
    let source = create_source(&client, "work", DLQ_ARN, 1).await;
    client
        .send_message()
        .queue_url(&source)
        .message_body("a")
        .send()
        .await
        .unwrap();
    assert_eq!(receive_all(&client, &source).await.len(), 1);
    client.delete_queue().queue_url(&dlq).send().await.unwrap();
    let again = receive_all(&client, &source).await;
    assert_eq!(again.len(), 1);
    assert_eq!(
        again[0].attributes.as_ref().unwrap()[&M::ApproximateReceiveCount],
        "2"
    );
}

/// The Query protocol answer of ListDeadLetterSourceQueues.
#[tokio::test]
async fn query_list_dead_letter_source_queues() {
    let (sqs, client) = fake_and_client().await;
    let dlq = create_queue(&client, "dlq").await;
    create_source(&client, "a", DLQ_ARN, 5).await;
    create_source(&client, "b", DLQ_ARN, 5).await;
    let answer = query(
        &sqs,
        &[("Action", "ListDeadLetterSourceQueues"), ("QueueUrl", &dlq)],
    )
    .await;
    assert_snapshot!("query_list_dead_letter_source_queues", answer.snapshot());
}

/// Over JSON the list is `queueUrls`, lower-case as in the API model, and present even
/// when empty.
#[tokio::test]
async fn json_list_dead_letter_source_queues_uses_lower_case_queue_urls() {
    let (sqs, client) = fake_and_client().await;
    let dlq = create_queue(&client, "dlq").await;
    let empty = json(
        &sqs,
        "ListDeadLetterSourceQueues",
        &format!(r#"{{"QueueUrl":"{dlq}"}}"#),
    )
    .await;
    assert_eq!(empty.json(), serde_json::json!({ "queueUrls": [] }));
    let source = create_source(&client, "a", DLQ_ARN, 5).await;
    let one = json(
        &sqs,
        "ListDeadLetterSourceQueues",
        &format!(r#"{{"QueueUrl":"{dlq}"}}"#),
    )
    .await;
    assert_eq!(one.json(), serde_json::json!({ "queueUrls": [source] }));
}
