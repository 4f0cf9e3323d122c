//! A data directory (issue 18): a fake started again on the directory of one that
//! stopped, or was dropped mid-flight, goes on with the same queues, messages, FIFO
//! state, move tasks and clock; a directory it cannot read is refused at start.

use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_sqs::types::{MessageSystemAttributeName as M, QueueAttributeName as Q};
use fake_sqs::{FakeSqs, MessageState};

use crate::support::{builder, code, create_queue};

/// A fresh directory of this test's own, removed when the test ends.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let path = std::env::temp_dir().join(format!("fake-sqs-it-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        Dir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Up to ten messages of the queue.
async fn receive_ten(
    client: &aws_sdk_sqs::Client,
    url: &str,
) -> aws_sdk_sqs::operation::receive_message::ReceiveMessageOutput {
    client
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap()
}

/// A paused, seeded fake keeping its state in `dir`.
async fn fake_in(dir: &Dir) -> FakeSqs {
    builder().data_dir(dir.path()).start().await
}

#[tokio::test]
async fn messages_and_their_state_outlive_the_fake() {
    let dir = Dir::new("messages");
    let sqs = fake_in(&dir).await;
    let client = sqs.client().await;
    let url = create_queue(&client, "jobs").await;
    for body in ["one", "two", "three"] {
        client
            .send_message()
            .queue_url(&url)
            .message_body(body)
            .send()
            .await
            .unwrap();
    }
    client
        .send_message()
        .queue_url(&url)
        .message_body("later")
        .delay_seconds(60)
        .send()
        .await
        .unwrap();
    let received = client
        .receive_message()
        .queue_url(&url)
        .visibility_timeout(30)
        .send()
        .await
        .unwrap();
    let handle = received.messages()[0].receipt_handle().unwrap().to_owned();
    let second = client
        .receive_message()
        .queue_url(&url)
        .visibility_timeout(30)
        .send()
        .await
        .unwrap();
    let second_handle = second.messages()[0].receipt_handle().unwrap().to_owned();
    let ids_before: Vec<String> = sqs
        .messages("jobs")
        .into_iter()
        .map(|m| m.message_id)
        .collect();
    drop(client);
    drop(sqs);

    let sqs = fake_in(&dir).await;
    let client = sqs.client().await;
    let messages = sqs.messages("jobs");
    let ids: Vec<String> = messages.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(ids, ids_before, "the same messages, in send order");
    let states: Vec<&str> = messages
        .iter()
        .map(|m| match m.state {
            MessageState::Visible => "visible",
            MessageState::InFlight { .. } => "in flight",
            MessageState::Delayed { .. } => "delayed",
        })
        .collect();
    assert_eq!(states, ["in flight", "in flight", "visible", "delayed"]);
    // A receipt handle from before the restart still deletes its message.
    client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(&handle)
        .send()
        .await
        .unwrap();
    // The other comes back when its timeout runs out, on the saved clock, received once
    // before.
    sqs.clock().advance(Duration::from_secs(30));
    let again = client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .message_system_attribute_names(M::ApproximateReceiveCount)
        .send()
        .await
        .unwrap();
    let bodies: Vec<&str> = again.messages().iter().filter_map(|m| m.body()).collect();
    assert_eq!(bodies, ["two", "three"]);
    let count = again.messages()[0].attributes().unwrap()[&M::ApproximateReceiveCount].clone();
    assert_eq!(count, "2");
    // Its new handle deletes it; the one from before the restart is spent.
    let handle = again.messages()[0].receipt_handle().unwrap();
    assert_ne!(handle, second_handle);
    client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(handle)
        .send()
        .await
        .unwrap();
    let jobs = sqs.queue("jobs");
    assert_eq!((jobs.visible, jobs.in_flight, jobs.delayed), (0, 1, 1));
}

#[tokio::test]
async fn a_fifo_queue_keeps_its_deduplication_ids_sequence_and_order() {
    let dir = Dir::new("fifo");
    let sqs = fake_in(&dir).await;
    let client = sqs.client().await;
    let url = client
        .create_queue()
        .queue_name("orders.fifo")
        .attributes(Q::FifoQueue, "true")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let send = |body: &'static str, group: &'static str, dedup: &'static str| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            client
                .send_message()
                .queue_url(url)
                .message_body(body)
                .message_group_id(group)
                .message_deduplication_id(dedup)
                .send()
                .await
                .unwrap()
        }
    };
    let first = send("a1", "a", "d1").await;
    send("b1", "b", "d2").await;
    send("a2", "a", "d3").await;
    let last = send("a3", "a", "d4").await;
    // Group a's head is in flight: the group is blocked.
    let got = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(got.messages()[0].body(), Some("a1"));
    drop(client);
    drop(sqs);

    let sqs = fake_in(&dir).await;
    let client = sqs.client().await;
    // A resent id is still a duplicate: the first message's id and number.
    let resent = client
        .send_message()
        .queue_url(&url)
        .message_body("a1 again")
        .message_group_id("a")
        .message_deduplication_id("d1")
        .send()
        .await
        .unwrap();
    assert_eq!(resent.message_id(), first.message_id());
    assert_eq!(resent.sequence_number(), first.sequence_number());
    // New numbers go on growing.
    let next = client
        .send_message()
        .queue_url(&url)
        .message_body("b2")
        .message_group_id("b")
        .message_deduplication_id("d5")
        .send()
        .await
        .unwrap();
    let number = |s: Option<&str>| s.unwrap().parse::<u128>().unwrap();
    assert!(number(next.sequence_number()) > number(last.sequence_number()));
    // Group a is still blocked by its message in flight; b delivers in order.
    let got = receive_ten(&client, &url).await;
    let bodies: Vec<&str> = got.messages().iter().filter_map(|m| m.body()).collect();
    assert_eq!(bodies, ["b1", "b2"]);
    for message in got.messages() {
        let handle = message.receipt_handle().unwrap();
        client
            .delete_message()
            .queue_url(&url)
            .receipt_handle(handle)
            .send()
            .await
            .unwrap();
    }
    sqs.clock().advance(Duration::from_secs(30));
    let got = receive_ten(&client, &url).await;
    let bodies: Vec<&str> = got.messages().iter().filter_map(|m| m.body()).collect();
    assert_eq!(bodies, ["a1", "a2", "a3"]);
}

#[tokio::test]
async fn queue_settings_deletions_and_purges_are_kept() {
    let dir = Dir::new("queues");
    let sqs = fake_in(&dir).await;
    let client = sqs.client().await;
    let url = create_queue(&client, "jobs").await;
    client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::VisibilityTimeout, "45")
        .send()
        .await
        .unwrap();
    client
        .tag_queue()
        .queue_url(&url)
        .tags("team", "payments")
        .send()
        .await
        .unwrap();
    client
        .add_permission()
        .queue_url(&url)
        .label("partner")
        .aws_account_ids("111122223333")
        .actions("SendMessage")
        .send()
        .await
        .unwrap();
    let purged = create_queue(&client, "purged").await;
    client
        .send_message()
        .queue_url(&purged)
        .message_body("x")
        .send()
        .await
        .unwrap();
    client
        .purge_queue()
        .queue_url(&purged)
        .send()
        .await
        .unwrap();
    let gone = create_queue(&client, "gone").await;
    client
        .send_message()
        .queue_url(&gone)
        .message_body("x")
        .send()
        .await
        .unwrap();
    client.delete_queue().queue_url(&gone).send().await.unwrap();
    drop(client);
    drop(sqs);

    let sqs = fake_in(&dir).await;
    let client = sqs.client().await;
    let names: Vec<String> = sqs.queues().into_iter().map(|q| q.name).collect();
    assert_eq!(names, ["jobs", "purged"]);
    let jobs = sqs.queue("jobs");
    assert_eq!(jobs.attributes["VisibilityTimeout"], "45");
    assert!(jobs.attributes["Policy"].contains("111122223333"));
    assert_eq!(jobs.tags["team"], "payments");
    assert_eq!(sqs.queue("purged").visible, 0);
    // The purge and the deletion are still recent: AWS's cooldowns hold across the restart.
    let again = client
        .purge_queue()
        .queue_url(&purged)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&again), "AWS.SimpleQueueService.PurgeQueueInProgress");
    let recreate = client
        .create_queue()
        .queue_name("gone")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&recreate),
        "AWS.SimpleQueueService.QueueDeletedRecently"
    );
}

#[tokio::test]
async fn dead_lettered_messages_and_move_tasks_are_kept() {
    let dir = Dir::new("dlq");
    let sqs = fake_in(&dir).await;
    let client = sqs.client().await;
    let dlq = create_queue(&client, "jobs-dlq").await;
    let dlq_arn = sqs.queue("jobs-dlq").arn;
    let url = client
        .create_queue()
        .queue_name("jobs")
        .attributes(
            Q::RedrivePolicy,
            format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"1"}}"#),
        )
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for body in ["a", "b"] {
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
        .max_number_of_messages(10)
        .visibility_timeout(1)
        .send()
        .await
        .unwrap();
    sqs.clock().advance(Duration::from_secs(1));
    // The second receive moves both to the dead-letter queue.
    client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(sqs.queue("jobs-dlq").visible, 2);
    client
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .unwrap();
    drop(client);
    drop(sqs);

    let sqs = fake_in(&dir).await;
    let client = sqs.client().await;
    assert_eq!(sqs.queue("jobs-dlq").visible, 2);
    let tasks = client
        .list_message_move_tasks()
        .source_arn(&dlq_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(tasks.results()[0].status(), Some("RUNNING"));
    // One message a second, on the saved clock.
    sqs.clock().advance(Duration::from_secs(1));
    assert_eq!(sqs.queue("jobs-dlq").visible, 1);
    sqs.clock().advance(Duration::from_secs(1));
    assert_eq!(sqs.queue("jobs").visible, 2);
    let _ = dlq;
}

#[tokio::test]
async fn a_reset_empties_the_data_directory_too() {
    let dir = Dir::new("reset");
    let sqs = fake_in(&dir).await;
    let client = sqs.client().await;
    create_queue(&client, "jobs").await;
    sqs.reset();
    create_queue(&client, "after").await;
    drop(client);
    drop(sqs);

    let sqs = fake_in(&dir).await;
    let names: Vec<String> = sqs.queues().into_iter().map(|q| q.name).collect();
    assert_eq!(names, ["after"]);
}

#[tokio::test]
async fn a_directory_the_fake_cannot_read_is_refused_at_start() {
    let dir = Dir::new("refused");
    std::fs::create_dir_all(dir.path()).unwrap();
    std::fs::write(
        dir.path().join("fake-sqs.sqlite3"),
        b"not a database, just bytes",
    )
    .unwrap();
    let err = builder()
        .data_dir(dir.path())
        .try_start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not a SQLite database"), "{err}");

    let other = Dir::new("dialect");
    drop(fake_in(&other).await);
    let err = builder()
        .dialect(fake_sqs::Dialect::Yandex)
        .data_dir(other.path())
        .try_start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("aws dialect"), "{err}");
}

#[tokio::test]
async fn message_attributes_and_system_attributes_read_back_the_same() {
    use aws_sdk_sqs::primitives::Blob;
    use aws_sdk_sqs::types::MessageSystemAttributeValue;
    use aws_sdk_sqs::types::{MessageAttributeValue, MessageSystemAttributeNameForSends as S};
    let dir = Dir::new("attributes");
    let sqs = fake_in(&dir).await;
    let client = sqs.client().await;
    let url = create_queue(&client, "jobs").await;
    let sent = client
        .send_message()
        .queue_url(&url)
        .message_body("with attributes")
        .message_attributes(
            "kind",
            MessageAttributeValue::builder()
                .data_type("String")
                .string_value("order")
                .build()
                .unwrap(),
        )
        .message_attributes(
            "parts",
            MessageAttributeValue::builder()
                .data_type("Binary")
                .binary_list_values(Blob::new(vec![1, 2]))
                .binary_list_values(Blob::new(vec![3]))
                .build()
                .unwrap(),
        )
        .message_system_attributes(
            S::AwsTraceHeader,
            MessageSystemAttributeValue::builder()
                .data_type("String")
                .string_value("Root=1-5759e988-bd862e3fe1be46a994272793")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let before = sqs.messages("jobs");
    drop(client);
    drop(sqs);

    let sqs = fake_in(&dir).await;
    let client = sqs.client().await;
    let after = sqs.messages("jobs");
    assert_eq!(after[0].attributes, before[0].attributes);
    assert_eq!(after[0].sent_at, before[0].sent_at);
    assert_eq!(after[0].sender_id, before[0].sender_id);
    assert_eq!(
        after[0].trace_header.as_deref(),
        Some("Root=1-5759e988-bd862e3fe1be46a994272793")
    );
    let got = client
        .receive_message()
        .queue_url(&url)
        .message_attribute_names("All")
        .send()
        .await
        .unwrap();
    let message = &got.messages()[0];
    assert_eq!(message.message_id(), sent.message_id());
    assert_eq!(message.md5_of_body(), sent.md5_of_message_body());
    assert_eq!(
        message.md5_of_message_attributes(),
        sent.md5_of_message_attributes()
    );
    let parts = &message.message_attributes().unwrap()["parts"];
    assert_eq!(parts.binary_list_values().len(), 2);
}
