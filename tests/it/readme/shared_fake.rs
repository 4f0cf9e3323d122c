use std::sync::LazyLock;
use fake_sqs::FakeSqs;

static SQS: LazyLock<FakeSqs> = LazyLock::new(|| FakeSqs::builder().seed(7).start_blocking());
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn starts_from_nothing() -> Result<(), Box<dyn std::error::Error>> {
    let _turn = TURN.lock().await;
    SQS.reset();
    let client = SQS.client().await; // each test builds its own client
    client.create_queue().queue_name("jobs").send().await?;
    assert_eq!(SQS.queues().len(), 1);
    Ok(())
}

#[test]
fn a_test_without_async() {
    let _turn = TURN.blocking_lock();
    SQS.reset();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = runtime.block_on(SQS.client());
    runtime.block_on(client.create_queue().queue_name("no-async").send()).unwrap();
    assert_eq!(SQS.queues()[0].name, "no-async");
}
