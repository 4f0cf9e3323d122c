use fake_sqs::{Action, FakeSqs};

/// The code under test: handles every waiting job and acknowledges each.
async fn handle_all(client: &aws_sdk_sqs::Client, url: &str) -> Result<(), aws_sdk_sqs::Error> {
    let received = client.receive_message().queue_url(url).max_number_of_messages(10).send().await?;
    for message in received.messages() {
        let handle = message.receipt_handle().unwrap_or_default();
        client.delete_message().queue_url(url).receipt_handle(handle).send().await?;
    }
    Ok(())
}

#[tokio::test]
async fn every_job_is_acknowledged() -> Result<(), Box<dyn std::error::Error>> {
    let sqs = FakeSqs::start().await;
    let client = sqs.client().await;
    let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
    for job in ["a", "b", "c"] {
        client.send_message().queue_url(&url).message_body(job).send().await?;
    }

    sqs.expect(Action::DeleteMessage).on_queue(&url).times(3);
    sqs.expect(Action::PurgeQueue).never();
    handle_all(&client, &url).await?;
    Ok(())
    // `sqs` is dropped here and checks its expectations: had `handle_all` deleted two
    // jobs, the test would fail with
    //   NOT MET: DeleteMessage on queue "http://127.0.0.1:…/000000000000/jobs":
    //   expected exactly 3 requests, received 2
    // and the requests that came.
}
