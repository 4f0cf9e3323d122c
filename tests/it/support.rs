//! Fixtures shared by the integration tests.

#![allow(dead_code)]

use std::time::{Duration, UNIX_EPOCH};

use fake_sqs::{ClockMode, FakeSqs, FakeSqsBuilder};
use serde_json::Value;

/// 2025-01-01T00:00:00Z: where paused clocks start, so timestamps in snapshots are fixed.
pub const START_SECS: u64 = 1_735_689_600;

/// The builder behind [`fake`]: a paused clock at [`START_SECS`] and seeded ids, for
/// tests that set one more option.
pub fn builder() -> FakeSqsBuilder {
    FakeSqs::builder()
        .clock(ClockMode::Paused(Some(
            UNIX_EPOCH + Duration::from_secs(START_SECS),
        )))
        .seed(7)
}

/// A fake with a paused clock at [`START_SECS`] and seeded ids: every answer is the same
/// on every run.
pub async fn fake() -> FakeSqs {
    builder().start().await
}

/// A paused, seeded fake and an SDK client for it.
pub async fn fake_and_client() -> (FakeSqs, aws_sdk_sqs::Client) {
    let sqs = fake().await;
    let client = sqs.client().await;
    (sqs, client)
}

/// Creates a queue and returns its URL.
pub async fn create_queue(client: &aws_sdk_sqs::Client, name: &str) -> String {
    client
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .expect("create_queue")
        .queue_url
        .expect("a queue url")
}

/// The error code an SDK call failed with (the Query code, as SDKs report it).
pub fn code<E, R>(err: &aws_sdk_sqs::error::SdkError<E, R>) -> String
where
    E: aws_sdk_sqs::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .unwrap_or("<not a service error>")
        .to_owned()
}

/// The message an SDK call failed with.
pub fn message<E, R>(err: &aws_sdk_sqs::error::SdkError<E, R>) -> String
where
    E: aws_sdk_sqs::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.message())
        .unwrap_or("<no message>")
        .to_owned()
}

/// A raw HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The body with the fake's port replaced, for snapshots.
    pub fn snapshot(&self) -> String {
        let port = regex_free_port(&self.body);
        format!("status: {}\n{}", self.status, port)
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// Replaces `127.0.0.1:<port>` with `127.0.0.1:PORT`.
fn regex_free_port(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("127.0.0.1:") {
        out.push_str(&rest[..i + "127.0.0.1:".len()]);
        rest = &rest[i + "127.0.0.1:".len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        out.push_str("PORT");
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// A Query-protocol POST of `pairs` (Version is added) to `path` on the fake.
pub async fn query_at(sqs: &FakeSqs, path: &str, pairs: &[(&str, &str)]) -> Answer {
    let mut form: Vec<(&str, &str)> = pairs.to_vec();
    form.push(("Version", "2012-11-05"));
    let response = reqwest::Client::new()
        .post(format!("{}{}", sqs.endpoint_url(), path))
        .form(&form)
        .send()
        .await
        .expect("the fake answers");
    answer(response).await
}

/// A Query-protocol POST of `pairs` to the fake's root.
pub async fn query(sqs: &FakeSqs, pairs: &[(&str, &str)]) -> Answer {
    query_at(sqs, "/", pairs).await
}

/// A Query-protocol GET with `pairs` in the query string.
pub async fn query_get(sqs: &FakeSqs, path: &str, pairs: &[(&str, &str)]) -> Answer {
    let response = reqwest::Client::new()
        .get(format!("{}{}", sqs.endpoint_url(), path))
        .query(pairs)
        .send()
        .await
        .expect("the fake answers");
    answer(response).await
}

/// An AWS JSON 1.0 request for `action` with `body`.
pub async fn json(sqs: &FakeSqs, action: &str, body: &str) -> Answer {
    let response = reqwest::Client::new()
        .post(sqs.endpoint_url())
        .header("x-amz-target", format!("AmazonSQS.{action}"))
        .header("content-type", "application/x-amz-json-1.0")
        .body(body.to_owned())
        .send()
        .await
        .expect("the fake answers");
    answer(response).await
}

async fn answer(response: reqwest::Response) -> Answer {
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.expect("a text body"),
    }
}
