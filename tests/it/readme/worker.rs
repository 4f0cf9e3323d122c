use std::time::Duration;
use aws_sdk_sqs::Client;
use fake_sqs::{ClockMode, FakeSqs};

/// The code under test: takes jobs until a whole long poll brings none.
async fn drain(client: Client, url: String) -> Result<Vec<String>, aws_sdk_sqs::Error> {
    let mut done = Vec::new();
    loop {
        let polled = client.receive_message().queue_url(&url).wait_time_seconds(20).send().await?;
        if polled.messages().is_empty() {
            return Ok(done);
        }
        for message in polled.messages() {
            done.push(message.body().unwrap_or_default().to_owned());
            let handle = message.receipt_handle().unwrap_or_default();
            client.delete_message().queue_url(&url).receipt_handle(handle).send().await?;
        }
    }
}

/// Yields (never sleeps) until the worker waits in a long poll with nothing left to do.
async fn until_idle(sqs: &FakeSqs, url: &str) {
    while sqs.waiting_receives() == 0 || !sqs.messages(url).is_empty() {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn the_worker_drains_the_queue() -> Result<(), Box<dyn std::error::Error>> {
    let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
    let client = sqs.client().await;
    let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
    client.send_message().queue_url(&url).message_body("a").send().await?;

    let worker = tokio::spawn(drain(client.clone(), url.clone()));
    until_idle(&sqs, &url).await; // "a" is done; the worker waits for more

    client.send_message().queue_url(&url).message_body("b").send().await?; // wakes it
    until_idle(&sqs, &url).await;

    sqs.clock().advance(Duration::from_secs(20)); // the 20 s poll ends, empty
    assert_eq!(worker.await??, ["a", "b"]);
    Ok(())
}
