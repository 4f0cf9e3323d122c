//! Wrong answers that the real clients in `tests/clients/` found, pinned down here so
//! they stay fixed without a Python or Node toolchain.

use crate::support::{create_queue, fake};

/// botocore's Query serializer writes an empty batch as `Entries=` (the JSON member
/// name, no entries); AWS answers `EmptyBatchRequest`, as for a batch with no entries at
/// all, not a type error.
#[tokio::test]
async fn an_empty_query_batch_written_as_entries_is_an_empty_batch() {
    let sqs = fake().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "q").await;
    for action in [
        "SendMessageBatch",
        "DeleteMessageBatch",
        "ChangeMessageVisibilityBatch",
    ] {
        let answer = crate::support::query(
            &sqs,
            &[("Action", action), ("QueueUrl", &url), ("Entries", "")],
        )
        .await;
        assert_eq!(answer.status, 400, "{action}: {}", answer.body);
        assert!(
            answer
                .body
                .contains("<Code>AWS.SimpleQueueService.EmptyBatchRequest</Code>"),
            "{action}: {}",
            answer.body
        );
    }
}

/// Kills the spawned server even when an assertion fails.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary with `args` on port 0 and reads its endpoint URL from the first line
/// of stdout, as scripts do.
fn spawn_binary(args: &[&str]) -> (Server, String) {
    use std::io::BufRead;
    use std::process::{Command, Stdio};

    let child = Command::new(env!("CARGO_BIN_EXE_fake-sqs"))
        .args(["--port", "0"])
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("piped stdout");
    let mut first = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a first line");
    (server, first.trim_end().to_owned())
}

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
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fake-sqs"))
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
