use std::time::Duration;
use fake_sqs::{ClockMode, FakeSqs};

#[tokio::test]
async fn unacknowledged_jobs_come_back() -> Result<(), Box<dyn std::error::Error>> {
    // A paused clock: nothing moves until the test says so.
    let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
    let client = sqs.client().await; // aws_sdk_sqs::Client pointed at the fake

    let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
    client.send_message().queue_url(&url).message_body("work").send().await?;
    let first = client.receive_message().queue_url(&url).send().await?;
    assert_eq!(first.messages().len(), 1);

    // The 30 s visibility timeout passes without sleeping.
    sqs.clock().advance(Duration::from_secs(31));
    let again = client.receive_message().queue_url(&url).send().await?;
    assert_eq!(again.messages()[0].body(), Some("work"));

    // Inspect state without disturbing it.
    assert_eq!(sqs.messages(&url)[0].receive_count, 2);
    Ok(())
}
