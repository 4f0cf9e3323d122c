use std::time::Duration;
use aws_sdk_sqs::config::retry::RetryConfig;
use fake_sqs::{Action, ErrorCode, FakeSqs, Fault};

/// The code under test: submits a job, trusting the SDK's retry policy with throttling.
async fn submit(client: &aws_sdk_sqs::Client, url: &str, job: &str) -> Result<(), aws_sdk_sqs::Error> {
    client.send_message().queue_url(url).message_body(job).send().await?;
    Ok(())
}

#[tokio::test]
async fn submitting_survives_throttling() -> Result<(), Box<dyn std::error::Error>> {
    let sqs = FakeSqs::start().await;
    // The SDK's standard retry policy (3 attempts), with short backoffs for the test.
    let retries = RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(10));
    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await).retry_config(retries).build();
    let client = aws_sdk_sqs::Client::from_conf(config);
    let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();

    // SQS throttles the next two sends: each is answered with the error instead of done.
    sqs.add_fault(Fault::error(ErrorCode::ThrottlingException).on(Action::SendMessage).times(2));
    submit(&client, &url, "work").await?;

    // The journal shows three calls, the first two throttled; the queue holds one message.
    let sends = sqs.requests().by_action(Action::SendMessage);
    let errors: Vec<_> = sends.iter().map(|r| r.outcome.error_code()).collect();
    assert_eq!(errors, [Some(ErrorCode::ThrottlingException), Some(ErrorCode::ThrottlingException), None]);
    assert_eq!(sqs.messages(&url).len(), 1);
    Ok(())
}
