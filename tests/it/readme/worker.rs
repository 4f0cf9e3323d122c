use std::time::Duration;
use aws_sdk_sqs::Client;
use fake_sqs::{ClockMode, FakeSqs};

/// The code under test: a worker that long-polls for jobs and deletes each one it has done.
async fn work(client: Client, url: String, jobs: usize) -> Result<Vec<String>, aws_sdk_sqs::Error> {
    let mut done = Vec::new();
    while done.len() < jobs {
        let received = client.receive_message().queue_url(&url).wait_time_seconds(20).send().await?;
        for message in received.messages() {
            done.push(message.body().unwrap_or_default().to_owned());
            let handle = message.receipt_handle().unwrap_or_default();
            client.delete_message().queue_url(&url).receipt_handle(handle).send().await?;
        }
    }
    Ok(done)
}

#[tokio::test]
async fn the_worker_does_each_job() -> Result<(), Box<dyn std::error::Error>> {
    let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
    let client = sqs.client().await;
    let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();

    let worker = tokio::spawn(work(client.clone(), url.clone(), 2));
    sqs.wait_for_receivers(1).await; // the worker is long-polling the empty queue

    client.send_message().queue_url(&url).message_body("now").send().await?;
    client.send_message().queue_url(&url).message_body("later").delay_seconds(20).send().await?;
    // The 20 s delay passes without sleeping.
    sqs.clock().advance(Duration::from_secs(20));
    assert_eq!(worker.await??, ["now", "later"]);

    // Inspect state without disturbing it: every job was deleted.
    assert!(sqs.messages(&url).is_empty());
    Ok(())
}
