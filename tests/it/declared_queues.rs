//! Queues declared up front, with `FakeSqsBuilder::queue` or a config file: created at
//! start with their attributes, tags and dead-letter wiring, again by every reset, and
//! refused with the file, line and reason when CreateQueue would refuse them. The file
//! tests need feature `config`, which `cargo test` in the workspace turns on (the
//! command, `cli/`, uses it); the command's `--config` is tested in `cli/tests`.

#[cfg(feature = "config")]
use std::path::PathBuf;
use std::time::Duration;

use aws_sdk_sqs::types::MessageSystemAttributeName as Attr;
use fake_sqs::{ConfigError, FakeSqsBuilder, QueueConfig};

use crate::support::builder;

/// A file with `text` in the temp directory, removed on drop.
#[cfg(feature = "config")]
struct TempFile(PathBuf);

#[cfg(feature = "config")]
impl TempFile {
    fn new(name: &str, text: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("fake-sqs-{}-{name}.toml", std::process::id()));
        std::fs::write(&path, text).unwrap();
        TempFile(path)
    }
}

#[cfg(feature = "config")]
impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The config error a builder stops at: from reading the file, or from starting.
async fn config_error(builder: FakeSqsBuilder) -> ConfigError {
    let err = builder
        .try_start()
        .await
        .expect_err("the fake does not start");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    err.get_ref()
        .and_then(|e| e.downcast_ref::<ConfigError>())
        .expect("a ConfigError inside")
        .clone()
}

/// Declared before its dead-letter queue, a queue still gets the RedrivePolicy to it,
/// and a message received too often moves there, as after CreateQueue calls.
#[tokio::test]
async fn a_declared_dead_letter_queue_is_wired_whatever_the_order() {
    let sqs = builder()
        .queue(
            QueueConfig::new("jobs")
                .attribute("VisibilityTimeout", "10")
                .tag("team", "billing")
                .dead_letter("jobs-dlq", 2),
        )
        .queue(QueueConfig::new("jobs-dlq").attribute("MessageRetentionPeriod", "1209600"))
        .start()
        .await;
    let jobs = sqs.queue("jobs");
    let dlq = sqs.queue("jobs-dlq");
    assert_eq!(jobs.attributes["VisibilityTimeout"], "10");
    assert_eq!(jobs.tags["team"], "billing");
    assert_eq!(dlq.attributes["MessageRetentionPeriod"], "1209600");

    let client = sqs.client().await;
    let sources = client
        .list_dead_letter_source_queues()
        .queue_url(&dlq.url)
        .send()
        .await
        .unwrap();
    assert_eq!(sources.queue_urls(), std::slice::from_ref(&jobs.url));
    client
        .send_message()
        .queue_url(&jobs.url)
        .message_body("poison")
        .send()
        .await
        .unwrap();
    for _ in 0..2 {
        let got = client
            .receive_message()
            .queue_url(&jobs.url)
            .send()
            .await
            .unwrap();
        assert_eq!(got.messages().len(), 1);
        sqs.clock().advance(Duration::from_secs(11));
    }
    assert!(client
        .receive_message()
        .queue_url(&jobs.url)
        .send()
        .await
        .unwrap()
        .messages()
        .is_empty());
    let dead = client
        .receive_message()
        .queue_url(&dlq.url)
        .message_system_attribute_names(Attr::DeadLetterQueueSourceArn)
        .send()
        .await
        .unwrap();
    assert_eq!(dead.messages()[0].body(), Some("poison"));
    assert_eq!(
        dead.messages()[0].attributes().unwrap()[&Attr::DeadLetterQueueSourceArn],
        jobs.arn
    );
}

/// A reset takes the fake back to its declared queues, empty and wired as at start;
/// queues created since are gone.
#[tokio::test]
async fn a_reset_returns_to_the_declared_queues() {
    let sqs = builder()
        .queue(QueueConfig::new("jobs").dead_letter("jobs-dlq", 1))
        .queue(QueueConfig::new("jobs-dlq"))
        .start()
        .await;
    let at_start = sqs.queues();
    let client = sqs.client().await;
    client
        .send_message()
        .queue_url(&at_start[0].url)
        .message_body("a")
        .send()
        .await
        .unwrap();
    client
        .create_queue()
        .queue_name("scratch")
        .send()
        .await
        .unwrap();
    client
        .delete_queue()
        .queue_url(&at_start[1].url)
        .send()
        .await
        .unwrap();

    sqs.reset();
    assert_eq!(sqs.queues(), at_start);
}

/// A name ending in `.fifo` makes a FIFO queue without `FifoQueue`; a queue may belong
/// to another region and account, and a client of that region and account sees it.
#[tokio::test]
async fn fifo_names_and_other_owners() {
    let sqs = builder()
        .queue(QueueConfig::new("orders.fifo").attribute("ContentBasedDeduplication", "true"))
        .queue(
            QueueConfig::new("jobs")
                .region("eu-west-1")
                .account_id("123456789012"),
        )
        .start()
        .await;
    let orders = sqs.queue("orders.fifo");
    assert!(orders.fifo);
    assert_eq!(orders.attributes["ContentBasedDeduplication"], "true");

    let jobs = sqs.queues().into_iter().find(|q| q.name == "jobs").unwrap();
    assert_eq!(
        (jobs.region.as_str(), jobs.account_id.as_str()),
        ("eu-west-1", "123456789012")
    );
    assert_eq!(jobs.arn, "arn:aws:sqs:eu-west-1:123456789012:jobs");
    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
        .region(aws_sdk_sqs::config::Region::new("eu-west-1"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "123456789012",
            "s",
            None,
            None,
            "test",
        ))
        .build();
    let there = aws_sdk_sqs::Client::from_conf(config);
    let url = there
        .get_queue_url()
        .queue_name("jobs")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    assert_eq!(url, jobs.url);
}

/// A declaration CreateQueue would refuse stops the start with the queue, the
/// attribute and SQS's reason; `start()` panics with it.
#[tokio::test]
async fn a_declaration_create_queue_refuses_stops_the_start() {
    let err =
        config_error(builder().queue(QueueConfig::new("jobs").attribute("DelaySeconds", "901")))
            .await;
    assert_eq!(
        err.to_string(),
        "queue \"jobs\": attribute DelaySeconds: Invalid value for the parameter DelaySeconds. (InvalidAttributeValue)"
    );
    assert_eq!((err.file, err.line), (None, None));

    let err = config_error(builder().queue(QueueConfig::new("bad name!"))).await;
    assert!(
        err.reason
            .starts_with("queue \"bad name!\": Can only include alphanumeric characters"),
        "{err}"
    );

    let err = config_error(builder().queue(QueueConfig::new("jobs").tag("", "x"))).await;
    assert!(
        err.reason.starts_with("queue \"jobs\": tag \"\": "),
        "{err}"
    );
    assert!(
        err.reason.contains("Tag keys must be between 1 and 128"),
        "{err}"
    );

    // A FIFO queue's dead-letter queue must be FIFO too: SQS's reason, at the wiring.
    let err = config_error(
        builder()
            .queue(QueueConfig::new("orders.fifo").dead_letter("dlq", 3))
            .queue(QueueConfig::new("dlq")),
    )
    .await;
    assert!(err.reason.starts_with("queue \"orders.fifo\": "), "{err}");
    assert!(err.reason.ends_with("(InvalidParameterValue)"), "{err}");
}

#[tokio::test]
#[should_panic(expected = "FakeSqs cannot start: queue \"jobs\": attribute VisibilityTimeout")]
async fn start_panics_with_the_config_error() {
    builder()
        .queue(QueueConfig::new("jobs").attribute("VisibilityTimeout", "-1"))
        .start()
        .await;
}

/// What only the declarations can get wrong: a queue declared twice, a dead-letter
/// queue that is not declared, a cycle of them, or both kinds of wiring at once.
#[tokio::test]
async fn declarations_that_contradict_each_other_are_refused() {
    let err = config_error(
        builder()
            .queue(QueueConfig::new("a"))
            .queue(QueueConfig::new("a")),
    )
    .await;
    assert_eq!(err.reason, "queue \"a\": declared twice");
    let err = config_error(builder().queue(QueueConfig::new("a").dead_letter("b", 1))).await;
    assert!(
        err.reason
            .starts_with("queue \"a\": its dead-letter queue \"b\" is not declared"),
        "{err}"
    );
    let err = config_error(
        builder()
            .queue(QueueConfig::new("a").dead_letter("b", 1))
            .queue(QueueConfig::new("b").dead_letter("c", 1))
            .queue(QueueConfig::new("c").dead_letter("b", 1)),
    )
    .await;
    assert_eq!(
        err.reason,
        "queue \"b\": dead-letter queues form a cycle: b → c → b"
    );
    let err = config_error(
        builder()
            .queue(
                QueueConfig::new("a")
                    .dead_letter("b", 1)
                    .attribute("RedrivePolicy", "{}"),
            )
            .queue(QueueConfig::new("b")),
    )
    .await;
    assert!(
        err.reason.contains("both dead_letter and a RedrivePolicy"),
        "{err}"
    );
    // The same name in two regions is two queues.
    builder()
        .queue(QueueConfig::new("a"))
        .queue(QueueConfig::new("a").region("eu-west-1"))
        .start()
        .await;
}

/// A config file: the queues of `fixtures/queues.toml` start, and a RedrivePolicy
/// written out with an ARN is wired too, its queue created first.
#[cfg(feature = "config")]
#[tokio::test]
async fn the_example_config_file_starts() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/queues.toml");
    let sqs = builder().config_file(fixture).unwrap().start().await;
    let names: Vec<(String, String)> = sqs
        .queues()
        .into_iter()
        .map(|q| (q.name, q.region))
        .collect();
    assert_eq!(
        names,
        [
            ("jobs".into(), "eu-west-1".into()),
            ("jobs".into(), "us-east-1".into()),
            ("jobs-dlq".into(), "us-east-1".into()),
            ("orders.fifo".into(), "us-east-1".into()),
        ]
    );
    let dlq = sqs.queue("jobs-dlq");
    assert_eq!(
        dlq.attributes["RedriveAllowPolicy"],
        r#"{"redrivePermission":"allowAll"}"#
    );

    let file = TempFile::new(
        "arn",
        r#"
[[queue]]
name = "jobs"
attributes.RedrivePolicy = '{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq", "maxReceiveCount": "4"}'

[[queue]]
name = "dlq"
"#,
    );
    let sqs = builder().config_file(&file.0).unwrap().start().await;
    assert!(sqs.queue("jobs").attributes["RedrivePolicy"].contains(":dlq"));
}

/// Errors in a file name the file, the line and the column (where the key is written)
/// and the reason: TOML that does not parse, a field no queue has, a value CreateQueue
/// refuses (found at start), a dead-letter queue not declared.
#[cfg(feature = "config")]
#[tokio::test]
async fn errors_in_a_file_name_the_file_and_line() {
    let check = |text: &str, line: usize, column: usize, reason: &str| {
        let file = TempFile::new(&format!("bad{line}{column}"), text);
        let expected_path = file.0.clone();
        let reason = reason.to_owned();
        async move {
            let err = match fake_sqs::FakeSqs::builder().config_file(&file.0) {
                Err(err) => err,
                Ok(builder) => config_error(builder).await,
            };
            assert_eq!(err.file.as_ref(), Some(&expected_path));
            assert_eq!((err.line, err.column), (Some(line), Some(column)), "{err}");
            assert!(err.reason.starts_with(&reason), "{err}");
            let shown = err.to_string();
            assert!(
                shown.starts_with(&format!("{}:{line}:{column}: ", expected_path.display())),
                "{shown}"
            );
        }
    };
    check("[[queue]]\nname = \"jobs\" x\n", 2, 15, "").await;
    check(
        "[[queue]]\nname = \"jobs\"\nvisibility = 30\n",
        3,
        1,
        "unknown field `visibility`",
    )
    .await;
    check(
        "[queue]\nname = \"jobs\"\n",
        1,
        1,
        "invalid type: map, expected a sequence",
    )
    .await;
    check(
        "[[queue]]\nname = \"jobs\"\nattributes = { DelaySeconds = 0,  VisibilityTimeout = 99999 }\n",
        3,
        35,
        "queue \"jobs\": attribute VisibilityTimeout: Invalid value",
    )
    .await;
    check(
        "[[queue]]\nname = \"jobs\"\n\n[[queue]]\nname = \"work\"\ndead_letter = { queue = \"dlq\", max_receive_count = 3 }\n",
        6,
        1,
        "queue \"work\": its dead-letter queue \"dlq\" is not declared",
    )
    .await;
    check(
        "\n\n[[queue]]\nname = \"a b\"\n",
        4,
        1,
        "queue \"a b\": Can only include",
    )
    .await;
    check(
        "[[queue]]\nname = \"jobs\"\ntags.\"bad!\" = \"x\"\n",
        3,
        6,
        "queue \"jobs\": tag \"bad!\"",
    )
    .await;

    let missing = fake_sqs::FakeSqs::builder()
        .config_file("/nonexistent/queues.toml")
        .unwrap_err();
    assert_eq!(missing.line, None);
    assert!(
        missing
            .to_string()
            .starts_with("/nonexistent/queues.toml: cannot read it: "),
        "{missing}"
    );
}
