//! The worker against fake-sqs: jobs that succeed, a job that fails once, and a poison
//! job that ends in the dead-letter queue. The fake's clock is paused: the tests move it
//! through the backoffs and long polls, so nothing sleeps and every run is the same.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName;
use fake_sqs::{ClockMode, FakeSqs, MessageState};
use fake_sqs_example_worker::{Polled, Worker};

/// A fake with a `jobs` queue whose redrive policy moves a job to `jobs-dlq` after three
/// receives. Returns the fake, a client, and the two queue URLs.
async fn queues() -> (FakeSqs, aws_sdk_sqs::Client, String, String) {
    let sqs = FakeSqs::builder()
        .clock(ClockMode::Paused(None))
        .start()
        .await;
    let client = sqs.client().await;
    let dlq = client
        .create_queue()
        .queue_name("jobs-dlq")
        .send()
        .await
        .unwrap();
    let dlq_url = dlq.queue_url.unwrap();
    let dlq_arn = &sqs.queues()[0].arn;
    let policy = format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"3"}}"#);
    let jobs = client
        .create_queue()
        .queue_name("jobs")
        .attributes(QueueAttributeName::RedrivePolicy, policy)
        .send()
        .await
        .unwrap();
    (sqs, client, jobs.queue_url.unwrap(), dlq_url)
}

async fn send(client: &aws_sdk_sqs::Client, url: &str, body: &str) {
    client
        .send_message()
        .queue_url(url)
        .message_body(body)
        .send()
        .await
        .unwrap();
}

/// One poll of the worker, with the clock moved forward by `by` once the poll waits in
/// the fake (yielding until then, never sleeping).
async fn poll_while_advancing<H>(sqs: &FakeSqs, worker: &Worker<H>, by: Duration) -> Polled
where
    H: Fn(&str) -> Result<(), String>,
{
    let advance = async {
        while sqs.waiting_receives() == 0 {
            tokio::task::yield_now().await;
        }
        sqs.clock().advance(by);
    };
    let (polled, ()) = tokio::join!(worker.poll_once(), advance);
    polled.unwrap()
}

#[tokio::test]
async fn jobs_that_succeed_are_deleted() {
    let (sqs, client, jobs, _) = queues().await;
    send(&client, &jobs, "resize photo.jpg").await;
    send(&client, &jobs, "resize cat.png").await;

    let worker = Worker::new(client, &jobs, |_job: &str| Ok(()));
    let polled = worker.poll_once().await.unwrap();

    assert_eq!(
        polled,
        Polled {
            succeeded: 2,
            failed: 0
        }
    );
    assert!(sqs.messages(&jobs).is_empty());
}

#[tokio::test]
async fn a_failed_job_comes_back_after_its_backoff_and_succeeds() {
    let (sqs, client, jobs, _) = queues().await;
    send(&client, &jobs, "flaky").await;
    let attempts = AtomicU32::new(0);
    let worker = Worker::new(client, &jobs, |_job: &str| {
        match attempts.fetch_add(1, Ordering::SeqCst) {
            0 => Err("timed out".to_owned()),
            _ => Ok(()),
        }
    });

    assert_eq!(worker.poll_once().await.unwrap().failed, 1);
    // Hidden for the first backoff, 1 s, not for the queue's 30 s visibility timeout.
    let back_at = sqs.clock().now() + Duration::from_secs(1);
    assert_eq!(
        sqs.messages(&jobs)[0].state,
        MessageState::InFlight {
            visible_at: back_at
        }
    );

    // The next poll waits; when the backoff is over, the job is back and succeeds.
    let polled = poll_while_advancing(&sqs, &worker, Duration::from_secs(1)).await;
    assert_eq!(
        polled,
        Polled {
            succeeded: 1,
            failed: 0
        }
    );
    assert!(sqs.messages(&jobs).is_empty());
}

#[tokio::test]
async fn a_job_that_keeps_failing_ends_in_the_dead_letter_queue() {
    let (sqs, client, jobs, dlq) = queues().await;
    send(&client, &jobs, "poison").await;
    let worker = Worker::new(client, &jobs, |_job: &str| Err("cannot parse".to_owned()));

    // Three receives, three failures, with backoffs of 1 s and 2 s in between.
    assert_eq!(worker.poll_once().await.unwrap().failed, 1);
    assert_eq!(
        poll_while_advancing(&sqs, &worker, Duration::from_secs(1))
            .await
            .failed,
        1
    );
    assert_eq!(
        poll_while_advancing(&sqs, &worker, Duration::from_secs(2))
            .await
            .failed,
        1
    );
    assert_eq!(sqs.messages(&jobs)[0].receive_count, 3);

    // After the third backoff (4 s) the job is due a fourth receive: the redrive policy
    // moves it to the dead-letter queue instead, and the poll ends empty at its 20 s.
    let polled = poll_while_advancing(&sqs, &worker, Duration::from_secs(4 + 20)).await;
    assert_eq!(polled, Polled::default());
    assert!(sqs.messages(&jobs).is_empty());
    let dead = sqs.messages(&dlq);
    assert_eq!((dead.len(), dead[0].body.as_str()), (1, "poison"));
}
