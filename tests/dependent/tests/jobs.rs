//! A user's first test: a job that is received and not deleted comes back once its
//! visibility timeout has passed on the fake's clock.

use std::time::Duration;

use fake_sqs::{ClockMode, FakeSqs};

#[tokio::test]
async fn unacknowledged_jobs_come_back() -> Result<(), Box<dyn std::error::Error>> {
    let sqs = FakeSqs::builder()
        .clock(ClockMode::Paused(None))
        .start()
        .await;
    let client = sqs.client().await;

    let url = client
        .create_queue()
        .queue_name("jobs")
        .send()
        .await?
        .queue_url
        .unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("work")
        .send()
        .await?;
    let first = client.receive_message().queue_url(&url).send().await?;
    assert_eq!(first.messages().len(), 1);

    sqs.clock().advance(Duration::from_secs(31));
    let again = client.receive_message().queue_url(&url).send().await?;
    assert_eq!(again.messages()[0].body(), Some("work"));
    assert_eq!(sqs.messages(&url)[0].receive_count, 2);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn works_on_a_multi_thread_runtime() -> Result<(), Box<dyn std::error::Error>> {
    let sqs = FakeSqs::start().await;
    let client = sqs.client().await;
    let url = client
        .create_queue()
        .queue_name("jobs")
        .send()
        .await?
        .queue_url
        .unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("work")
        .send()
        .await?;
    assert_eq!(sqs.queues()[0].visible, 1);
    Ok(())
}
