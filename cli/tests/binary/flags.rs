//! The binary's flags and `FAKE_SQS_*` variables for the builder's options: each is
//! listed in `--help`, and each does what the builder option does.

use std::process::Command;

use serde_json::{json, Value};

use crate::support::{spawn_binary as spawn, spawn_binary_with_env as spawn_with_env, BINARY};

/// `GET /_fake-sqs/<path>` on the binary: the status and JSON body.
pub async fn admin_get(endpoint: &str, path: &str) -> (u16, Value) {
    let answer = reqwest::get(format!("{endpoint}/_fake-sqs/{path}"))
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (
        status,
        serde_json::from_str(&answer.text().await.unwrap()).unwrap(),
    )
}

/// A Query request to the binary: the status and body.
async fn query(endpoint: &str, form: &[(&str, &str)]) -> (u16, String) {
    let mut form = form.to_vec();
    form.push(("Version", "2012-11-05"));
    let answer = reqwest::Client::new()
        .post(endpoint)
        .form(&form)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

/// Every option that makes sense on a command line is in `--help`, with its variable.
#[test]
fn help_lists_every_flag_and_variable() {
    let help = Command::new(BINARY).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for (flag, variable) in [
        ("--host", "FAKE_SQS_HOST"),
        ("--port", "FAKE_SQS_PORT"),
        ("--dialect", "FAKE_SQS_DIALECT"),
        ("--region", "FAKE_SQS_REGION"),
        ("--account-id", "FAKE_SQS_ACCOUNT_ID"),
        ("--seed", "FAKE_SQS_SEED"),
        ("--config", "FAKE_SQS_CONFIG"),
        ("--clock", "FAKE_SQS_CLOCK"),
        ("--clock-start", "FAKE_SQS_CLOCK_START"),
        (
            "--allow-immediate-queue-recreation",
            "FAKE_SQS_ALLOW_IMMEDIATE_QUEUE_RECREATION",
        ),
        ("--allow-repeated-purge", "FAKE_SQS_ALLOW_REPEATED_PURGE"),
        ("--in-flight-limit", "FAKE_SQS_IN_FLIGHT_LIMIT"),
        ("--verify-signatures", "FAKE_SQS_VERIFY_SIGNATURES"),
        ("--disable-admin-api", "FAKE_SQS_DISABLE_ADMIN_API"),
        ("--advertised-url", "FAKE_SQS_ADVERTISED_URL"),
        ("--credential", "FAKE_SQS_CREDENTIALS"),
        ("--threads", "FAKE_SQS_THREADS"),
    ] {
        assert!(help.contains(flag), "{flag} in {help}");
        assert!(help.contains(variable), "{variable} in {help}");
    }
}

/// `--clock paused --clock-start` starts a paused clock there; the variables do the
/// same for auto-advance.
#[tokio::test]
async fn the_clock_flags_set_the_mode_and_start() {
    let (_server, endpoint) =
        spawn(&["--clock", "paused", "--clock-start", "2025-01-01T00:00:00Z"]);
    let (status, clock) = admin_get(&endpoint, "clock").await;
    assert_eq!(status, 200);
    assert_eq!(
        clock,
        json!({"now": "2025-01-01T00:00:00.000Z", "now_ms": 1_735_689_600_000u64, "mode": "paused"})
    );

    let (_server, endpoint) = spawn_with_env(
        &[],
        &[
            ("FAKE_SQS_CLOCK", "auto-advance"),
            ("FAKE_SQS_CLOCK_START", "2030-01-01T00:00:00Z"),
        ],
    );
    let (_, clock) = admin_get(&endpoint, "clock").await;
    assert_eq!(
        (&clock["mode"], &clock["now"]),
        (&json!("auto_advance"), &json!("2030-01-01T00:00:00.000Z"))
    );
}

/// A start time without a clock that stands still, or an unknown mode, is a usage
/// error: status 2.
#[test]
fn clock_flags_that_do_not_fit_are_a_usage_error() {
    for args in [
        &["--clock-start", "2025-01-01T00:00:00Z"][..],
        &["--clock", "frozen"],
        &["--clock", "paused", "--clock-start", "tomorrow"],
    ] {
        let out = Command::new(BINARY)
            .args(["--port", "0"])
            .args(args)
            .env("RUST_LOG", "off")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
    }
}

/// The relaxations and the in-flight limit, as flags and as variables.
#[tokio::test]
async fn relaxations_and_the_in_flight_limit() {
    for (args, env) in [
        (
            &[
                "--allow-immediate-queue-recreation",
                "--allow-repeated-purge",
                "--in-flight-limit",
                "1",
            ][..],
            &[][..],
        ),
        (
            &[][..],
            &[
                ("FAKE_SQS_ALLOW_IMMEDIATE_QUEUE_RECREATION", "true"),
                ("FAKE_SQS_ALLOW_REPEATED_PURGE", "true"),
                ("FAKE_SQS_IN_FLIGHT_LIMIT", "1"),
            ][..],
        ),
    ] {
        let (_server, endpoint) = spawn_with_env(args, env);
        let (_, created) = query(&endpoint, &[("Action", "CreateQueue"), ("QueueName", "q")]).await;
        let url = created
            .split("<QueueUrl>")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_owned();
        for _ in 0..2 {
            let (status, body) =
                query(&endpoint, &[("Action", "PurgeQueue"), ("QueueUrl", &url)]).await;
            assert_eq!(status, 200, "{body}");
        }
        for body in ["a", "b"] {
            query(
                &endpoint,
                &[
                    ("Action", "SendMessage"),
                    ("QueueUrl", &url),
                    ("MessageBody", body),
                ],
            )
            .await;
        }
        let receive = [("Action", "ReceiveMessage"), ("QueueUrl", url.as_str())];
        assert_eq!(query(&endpoint, &receive).await.0, 200);
        let (status, body) = query(&endpoint, &receive).await;
        assert_eq!(status, 403, "{body}");
        assert!(body.contains("<Code>OverLimit</Code>"), "{body}");
        query(&endpoint, &[("Action", "DeleteQueue"), ("QueueUrl", &url)]).await;
        let (status, body) =
            query(&endpoint, &[("Action", "CreateQueue"), ("QueueName", "q")]).await;
        assert_eq!(status, 200, "{body}");
    }
}

/// Without the flags, AWS's rules hold: a second purge within a minute is refused.
#[tokio::test]
async fn without_the_flags_aws_rules_hold() {
    let (_server, endpoint) = spawn(&[]);
    let (_, created) = query(&endpoint, &[("Action", "CreateQueue"), ("QueueName", "q")]).await;
    let url = created
        .split("<QueueUrl>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        query(&endpoint, &[("Action", "PurgeQueue"), ("QueueUrl", &url)])
            .await
            .0,
        200
    );
    let (status, body) = query(&endpoint, &[("Action", "PurgeQueue"), ("QueueUrl", &url)]).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("PurgeQueueInProgress"), "{body}");
}

/// `--disable-admin-api` (or its variable) leaves a bare SQS endpoint: admin paths get
/// the JSON error.
#[tokio::test]
async fn the_admin_api_can_be_disabled() {
    for (args, env) in [
        (&["--disable-admin-api"][..], &[][..]),
        (&[][..], &[("FAKE_SQS_DISABLE_ADMIN_API", "true")][..]),
    ] {
        let (_server, endpoint) = spawn_with_env(args, env);
        let (status, body) = admin_get(&endpoint, "clock").await;
        assert_eq!((status, &body["code"]), (404, &json!("admin_api_disabled")));
        assert_eq!(query(&endpoint, &[("Action", "ListQueues")]).await.0, 200);
    }
    let (_server, endpoint) = spawn_with_env(&[], &[("FAKE_SQS_DISABLE_ADMIN_API", "false")]);
    assert_eq!(admin_get(&endpoint, "clock").await.0, 200);
}
