//! The endpoint path tested offline: `wiremock` plays a provider's answers (shaped as
//! fixtures/aws/protocol.md's AWS examples), and the tests check what the runner sent (signed with
//! the given credentials, the right target and body per protocol) and how it judged
//! the answers.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use wiremock::matchers::{body_string_contains, header, method};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::endpoint::run_endpoint;
use crate::runner::profile::{Listed, Profile};
use crate::runner::recording::{differences, RecordedStep, Recording};
use crate::runner::report::Verdict;
use crate::runner::scenario::{parse, Scenario};
use crate::runner::wire::{sign_request, Endpoint, Protocol};

const NS: &str = "http://queue.amazonaws.com/doc/2012-11-05/";

fn endpoint(server: &MockServer) -> Endpoint {
    Endpoint {
        url: server.uri(),
        region: "eu-west-1".into(),
        access_key: "AKIDOFFLINE".into(),
        secret_key: "offline-secret".into(),
        session_token: Some("offline-token".into()),
        account: None,
        other: None,
    }
}

fn generic() -> Profile {
    Profile {
        name: "generic".into(),
        protocols: Protocol::ALL.to_vec(),
        ..Profile::default()
    }
}

fn scenario(value: Value) -> Scenario {
    parse(&value.to_string()).expect("a valid scenario")
}

/// `20250101T000000Z` as a time.
fn amz_date(s: &str) -> SystemTime {
    let num = |r: std::ops::Range<usize>| s[r].parse::<i64>().expect("digits");
    let (y, m, d) = (num(0..4), num(4..6), num(6..8));
    let (hh, mm, ss) = (num(9..11), num(11..13), num(13..15));
    // Days from the civil calendar (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    UNIX_EPOCH + Duration::from_secs((days * 86_400 + hh * 3600 + mm * 60 + ss) as u64)
}

fn header_of(request: &Request, name: &str) -> String {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Signs the received request again with the same credentials and time: the
/// signature must be the one that was sent.
fn assert_signed_by(request: &Request, endpoint: &Endpoint, signed: &[&str]) {
    let auth = header_of(request, "authorization");
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDOFFLINE/"),
        "{auth}"
    );
    assert!(auth.contains("/eu-west-1/sqs/aws4_request"), "{auth}");
    assert_eq!(header_of(request, "x-amz-security-token"), "offline-token");
    let time = amz_date(&header_of(request, "x-amz-date"));
    let headers: Vec<(String, String)> = signed
        .iter()
        .map(|h| (h.to_string(), header_of(request, h)))
        .collect();
    let url = format!("{}/", endpoint.url);
    let again = sign_request(endpoint, &url, &headers, &request.body, time).expect("signs");
    let expected = again
        .iter()
        .find(|(k, _)| k == "authorization")
        .map(|(_, v)| v.clone())
        .expect("an authorization header");
    assert_eq!(auth, expected);
}

fn json_answer(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/x-amz-json-1.0")
        .set_body_string(body.to_string())
}

fn xml_answer(status: u16, body: String) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "text/xml")
        .set_body_string(body)
}

async fn json_mock(server: &MockServer, action: &str, body: Value) {
    Mock::given(method("POST"))
        .and(header(
            "x-amz-target",
            format!("AmazonSQS.{action}").as_str(),
        ))
        .respond_with(json_answer(body))
        .mount(server)
        .await;
}

async fn query_mock(server: &MockServer, action: &str, status: u16, body: String) {
    Mock::given(method("POST"))
        .and(body_string_contains(format!("Action={action}&").as_str()))
        .respond_with(xml_answer(status, body))
        .mount(server)
        .await;
}

fn create_and_send() -> Scenario {
    scenario(json!({
        "name": "offline-create-and-send",
        "steps": [
            {"action": "CreateQueue",
             "params": {"QueueName": "${prefix}orders", "Attributes": {"VisibilityTimeout": "45"}},
             "capture": {"q": "QueueUrl"}},
            {"action": "SendMessage", "params": {"QueueUrl": "${q}", "MessageBody": "test"},
             "expect": {"fields": {"MD5OfMessageBody": "098f6bcd4621d373cade4e832627b4f6"}}},
            {"action": "GetQueueUrl", "params": {"QueueName": "missing"},
             "expect": {"error": "AWS.SimpleQueueService.NonExistentQueue",
                        "message": "The specified queue does not exist."}}
        ]
    }))
}

/// Over JSON: every request carries `X-Amz-Target`, the JSON 1.0 content type, the
/// members as sent, and a SigV4 signature by the given credentials; errors are read
/// from `x-amzn-query-error`; the created queue is deleted at the end.
#[tokio::test]
async fn json_requests_are_signed_targeted_and_judged() {
    let server = MockServer::start().await;
    let url = format!("{}/111111111111/cfq-orders", server.uri());
    json_mock(&server, "CreateQueue", json!({"QueueUrl": url})).await;
    json_mock(
        &server,
        "SendMessage",
        json!({"MD5OfMessageBody": "098f6bcd4621d373cade4e832627b4f6", "MessageId": "m-1"}),
    )
    .await;
    json_mock(&server, "DeleteQueue", json!({})).await;
    Mock::given(header("x-amz-target", "AmazonSQS.GetQueueUrl"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header(
                    "x-amzn-query-error",
                    "AWS.SimpleQueueService.NonExistentQueue;Sender",
                )
                .set_body_string(
                    json!({"__type": "com.amazonaws.sqs#QueueDoesNotExist",
                           "message": "The specified queue does not exist."})
                    .to_string(),
                ),
        )
        .mount(&server)
        .await;

    let ep = endpoint(&server);
    let done = run_endpoint(
        &ep,
        &generic(),
        &[create_and_send()],
        &[Protocol::Json],
        false,
    )
    .await;
    assert_eq!(done.rows[0].verdict, Verdict::Pass, "{:?}", done.rows);

    let received = server.received_requests().await.expect("recorded requests");
    let targets: Vec<String> = received
        .iter()
        .map(|r| header_of(r, "x-amz-target"))
        .collect();
    assert_eq!(
        targets,
        [
            "AmazonSQS.CreateQueue",
            "AmazonSQS.SendMessage",
            "AmazonSQS.GetQueueUrl",
            "AmazonSQS.DeleteQueue"
        ]
    );
    let create: Value = serde_json::from_slice(&received[0].body).expect("JSON body");
    let name = create["QueueName"].as_str().expect("a name");
    assert!(
        name.starts_with("cf") && name.ends_with("-orders"),
        "{name}"
    );
    assert_eq!(create["Attributes"], json!({"VisibilityTimeout": "45"}));
    let delete: Value = serde_json::from_slice(&received[3].body).expect("JSON body");
    assert_eq!(delete, json!({"QueueUrl": url}));
    for request in &received {
        assert_eq!(
            header_of(request, "content-type"),
            "application/x-amz-json-1.0"
        );
        assert_signed_by(request, &ep, &["content-type", "x-amz-target"]);
    }
}

/// Over Query: form pairs with `Action`, `Version` and the flattened members, signed;
/// XML answers and `ErrorResponse` documents are read into the same expectations.
#[tokio::test]
async fn query_requests_are_form_encoded_signed_and_judged() {
    let server = MockServer::start().await;
    let url = format!("{}/111111111111/cfq-orders", server.uri());
    query_mock(&server, "CreateQueue", 200, format!(
        r#"<CreateQueueResponse xmlns="{NS}"><CreateQueueResult><QueueUrl>{url}</QueueUrl></CreateQueueResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></CreateQueueResponse>"#
    )).await;
    query_mock(&server, "SendMessage", 200, format!(
        r#"<SendMessageResponse xmlns="{NS}"><SendMessageResult><MD5OfMessageBody>098f6bcd4621d373cade4e832627b4f6</MD5OfMessageBody><MessageId>m-1</MessageId></SendMessageResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></SendMessageResponse>"#
    )).await;
    query_mock(&server, "GetQueueUrl", 400, format!(
        r#"<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message><Detail/></Error><RequestId>r-3</RequestId></ErrorResponse>"#
    )).await;
    query_mock(&server, "DeleteQueue", 200, format!(
        r#"<DeleteQueueResponse xmlns="{NS}"><ResponseMetadata><RequestId>r-4</RequestId></ResponseMetadata></DeleteQueueResponse>"#
    )).await;

    let ep = endpoint(&server);
    let done = run_endpoint(
        &ep,
        &generic(),
        &[create_and_send()],
        &[Protocol::Query],
        false,
    )
    .await;
    assert_eq!(done.rows[0].verdict, Verdict::Pass, "{:?}", done.rows);

    let received = server.received_requests().await.expect("recorded requests");
    assert_eq!(received.len(), 4);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&received[0].body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(pairs[0], ("Action".into(), "CreateQueue".into()));
    assert_eq!(pairs[1], ("Version".into(), "2012-11-05".into()));
    assert!(pairs.contains(&("Attribute.1.Name".into(), "VisibilityTimeout".into())));
    assert!(pairs.contains(&("Attribute.1.Value".into(), "45".into())));
    let body = String::from_utf8_lossy(&received[3].body).into_owned();
    assert!(
        body.starts_with("Action=DeleteQueue&Version=2012-11-05&QueueUrl="),
        "{body}"
    );
    for request in &received {
        assert_eq!(
            header_of(request, "content-type"),
            "application/x-www-form-urlencoded"
        );
        assert!(request.headers.get("x-amz-target").is_none());
        assert_signed_by(request, &ep, &["content-type"]);
    }
    // The transcript is normalized: the mock's host and ids become placeholders.
    let transcript = &done.runs[0].transcript;
    assert!(
        transcript.contains("<host:1>/<account:1>/cfq-orders"),
        "{transcript}"
    );
    assert!(
        transcript.contains(r#"{"QueueName":"cf-orders","#),
        "{transcript}"
    );
    assert!(transcript.contains("<message-id:1>"), "{transcript}");
    assert!(transcript.contains("098f6bcd4621d373cade4e832627b4f6"));
}

/// A wrong answer fails the scenario with the reason, the later steps are not run, and
/// the queue created before the failure is still deleted; a profile that lists the
/// scenario as a divergence reports it instead of failing.
#[tokio::test]
async fn a_wrong_answer_fails_but_cleans_up_and_a_listed_divergence_is_reported() {
    let server = MockServer::start().await;
    let url = format!("{}/111111111111/cfq-orders", server.uri());
    json_mock(&server, "CreateQueue", json!({"QueueUrl": url})).await;
    json_mock(
        &server,
        "SendMessage",
        json!({"MD5OfMessageBody": "00000000000000000000000000000000", "MessageId": "m-1"}),
    )
    .await;
    json_mock(&server, "DeleteQueue", json!({})).await;

    let ep = endpoint(&server);
    let done = run_endpoint(
        &ep,
        &generic(),
        &[create_and_send()],
        &[Protocol::Json],
        false,
    )
    .await;
    match &done.rows[0].verdict {
        Verdict::Fail(why) => {
            assert!(why.starts_with("step 2: SendMessage"), "{why}");
            assert!(why.contains("MD5OfMessageBody"), "{why}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    let received = server.received_requests().await.expect("recorded requests");
    let targets: Vec<String> = received
        .iter()
        .map(|r| header_of(r, "x-amz-target"))
        .collect();
    assert_eq!(
        targets,
        [
            "AmazonSQS.CreateQueue",
            "AmazonSQS.SendMessage",
            "AmazonSQS.DeleteQueue"
        ]
    );

    let mut profile = generic();
    profile.divergences.push(Listed {
        scenario: "offline-create-and-send".into(),
        step: None,
        reason: "this provider computes MD5s differently".into(),
    });
    let done = run_endpoint(
        &ep,
        &profile,
        &[create_and_send()],
        &[Protocol::Json],
        false,
    )
    .await;
    assert!(
        matches!(&done.rows[0].verdict, Verdict::Known(why) if why.contains("MD5s differently"))
    );
}

/// A profile skips what its provider lacks, and says why, without sending anything.
#[tokio::test]
async fn a_profile_skips_what_its_provider_lacks() {
    let server = MockServer::start().await;
    let mut profile = generic();
    profile
        .unsupported_params
        .entry("CreateQueue".into())
        .or_default()
        .insert("Attributes".into(), "no queue attributes here".into());
    profile.protocols = vec![Protocol::Query];
    let ep = endpoint(&server);
    let done = run_endpoint(&ep, &profile, &[create_and_send()], &Protocol::ALL, false).await;
    assert!(
        matches!(&done.rows[0].verdict, Verdict::Skip(why) if why.contains("does not speak json"))
    );
    assert!(
        matches!(&done.rows[1].verdict, Verdict::Skip(why) if why == "CreateQueue.Attributes: no queue attributes here")
    );
    assert!(server
        .received_requests()
        .await
        .expect("recorded")
        .is_empty());
}

/// A recording that differs from the fake's answers yields one line per difference,
/// except at steps the provider's profile lists as known divergences.
#[test]
fn differences_from_a_recording_are_reported_unless_listed() {
    let step = |n: usize, members: Value| RecordedStep {
        step: n,
        action: "GetQueueAttributes".into(),
        status: 200,
        error: None,
        message: None,
        members,
    };
    let fake = Recording {
        scenario: "s".into(),
        protocol: Protocol::Json,
        provider: String::new(),
        steps: vec![
            step(1, json!({"A": 1, "B": "x"})),
            step(2, json!({"C": "1"})),
        ],
    };
    let aws = Recording {
        provider: "aws".into(),
        steps: vec![
            step(1, json!({"B": "x", "A": "1"})),
            step(2, json!({"C": "2"})),
        ],
        ..fake.clone()
    };
    let mut profile = Profile {
        name: "aws".into(),
        ..Profile::default()
    };
    let diffs = differences(&fake, &aws, &profile);
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert!(diffs[0].starts_with("step 2 (GetQueueAttributes) members"));
    profile.divergences.push(Listed {
        scenario: "s".into(),
        step: Some(2),
        reason: "r".into(),
    });
    assert!(differences(&fake, &aws, &profile).is_empty());
}
