//! The request journal: every request the fake answered, in order, with its time on the
//! fake's clock, action, protocol, queue, decoded parameters and outcome; its filters;
//! its bounds; and its JSON form.

use std::time::Duration;

use aws_credential_types::Credentials;
use fake_sqs::{Action, ClockMode, ErrorCode, FakeSqs, Fault, Protocol, RequestOutcome};
use serde_json::json;

use crate::support::{builder, create_queue, fake_and_client, json, query, query_get, START_SECS};

/// A request of each kind, recorded as answered: the SDK's JSON, a Query request, an
/// error, and a request that names no SQS action.
#[tokio::test]
async fn the_journal_records_each_request_as_answered() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    sqs.clock().advance(Duration::from_secs(5));
    client
        .send_message()
        .queue_url(&url)
        .message_body("work")
        .delay_seconds(2)
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
    client
        .get_queue_url()
        .queue_name("missing")
        .send()
        .await
        .unwrap_err();
    query(&sqs, &[("Action", "Nope")]).await;

    let requests = sqs.requests();
    let seqs: Vec<u64> = requests.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);

    let create = &requests[0];
    assert_eq!(
        (create.action.as_str(), create.protocol),
        ("CreateQueue", Protocol::Json)
    );
    assert_eq!(create.at_millis, START_SECS * 1000);
    // CreateQueue names its queue by the URL it answered.
    assert_eq!(create.queue_url.as_deref(), Some(url.as_str()));

    let send = &requests[1];
    assert_eq!(send.at_millis, START_SECS * 1000 + 5_000);
    assert_eq!(
        send.params,
        json!({"QueueUrl": url, "MessageBody": "work", "DelaySeconds": 2})
    );
    assert!(send.outcome.is_success());

    let over_query = &requests[2];
    assert_eq!(over_query.protocol, Protocol::Query);
    assert_eq!(over_query.params["DelaySeconds"], "3");

    let missing = &requests[3];
    assert_eq!(missing.queue_url, None);
    assert!(missing.is_about("missing"));
    assert_eq!(
        missing.outcome,
        RequestOutcome::Error {
            code: ErrorCode::QueueDoesNotExist,
            message: "The specified queue does not exist.".into()
        }
    );
    assert_eq!(requests[4].action, "Nope");
    assert_eq!(
        requests[4].outcome.error_code(),
        Some(ErrorCode::InvalidAction)
    );
}

/// The filters narrow by action and by queue, and the queue may be named by name or by
/// any host form of its URL.
#[tokio::test]
async fn the_journal_filters_by_action_and_queue() {
    let (sqs, client) = fake_and_client().await;
    let jobs = create_queue(&client, "jobs").await;
    let other = create_queue(&client, "other").await;
    for (url, body) in [(&jobs, "a"), (&other, "b"), (&jobs, "c")] {
        client
            .send_message()
            .queue_url(url)
            .message_body(body)
            .send()
            .await
            .unwrap();
    }
    let bodies = |requests: fake_sqs::Requests| -> Vec<String> {
        requests
            .iter()
            .map(|r| r.params["MessageBody"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        bodies(
            sqs.requests()
                .by_action(Action::SendMessage)
                .by_queue("jobs")
        ),
        ["a", "c"]
    );
    let local = other.replace("127.0.0.1", "localhost");
    assert_eq!(
        bodies(
            sqs.requests()
                .by_queue(&local)
                .by_action(Action::SendMessage)
        ),
        ["b"]
    );
    assert_eq!(
        sqs.requests().by_queue("jobs").len(),
        3,
        "CreateQueue and two sends"
    );
    assert!(sqs.requests().by_action(Action::PurgeQueue).is_empty());
}

/// The journal keeps the latest requests, as many as the builder says; 0 turns it off.
/// Numbering goes on past what it drops, and starts again after a reset.
#[tokio::test]
async fn the_journal_is_bounded() {
    let sqs = builder().journal_capacity(3).start().await;
    for _ in 0..5 {
        json(&sqs, "ListQueues", "{}").await;
    }
    let kept: Vec<u64> = sqs.requests().iter().map(|r| r.seq).collect();
    assert_eq!(kept, [3, 4, 5]);
    sqs.clear_requests();
    json(&sqs, "ListQueues", "{}").await;
    assert_eq!(sqs.requests()[0].seq, 1);

    let off = builder().journal_capacity(0).start().await;
    json(&off, "ListQueues", "{}").await;
    assert!(off.requests().is_empty());
}

/// A long poll is recorded when it answers, stamped with the time it arrived.
#[tokio::test]
async fn a_long_poll_is_recorded_when_it_answers() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    let poll = tokio::spawn({
        let (client, url) = (client.clone(), url.clone());
        async move {
            client
                .receive_message()
                .queue_url(url)
                .wait_time_seconds(20)
                .send()
                .await
        }
    });
    sqs.wait_for_receivers(1).await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap();
    poll.await.unwrap().unwrap();
    let actions: Vec<_> = sqs.requests().iter().map(|r| r.action.clone()).collect();
    assert_eq!(actions, ["CreateQueue", "SendMessage", "ReceiveMessage"]);
}

/// The journal serializes for the admin API, and a recorded request reads back.
#[tokio::test]
async fn recorded_requests_serialize_and_come_back() {
    let (sqs, client) = fake_and_client().await;
    sqs.add_fault(Fault::error(ErrorCode::OverLimit).times(1));
    client.list_queues().send().await.unwrap_err();
    client.list_queues().send().await.unwrap();
    let value = serde_json::to_value(sqs.requests()).unwrap();
    assert_eq!(
        value[0],
        json!({
            "seq": 1, "at_millis": START_SECS * 1000, "action": "ListQueues",
            "protocol": "json", "queue_url": null, "params": {},
            "outcome": {"error": {"code": "OverLimit", "message": "The maximum number of in flight messages is reached."}},
            "faults": [1]
        })
    );
    assert_eq!(value[1]["outcome"], "success");
    let back: fake_sqs::Requests = serde_json::from_value(value).unwrap();
    assert_eq!(back, sqs.requests());
}

/// An SDK client of `sqs` signing with `key` and `secret`.
async fn client_as(sqs: &FakeSqs, key: &str, secret: &str) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// Requests the service refuses before their action runs are journaled too, each with
/// its action, parameters and error, and counted by expectations: a wrong signature, a
/// caller the queue's owner has not allowed, a request that names no action. Faults are
/// not consulted for them: the refusal is the answer.
#[tokio::test]
async fn refused_requests_are_journaled_with_their_error() {
    const OWNER_KEY: &str = "AKIAOWNER00000000000";
    const OTHER_KEY: &str = "AKIAOTHER00000000000";
    let sqs = FakeSqs::builder()
        .clock(ClockMode::Paused(None))
        .credential(OWNER_KEY, "owner-secret", "111111111111")
        .credential(OTHER_KEY, "other-secret", "222222222222")
        .start()
        .await;
    let owner = client_as(&sqs, OWNER_KEY, "owner-secret").await;
    let url = create_queue(&owner, "jobs").await;
    sqs.add_fault(Fault::error(ErrorCode::InternalError).on(Action::SendMessage));
    sqs.expect(Action::SendMessage).on_queue(&url).times(2);

    let forger = client_as(&sqs, OWNER_KEY, "wrong-secret").await;
    let send = |client: aws_sdk_sqs::Client, body: &'static str| {
        let url = url.clone();
        async move {
            client
                .send_message()
                .queue_url(url)
                .message_body(body)
                .send()
                .await
        }
    };
    send(forger, "forged").await.unwrap_err();
    let stranger = client_as(&sqs, OTHER_KEY, "other-secret").await;
    send(stranger, "foreign").await.unwrap_err();
    assert_eq!(query_get(&sqs, "/", &[]).await.status, 404);

    let requests = sqs.requests();
    let seen: Vec<_> = requests
        .iter()
        .map(|r| {
            let body = r.params.get("MessageBody").and_then(|b| b.as_str());
            (r.action.as_str(), body, r.outcome.error_code())
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("CreateQueue", None, None),
            (
                "SendMessage",
                Some("forged"),
                Some(ErrorCode::SignatureDoesNotMatch)
            ),
            (
                "SendMessage",
                Some("foreign"),
                Some(ErrorCode::AccessDenied)
            ),
            ("", None, Some(ErrorCode::UnknownOperation)),
        ]
    );
    assert_eq!(requests[1].queue_url.as_deref(), Some(url.as_str()));
    assert!(requests.iter().all(|r| r.faults.is_empty()));
    let fault = &sqs.faults()[0];
    assert_eq!((fault.matched, fault.applied), (0, 0));
    assert!(sqs.messages(&url).is_empty());
    sqs.verify();
}
