//! The admin API under `/_fake-sqs/`, as a test in another language drives it: plain
//! HTTP and JSON. Each endpoint's answer, its status, and its errors for bad input; the
//! answers are the serde forms of the Rust API's own views, read back and compared.

use std::time::{Duration, UNIX_EPOCH};

use fake_sqs::{ClockMode, FakeSqs, MessageInfo, QueueConfig, QueueInfo};
use serde_json::{json, Value};

use crate::support::{builder, create_queue, fake, fake_and_client, START_SECS};

/// An admin answer: status, headers and JSON body.
pub struct Admin {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Admin {
    /// The error code, checking the error shape every admin error has: a string
    /// `code` and a string `message`.
    pub fn code(&self) -> &str {
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "an error has a message: {}",
            self.body
        );
        self.body["code"].as_str().expect("an error has a code")
    }
}

pub async fn send(request: reqwest::RequestBuilder) -> Admin {
    let response = request.send().await.expect("the fake answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/json");
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    Admin {
        status,
        headers,
        body,
    }
}

/// `GET /_fake-sqs/<path>`.
pub async fn get(sqs: &FakeSqs, path: &str) -> Admin {
    send(reqwest::Client::new().get(format!("{}/_fake-sqs/{path}", sqs.endpoint_url()))).await
}

/// `POST /_fake-sqs/<path>` with `body` as it is.
pub async fn post(sqs: &FakeSqs, path: &str, body: &str) -> Admin {
    let url = format!("{}/_fake-sqs/{path}", sqs.endpoint_url());
    send(reqwest::Client::new().post(url).body(body.to_owned())).await
}

/// `DELETE /_fake-sqs/<path>`.
pub async fn delete(sqs: &FakeSqs, path: &str) -> Admin {
    let url = format!("{}/_fake-sqs/{path}", sqs.endpoint_url());
    send(reqwest::Client::new().delete(url)).await
}

const T0_MS: u64 = START_SECS * 1000;

/// The index lists every endpoint, with and without the trailing slash.
#[tokio::test]
async fn the_index_lists_the_endpoints() {
    let sqs = fake().await;
    for path in ["", "/"] {
        let url = format!("{}/_fake-sqs{path}", sqs.endpoint_url());
        let index = send(reqwest::Client::new().get(url)).await;
        assert_eq!(index.status, 200);
        let endpoints: Vec<String> = index.body["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e["method"].as_str().unwrap(),
                    e["path"].as_str().unwrap()
                )
            })
            .collect();
        for wanted in [
            "GET /_fake-sqs/clock",
            "POST /_fake-sqs/clock/advance",
            "POST /_fake-sqs/clock/set",
            "POST /_fake-sqs/clock/mode",
            "GET /_fake-sqs/queues",
            "GET /_fake-sqs/queue",
            "GET /_fake-sqs/messages",
            "GET /_fake-sqs/move-tasks",
            "GET /_fake-sqs/receivers",
            "GET /_fake-sqs/wait-for-receivers",
            "GET /_fake-sqs/requests",
            "DELETE /_fake-sqs/requests",
            "GET /_fake-sqs/faults",
            "POST /_fake-sqs/faults",
            "DELETE /_fake-sqs/faults",
            "GET /_fake-sqs/chaos",
            "POST /_fake-sqs/chaos",
            "DELETE /_fake-sqs/chaos",
            "GET /_fake-sqs/expectations",
            "POST /_fake-sqs/expectations",
            "DELETE /_fake-sqs/expectations",
            "POST /_fake-sqs/expectations/verify",
            "POST /_fake-sqs/reset",
            "GET /_fake-sqs/ui",
        ] {
            assert!(
                endpoints.iter().any(|e| e == wanted),
                "{wanted} in {endpoints:?}"
            );
        }
    }
}

/// The clock reads as a time, milliseconds and a mode; it moves by a duration, by
/// milliseconds, or to a time, and each answer is the clock after the move.
#[tokio::test]
async fn the_clock_reads_advances_and_sets() {
    let sqs = fake().await;
    let clock = get(&sqs, "clock").await;
    assert_eq!(clock.status, 200);
    assert_eq!(
        clock.body,
        json!({"now": "2025-01-01T00:00:00.000Z", "now_ms": T0_MS, "mode": "paused"})
    );

    let moved = post(&sqs, "clock/advance", r#"{"by": "1m 30s"}"#).await;
    assert_eq!(
        (moved.status, &moved.body["now_ms"]),
        (200, &json!(T0_MS + 90_000))
    );
    let moved = post(&sqs, "clock/advance", r#"{"by_ms": 250}"#).await;
    assert_eq!(moved.body["now_ms"], T0_MS + 90_250);
    assert_eq!(moved.body["now"], "2025-01-01T00:01:30.250Z");

    let set = post(&sqs, "clock/set", r#"{"to": "2025-01-01T12:00:00Z"}"#).await;
    assert_eq!(
        (set.status, &set.body["now_ms"]),
        (200, &json!(T0_MS + 12 * 3_600_000))
    );
    let set = post(
        &sqs,
        "clock/set",
        &format!(r#"{{"to_ms": {}}}"#, T0_MS + 13 * 3_600_000),
    )
    .await;
    assert_eq!(set.body["now"], "2025-01-01T13:00:00.000Z");
    assert_eq!(
        sqs.clock().now(),
        UNIX_EPOCH + Duration::from_secs(START_SECS + 13 * 3600),
        "the Rust API sees the same clock"
    );
}

/// What a test in another language does most: receive, let the visibility timeout
/// pass on the fake's clock, and receive the message again.
#[tokio::test]
async fn advancing_the_clock_past_a_visibility_timeout_brings_a_message_back() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("work")
        .send()
        .await
        .unwrap();
    let first = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(first.messages().len(), 1);
    assert!(client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap()
        .messages()
        .is_empty());

    assert_eq!(
        post(&sqs, "clock/advance", r#"{"by": "31s"}"#).await.status,
        200
    );
    let again = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(again.messages()[0].body(), Some("work"));
}

/// Bad input to the clock: 400 with `invalid_argument` (a negative or malformed
/// duration, both forms or neither, an unknown field) or `malformed_json`; a time
/// before the clock's: 409 `clock_backwards`, with both times. The clock stays put.
#[tokio::test]
async fn bad_clock_requests_are_refused_and_change_nothing() {
    let sqs = fake().await;
    for (path, body, status, code) in [
        ("clock/advance", r#"{"by": "-5s"}"#, 400, "invalid_argument"),
        ("clock/advance", r#"{"by_ms": -5}"#, 400, "invalid_argument"),
        (
            "clock/advance",
            r#"{"by_ms": 1.5}"#,
            400,
            "invalid_argument",
        ),
        (
            "clock/advance",
            r#"{"by": "soon"}"#,
            400,
            "invalid_argument",
        ),
        ("clock/advance", r#"{"by": 31}"#, 400, "invalid_argument"),
        (
            "clock/advance",
            r#"{"by": "1s", "by_ms": 1000}"#,
            400,
            "invalid_argument",
        ),
        ("clock/advance", "", 400, "invalid_argument"),
        (
            "clock/advance",
            r#"{"seconds": 1}"#,
            400,
            "invalid_argument",
        ),
        ("clock/advance", r#"{"by": "1s""#, 400, "malformed_json"),
        ("clock/advance", "by=1s", 400, "malformed_json"),
        (
            "clock/set",
            r#"{"to": "yesterday"}"#,
            400,
            "invalid_argument",
        ),
        (
            "clock/set",
            r#"{"to": "2024-12-31T23:59:59Z"}"#,
            409,
            "clock_backwards",
        ),
        ("clock/set", r#"{"to_ms": 0}"#, 409, "clock_backwards"),
        (
            "clock/mode",
            r#"{"mode": "frozen"}"#,
            400,
            "invalid_argument",
        ),
        (
            "clock/mode",
            r#"{"mode": "system", "start": "2030-01-01T00:00:00Z"}"#,
            400,
            "invalid_argument",
        ),
        (
            "clock/mode",
            r#"{"mode": "paused", "start": "2000-01-01T00:00:00Z"}"#,
            409,
            "clock_backwards",
        ),
    ] {
        let answer = post(&sqs, path, body).await;
        assert_eq!(
            (answer.status, answer.code()),
            (status, code),
            "{path} {body}: {}",
            answer.body
        );
    }
    let backwards = post(&sqs, "clock/set", r#"{"to": "2024-12-31T23:59:59Z"}"#).await;
    assert_eq!(backwards.body["now"], "2025-01-01T00:00:00.000Z");
    assert_eq!(backwards.body["to"], "2024-12-31T23:59:59.000Z");
    assert_eq!(sqs.clock().now_millis(), T0_MS, "nothing moved the clock");
    assert!(sqs.clock().is_paused());
}

/// The mode changes at run time: to auto-advance (a long poll then answers at once,
/// 20 s later on the fake's clock), to system time, and back; a reset restores the
/// mode the fake started with.
#[tokio::test]
async fn the_clock_mode_changes_and_a_reset_restores_it() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;

    let auto = post(&sqs, "clock/mode", r#"{"mode": "auto_advance"}"#).await;
    assert_eq!(
        (auto.status, &auto.body["mode"]),
        (200, &json!("auto_advance"))
    );
    assert_eq!(sqs.clock().mode(), ClockMode::AutoAdvance(None));
    let polled = client
        .receive_message()
        .queue_url(&url)
        .wait_time_seconds(20)
        .send()
        .await
        .unwrap();
    assert!(polled.messages().is_empty());
    assert_eq!(
        sqs.clock().now_millis(),
        T0_MS + 20_000,
        "the clock jumped to the poll's deadline"
    );

    let system = post(&sqs, "clock/mode", r#"{"mode": "system"}"#).await;
    assert_eq!(system.body["mode"], "system");
    assert!(!sqs.clock().is_paused());
    assert!(
        sqs.clock().now_millis() >= T0_MS + 20_000,
        "it runs on from where it stood"
    );

    let paused = post(
        &sqs,
        "clock/mode",
        r#"{"mode": "paused", "start": "2025-06-01T00:00:00Z"}"#,
    )
    .await;
    assert_eq!(
        (&paused.body["mode"], &paused.body["now"]),
        (&json!("paused"), &json!("2025-06-01T00:00:00.000Z"))
    );

    post(&sqs, "clock/mode", r#"{"mode": "auto-advance"}"#).await;
    assert_eq!(post(&sqs, "reset", "").await.status, 200);
    assert_eq!(
        get(&sqs, "clock").await.body,
        json!({"now": "2025-01-01T00:00:00.000Z", "now_ms": T0_MS, "mode": "paused"})
    );
}

/// The inspection endpoints answer what `queues()`, `queue(url)` and `messages(url)`
/// return, in their serde form: read back, they are equal. Any host form of a queue
/// URL, or its name, names the queue.
#[tokio::test]
async fn queues_and_messages_are_the_rust_views() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    create_queue(&client, "emails").await;
    client
        .tag_queue()
        .queue_url(&url)
        .tags("team", "billing")
        .send()
        .await
        .unwrap();
    for body in ["one", "two"] {
        client
            .send_message()
            .queue_url(&url)
            .message_body(body)
            .send()
            .await
            .unwrap();
    }
    client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();

    let queues = get(&sqs, "queues").await;
    assert_eq!(queues.status, 200);
    let read: Vec<QueueInfo> = serde_json::from_value(queues.body["queues"].clone()).unwrap();
    assert_eq!(read, sqs.queues());
    assert_eq!((read[1].visible, read[1].in_flight), (1, 1));
    assert_eq!(read[1].tags["team"], "billing");
    assert_eq!(read[1].attributes["VisibilityTimeout"], "30");

    let localhost = url.replace("127.0.0.1", "localhost");
    for named in [url.as_str(), localhost.as_str(), "jobs"] {
        let queue = get(&sqs, &format!("queue?url={}", encode(named))).await;
        assert_eq!(queue.status, 200);
        let read: QueueInfo = serde_json::from_value(queue.body).unwrap();
        assert_eq!(read, sqs.queue(&url));

        let messages = get(&sqs, &format!("messages?url={}", encode(named))).await;
        assert_eq!(messages.status, 200);
        let read: Vec<MessageInfo> =
            serde_json::from_value(messages.body["messages"].clone()).unwrap();
        assert_eq!(read, sqs.messages(&url));
    }
    let messages = get(&sqs, "messages?url=jobs").await.body;
    assert_eq!(messages["messages"][0]["state"], "in_flight");
    assert_eq!(
        messages["messages"][0]["visible_at"],
        "2025-01-01T00:00:30.000Z"
    );
    assert_eq!(messages["messages"][1]["state"], "visible");
}

/// The shape of a messages answer, for the README: stable with a seed, a paused
/// clock and an advertised host.
#[tokio::test]
async fn a_messages_answer_has_a_stable_shape() {
    let sqs = builder().advertised_url("http://sqs.test").start().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "jobs").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("work")
        .send()
        .await
        .unwrap();
    client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    insta::assert_json_snapshot!("admin_messages", get(&sqs, "messages?url=jobs").await.body);
}

/// A queue the fake does not have: 404 `unknown_queue`, with the URL asked for and the
/// queues there are. No `url` at all: 400.
#[tokio::test]
async fn an_unknown_queue_is_a_404_with_the_queues_there_are() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    for endpoint in ["queue", "messages"] {
        let answer = get(&sqs, &format!("{endpoint}?url=jbos")).await;
        assert_eq!((answer.status, answer.code()), (404, "unknown_queue"));
        assert_eq!(
            (&answer.body["url"], &answer.body["known"]),
            (&json!("jbos"), &json!([url]))
        );
        let answer = get(&sqs, endpoint).await;
        assert_eq!((answer.status, answer.code()), (400, "invalid_argument"));
        assert!(
            answer.body["message"].as_str().unwrap().contains("url"),
            "{}",
            answer.body
        );
    }
}

/// A reset empties the fake, keeps its declared queues (empty), puts the clock back,
/// and answers the queues there are after it.
#[tokio::test]
async fn reset_empties_the_fake_and_keeps_the_declared_queues() {
    let sqs = builder().queue(QueueConfig::new("jobs")).start().await;
    let client = sqs.client().await;
    let url = client
        .get_queue_url()
        .queue_name("jobs")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("work")
        .send()
        .await
        .unwrap();
    create_queue(&client, "scratch").await;
    post(&sqs, "clock/advance", r#"{"by": "1h"}"#).await;

    let reset = post(&sqs, "reset", "").await;
    assert_eq!(reset.status, 200);
    let queues: Vec<QueueInfo> = serde_json::from_value(reset.body["queues"].clone()).unwrap();
    assert_eq!(queues, sqs.queues());
    assert_eq!(queues.len(), 1);
    assert_eq!((queues[0].name.as_str(), queues[0].visible), ("jobs", 0));
    assert_eq!(sqs.clock().now_millis(), T0_MS);
    assert_eq!(
        post(&sqs, "reset", "{}").await.status,
        200,
        "an empty object does too"
    );
}

/// `wait-for-receivers` answers once the worker's long poll waits, with what it waits
/// on; then the test moves the clock past the poll's wait. `receivers` reads the count.
#[tokio::test]
async fn wait_for_receivers_answers_once_a_long_poll_waits() {
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

    let waited = get(&sqs, "wait-for-receivers?n=1&timeout=10s").await;
    assert_eq!(waited.status, 200);
    assert_eq!(waited.body, json!({"waiting": 1, "waiting_on": [url]}));
    assert_eq!(get(&sqs, "receivers").await.body["waiting"], 1);

    post(&sqs, "clock/advance", r#"{"by": "20s"}"#).await;
    assert!(poll.await.unwrap().unwrap().messages().is_empty());
    let none = get(&sqs, "wait-for-receivers?n=0").await;
    assert_eq!(none.body, json!({"waiting": 0, "waiting_on": []}));
}

/// No long poll in time: 409 `receivers_timeout`, with what was expected, what was
/// waiting, and the bound (real time, given as a duration). Bad parameters: 400.
#[tokio::test]
async fn wait_for_receivers_reports_a_timeout_and_bad_parameters() {
    let sqs = fake().await;
    let late = get(&sqs, "wait-for-receivers?n=2&timeout=50ms").await;
    assert_eq!((late.status, late.code()), (409, "receivers_timeout"));
    assert_eq!(
        (
            &late.body["expected"],
            &late.body["waiting_on"],
            &late.body["after_ms"]
        ),
        (&json!(2), &json!([]), &json!(50))
    );
    assert!(late.body["message"]
        .as_str()
        .unwrap()
        .starts_with("expected 2 long polls waiting, found 0 after 50ms"));
    for query in ["n=-1", "n=one", "timeout=5", "timeout=-1s"] {
        let answer = get(&sqs, &format!("wait-for-receivers?{query}")).await;
        assert_eq!(
            (answer.status, answer.code()),
            (400, "invalid_argument"),
            "{query}"
        );
    }
}

/// A path under the prefix that is no endpoint: 404 `unknown_endpoint`, listing the
/// endpoints. An endpoint with the wrong method: 405 and an `Allow` header. A body past
/// 1 MiB: 413.
#[tokio::test]
async fn unknown_endpoints_wrong_methods_and_large_bodies_are_refused() {
    let sqs = fake().await;
    let unknown = get(&sqs, "clocks").await;
    assert_eq!((unknown.status, unknown.code()), (404, "unknown_endpoint"));
    assert!(unknown.body["endpoints"]
        .as_array()
        .unwrap()
        .contains(&json!("GET /_fake-sqs/clock")));

    let wrong = post(&sqs, "clock", "{}").await;
    assert_eq!((wrong.status, wrong.code()), (405, "method_not_allowed"));
    assert_eq!(wrong.headers["allow"], "GET");
    assert_eq!(wrong.body["allowed"], json!(["GET"]));

    let large = post(&sqs, "clock/advance", &" ".repeat(1024 * 1024 + 1)).await;
    assert_eq!((large.status, large.code()), (413, "body_too_large"));
}

/// With the admin API disabled, every admin path answers 404 `admin_api_disabled`, and
/// SQS is served as before.
#[tokio::test]
async fn a_disabled_admin_api_answers_with_a_json_error() {
    let sqs = builder().disable_admin_api().start().await;
    for path in ["", "clock", "queues", "nothing"] {
        let answer = get(&sqs, path).await;
        assert_eq!(
            (answer.status, answer.code()),
            (404, "admin_api_disabled"),
            "{path}"
        );
        assert!(answer.body["message"]
            .as_str()
            .unwrap()
            .contains("--disable-admin-api"));
    }
    assert_eq!(post(&sqs, "reset", "").await.code(), "admin_api_disabled");
    let client = sqs.client().await;
    create_queue(&client, "jobs").await;
    assert_eq!(sqs.queues().len(), 1);
}

/// The prefix is the admin API's alone: an SQS request sent there gets an admin answer,
/// and a path that only starts with the same letters is SQS's.
#[tokio::test]
async fn the_prefix_belongs_to_the_admin_api_alone() {
    let sqs = fake().await;
    let form = [
        ("Action", "CreateQueue"),
        ("QueueName", "jobs"),
        ("Version", "2012-11-05"),
    ];
    let at_admin = reqwest::Client::new()
        .post(format!("{}/_fake-sqs/", sqs.endpoint_url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(at_admin.status(), 405);
    assert!(sqs.queues().is_empty());

    let beside = crate::support::query_at(&sqs, "/_fake-sqsx/", &form[..2]).await;
    assert_eq!(beside.status, 200, "{}", beside.body);
    assert_eq!(sqs.queues().len(), 1);

    // No queue URL can start with it: an account of that name is refused.
    let taken = builder()
        .account_id("_fake-sqs")
        .try_start()
        .await
        .unwrap_err();
    assert_eq!(taken.kind(), std::io::ErrorKind::InvalidInput);
    let declared = builder()
        .queue(QueueConfig::new("jobs").account_id("_fake-sqs"))
        .try_start()
        .await
        .unwrap_err();
    assert!(
        declared.to_string().contains("admin API's path prefix"),
        "{declared}"
    );
    let credential = builder()
        .credential("AKIAADMIN00000000000", "secret", "_fake-sqs")
        .try_start()
        .await
        .unwrap_err();
    assert_eq!(credential.kind(), std::io::ErrorKind::InvalidInput);
    builder()
        .account_id("_fake-sqs")
        .disable_admin_api()
        .start()
        .await;
}

/// The admin API is the test author's, not an SQS caller's: in a fake that checks every
/// signature (declared credentials), an unsigned admin request is served, and an SQS
/// request without a signature is still anonymous and refused.
#[tokio::test]
async fn admin_requests_are_not_sqs_requests_to_sign() {
    // The system clock: the SDK signs at the wall clock's time.
    let sqs = FakeSqs::builder()
        .credential("AKIAOWNER00000000000", "owner-secret", "111111111111")
        .start()
        .await;
    let client = sqs.client().await;
    create_queue(&client, "jobs").await;

    let queues = get(&sqs, "queues").await;
    assert_eq!(queues.status, 200, "{}", queues.body);
    assert_eq!(queues.body["queues"][0]["name"], "jobs");
    assert_eq!(
        post(&sqs, "clock/advance", r#"{"by": "1s"}"#).await.status,
        200
    );

    let unsigned = crate::support::query_at(&sqs, "/", &[("Action", "ListQueues")]).await;
    assert_eq!(unsigned.status, 403, "{}", unsigned.body);
}

/// Queue URLs in admin answers name the host the admin request was sent to, as SQS's
/// answers do: a test in another container that reaches the fake as `sqs:9324` reads
/// the URLs its SQS client was given.
#[tokio::test]
async fn admin_queue_urls_follow_the_host() {
    let (sqs, client) = fake_and_client().await;
    create_queue(&client, "jobs").await;
    let as_sqs = |path: &str| {
        reqwest::Client::new()
            .get(format!("{}/_fake-sqs/{path}", sqs.endpoint_url()))
            .header("host", "sqs:9324")
    };
    let queues = send(as_sqs("queues")).await;
    assert_eq!(
        queues.body["queues"][0]["url"],
        "http://sqs:9324/000000000000/jobs"
    );
    let queue = send(as_sqs("queue?url=http://sqs:9324/000000000000/jobs")).await;
    assert_eq!(queue.body["url"], "http://sqs:9324/000000000000/jobs");
    let unknown = send(as_sqs("messages?url=nobody")).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.body["known"],
        json!(["http://sqs:9324/000000000000/jobs"])
    );
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
