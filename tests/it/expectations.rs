//! Expectations, wiremock-style: met ones pass silently when the fake is dropped, unmet
//! ones panic then with a readable list of what was expected and what came (but not
//! over a test's own failure), and `verify()` checks them on demand.

use fake_sqs::{Action, ExpectationSpec, FakeSqs, Times};
use serde_json::json;

use crate::support::{create_queue, fake_and_client, query};

/// A worker's pass over a queue: receive everything there is, delete each.
async fn drain(client: &aws_sdk_sqs::Client, url: &str) {
    let received = client
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    for message in received.messages() {
        let handle = message.receipt_handle().unwrap();
        client
            .delete_message()
            .queue_url(url)
            .receipt_handle(handle)
            .send()
            .await
            .unwrap();
    }
}

async fn send(client: &aws_sdk_sqs::Client, url: &str, bodies: &[&str]) {
    for body in bodies {
        client
            .send_message()
            .queue_url(url)
            .message_body(*body)
            .send()
            .await
            .unwrap();
    }
}

/// Expectations that are met: the test passes, and dropping the fake checks them.
#[tokio::test]
async fn met_expectations_pass() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    let other = create_queue(&client, "other").await;
    sqs.expect(Action::DeleteMessage).on_queue(&url).times(3);
    sqs.expect(Action::SendMessage).at_least(1);
    sqs.expect(Action::SendMessage)
        .with_params(json!({"MessageBody": "b"}))
        .times(1);
    sqs.expect(Action::DeleteMessage).on_queue("other").never();
    sqs.expect(Action::PurgeQueue).at_most(1);

    send(&client, &url, &["a", "b", "c"]).await;
    drain(&client, &url).await;
    send(&client, &other, &["kept"]).await;

    let verification = sqs.verification();
    assert!(verification.is_met(), "{verification}");
    assert_eq!(verification.expectations[0].received, 3);
    sqs.verify();
}

/// An unmet expectation fails the test when the fake is dropped, saying what it wanted,
/// what came, and the requests for the same action that did not match.
#[tokio::test]
#[should_panic(
    expected = "NOT MET: DeleteMessage on queue \"jobs\": expected exactly 3 requests, received 2"
)]
async fn an_unmet_expectation_panics_when_the_fake_is_dropped() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    sqs.expect(Action::DeleteMessage).on_queue("jobs").times(3);
    send(&client, &url, &["a", "b"]).await;
    drain(&client, &url).await;
    drop(sqs);
}

/// The message lists each expectation, the matching requests, and near misses: here the
/// deletes went to another queue.
#[tokio::test]
async fn the_verification_message_lists_what_came() {
    let (sqs, client) = fake_and_client().await;
    let jobs = create_queue(&client, "jobs").await;
    let other = create_queue(&client, "other").await;
    sqs.expect(Action::SendMessage).times(1);
    sqs.expect(Action::DeleteMessage).on_queue("jobs").times(1);
    send(&client, &other, &["a"]).await;
    drain(&client, &other).await;

    let message = sqs.verification().to_string();
    let port_free = message.replace(&sqs.endpoint_url(), "http://fake");
    assert_eq!(
        port_free,
        "FakeSqs: 1 of 2 expectations not met\n  \
         met: SendMessage: expected exactly 1 request, received 1\n      \
         received:\n        \
         #3 SendMessage http://fake/000000000000/other: success\n  \
         NOT MET: DeleteMessage on queue \"jobs\": expected exactly 1 request, received 0\n      \
         same action, not matching:\n        \
         #5 DeleteMessage http://fake/000000000000/other: success"
    );
    let _ = jobs;
    sqs.clear_expectations();
}

/// `verify()` checks on demand, with the same message.
#[tokio::test]
#[should_panic(expected = "NOT MET: PurgeQueue: expected no request, received 1")]
async fn verify_panics_at_once() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    sqs.expect(Action::PurgeQueue).never();
    client.purge_queue().queue_url(&url).send().await.unwrap();
    sqs.verify();
}

/// A test that fails on its own assertion reports that, not the expectations: dropping
/// a fake while the thread panics checks nothing.
#[tokio::test]
#[should_panic(expected = "the test's own failure")]
async fn a_panicking_test_keeps_its_own_message() {
    let (sqs, _client) = fake_and_client().await;
    sqs.expect(Action::SendMessage).times(5);
    panic!("the test's own failure");
}

/// Expectations count from when they are added, over both protocols, whatever the
/// outcome (errors count too), and match parameters sent as Query strings.
#[tokio::test]
async fn expectations_count_from_when_added_over_both_protocols() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    send(&client, &url, &["before"]).await;
    sqs.expect(Action::SendMessage)
        .with_params(json!({"DelaySeconds": 3}))
        .times(2);
    sqs.expect(Action::ReceiveMessage).times(1);
    client
        .send_message()
        .queue_url(&url)
        .message_body("json")
        .delay_seconds(3)
        .send()
        .await
        .unwrap();
    query(
        &sqs,
        &[
            ("Action", "SendMessage"),
            ("QueueUrl", url.as_str()),
            ("MessageBody", "q"),
            ("DelaySeconds", "3"),
        ],
    )
    .await;
    // Refused (VisibilityTimeout out of range), and counted.
    query(
        &sqs,
        &[
            ("Action", "ReceiveMessage"),
            ("QueueUrl", url.as_str()),
            ("VisibilityTimeout", "-1"),
        ],
    )
    .await;
    sqs.verify();
}

/// Expectations given whole, as the admin API will: from JSON, checked alike; their
/// report serializes.
#[tokio::test]
async fn expectations_are_data() {
    let (sqs, client) = fake_and_client().await;
    let spec: ExpectationSpec = serde_json::from_value(json!({
        "action": "CreateQueue", "queue": "jobs", "times": {"exactly": 1}
    }))
    .unwrap();
    assert_eq!(
        spec,
        ExpectationSpec::new(Action::CreateQueue)
            .on_queue("jobs")
            .times(Times::Exactly(1))
    );
    let id = sqs.add_expectation(spec);
    create_queue(&client, "jobs").await;
    let report = serde_json::to_value(sqs.verification()).unwrap();
    assert_eq!(report["expectations"][0]["id"], id.0);
    assert_eq!(report["expectations"][0]["met"], true);
    assert_eq!(report["expectations"][0]["received"], 1);
    let back: fake_sqs::Verification = serde_json::from_value(report).unwrap();
    assert_eq!(back, sqs.verification());
}

/// A reset removes expectations unchecked, with the journal and faults: the fake after
/// it is as new.
#[tokio::test]
async fn reset_forgets_expectations_journal_and_faults() {
    let (sqs, client) = fake_and_client().await;
    sqs.expect(Action::SendMessage).times(1);
    sqs.add_fault(
        fake_sqs::Fault::error(fake_sqs::ErrorCode::InternalError).on(Action::PurgeQueue),
    );
    create_queue(&client, "jobs").await;
    sqs.reset();
    assert!(sqs.requests().is_empty());
    assert!(sqs.faults().is_empty());
    assert!(sqs.verification().expectations.is_empty());
}

/// A fake in a `static` is never dropped: its expectations are checked with `verify()`.
#[test]
fn a_static_fake_is_verified_explicitly() {
    static SQS: std::sync::LazyLock<FakeSqs> =
        std::sync::LazyLock::new(|| FakeSqs::builder().start_blocking());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        SQS.expect(Action::ListQueues).times(1);
        SQS.client().await.list_queues().send().await.unwrap();
    });
    SQS.verify();
}
