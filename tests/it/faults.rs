//! Fault injection, seen from clients: injected errors with AWS's wire form on both
//! protocols, the AWS SDK's retries through them, latency, dropped connections, failed
//! batch entries, and which requests a fault picks.

use std::time::{Duration, Instant};

use aws_sdk_sqs::config::retry::RetryConfig;
use aws_sdk_sqs::error::SdkError;
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, SendMessageBatchRequestEntry};
use fake_sqs::{Action, ErrorCode, FakeSqs, Fault, FaultEffect, Protocol, RequestOutcome};
use serde_json::json;

use crate::support::{builder, code, create_queue, fake_and_client, json, query};

/// An SDK client that retries as the SDK's standard policy does (3 attempts), with
/// backoffs of a millisecond instead of a second.
async fn retrying_client(sqs: &FakeSqs) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// An SDK client that does not retry.
async fn client_without_retries(sqs: &FakeSqs) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// The SDK's retry policy takes two injected ThrottlingExceptions and succeeds on the
/// third attempt; the journal shows the three calls, and the queue holds one message.
#[tokio::test]
async fn an_sdk_retry_loop_succeeds_after_two_throttles() {
    let sqs = builder().start().await;
    let client = retrying_client(&sqs).await;
    let url = create_queue(&client, "jobs").await;
    let throttle = sqs.add_fault(
        Fault::error(ErrorCode::ThrottlingException)
            .on(Action::SendMessage)
            .times(2),
    );

    client
        .send_message()
        .queue_url(&url)
        .message_body("work")
        .send()
        .await
        .expect("the third attempt succeeds");

    let sends = sqs.requests().by_action(Action::SendMessage);
    let outcomes: Vec<_> = sends.iter().map(|r| r.outcome.error_code()).collect();
    assert_eq!(
        outcomes,
        [
            Some(ErrorCode::ThrottlingException),
            Some(ErrorCode::ThrottlingException),
            None
        ]
    );
    assert_eq!(sends[0].faults, [throttle]);
    assert!(sends[2].faults.is_empty());
    assert_eq!(sqs.messages(&url).len(), 1);
    let status = &sqs.faults()[0];
    assert_eq!((status.matched, status.applied, status.spent), (3, 2, true));
}

/// Each injected error carries AWS's status, code, text and fault side, over JSON (the
/// `x-amzn-query-error` header) and Query (`<Type>`, `<Code>`, `<Message>`).
#[tokio::test]
async fn injected_errors_have_awss_wire_form_on_both_protocols() {
    let cases = [
        (
            ErrorCode::ThrottlingException,
            400,
            "ThrottlingException",
            "Sender",
            "Rate exceeded",
        ),
        (
            ErrorCode::RequestThrottled,
            403,
            "RequestThrottled",
            "Sender",
            "Request is throttled.",
        ),
        (
            ErrorCode::KmsThrottled,
            400,
            "KMS.ThrottlingException",
            "Sender",
            "The request was denied due to request throttling by AWS KMS.",
        ),
        (
            ErrorCode::InternalError,
            500,
            "InternalError",
            "Receiver",
            "We encountered an internal error. Please try again.",
        ),
        (
            ErrorCode::ServiceUnavailable,
            503,
            "ServiceUnavailable",
            "Receiver",
            "The request has failed due to a temporary failure of the server.",
        ),
    ];
    for (error, status, query_code, side, text) in cases {
        let sqs = builder().start().await;
        sqs.add_fault(Fault::error(error).on(Action::ListQueues));

        let over_json = json(&sqs, "ListQueues", "{}").await;
        assert_eq!(
            over_json.error(),
            (status, query_code.to_owned(), text.to_owned())
        );
        let header = over_json.headers["x-amzn-query-error"].to_str().unwrap();
        assert_eq!(header, format!("{query_code};{side}"));
        assert!(over_json.json()["__type"].as_str().unwrap().contains('#'));

        let over_query = query(&sqs, &[("Action", "ListQueues")]).await;
        assert_eq!(
            over_query.error(),
            (status, query_code.to_owned(), text.to_owned())
        );
        assert!(
            over_query.body.contains(&format!("<Type>{side}</Type>")),
            "{}",
            over_query.body
        );
    }
}

/// A fault's own text replaces AWS's usual one.
#[tokio::test]
async fn a_fault_may_say_its_own_text() {
    let sqs = builder().start().await;
    let text =
        "Request throttled because message visibility configuration was updated too recently.";
    sqs.add_fault(Fault::error(ErrorCode::RequestThrottled).message(text));
    let answer = query(&sqs, &[("Action", "ListQueues")]).await;
    assert_eq!(
        answer.error(),
        (403, "RequestThrottled".to_owned(), text.to_owned())
    );
}

/// An error applies instead of the action: a failed SendMessage sends nothing, a failed
/// DeleteQueue deletes nothing.
#[tokio::test]
async fn an_error_applies_instead_of_the_action() {
    let sqs = builder().start().await;
    let client = client_without_retries(&sqs).await;
    let url = create_queue(&client, "jobs").await;
    sqs.add_fault(Fault::error(ErrorCode::InternalError).on_queue("jobs"));

    let err = client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InternalError");
    let err = client
        .delete_queue()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 500);
    sqs.clear_faults();
    assert_eq!((sqs.queues().len(), sqs.messages(&url).len()), (1, 0));
}

/// A latency delays the answer in real time, then the action runs; the fake's (paused)
/// clock does not move.
#[tokio::test]
async fn a_latency_delays_the_answer_in_real_time_and_not_the_clock() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    let before = sqs.clock().now();
    sqs.add_fault(Fault::latency(Duration::from_millis(100)).on(Action::SendMessage));

    let started = Instant::now();
    client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(sqs.clock().now(), before);
    assert_eq!(sqs.messages(&url).len(), 1);
    assert_eq!(
        sqs.faults()[0].fault.effect,
        FaultEffect::Latency { millis: 100 }
    );
}

/// A latency and an error together: the delay, then the error.
#[tokio::test]
async fn latencies_and_an_error_combine() {
    let sqs = builder().start().await;
    let slow = sqs.add_fault(Fault::latency(Duration::from_millis(20)));
    let fail = sqs.add_fault(Fault::error(ErrorCode::ServiceUnavailable));
    let started = Instant::now();
    let answer = json(&sqs, "ListQueues", "{}").await;
    assert!(started.elapsed() >= Duration::from_millis(20));
    assert_eq!(answer.status, 503);
    assert_eq!(sqs.requests()[0].faults, [slow, fail]);
}

/// A dropped connection closes without an answer: the AWS SDK reports a dispatch
/// failure, and the journal records the request as dropped.
#[tokio::test]
async fn a_dropped_connection_is_the_sdks_dispatch_failure() {
    let sqs = builder().start().await;
    let client = client_without_retries(&sqs).await;
    let url = create_queue(&client, "jobs").await;
    sqs.add_fault(Fault::drop_connection().on(Action::ReceiveMessage));

    let err = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
    let receive = sqs.requests().by_action(Action::ReceiveMessage)[0].clone();
    assert_eq!(receive.outcome, RequestOutcome::Dropped);

    // The server goes on serving, on new connections.
    client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap();
}

/// The SDK retries a dropped connection: one drop costs one attempt.
#[tokio::test]
async fn the_sdk_retries_a_dropped_connection() {
    let sqs = builder().start().await;
    let client = retrying_client(&sqs).await;
    sqs.add_fault(Fault::drop_connection().times(1));
    client
        .list_queues()
        .send()
        .await
        .expect("the second attempt succeeds");
    let outcomes: Vec<_> = sqs.requests().iter().map(|r| r.outcome.clone()).collect();
    assert_eq!(outcomes, [RequestOutcome::Dropped, RequestOutcome::Success]);
}

/// A batch with one failed entry: that entry fails with the fault's code (the service's
/// fault for a 500), the others are done.
#[tokio::test]
async fn a_batch_fails_the_chosen_entry_and_does_the_rest() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    sqs.add_fault(
        Fault::fail_entries(["b"], ErrorCode::InternalError)
            .on(Action::SendMessageBatch)
            .times(1),
    );
    let entry = |id: &str| {
        SendMessageBatchRequestEntry::builder()
            .id(id)
            .message_body(format!("body {id}"))
            .build()
            .unwrap()
    };
    let sent = client
        .send_message_batch()
        .queue_url(&url)
        .entries(entry("a"))
        .entries(entry("b"))
        .entries(entry("c"))
        .send()
        .await
        .unwrap();
    let ok: Vec<_> = sent.successful().iter().map(|e| e.id()).collect();
    assert_eq!(ok, ["a", "c"]);
    let failed = &sent.failed()[0];
    assert_eq!(
        (failed.id(), failed.code(), failed.sender_fault()),
        ("b", "InternalError", false)
    );
    assert_eq!(
        failed.message(),
        Some("We encountered an internal error. Please try again.")
    );
    let bodies: Vec<_> = sqs.messages(&url).into_iter().map(|m| m.body).collect();
    assert_eq!(bodies, ["body a", "body c"]);

    // The same over Query, for DeleteMessageBatch: the failed entry's message stays.
    let received = client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    sqs.add_fault(
        Fault::fail_entries(["first"], ErrorCode::ReceiptHandleIsInvalid)
            .message("no")
            .on(Action::DeleteMessageBatch),
    );
    let handles: Vec<_> = received
        .messages()
        .iter()
        .map(|m| m.receipt_handle().unwrap().to_owned())
        .collect();
    let answer = query(
        &sqs,
        &[
            ("Action", "DeleteMessageBatch"),
            ("QueueUrl", url.as_str()),
            ("DeleteMessageBatchRequestEntry.1.Id", "first"),
            (
                "DeleteMessageBatchRequestEntry.1.ReceiptHandle",
                handles[0].as_str(),
            ),
            ("DeleteMessageBatchRequestEntry.2.Id", "second"),
            (
                "DeleteMessageBatchRequestEntry.2.ReceiptHandle",
                handles[1].as_str(),
            ),
        ],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer
            .body
            .contains("<Id>second</Id></DeleteMessageBatchResultEntry>"),
        "{}",
        answer.body
    );
    assert!(answer.body.contains("<Id>first</Id><SenderFault>true</SenderFault><Code>ReceiptHandleIsInvalid</Code><Message>no</Message>"), "{}", answer.body);
    assert_eq!(sqs.messages(&url).len(), 1);
}

/// Every entry failed: nothing is done, and each entry answers its failure.
#[tokio::test]
async fn a_batch_whose_every_entry_fails_does_nothing() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    sqs.add_fault(Fault::fail_entries(["a"], ErrorCode::KmsThrottled));
    let sent = client
        .send_message_batch()
        .queue_url(&url)
        .entries(
            SendMessageBatchRequestEntry::builder()
                .id("a")
                .message_body("x")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(sent.successful().is_empty());
    assert_eq!(sent.failed()[0].code(), "KMS.ThrottlingException");
    assert!(sqs.messages(&url).is_empty());
    // A batch that is invalid as sent still gets its own error.
    let err = client
        .delete_message_batch()
        .queue_url(&url)
        .entries(
            DeleteMessageBatchRequestEntry::builder()
                .id("a")
                .receipt_handle("h")
                .build()
                .unwrap(),
        )
        .entries(
            DeleteMessageBatchRequestEntry::builder()
                .id("a")
                .receipt_handle("h")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&err),
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    );
}

/// Faults pick their requests: by queue (a name, or any host form of its URL), by
/// protocol, and by the n-th matching call.
#[tokio::test]
async fn faults_match_queue_protocol_and_the_nth_call() {
    let sqs = builder().start().await;
    let client = client_without_retries(&sqs).await;
    let jobs = create_queue(&client, "jobs").await;
    let other = create_queue(&client, "other").await;

    let by_url = sqs.add_fault(
        Fault::error(ErrorCode::AccessDenied)
            .on_queue(jobs.replace("127.0.0.1", "localhost"))
            .on(Action::GetQueueAttributes),
    );
    client
        .get_queue_attributes()
        .queue_url(&other)
        .send()
        .await
        .unwrap();
    client
        .get_queue_attributes()
        .queue_url(&jobs)
        .send()
        .await
        .unwrap_err();
    sqs.remove_fault(by_url);

    // CreateQueue and GetQueueUrl name their queue by QueueName.
    sqs.add_fault(
        Fault::error(ErrorCode::AccessDenied)
            .on_queue("jobs")
            .on(Action::GetQueueUrl)
            .times(1),
    );
    assert_eq!(
        code(
            &client
                .get_queue_url()
                .queue_name("jobs")
                .send()
                .await
                .unwrap_err()
        ),
        "AccessDenied"
    );
    client
        .get_queue_url()
        .queue_name("jobs")
        .send()
        .await
        .unwrap();
    sqs.clear_faults();

    sqs.add_fault(Fault::error(ErrorCode::InternalError).over(Protocol::Query));
    assert_eq!(json(&sqs, "ListQueues", "{}").await.status, 200);
    assert_eq!(query(&sqs, &[("Action", "ListQueues")]).await.status, 500);
    sqs.clear_faults();

    sqs.add_fault(
        Fault::error(ErrorCode::OverLimit)
            .on(Action::ListQueues)
            .nth(2)
            .times(2),
    );
    let statuses: Vec<u16> = list_queues_statuses(&sqs, 5).await;
    assert_eq!(statuses, [200, 403, 403, 200, 200]);
}

async fn list_queues_statuses(sqs: &FakeSqs, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(json(sqs, "ListQueues", "{}").await.status);
    }
    out
}

/// A probability draws from the fake's seeded stream: two fakes with one seed fail the
/// same calls, and a third with another seed fails others.
#[tokio::test]
async fn fault_probabilities_repeat_under_a_seed() {
    async fn run(seed: u64) -> Vec<u16> {
        let sqs = FakeSqs::builder().seed(seed).start().await;
        sqs.add_fault(Fault::error(ErrorCode::InternalError).probability(0.5));
        list_queues_statuses(&sqs, 24).await
    }
    let first = run(7).await;
    assert_eq!(first, run(7).await);
    assert!(first.contains(&200) && first.contains(&500), "{first:?}");
    assert_ne!(first, run(8).await);
}

/// Faults are data: they round-trip through JSON, as the admin API carries them.
#[tokio::test]
async fn faults_serialize_and_come_back() {
    let fault = Fault::fail_entries(["b"], ErrorCode::InternalError)
        .on(Action::SendMessageBatch)
        .on_queue("jobs")
        .over(Protocol::Json)
        .nth(2)
        .probability(0.5)
        .message("boom");
    let value = serde_json::to_value(&fault).unwrap();
    assert_eq!(
        value,
        json!({
            "action": "SendMessageBatch", "queue": "jobs", "protocol": "json", "nth": 2,
            "probability": 0.5,
            "effect": {"fail_entries": {"ids": ["b"], "code": "InternalError", "message": "boom"}}
        })
    );
    assert_eq!(serde_json::from_value::<Fault>(value).unwrap(), fault);
    let minimal: Fault = serde_json::from_value(json!({"effect": "drop_connection"})).unwrap();
    assert_eq!(minimal, Fault::drop_connection());

    let sqs = builder().start().await;
    sqs.add_fault(fault);
    let listed = serde_json::to_value(sqs.faults()).unwrap();
    assert_eq!(listed[0]["id"], 1);
    assert_eq!(listed[0]["spent"], false);
}
