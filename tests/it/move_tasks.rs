//! Message move tasks: redriving a dead-letter queue on the fake's clock, cancelling,
//! listing, and the errors of rows 156-161.

use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName as Q;
use base64::Engine as _;
use insta::assert_snapshot;

use crate::support::{code, create_queue, fake_and_client, json, message, query};

const ARN: &str = "arn:aws:sqs:us-east-1:000000000000";

/// A DLQ `dlq`, a source `work` with maxReceiveCount 1, and `n` messages moved into the
/// DLQ by receiving each twice. Returns (source url, dlq url).
async fn dead_lettered(client: &aws_sdk_sqs::Client, n: usize) -> (String, String) {
    let dlq = create_queue(client, "dlq").await;
    let source = client
        .create_queue()
        .queue_name("work")
        .attributes(
            Q::RedrivePolicy,
            format!(r#"{{"deadLetterTargetArn":"{ARN}:dlq","maxReceiveCount":1}}"#),
        )
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for i in 0..n {
        client
            .send_message()
            .queue_url(&source)
            .message_body(format!("m{i}"))
            .send()
            .await
            .unwrap();
    }
    for _ in 0..2 {
        loop {
            let got = client
                .receive_message()
                .queue_url(&source)
                .max_number_of_messages(10)
                .visibility_timeout(0)
                .send()
                .await
                .unwrap();
            if got.messages.unwrap_or_default().is_empty() {
                break;
            }
        }
    }
    assert_eq!(visible(client, &dlq).await, n);
    (source, dlq)
}

/// Starts a task moving the `dlq` queue's messages to `target` at `rate` per second.
async fn start_to_target(client: &aws_sdk_sqs::Client, rate: i32) {
    client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq"))
        .destination_arn(format!("{ARN}:target"))
        .max_number_of_messages_per_second(rate)
        .send()
        .await
        .unwrap();
}

async fn visible(client: &aws_sdk_sqs::Client, url: &str) -> usize {
    client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(Q::ApproximateNumberOfMessages)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap()[&Q::ApproximateNumberOfMessages]
        .parse()
        .unwrap()
}

/// Without a DestinationArn every message goes back to its source queue, at once when
/// no rate is given (row 151); the finished task shows no TaskHandle and no
/// DestinationArn.
#[tokio::test]
async fn redrive_without_destination_returns_messages_to_their_source() {
    let (_sqs, client) = fake_and_client().await;
    let (source, dlq) = dead_lettered(&client, 3).await;
    let started = client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq"))
        .send()
        .await
        .unwrap();
    assert!(started.task_handle.is_some());
    assert_eq!(visible(&client, &dlq).await, 0);
    assert_eq!(visible(&client, &source).await, 3);

    let listed = client
        .list_message_move_tasks()
        .source_arn(format!("{ARN}:dlq"))
        .send()
        .await
        .unwrap();
    let results = listed.results.unwrap();
    assert_eq!(results.len(), 1);
    let task = &results[0];
    assert_eq!(task.status.as_deref(), Some("COMPLETED"));
    assert_eq!(task.approximate_number_of_messages_moved, 3);
    assert_eq!(task.approximate_number_of_messages_to_move, Some(3));
    assert_eq!(task.destination_arn, None);
    assert_eq!(task.task_handle, None);

    // Back in the source the messages start over: received never, no DLQ source.
    let back = client
        .receive_message()
        .queue_url(&source)
        .max_number_of_messages(10)
        .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::All)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap();
    assert_eq!(back.len(), 3);
    for m in back {
        let attrs = m.attributes.unwrap();
        assert_eq!(
            attrs[&aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount],
            "1"
        );
        assert!(!attrs.contains_key(
            &aws_sdk_sqs::types::MessageSystemAttributeName::DeadLetterQueueSourceArn
        ));
    }
}

/// With a rate of 10/s and a paused clock, each second moves exactly 10 messages.
#[tokio::test]
async fn a_rate_limited_task_moves_with_the_clock() {
    let (sqs, client) = fake_and_client().await;
    let (_source, dlq) = dead_lettered(&client, 25).await;
    let target = create_queue(&client, "target").await;
    start_to_target(&client, 10).await;
    assert_eq!(visible(&client, &target).await, 0);

    sqs.clock().advance(Duration::from_secs(1));
    assert_eq!(visible(&client, &target).await, 10);
    assert_eq!(visible(&client, &dlq).await, 15);

    let running = client
        .list_message_move_tasks()
        .source_arn(format!("{ARN}:dlq"))
        .send()
        .await
        .unwrap()
        .results
        .unwrap();
    let task = &running[0];
    assert_eq!(task.status.as_deref(), Some("RUNNING"));
    assert_eq!(task.approximate_number_of_messages_moved, 10);
    assert_eq!(task.approximate_number_of_messages_to_move, Some(25));
    assert_eq!(task.max_number_of_messages_per_second, Some(10));
    assert_eq!(
        task.destination_arn.as_deref(),
        Some(&*format!("{ARN}:target"))
    );
    assert!(task.task_handle.is_some());

    sqs.clock().advance(Duration::from_millis(1500));
    assert_eq!(visible(&client, &target).await, 25);
    let done = client
        .list_message_move_tasks()
        .source_arn(format!("{ARN}:dlq"))
        .send()
        .await
        .unwrap()
        .results
        .unwrap();
    assert_eq!(done[0].status.as_deref(), Some("COMPLETED"));
}

/// Cancelling stops the task where it is: moved messages stay moved, the rest stay in
/// the DLQ, and once it is cancelled a second task may start (rows 153-154).
#[tokio::test]
async fn cancel_stops_a_running_task() {
    let (sqs, client) = fake_and_client().await;
    let (source, dlq) = dead_lettered(&client, 10).await;
    let handle = client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq"))
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .unwrap()
        .task_handle
        .unwrap();
    sqs.clock().advance(Duration::from_secs(2));
    let cancelled = client
        .cancel_message_move_task()
        .task_handle(&handle)
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.approximate_number_of_messages_moved, 2);

    sqs.clock().advance(Duration::from_secs(60));
    assert_eq!(visible(&client, &source).await, 2);
    assert_eq!(visible(&client, &dlq).await, 8);
    let listed = client
        .list_message_move_tasks()
        .source_arn(format!("{ARN}:dlq"))
        .send()
        .await
        .unwrap()
        .results
        .unwrap();
    assert_eq!(listed[0].status.as_deref(), Some("CANCELLED"));
    assert_eq!(listed[0].approximate_number_of_messages_moved, 2);
    assert_eq!(listed[0].task_handle, None);

    client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq"))
        .send()
        .await
        .unwrap();
    let both = client
        .list_message_move_tasks()
        .source_arn(format!("{ARN}:dlq"))
        .max_results(10)
        .send()
        .await
        .unwrap()
        .results
        .unwrap();
    let statuses: Vec<_> = both.iter().filter_map(|t| t.status.as_deref()).collect();
    assert_eq!(statuses, ["COMPLETED", "CANCELLED"]);
    assert_eq!(visible(&client, &source).await, 10);
}

/// A cancel does not stop a task at once: it lists `CANCELLING` (without a TaskHandle,
/// which only a running task shows), still holds its source, and moves nothing more;
/// at its next step on the fake's clock it is `CANCELLED` (`fixtures/aws/move-tasks.json`).
#[tokio::test]
async fn a_cancelled_task_is_cancelling_until_its_next_step() {
    let (sqs, client) = fake_and_client().await;
    let (source, dlq) = dead_lettered(&client, 10).await;
    let handle = client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq"))
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .unwrap()
        .task_handle
        .unwrap();
    sqs.clock().advance(Duration::from_millis(2_500));
    let cancelled = client
        .cancel_message_move_task()
        .task_handle(&handle)
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.approximate_number_of_messages_moved, 2);
    let latest = || async {
        client
            .list_message_move_tasks()
            .source_arn(format!("{ARN}:dlq"))
            .send()
            .await
            .unwrap()
            .results
            .unwrap()
            .remove(0)
    };
    let task = latest().await;
    assert_eq!(task.status.as_deref(), Some("CANCELLING"));
    assert_eq!(task.task_handle, None);
    assert_eq!(task.approximate_number_of_messages_moved, 2);

    // Still the source's active task: no second start, no second cancel.
    let err = client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&err),
        "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
    );
    let err = client
        .cancel_message_move_task()
        .task_handle(&handle)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");

    // The next step falls due at 3 s: not a millisecond before.
    sqs.clock().advance(Duration::from_millis(499));
    assert_eq!(latest().await.status.as_deref(), Some("CANCELLING"));
    sqs.clock().advance(Duration::from_millis(1));
    let task = latest().await;
    assert_eq!(task.status.as_deref(), Some("CANCELLED"));
    assert_eq!(task.approximate_number_of_messages_moved, 2);
    sqs.clock().advance(Duration::from_secs(60));
    assert_eq!(visible(&client, &source).await, 2);
    assert_eq!(visible(&client, &dlq).await, 8);
}

/// Deleting the destination while a task runs fails the task at its next step with
/// AWS's FailureReason, `AWS.SimpleQueueService.NonExistentQueue`; what it moved stays
/// moved and the rest stays in the DLQ (row 155; `fixtures/aws/move-tasks.json`).
#[tokio::test]
async fn deleting_the_destination_fails_the_task() {
    let (sqs, client) = fake_and_client().await;
    let (_source, dlq) = dead_lettered(&client, 10).await;
    let target = create_queue(&client, "target").await;
    start_to_target(&client, 1).await;
    sqs.clock().advance(Duration::from_secs(3));
    assert_eq!(visible(&client, &target).await, 3);
    client
        .delete_queue()
        .queue_url(&target)
        .send()
        .await
        .unwrap();
    let status = || async {
        client
            .list_message_move_tasks()
            .source_arn(format!("{ARN}:dlq"))
            .send()
            .await
            .unwrap()
            .results
            .unwrap()
            .remove(0)
    };
    sqs.clock().advance(Duration::from_millis(999));
    assert_eq!(status().await.status.as_deref(), Some("RUNNING"));
    sqs.clock().advance(Duration::from_millis(1));
    let task = status().await;
    assert_eq!(task.status.as_deref(), Some("FAILED"));
    assert_eq!(
        task.failure_reason.as_deref(),
        Some("AWS.SimpleQueueService.NonExistentQueue")
    );
    assert_eq!(task.approximate_number_of_messages_moved, 3);
    assert_eq!(visible(&client, &dlq).await, 7);
}

/// Deleting the dead-letter queue drops its tasks: a queue re-created under the name
/// has none.
#[tokio::test]
async fn deleting_the_source_drops_its_tasks() {
    let (sqs, client) = fake_and_client().await;
    let (_source, dlq) = dead_lettered(&client, 2).await;
    client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq"))
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .unwrap();
    client.delete_queue().queue_url(&dlq).send().await.unwrap();
    let err = client
        .list_message_move_tasks()
        .source_arn(format!("{ARN}:dlq"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ResourceNotFoundException");
    sqs.clock().advance(Duration::from_secs(61));
    create_queue(&client, "dlq").await;
    let listed = client
        .list_message_move_tasks()
        .source_arn(format!("{ARN}:dlq"))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.results.unwrap_or_default().len(), 0);
}

/// The errors of StartMessageMoveTask, CancelMessageMoveTask and ListMessageMoveTasks.
#[tokio::test]
async fn move_task_errors_match_aws() {
    let (sqs, client) = fake_and_client().await;
    dead_lettered(&client, 1).await;
    create_queue(&client, "plain").await;

    let err = client
        .start_message_move_task()
        .source_arn(format!("{ARN}:plain"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert_eq!(
        message(&err),
        "Source queue must be configured as a Dead Letter Queue."
    );

    let err = client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq"))
        .destination_arn(format!("{ARN}:nowhere"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ResourceNotFoundException");
    assert_eq!(
        message(&err),
        "The resource that you specified for the DestinationArn parameter doesn't exist."
    );

    let err = client
        .start_message_move_task()
        .source_arn(format!("{ARN}:nowhere"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ResourceNotFoundException");

    let err = client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq"))
        .max_number_of_messages_per_second(501)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");

    let handle = client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq"))
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .unwrap()
        .task_handle
        .unwrap();
    let err = client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&err),
        "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
    );

    let err = client
        .cancel_message_move_task()
        .task_handle("foobared")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert_eq!(message(&err), "Value for parameter TaskHandle is invalid.");

    let forged = |task: &str, source: &str| {
        base64::engine::general_purpose::STANDARD
            .encode(format!(r#"{{"taskId":"{task}","sourceArn":"{source}"}}"#))
    };
    let err = client
        .cancel_message_move_task()
        .task_handle(forged("x", &format!("{ARN}:nowhere")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ResourceNotFoundException");
    assert_eq!(
        message(&err),
        "The resource that you specified for the SourceArn parameter doesn't exist."
    );
    let err = client
        .cancel_message_move_task()
        .task_handle(forged("x", &format!("{ARN}:dlq")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ResourceNotFoundException");
    assert_eq!(message(&err), "Task does not exist.");

    // The handle is what AWS makes: base64 of the task id and the source ARN.
    let decoded: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(&handle)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(decoded["sourceArn"], format!("{ARN}:dlq"));
    assert_eq!(decoded["taskId"].as_str().unwrap().len(), 36);

    let err = client
        .list_message_move_tasks()
        .source_arn(format!("{ARN}:dlq"))
        .max_results(11)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");

    // JSON: 404 with the ResourceNotFoundException shape.
    let raw = json(
        &sqs,
        "ListMessageMoveTasks",
        &format!(r#"{{"SourceArn":"{ARN}:nowhere"}}"#),
    )
    .await;
    assert_eq!(raw.status, 404);
    assert!(raw.body.contains("ResourceNotFoundException"));
}

/// The Query protocol answer of ListMessageMoveTasks, running and finished.
#[tokio::test]
async fn query_list_message_move_tasks() {
    let (sqs, client) = fake_and_client().await;
    dead_lettered(&client, 4).await;
    create_queue(&client, "target").await;
    start_to_target(&client, 2).await;
    sqs.clock().advance(Duration::from_secs(1));
    let dlq_arn = format!("{ARN}:dlq");
    let running = query(
        &sqs,
        &[("Action", "ListMessageMoveTasks"), ("SourceArn", &dlq_arn)],
    )
    .await;
    assert_snapshot!("query_list_message_move_tasks_running", running.snapshot());
    sqs.clock().advance(Duration::from_secs(1));
    let done = query(
        &sqs,
        &[
            ("Action", "ListMessageMoveTasks"),
            ("SourceArn", &dlq_arn),
            ("MaxResults", "10"),
        ],
    )
    .await;
    assert_snapshot!("query_list_message_move_tasks_completed", done.snapshot());
}

/// Redriving to the original source fails the task when that source is gone; the
/// message stays in the dead-letter queue. (Another source keeps `dlq` a dead-letter
/// queue: with no source left, Start answers row 156's error.)
#[tokio::test]
async fn redrive_to_a_deleted_source_fails_and_keeps_the_messages() {
    let (_sqs, client) = fake_and_client().await;
    let (source, dlq) = dead_lettered(&client, 2).await;
    client
        .create_queue()
        .queue_name("other")
        .attributes(
            Q::RedrivePolicy,
            format!(r#"{{"deadLetterTargetArn":"{ARN}:dlq","maxReceiveCount":1}}"#),
        )
        .send()
        .await
        .unwrap();
    client
        .delete_queue()
        .queue_url(&source)
        .send()
        .await
        .unwrap();
    client
        .start_message_move_task()
        .source_arn(format!("{ARN}:dlq"))
        .send()
        .await
        .unwrap();
    let task = client
        .list_message_move_tasks()
        .source_arn(format!("{ARN}:dlq"))
        .send()
        .await
        .unwrap()
        .results
        .unwrap()
        .remove(0);
    assert_eq!(task.status.as_deref(), Some("FAILED"));
    assert_eq!(
        task.failure_reason.as_deref(),
        Some("AWS.SimpleQueueService.NonExistentQueue")
    );
    assert_eq!(task.approximate_number_of_messages_moved, 0);
    assert_eq!(visible(&client, &dlq).await, 2);
}

/// Inspection shows what a rate-limited task has moved by the fake's clock, without an
/// SQS call in between.
#[tokio::test]
async fn inspection_sees_what_a_task_moved_by_now() {
    let (sqs, client) = fake_and_client().await;
    let (_source, _dlq) = dead_lettered(&client, 25).await;
    let target = create_queue(&client, "target").await;
    start_to_target(&client, 10).await;
    sqs.clock().advance(Duration::from_secs(1));
    assert_eq!(sqs.messages(&target).len(), 10);
    let moved = sqs
        .queues()
        .into_iter()
        .find(|q| q.name == "target")
        .unwrap();
    assert_eq!(moved.visible, 10);
}
