//! The README's Rust examples, verbatim (this file is not reformatted), so that they
//! keep compiling and passing; `the_readme_shows_these_examples` keeps the two in step.

/// "Quick start in a Rust test".
mod quick_start {
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
        // A paused clock: nothing moves until the test says so.
        let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
        let client = sqs.client().await; // aws_sdk_sqs::Client pointed at the fake
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
}

/// "One fake per test binary".
mod one_fake_per_binary {
    use std::sync::LazyLock;
    use fake_sqs::FakeSqs;

    static SQS: LazyLock<FakeSqs> = LazyLock::new(|| FakeSqs::builder().seed(7).start_blocking());
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

    #[tokio::test]
    async fn starts_from_nothing() {
        let _turn = TURN.lock().await;
        SQS.reset();
        assert!(SQS.queues().is_empty());
    }
}

/// Lines without their indentation, blank ones dropped.
fn lines(text: &str) -> Vec<&str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

/// Every README example with a test in it appears here, line for line.
#[test]
fn the_readme_shows_these_examples() {
    let readme = include_str!("../../README.md");
    let here = lines(include_str!("readme.rs"));
    let examples: Vec<&str> = readme
        .split("```rust\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .filter(|block| block.contains("#[tokio::test]"))
        .collect();
    assert_eq!(examples.len(), 2, "a README example was added: copy it here");
    for example in examples {
        let example = lines(example);
        assert!(
            here.windows(example.len()).any(|w| w == example.as_slice()),
            "tests/it/readme.rs no longer has this README example:\n{}",
            example.join("\n")
        );
    }
}
