use std::sync::LazyLock;
use fake_sqs::FakeSqs;

static SQS: LazyLock<FakeSqs> = LazyLock::new(|| FakeSqs::builder().start_blocking());

#[tokio::test]
async fn one_of_many_tests() -> Result<(), Box<dyn std::error::Error>> {
    let client = SQS.client().await; // each test builds its own client
    client.create_queue().queue_name("one-of-many").send().await?;
    assert!(SQS.queues().iter().any(|q| q.name == "one-of-many"));
    Ok(())
}

#[test]
fn a_test_without_async() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = runtime.block_on(SQS.client());
    runtime.block_on(client.create_queue().queue_name("no-async").send()).unwrap();
    assert!(SQS.queues().iter().any(|q| q.name == "no-async"));
}
