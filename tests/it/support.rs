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

    /// The error's (status, code, message), read as SDKs read it: for JSON the code from
    /// `x-amzn-query-error` and the body's `message`, for Query `<Code>` and `<Message>`.
    pub fn error(&self) -> (u16, String, String) {
        if let Some(header) = self.headers.get("x-amzn-query-error") {
            let code = header.to_str().unwrap().split(';').next().unwrap();
            let message = self.json()["message"].as_str().unwrap_or("").to_owned();
            return (self.status, code.to_owned(), message);
        }
        let element = |name: &str| {
            let (open, close) = (format!("<{name}>"), format!("</{name}>"));
            let start = self.body.find(&open).map(|i| i + open.len());
            let end = self.body.find(&close);
            match (start, end) {
                (Some(start), Some(end)) => unescape_xml(&self.body[start..end]),
                _ => String::new(),
            }
        };
        (self.status, element("Code"), element("Message"))
    }
}

/// The text of an XML element's content (the five predefined entities).
fn unescape_xml(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A fact recorded from AWS, `fixtures/aws/<name>`.
pub fn aws_fact(name: &str) -> Value {
    let path = format!("{}/fixtures/aws/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
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

/// A Query-protocol POST of `body` exactly as given (no encoding added), for requests no
/// well-behaved client would send.
pub async fn query_raw(sqs: &FakeSqs, body: impl Into<Vec<u8>>) -> Answer {
    let response = reqwest::Client::new()
        .post(sqs.endpoint_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.into())
        .send()
        .await
        .expect("the fake answers");
    answer(response).await
}

/// A Query-protocol GET with `query` as the query string, exactly as given.
pub async fn query_get_raw(sqs: &FakeSqs, query: &str) -> Answer {
    let response = reqwest::Client::new()
        .get(format!("{}/?{query}", sqs.endpoint_url()))
        .send()
        .await
        .expect("the fake answers");
    answer(response).await
}

/// Every answer the tests read passes through here, so every XML answer the suite
/// produces is checked against XML 1.0.
async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.expect("a text body");
    let is_xml = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("xml"));
    if is_xml {
        assert_well_formed_xml(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

/// Panics unless `xml` is a well-formed XML 1.0 document. `roxmltree` is strict: it
/// refuses the characters XML 1.0 forbids (U+0001 to U+001F but tab, LF and CR; U+FFFE;
/// U+FFFF), raw or as character references, as clients' XML parsers do.
pub fn assert_well_formed_xml(xml: &str) {
    if let Err(err) = roxmltree::Document::parse(xml) {
        panic!("not well-formed XML 1.0 ({err}):\n{xml:?}");
    }
}
