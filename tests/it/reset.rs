//! One fake for many tests: `reset()` puts it back as it started, on the same port, so a
//! `static` fake can serve a whole test binary. And dropping a fake answers the long
//! polls still waiting on it.

use std::sync::LazyLock;
use std::time::{Duration, UNIX_EPOCH};

use fake_sqs::{Dialect, FakeSqs};

use crate::support::{builder, code, create_queue, fake_and_client, START_SECS};

/// The fake every test of this binary that shares one uses, started on first use.
static SHARED: LazyLock<FakeSqs> = LazyLock::new(|| builder().start_blocking());

/// Tests that reset [`SHARED`] take turns, since tests run in parallel.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Sends one message to a new queue `jobs` and returns what a test would snapshot.
async fn first_steps(sqs: &FakeSqs) -> (String, String, u64) {
    let client = sqs.client().await;
    let url = create_queue(&client, "jobs").await;
    let sent = client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap();
    let sent_at = sqs.messages(&url)[0]
        .sent_at
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    (
        url.replace(&sqs.endpoint_url(), "ENDPOINT"),
        sent.message_id.unwrap(),
        sent_at,
    )
}

/// After a reset, the shared fake answers exactly as a fresh fake with the same builder
/// does: same URLs, same seeded ids, same clock.
#[tokio::test]
async fn a_reset_shared_fake_answers_as_a_fresh_one() {
    let _turn = TURN.lock().await;
    SHARED.reset();
    SHARED.clock().advance(Duration::from_secs(3600));
    first_steps(&SHARED).await;

    SHARED.reset();
    let fresh = first_steps(&builder().start().await).await;
    assert_eq!(first_steps(&SHARED).await, fresh);
    assert_eq!(fresh.2, START_SECS);
}

/// A second test on the shared fake: it sees none of the other's queues.
#[tokio::test]
async fn each_test_on_the_shared_fake_starts_empty() {
    let _turn = TURN.lock().await;
    SHARED.reset();
    assert!(SHARED.queues().is_empty());
    let client = SHARED.client().await;
    create_queue(&client, "mine").await;
    assert_eq!(SHARED.queues().len(), 1);
}

/// Every queue of every account and region goes, and the cooldowns with them; the port
/// stays, so a client made before the reset still works after it.
#[tokio::test]
async fn reset_clears_every_queue_and_cooldown_and_keeps_the_port() {
    let sqs = builder().start().await;
    let client = sqs.client().await;
    let endpoint = sqs.endpoint_url();
    let kept = create_queue(&client, "kept").await;
    let doomed = create_queue(&client, "doomed").await;
    let elsewhere = aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
            .region(aws_sdk_sqs::config::Region::new("eu-west-1"))
            .build(),
    );
    create_queue(&elsewhere, "kept").await;
    client
        .send_message()
        .queue_url(&kept)
        .message_body("a")
        .send()
        .await
        .unwrap();
    client.purge_queue().queue_url(&kept).send().await.unwrap();
    client
        .delete_queue()
        .queue_url(&doomed)
        .send()
        .await
        .unwrap();
    assert_eq!(sqs.queues().len(), 2);

    sqs.reset();

    assert!(sqs.queues().is_empty());
    assert_eq!(sqs.endpoint_url(), endpoint);
    // No QueueDeletedRecently, no PurgeQueueInProgress: the fake forgot both.
    assert_eq!(create_queue(&client, "doomed").await, doomed);
    assert_eq!(create_queue(&client, "kept").await, kept);
    client.purge_queue().queue_url(&kept).send().await.unwrap();
    assert_eq!(sqs.queues().len(), 2);
}

/// A long poll waiting when the fake is reset finds its queue gone, as after DeleteQueue.
#[tokio::test]
async fn a_poll_waiting_across_a_reset_finds_its_queue_gone() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    let poll = tokio::spawn(
        client
            .receive_message()
            .queue_url(&url)
            .wait_time_seconds(20)
            .send(),
    );
    sqs.wait_for_receivers(1).await;
    sqs.reset();
    let err = poll.await.unwrap().unwrap_err();
    assert_eq!(code(&err), "AWS.SimpleQueueService.NonExistentQueue");
    sqs.wait_for_receivers(0).await;
}

/// In the Scaleway dialect a reset goes back to the activated project and the
/// builder's credentials: the client keeps working.
#[tokio::test]
async fn reset_keeps_the_dialects_starting_records() {
    let sqs = builder().dialect(Dialect::Scaleway).start().await;
    let client = sqs.client().await;
    create_queue(&client, "before").await;
    sqs.reset();
    create_queue(&client, "after").await;
    let names: Vec<_> = sqs.queues().into_iter().map(|q| q.name).collect();
    assert_eq!(names, ["after"]);
}

/// Dropping the fake answers a waiting long poll at once, empty, instead of closing its
/// connection (which the SDK would retry against a port no longer listening).
#[tokio::test]
async fn dropping_the_fake_answers_waiting_polls_empty() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("later")
        .delay_seconds(900)
        .send()
        .await
        .unwrap();
    let polls: Vec<_> = (0..3)
        .map(|_| {
            tokio::spawn(
                client
                    .receive_message()
                    .queue_url(&url)
                    .wait_time_seconds(20)
                    .send(),
            )
        })
        .collect();
    sqs.wait_for_receivers(3).await;
    drop(sqs);
    for poll in polls {
        let answer = poll
            .await
            .unwrap()
            .expect("an answer, not a dispatch error");
        assert!(answer.messages().is_empty());
    }
}
