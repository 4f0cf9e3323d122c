//! Inspection that cannot pass by mistake: a URL that names no queue is an error, any
//! host form of a queue's URL names it, and what it shows serializes for snapshots that
//! do not depend on the ephemeral port.

use aws_sdk_sqs::config::{Credentials, Region};
use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{MessageAttributeValue, QueueAttributeName as Q};
use fake_sqs::FakeSqs;

use crate::support::{builder, create_queue, fake_and_client};

fn string(data_type: &str, value: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder()
        .data_type(data_type)
        .string_value(value)
        .build()
        .unwrap()
}

/// A client that acts for another account (a 12-digit access key is the account id).
async fn client_of_account(sqs: &FakeSqs, account: &str) -> aws_sdk_sqs::Client {
    // From the fake's own config: it carries the plain-HTTP client the SDK needs.
    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(account, "secret", None, None, "test"))
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// A misspelt URL is not an empty queue: the panic lists the queues there are.
#[tokio::test]
#[should_panic(
    expected = "FakeSqs::messages: no queue of this fake has the URL \"http://sqs.test/000000000000/jbos\"; its queues are: http://sqs.test/000000000000/jobs, http://sqs.test/000000000000/jobs-dlq"
)]
async fn messages_of_a_url_that_names_no_queue_panics_with_the_queues_there_are() {
    let sqs = builder().advertised_url("http://sqs.test").start().await;
    let client = sqs.client().await;
    create_queue(&client, "jobs-dlq").await;
    let url = create_queue(&client, "jobs").await;
    sqs.messages(&url.replace("jobs", "jbos"));
}

/// A deleted queue is gone, not empty.
#[tokio::test]
async fn a_deleted_queue_is_unknown_to_inspection() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    assert!(sqs.try_messages(&url).unwrap().is_empty());
    client.delete_queue().queue_url(&url).send().await.unwrap();
    let err = sqs.try_messages(&url).unwrap_err();
    assert_eq!((err.url.as_str(), err.known.len()), (url.as_str(), 0));
    assert!(sqs.try_queue(&url).is_err());
    let panic =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sqs.queue(&url))).unwrap_err();
    let text = panic.downcast_ref::<String>().unwrap();
    assert!(text.ends_with("; it has no queues"), "{text}");
}

/// Only the path of a queue URL says which queue it is: the host the SDK was given,
/// `localhost`, an IPv6 loopback or AWS's own host all name the same queue, and so does
/// a bare name. Another account's URL does not.
#[tokio::test]
async fn any_host_form_of_a_queue_url_names_the_queue() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap();
    let port = sqs.address().port();
    let forms = [
        url.clone(),
        format!("http://localhost:{port}/000000000000/jobs"),
        format!("http://[::1]:{port}/000000000000/jobs"),
        "https://sqs.us-east-1.amazonaws.com/000000000000/jobs".to_owned(),
        "http://localhost:4566/000000000000/jobs/".to_owned(),
        "jobs".to_owned(),
    ];
    for form in forms {
        assert_eq!(sqs.messages(&form).len(), 1, "{form}");
        assert_eq!(sqs.queue(&form).url, url, "{form}");
    }
    let other = client_of_account(&sqs, "111111111111").await;
    let theirs = create_queue(&other, "jobs").await;
    assert!(theirs.ends_with("/111111111111/jobs"));
    assert!(
        sqs.messages(&theirs).is_empty(),
        "their jobs queue, not ours"
    );
    assert!(sqs
        .try_messages(&url.replace("000000000000", "222222222222"))
        .is_err());
}

/// Everything SQS keeps about a message is there: FIFO sequence number, deduplication
/// and group ids, attribute data types, binary values as bytes.
#[tokio::test]
async fn messages_carry_fifo_ids_and_typed_attributes() {
    let (sqs, client) = fake_and_client().await;
    let url = client
        .create_queue()
        .queue_name("jobs.fifo")
        .attributes(Q::FifoQueue, "true")
        .attributes(Q::ContentBasedDeduplication, "true")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let sent = client
        .send_message()
        .queue_url(&url)
        .message_body("work")
        .message_group_id("user-1")
        .message_attributes("tries", string("Number.int", "3"))
        .message_attributes(
            "raw",
            MessageAttributeValue::builder()
                .data_type("Binary")
                .binary_value(Blob::new(vec![0u8, 1, 254, 255]))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let m = &sqs.messages(&url)[0];
    assert_eq!(m.sequence_number, sent.sequence_number);
    assert_eq!(m.group_id.as_deref(), Some("user-1"));
    // Content-based: the SHA-256 of the body.
    let sha256: String =
        sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix("work"))
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
    assert_eq!(m.deduplication_id, Some(sha256));
    assert_eq!(m.attributes["tries"].data_type, "Number.int");
    assert_eq!(m.attributes["tries"].as_str(), Some("3"));
    assert_eq!(m.attributes["raw"].binary_value, Some(vec![0, 1, 254, 255]));
    assert_eq!(m.attributes["raw"].string_value, None);
}

/// A seeded fake with a paused clock and an advertised host: the JSON of its queues and
/// messages is the same on every run, port and all.
#[tokio::test]
async fn queues_and_messages_serialize_to_the_same_json_on_every_run() {
    let sqs = builder().advertised_url("http://sqs.test").start().await;
    let client = sqs.client().await;
    let fifo = client
        .create_queue()
        .queue_name("orders.fifo")
        .attributes(Q::FifoQueue, "true")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let standard = create_queue(&client, "emails").await;
    for (body, group) in [("order-1", "alice"), ("order-2", "bob")] {
        client
            .send_message()
            .queue_url(&fifo)
            .message_body(body)
            .message_group_id(group)
            .message_deduplication_id(body)
            .message_attributes("kind", string("String", "order"))
            .send()
            .await
            .unwrap();
    }
    client
        .send_message()
        .queue_url(&standard)
        .message_body("welcome")
        .delay_seconds(30)
        .message_attributes(
            "template",
            MessageAttributeValue::builder()
                .data_type("Binary.gzip")
                .binary_value(Blob::new(b"hello".to_vec()))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    client
        .receive_message()
        .queue_url(&fifo)
        .send()
        .await
        .unwrap();

    insta::assert_json_snapshot!("queues", sqs.queues());
    insta::assert_json_snapshot!("fifo_messages", sqs.messages(&fifo));
    insta::assert_json_snapshot!("delayed_message", sqs.messages(&standard));
}
