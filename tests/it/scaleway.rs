//! The Scaleway dialect: its management API, credentials with permissions, the
//! compatibility matrix, limits and quotas, and the provider's own quick start.

use aws_sdk_sqs::config::{Credentials, Region};
use aws_sdk_sqs::types::QueueAttributeName as Q;
use fake_sqs::{ClockMode, Dialect, FakeSqs, Permissions};
use serde_json::{json, Value};

use crate::support::{code, create_queue, message, START_SECS};

async fn scaleway() -> FakeSqs {
    FakeSqs::builder()
        .dialect(Dialect::Scaleway)
        .clock(ClockMode::Paused(Some(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(START_SECS),
        )))
        .seed(7)
        .start()
        .await
}

async fn client_with(sqs: &FakeSqs, access_key: &str, secret_key: &str) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
        .region(Region::new("fr-par"))
        .credentials_provider(Credentials::new(access_key, secret_key, None, None, "test"))
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// A call to the management API with an API token.
async fn api(sqs: &FakeSqs, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .request(
            method,
            format!("{}/mnq/v1beta1/regions/fr-par/{path}", sqs.endpoint_url()),
        )
        .header("x-auth-token", "scw-secret")
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Scaleway's quick start, step by step: activate SQS, read sqs-info, create
/// credentials, use them with an SQS client (create, send, receive, delete), then
/// deactivate, which deletes the queues and the credentials.
#[tokio::test]
async fn the_scaleway_quick_start_works_step_by_step() {
    let sqs = scaleway().await;
    let project = "1b6a2ec0-0000-4000-8000-00000000c0de";

    let (status, info) = api(
        &sqs,
        reqwest::Method::POST,
        "activate-sqs",
        json!({"project_id": project}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(info["status"], "enabled");
    let (_, info) = api(
        &sqs,
        reqwest::Method::GET,
        &format!("sqs-info?project_id={project}"),
        json!({}),
    )
    .await;
    assert_eq!(info["sqs_endpoint_url"], sqs.endpoint_url());
    assert_eq!(info["project_id"], project);
    assert_eq!(info["region"], "fr-par");
    assert_eq!(info["created_at"], "2025-01-01T00:00:00.000Z");

    let (status, creds) = api(
        &sqs,
        reqwest::Method::POST,
        "sqs-credentials",
        json!({"name": "my-credentials", "project_id": project,
               "permissions": {"can_publish": true, "can_receive": true, "can_manage": true}}),
    )
    .await;
    assert_eq!(status, 200);
    let access_key = creds["access_key"].as_str().unwrap().to_owned();
    let secret_key = creds["secret_key"].as_str().unwrap().to_owned();
    assert!(access_key.starts_with("SCW") && access_key.len() == 20);
    assert!(!secret_key.is_empty());

    let client = client_with(&sqs, &access_key, &secret_key).await;
    let url = create_queue(&client, "my-queue").await;
    assert_eq!(
        url,
        format!("{}/project-{project}/my-queue", sqs.endpoint_url())
    );
    client
        .send_message()
        .queue_url(&url)
        .message_body("Hello world!")
        .send()
        .await
        .unwrap();
    let got = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    let m = &got.messages()[0];
    assert_eq!(m.body(), Some("Hello world!"));
    client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(m.receipt_handle().unwrap())
        .send()
        .await
        .unwrap();
    let arn = client
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(Q::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap()[&Q::QueueArn]
        .clone();
    assert_eq!(
        arn,
        format!("arn:scw:sqs:fr-par:project-{project}:my-queue")
    );

    let (status, info) = api(
        &sqs,
        reqwest::Method::POST,
        "deactivate-sqs",
        json!({"project_id": project}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(info["status"], "disabled");
    assert!(sqs.queues().iter().all(|q| q.name != "my-queue"));
    let err = client.list_queues().send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidClientTokenId");
}

/// Credentials: list (without secrets), get, update permissions, delete; each change is
/// what the SQS endpoint enforces next.
#[tokio::test]
async fn credentials_are_managed_and_enforced() {
    let sqs = scaleway().await;
    let (_, creds) = api(
        &sqs,
        reqwest::Method::POST,
        "sqs-credentials",
        json!({"name": "publisher", "permissions": {"can_publish": true}}),
    )
    .await;
    let id = creds["id"].as_str().unwrap().to_owned();
    let publisher = client_with(
        &sqs,
        creds["access_key"].as_str().unwrap(),
        creds["secret_key"].as_str().unwrap(),
    )
    .await;
    let admin = sqs.client().await;
    let url = create_queue(&admin, "jobs").await;

    publisher
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .send()
        .await
        .unwrap();
    let err = publisher
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let err = publisher
        .create_queue()
        .queue_name("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    publisher
        .get_queue_url()
        .queue_name("jobs")
        .send()
        .await
        .unwrap();

    let (_, list) = api(&sqs, reqwest::Method::GET, "sqs-credentials", json!({})).await;
    assert_eq!(list["total_count"], 2);
    assert!(list["sqs_credentials"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["secret_key"] == ""));

    let (status, updated) = api(
        &sqs,
        reqwest::Method::PATCH,
        &format!("sqs-credentials/{id}"),
        json!({"permissions": {"can_receive": true}}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        updated["permissions"],
        json!({"can_publish": true, "can_receive": true, "can_manage": false})
    );
    assert_eq!(
        publisher
            .receive_message()
            .queue_url(&url)
            .send()
            .await
            .unwrap()
            .messages()
            .len(),
        1
    );

    let (status, _) = api(
        &sqs,
        reqwest::Method::DELETE,
        &format!("sqs-credentials/{id}"),
        json!({}),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = api(
        &sqs,
        reqwest::Method::GET,
        &format!("sqs-credentials/{id}"),
        json!({}),
    )
    .await;
    assert_eq!(status, 404);
    let err = publisher
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidClientTokenId");
    assert_eq!(
        message(&err),
        "The security token included in the request is invalid."
    );

    let unauthenticated = reqwest::Client::new()
        .get(format!(
            "{}/mnq/v1beta1/regions/fr-par/sqs-credentials",
            sqs.endpoint_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
}

/// The builder can add credentials with chosen permissions.
#[tokio::test]
async fn builder_credentials_have_their_permissions() {
    let sqs = FakeSqs::builder()
        .dialect(Dialect::Scaleway)
        .scaleway_credential(
            "SCWREADONLY000000000",
            "s",
            Permissions {
                can_receive: true,
                ..Default::default()
            },
        )
        .start()
        .await;
    let reader = client_with(&sqs, "SCWREADONLY000000000", "s").await;
    let url = create_queue(&sqs.client().await, "q").await;
    let err = reader
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    reader
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
}

/// The compatibility matrix: unsupported actions and parameters are refused, as are
/// unsupported attributes; GetQueueAttributes shows only what Scaleway has.
#[tokio::test]
async fn only_what_scaleway_supports_is_admitted() {
    let sqs = scaleway().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "q").await;

    let err = client
        .tag_queue()
        .queue_url(&url)
        .tags("a", "b")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AWS.SimpleQueueService.UnsupportedOperation");
    let err = client
        .create_queue()
        .queue_name("t")
        .tags("a", "b")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AWS.SimpleQueueService.UnsupportedOperation");
    let err = client
        .list_queues()
        .max_results(5)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AWS.SimpleQueueService.UnsupportedOperation");
    let err = client
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .delay_seconds(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AWS.SimpleQueueService.UnsupportedOperation");
    let err = client
        .receive_message()
        .queue_url(&url)
        .visibility_timeout(5)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AWS.SimpleQueueService.UnsupportedOperation");
    let err = client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::DelaySeconds, "5")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidAttributeName");

    let attrs = client
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(Q::All)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();
    let mut names: Vec<_> = attrs.keys().map(|k| k.as_str().to_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "CreatedTimestamp",
            "MaximumMessageSize",
            "MessageRetentionPeriod",
            "QueueArn",
            "ReceiveMessageWaitTimeSeconds",
            "VisibilityTimeout"
        ]
    );
    assert_eq!(attrs[&Q::MaximumMessageSize], "262144");
}

/// 256 KB messages; ChangeMessageVisibility only to 0 or the queue's timeout; receives
/// show only Scaleway's system attributes.
#[tokio::test]
async fn scaleway_limits_and_rules_apply() {
    let sqs = scaleway().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "q").await;
    let err = client
        .send_message()
        .queue_url(&url)
        .message_body("a".repeat(262_145))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&err),
        "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes."
    );
    client
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .send()
        .await
        .unwrap();
    let got = client
        .receive_message()
        .queue_url(&url)
        .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::All)
        .send()
        .await
        .unwrap();
    let m = &got.messages()[0];
    let mut names: Vec<_> = m
        .attributes()
        .unwrap()
        .keys()
        .map(|k| k.as_str().to_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["ApproximateReceiveCount", "SenderId", "SentTimestamp"]
    );
    let change = |t: i32| {
        client
            .change_message_visibility()
            .queue_url(&url)
            .receipt_handle(m.receipt_handle().unwrap())
            .visibility_timeout(t)
            .send()
    };
    assert_eq!(
        code(&change(10).await.unwrap_err()),
        "InvalidParameterValue"
    );
    change(30).await.unwrap();
    change(0).await.unwrap();
}

/// A project holds at most 50 queues.
#[tokio::test]
async fn a_project_holds_at_most_fifty_queues() {
    let sqs = scaleway().await;
    let client = sqs.client().await;
    for i in 0..50 {
        create_queue(&client, &format!("q{i}")).await;
    }
    let err = client
        .create_queue()
        .queue_name("q50")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "OverLimit");
    let url = client
        .get_queue_url()
        .queue_name("q0")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    client.delete_queue().queue_url(url).send().await.unwrap();
    sqs.clock().advance(std::time::Duration::from_secs(60));
    create_queue(&client, "q50").await;
}

/// Requests without credentials, or with unknown ones, are refused.
#[tokio::test]
async fn unknown_or_missing_credentials_are_refused() {
    let sqs = scaleway().await;
    let stranger = client_with(&sqs, "SCWUNKNOWN0000000000", "x").await;
    let err = stranger.list_queues().send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidClientTokenId");
    let anonymous = crate::support::query(&sqs, &[("Action", "ListQueues")]).await;
    assert_eq!(anonymous.status, 403);
    assert!(anonymous
        .body
        .contains("<Code>MissingAuthenticationToken</Code>"));
}

/// Strict mode checks signatures as Scaleway does: the right secret passes; a wrong
/// secret, another region, or a timestamp 15 minutes off the fake's clock are refused.
#[tokio::test]
async fn strict_mode_verifies_signatures() {
    let sqs = FakeSqs::builder()
        .dialect(Dialect::Scaleway)
        .clock(ClockMode::Paused(None))
        .verify_signatures()
        .start()
        .await;
    let good = sqs.client().await;
    create_queue(&good, "signed").await;

    let wrong_secret = client_with(&sqs, fake_sqs::TEST_ACCESS_KEY, "not-the-secret").await;
    let err = wrong_secret.list_queues().send().await.unwrap_err();
    assert_eq!(code(&err), "SignatureDoesNotMatch");
    assert!(message(&err).starts_with("The request signature we calculated does not match"));

    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
        .region(Region::new("nl-ams"))
        .build();
    let err = aws_sdk_sqs::Client::from_conf(config)
        .list_queues()
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "SignatureDoesNotMatch");
    // AWS's text (fixtures/aws/signatures.json): Scaleway's was never recorded.
    assert_eq!(
        message(&err),
        "Credential should be scoped to a valid region, not 'nl-ams'. "
    );

    sqs.clock().advance(std::time::Duration::from_secs(16 * 60));
    let err = good.list_queues().send().await.unwrap_err();
    assert_eq!(code(&err), "SignatureDoesNotMatch");
    assert!(
        message(&err).starts_with("Signature expired: "),
        "{}",
        message(&err)
    );
}

/// FIFO queues on Scaleway have no message groups and one message in flight per queue:
/// a receive returns one message, and the next only after it is deleted.
#[tokio::test]
async fn scaleway_fifo_queues_have_one_message_in_flight() {
    let sqs = scaleway().await;
    let client = sqs.client().await;
    let url = client
        .create_queue()
        .queue_name("orders.fifo")
        .attributes(Q::FifoQueue, "true")
        .attributes(Q::ContentBasedDeduplication, "true")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for body in ["a", "b", "c"] {
        let sent = client
            .send_message()
            .queue_url(&url)
            .message_body(body)
            .send()
            .await
            .unwrap();
        assert!(sent.sequence_number().is_some());
    }
    let receive = || {
        client
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .send()
    };
    let first = receive().await.unwrap();
    assert_eq!(first.messages().len(), 1);
    assert_eq!(first.messages()[0].body(), Some("a"));
    assert!(receive().await.unwrap().messages().is_empty());
    client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(first.messages()[0].receipt_handle().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(receive().await.unwrap().messages()[0].body(), Some("b"));
}

/// On Scaleway too, changing the visibility of a deleted message says the message is not
/// available; the only-0-or-queue-timeout rule concerns messages that exist.
#[tokio::test]
async fn visibility_change_of_a_deleted_message_reports_it_gone() {
    let sqs = scaleway().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "q").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .send()
        .await
        .unwrap();
    let got = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    let handle = got.messages()[0].receipt_handle().unwrap().to_owned();
    client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(&handle)
        .send()
        .await
        .unwrap();
    let err = client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&handle)
        .visibility_timeout(10)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert!(message(&err).ends_with(
        "Reason: Message does not exist or is not available for visibility timeout change."
    ));
}
