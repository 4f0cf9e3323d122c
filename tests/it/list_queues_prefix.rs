//! ListQueues by prefix reads only the run of names with that prefix: the names around
//! the run, and page tokens from before it, must not change the answer.

use crate::support::{create_queue, fake_and_client};

fn names(urls: &[String]) -> Vec<&str> {
    urls.iter().map(|u| u.rsplit('/').next().unwrap()).collect()
}

/// Names sorting just before, inside and just after the prefix's run: only the run comes
/// back, in order, and pages of it carry on where the last one ended.
#[tokio::test]
async fn prefix_answers_only_its_run_of_names() {
    let (_sqs, client) = fake_and_client().await;
    for name in ["job", "job-a", "job-b", "job-c", "job_z", "jobs", "joc"] {
        create_queue(&client, name).await;
    }

    let all = client
        .list_queues()
        .queue_name_prefix("job-")
        .send()
        .await
        .unwrap();
    assert_eq!(names(all.queue_urls()), ["job-a", "job-b", "job-c"]);

    let first = client
        .list_queues()
        .queue_name_prefix("job-")
        .max_results(2)
        .send()
        .await
        .unwrap();
    assert_eq!(names(first.queue_urls()), ["job-a", "job-b"]);
    let rest = client
        .list_queues()
        .queue_name_prefix("job-")
        .max_results(2)
        .next_token(first.next_token.expect("a next token"))
        .send()
        .await
        .unwrap();
    assert_eq!(names(rest.queue_urls()), ["job-c"]);
    assert!(rest.next_token.is_none());
}

/// A token from a listing without the prefix, pointing before the run, still starts the
/// page at the run's first name.
#[tokio::test]
async fn token_before_the_prefix_starts_at_the_prefix() {
    let (_sqs, client) = fake_and_client().await;
    for name in ["alpha", "beta-1", "beta-2", "gamma"] {
        create_queue(&client, name).await;
    }
    let first = client.list_queues().max_results(1).send().await.unwrap();
    assert_eq!(names(first.queue_urls()), ["alpha"]);
    let page = client
        .list_queues()
        .queue_name_prefix("beta-")
        .max_results(10)
        .next_token(first.next_token.expect("a next token"))
        .send()
        .await
        .unwrap();
    assert_eq!(names(page.queue_urls()), ["beta-1", "beta-2"]);
}
