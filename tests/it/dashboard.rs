//! The dashboard (`GET /_fake-sqs/ui`) as a server answer, and what it relies on in the
//! admin API: `GET /_fake-sqs/move-tasks`, and message peeks that change nothing a
//! client could see however often the page polls them. The page itself, in a browser,
//! is tested by `tests/clients/dashboard.test.mjs`.

use std::time::Duration;

use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName as Q};
use base64::Engine as _;
use fake_sqs::{MoveTaskInfo, MoveTaskStatus};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::admin::{get, post};
use crate::support::{builder, create_queue, fake, fake_and_client};

const ARN: &str = "arn:aws:sqs:us-east-1:000000000000";

/// The text of each `<tag>…</tag>` element of `html`.
fn elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    html.split(open.as_str())
        .skip(1)
        .map(|rest| rest.split(close.as_str()).next().unwrap())
        .collect()
}

fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The page: HTML, one self-contained document that loads nothing from anywhere (no
/// `http://` or `https://` at all, no protocol-relative `src` or `href`), under a
/// Content-Security-Policy that lets its own script and style run (their hashes) and
/// nothing else load. A trailing slash serves it too.
#[tokio::test]
async fn the_dashboard_is_one_page_that_loads_nothing_from_elsewhere() {
    let sqs = fake().await;
    for path in ["ui", "ui/"] {
        let answer = reqwest::get(format!("{}/_fake-sqs/{path}", sqs.endpoint_url()))
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        let headers = answer.headers().clone();
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert_eq!(headers["cache-control"], "no-store");
        let policy = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let html = answer.text().await.unwrap();

        assert!(html.starts_with("<!doctype html>"), "{path}");
        assert!(html.contains("<title>fake-sqs dashboard</title>"));
        for external in ["http://", "https://", "src=\"//", "href=\"//", "@import"] {
            assert!(!html.contains(external), "{external} in the page");
        }
        let (scripts, styles) = (elements(&html, "script"), elements(&html, "style"));
        assert_eq!(
            (scripts.len(), styles.len()),
            (1, 1),
            "all inline, in one each"
        );
        assert!(
            scripts[0].contains("fetch(API + path"),
            "the script is there"
        );
        assert!(policy.starts_with("default-src 'none'; "), "{policy}");
        assert!(policy.contains(&format!("script-src {};", csp_hash(scripts[0]))));
        assert!(policy.contains(&format!("style-src {};", csp_hash(styles[0]))));
        assert!(policy.contains("connect-src 'self';"));
    }
}

/// The index lists the page; a fake without its admin API has no page either.
#[tokio::test]
async fn the_index_lists_the_dashboard_and_a_disabled_admin_api_has_none() {
    let sqs = fake().await;
    let index = get(&sqs, "").await.body;
    let ui = index["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "/_fake-sqs/ui")
        .expect("the index lists the dashboard");
    assert_eq!(ui["method"], "GET");

    let disabled = builder().disable_admin_api().start().await;
    let page = get(&disabled, "ui").await;
    assert_eq!((page.status, page.code()), (404, "admin_api_disabled"));
}

/// `move-tasks` lists every task of every dead-letter queue, each as
/// `FakeSqs::move_tasks()` shows it (a `MoveTaskInfo`): its source and destination,
/// status, counts and rate, and its TaskHandle while it runs; brought to the fake's
/// clock when read, as the next SQS call would.
#[tokio::test]
async fn move_tasks_lists_every_task_with_its_state() {
    let (sqs, client) = fake_and_client().await;
    assert_eq!(
        get(&sqs, "move-tasks").await.body,
        json!({"move_tasks": []})
    );
    let target = create_queue(&client, "target").await;
    for dlq in ["dlq-a", "dlq-b"] {
        let dlq_url = create_queue(&client, dlq).await;
        client
            .create_queue()
            .queue_name(format!("{dlq}-source"))
            .attributes(
                Q::RedrivePolicy,
                format!(r#"{{"deadLetterTargetArn":"{ARN}:{dlq}","maxReceiveCount":3}}"#),
            )
            .send()
            .await
            .unwrap();
        for n in 0..2 {
            client
                .send_message()
                .queue_url(&dlq_url)
                .message_body(format!("{dlq} {n}"))
                .send()
                .await
                .unwrap();
        }
    }
    let handle = client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq-a"))
        .destination_arn(format!("{ARN}:target"))
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .unwrap()
        .task_handle
        .unwrap();
    sqs.clock().advance(Duration::from_millis(500));
    // Without a rate or a destination: at once, each message back to its own source,
    // which these (sent to the dead-letter queue directly) do not have.
    client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq-b"))
        .send()
        .await
        .unwrap();

    let answer = get(&sqs, "move-tasks").await;
    assert_eq!(answer.status, 200);
    let tasks = answer.body["move_tasks"].as_array().unwrap().clone();
    let running = &tasks[0];
    assert_eq!(
        (
            &running["source_arn"],
            &running["destination_arn"],
            &running["status"]
        ),
        (
            &json!(format!("{ARN}:dlq-a")),
            &json!(format!("{ARN}:target")),
            &json!("RUNNING")
        )
    );
    assert_eq!(
        (
            &running["messages_moved"],
            &running["messages_to_move"],
            &running["max_messages_per_second"]
        ),
        (&json!(0), &json!(2), &json!(1))
    );
    assert_eq!(running["started_at"], "2025-01-01T00:00:00.000Z");
    assert_eq!(running["task_handle"], handle);
    assert!(running["task_id"].as_str().is_some_and(|id| !id.is_empty()));
    let failed = &tasks[1];
    assert_eq!(
        (
            &failed["status"],
            &failed["destination_arn"],
            &failed["failure_reason"]
        ),
        (
            &json!("FAILED"),
            &Value::Null,
            &json!("AWS.SimpleQueueService.NonExistentQueue")
        )
    );
    assert_eq!(failed["started_at"], "2025-01-01T00:00:00.500Z");
    assert_eq!(failed["task_handle"], Value::Null);
    let read: Vec<MoveTaskInfo> =
        serde_json::from_value(answer.body["move_tasks"].clone()).unwrap();
    assert_eq!(read, sqs.move_tasks(), "the Rust view, in its serde form");

    // Reading is not what moves them: the clock is.
    assert_eq!(
        get(&sqs, "move-tasks").await.body["move_tasks"][0]["messages_moved"],
        0
    );
    assert_eq!(sqs.queue(&target).visible, 0);
    post(&sqs, "clock/advance", r#"{"by": "1s"}"#).await;
    assert_eq!(
        get(&sqs, "move-tasks").await.body["move_tasks"][0]["messages_moved"],
        1
    );
    post(&sqs, "clock/advance", r#"{"by": "1s"}"#).await;
    let done = &get(&sqs, "move-tasks").await.body["move_tasks"][0];
    assert_eq!(
        (
            &done["status"],
            &done["messages_moved"],
            &done["task_handle"]
        ),
        (&json!("COMPLETED"), &json!(2), &Value::Null)
    );
    assert_eq!(sqs.queue(&target).visible, 2);
    assert_eq!(sqs.move_tasks()[0].status, MoveTaskStatus::Completed);

    // A deleted source's tasks go with it.
    let dlq_a = client
        .get_queue_url()
        .queue_name("dlq-a")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    client.delete_queue().queue_url(dlq_a).send().await.unwrap();
    let left = get(&sqs, "move-tasks").await.body["move_tasks"].clone();
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["source_arn"], format!("{ARN}:dlq-b"));
}

/// The dashboard peeks at a queue's messages every 1.5 s: however often, a peek changes
/// nothing a client sees. Receive counts, first-receive times and visibility stay as
/// they were, a FIFO group is not held, the counts SQS reports do not move, and the
/// journal does not record it.
#[tokio::test]
async fn peeking_at_messages_changes_nothing_a_client_sees() {
    let (sqs, client) = fake_and_client().await;
    let jobs = create_queue(&client, "jobs").await;
    let fifo = client
        .create_queue()
        .queue_name("jobs.fifo")
        .attributes(Q::FifoQueue, "true")
        .attributes(Q::ContentBasedDeduplication, "true")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for body in ["one", "two", "three"] {
        client
            .send_message()
            .queue_url(&jobs)
            .message_body(body)
            .send()
            .await
            .unwrap();
        client
            .send_message()
            .queue_url(&fifo)
            .message_body(body)
            .message_group_id("g")
            .send()
            .await
            .unwrap();
    }
    client
        .receive_message()
        .queue_url(&jobs)
        .visibility_timeout(30)
        .send()
        .await
        .unwrap();
    let (before, journaled) = (
        (sqs.messages(&jobs), sqs.messages(&fifo), sqs.queues()),
        sqs.requests().len(),
    );

    for _ in 0..5 {
        for path in [
            "messages?url=jobs",
            "messages?url=jobs.fifo",
            "queues",
            "move-tasks",
        ] {
            assert_eq!(get(&sqs, path).await.status, 200);
        }
    }

    assert_eq!(
        (sqs.messages(&jobs), sqs.messages(&fifo), sqs.queues()),
        before
    );
    assert_eq!(
        sqs.requests().len(),
        journaled,
        "admin reads are not journaled"
    );
    let counts = client
        .get_queue_attributes()
        .queue_url(&jobs)
        .attribute_names(Q::All)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();
    assert_eq!(
        (
            counts[&Q::ApproximateNumberOfMessages].as_str(),
            counts[&Q::ApproximateNumberOfMessagesNotVisible].as_str()
        ),
        ("2", "1")
    );
    // The two never received are received for the first time; the one in flight stays
    // hidden until its timeout.
    let received = client
        .receive_message()
        .queue_url(&jobs)
        .max_number_of_messages(10)
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap();
    assert_eq!(received.len(), 2);
    for message in &received {
        let attributes = message.attributes.as_ref().unwrap();
        assert_eq!(
            attributes[&MessageSystemAttributeName::ApproximateReceiveCount],
            "1"
        );
    }
    // The FIFO group was not held: its first message is delivered, first.
    let first = client
        .receive_message()
        .queue_url(&fifo)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap();
    assert_eq!(first[0].body(), Some("one"));
}
