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
