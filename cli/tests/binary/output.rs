//! What the binary prints and serves for the flags it is given, and how it fails.

use crate::support::{spawn_binary, BINARY};

/// Scripts start the binary on port 0 and read its endpoint URL from the first line of
/// stdout; the logs (which used to come first) go to stderr.
#[tokio::test]
async fn the_binary_prints_only_its_endpoint_url_on_stdout() {
    let (_server, endpoint) = spawn_binary(&["--seed", "7"]);
    assert!(
        endpoint.starts_with("http://127.0.0.1:") && !endpoint.ends_with(":0"),
        "first line: {endpoint:?}"
    );
    let answer = reqwest::Client::new()
        .post(&endpoint)
        .form(&[("Action", "ListQueues"), ("Version", "2012-11-05")])
        .send()
        .await
        .expect("the binary answers");
    assert_eq!(answer.status(), 200);
}

/// `--dialect yandex` makes the binary behave like Yandex: a JSON request is refused
/// with MissingAction, in XML.
#[tokio::test]
async fn the_binary_serves_the_dialect_it_is_given() {
    let (_server, endpoint) = spawn_binary(&["--dialect", "yandex"]);
    let answer = reqwest::Client::new()
        .post(&endpoint)
        .header("x-amz-target", "AmazonSQS.ListQueues")
        .header("content-type", "application/x-amz-json-1.0")
        .body("{}")
        .send()
        .await
        .expect("the binary answers");
    assert_eq!(answer.status(), 400);
    let body = answer.text().await.unwrap();
    assert!(body.contains("<Code>MissingAction</Code>"), "{body}");
}

/// `--advertised-url` puts the given URL, not the listening address, in queue URLs.
#[tokio::test]
async fn the_binary_advertises_the_url_it_is_given() {
    let (_server, endpoint) = spawn_binary(&["--advertised-url", "http://sqs.test:9324/"]);
    let answer = reqwest::Client::new()
        .post(&endpoint)
        .form(&[
            ("Action", "CreateQueue"),
            ("QueueName", "jobs"),
            ("Version", "2012-11-05"),
        ])
        .send()
        .await
        .expect("the binary answers");
    let body = answer.text().await.unwrap();
    assert!(
        body.contains("<QueueUrl>http://sqs.test:9324/000000000000/jobs</QueueUrl>"),
        "{body}"
    );
}

/// A port that is taken is a one-line error and exit code 1, not a panic.
#[test]
fn the_binary_reports_a_taken_port_without_panicking() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = std::process::Command::new(BINARY)
        .args(["--port", &port])
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("fake-sqs: cannot listen on 127.0.0.1:"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Bound to every interface, the binary answers each client with the host it used:
/// reached as `localhost`, its queue URLs name `localhost`.
#[tokio::test]
async fn queue_urls_name_the_host_the_client_used() {
    let (_server, endpoint) = spawn_binary(&["--host", "0.0.0.0"]);
    let port = endpoint.rsplit(':').next().unwrap();
    let answer = reqwest::Client::new()
        .post(format!("http://localhost:{port}/"))
        .form(&[
            ("Action", "CreateQueue"),
            ("QueueName", "jobs"),
            ("Version", "2012-11-05"),
        ])
        .send()
        .await
        .expect("the binary answers");
    let body = answer.text().await.unwrap();
    let expected = format!("<QueueUrl>http://localhost:{port}/000000000000/jobs</QueueUrl>");
    assert!(body.contains(&expected), "{body}");
}

/// `--credential KEY:SECRET:ACCOUNT` makes the binary check signatures: a key it does
/// not know is refused, and a request without any signature is anonymous (nothing
/// grants it ListQueues).
#[tokio::test]
async fn declared_credentials_make_the_binary_strict() {
    let (_server, endpoint) =
        spawn_binary(&["--credential", "AKIAOWNER00000000000:se:cr:et:111111111111"]);
    let client = reqwest::Client::new();
    let list = [("Action", "ListQueues"), ("Version", "2012-11-05")];
    let stranger = client
        .post(&endpoint)
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIASTRANGER00000000/20250101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0",
        )
        .form(&list)
        .send()
        .await
        .expect("the binary answers");
    assert_eq!(stranger.status(), 403);
    let body = stranger.text().await.unwrap();
    assert!(body.contains("<Code>InvalidClientTokenId</Code>"), "{body}");
    let anonymous = client.post(&endpoint).form(&list).send().await.unwrap();
    assert_eq!(anonymous.status(), 403);
    let body = anonymous.text().await.unwrap();
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");
}

/// A malformed `--credential` stops the binary with a message, before it listens.
#[test]
fn a_malformed_credential_is_refused() {
    let output = std::process::Command::new(BINARY)
        .args(["--port", "0", "--credential", "AKIAONLYKEY"])
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("ACCESS_KEY:SECRET_KEY:ACCOUNT_ID"),
        "{stderr}"
    );
}
