//! Queue management through the AWS SDK for Rust: create, look up, list, attributes,
//! tags, delete.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName as Q;

use crate::support::{code, create_queue, fake_and_client, message, START_SECS};

/// A new queue has exactly AWS's twelve default attributes (fixtures/aws/recorded.md §3a).
#[tokio::test]
async fn new_standard_queue_has_awss_default_attributes() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "orders").await;
    assert_eq!(url, format!("{}/000000000000/orders", sqs.endpoint_url()));

    let attrs = client
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(Q::All)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();

    let expected: HashMap<Q, String> = [
        (Q::ApproximateNumberOfMessages, "0"),
        (Q::ApproximateNumberOfMessagesDelayed, "0"),
        (Q::ApproximateNumberOfMessagesNotVisible, "0"),
        (Q::CreatedTimestamp, &START_SECS.to_string()),
        (Q::DelaySeconds, "0"),
        (Q::LastModifiedTimestamp, &START_SECS.to_string()),
        (Q::MaximumMessageSize, "1048576"),
        (Q::MessageRetentionPeriod, "345600"),
        (Q::QueueArn, "arn:aws:sqs:us-east-1:000000000000:orders"),
        (Q::ReceiveMessageWaitTimeSeconds, "0"),
        (Q::SqsManagedSseEnabled, "true"),
        (Q::VisibilityTimeout, "30"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect();
    assert_eq!(attrs, expected);
}

/// A FIFO queue adds the four FIFO attributes with their defaults.
#[tokio::test]
async fn new_fifo_queue_shows_fifo_attributes() {
    let (_sqs, client) = fake_and_client().await;
    let url = client
        .create_queue()
        .queue_name("orders.fifo")
        .attributes(Q::FifoQueue, "true")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let attrs = client
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(Q::All)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();
    assert_eq!(attrs.len(), 16);
    assert_eq!(attrs[&Q::FifoQueue], "true");
    assert_eq!(attrs[&Q::ContentBasedDeduplication], "false");
    assert_eq!(attrs[&Q::DeduplicationScope], "queue");
    assert_eq!(attrs[&Q::FifoThroughputLimit], "perQueue");
}

/// Creating a queue again with the same (or a subset of the same) attributes returns
/// the same URL; a different value is QueueAlreadyExists naming the attribute; the
/// comparison is against the current attributes (fixtures/aws/recorded.md rows 1-4).
#[tokio::test]
async fn create_queue_is_idempotent_only_for_matching_attributes() {
    let (_sqs, client) = fake_and_client().await;
    let create = |delay: &'static str| {
        client
            .create_queue()
            .queue_name("q")
            .attributes(Q::ReceiveMessageWaitTimeSeconds, "1")
            .attributes(Q::DelaySeconds, delay)
            .send()
    };
    let url = create("1").await.unwrap().queue_url.unwrap();
    assert_eq!(create("1").await.unwrap().queue_url.unwrap(), url);
    let again = client.create_queue().queue_name("q").send().await.unwrap();
    assert_eq!(again.queue_url.unwrap(), url);

    let err = create("2").await.unwrap_err();
    assert_eq!(code(&err), "QueueAlreadyExists");
    assert_eq!(
        message(&err),
        "A queue already exists with the same name and a different value for attribute DelaySeconds"
    );

    client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::DelaySeconds, "2")
        .send()
        .await
        .unwrap();
    assert_eq!(create("2").await.unwrap().queue_url.unwrap(), url);
    assert_eq!(code(&create("1").await.unwrap_err()), "QueueAlreadyExists");
}

/// A deleted queue's name can be used again only 60 s later, by the fake's clock.
#[tokio::test]
async fn deleted_queue_name_is_reusable_after_sixty_seconds() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "gone").await;
    client.delete_queue().queue_url(&url).send().await.unwrap();

    let err = client
        .create_queue()
        .queue_name("gone")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AWS.SimpleQueueService.QueueDeletedRecently");
    assert_eq!(
        message(&err),
        "You must wait 60 seconds after deleting a queue before you can create another with the same name."
    );

    sqs.clock().advance(Duration::from_secs(59));
    assert!(client
        .create_queue()
        .queue_name("gone")
        .send()
        .await
        .is_err());
    sqs.clock().advance(Duration::from_secs(1));
    assert_eq!(create_queue(&client, "gone").await, url);
}

/// The builder can lift the 60 s wait.
#[tokio::test]
async fn recreation_cooldown_can_be_turned_off() {
    let sqs = fake_sqs::FakeSqs::builder()
        .allow_immediate_queue_recreation()
        .start()
        .await;
    let client = sqs.client().await;
    let url = create_queue(&client, "again").await;
    client.delete_queue().queue_url(&url).send().await.unwrap();
    assert_eq!(create_queue(&client, "again").await, url);
}

/// GetQueueUrl finds queues by name, in this or a named account.
#[tokio::test]
async fn get_queue_url_finds_queue_by_name_and_owner() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "lookup").await;
    let found = client
        .get_queue_url()
        .queue_name("lookup")
        .send()
        .await
        .unwrap();
    assert_eq!(found.queue_url.unwrap(), url);
    let owned = client
        .get_queue_url()
        .queue_name("lookup")
        .queue_owner_aws_account_id("000000000000")
        .send()
        .await
        .unwrap();
    assert_eq!(owned.queue_url.unwrap(), url);

    let err = client
        .get_queue_url()
        .queue_name("lookup")
        .queue_owner_aws_account_id("111111111111")
        .send()
        .await
        .unwrap_err();
    // Another account's queue: it does not exist, or the caller may not see it; AWS does
    // not say which (fixtures/aws/queue-access.json).
    assert_eq!(code(&err), "AWS.SimpleQueueService.NonExistentQueue");
    assert_eq!(
        message(&err),
        "The specified queue does not exist or you do not have access to it."
    );
    assert!(err.into_service_error().is_queue_does_not_exist());
}

/// ListQueues answers in name order, filters by prefix, pages with MaxResults and
/// NextToken, and leaves QueueUrls out entirely when nothing matches (rows 18-21).
#[tokio::test]
async fn list_queues_filters_and_pages() {
    let (_sqs, client) = fake_and_client().await;
    for i in (0..10).rev() {
        create_queue(&client, &format!("page-{i}")).await;
    }
    create_queue(&client, "other").await;

    let all = client
        .list_queues()
        .queue_name_prefix("page-")
        .send()
        .await
        .unwrap();
    let names: Vec<_> = all
        .queue_urls()
        .iter()
        .map(|u| u.rsplit('/').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        (0..10).map(|i| format!("page-{i}")).collect::<Vec<_>>()
    );
    assert!(all.next_token.is_none());

    let first = client
        .list_queues()
        .queue_name_prefix("page-")
        .max_results(2)
        .send()
        .await
        .unwrap();
    assert_eq!(first.queue_urls().len(), 2);
    let token = first.next_token.clone().expect("a next token");
    let rest = client
        .list_queues()
        .queue_name_prefix("page-")
        .max_results(10)
        .next_token(token)
        .send()
        .await
        .unwrap();
    assert_eq!(rest.queue_urls().len(), 8);
    assert!(rest.queue_urls()[0].ends_with("/page-2"));
    assert!(rest.next_token.is_none());

    let none = client
        .list_queues()
        .queue_name_prefix("zzz")
        .send()
        .await
        .unwrap();
    assert!(none.queue_urls.is_none());

    let err = client
        .list_queues()
        .max_results(1001)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
}

/// SetQueueAttributes changes values and LastModifiedTimestamp, by the clock.
#[tokio::test]
async fn set_queue_attributes_updates_values_and_modified_time() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "settable").await;
    sqs.clock().advance(Duration::from_secs(100));
    client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::MaximumMessageSize, "2048")
        .attributes(Q::VisibilityTimeout, "69")
        .attributes(Q::DelaySeconds, "420")
        .send()
        .await
        .unwrap();
    let attrs = client
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(Q::MaximumMessageSize)
        .attribute_names(Q::VisibilityTimeout)
        .attribute_names(Q::DelaySeconds)
        .attribute_names(Q::CreatedTimestamp)
        .attribute_names(Q::LastModifiedTimestamp)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();
    assert_eq!(attrs.len(), 5);
    assert_eq!(attrs[&Q::MaximumMessageSize], "2048");
    assert_eq!(attrs[&Q::VisibilityTimeout], "69");
    assert_eq!(attrs[&Q::DelaySeconds], "420");
    assert_eq!(attrs[&Q::CreatedTimestamp], START_SECS.to_string());
    assert_eq!(
        attrs[&Q::LastModifiedTimestamp],
        (START_SECS + 100).to_string()
    );
}

/// KMS and SQS-managed encryption: setting a key turns SSE-SQS off; clearing it hides
/// both KMS attributes again (rows 27-30, 41).
#[tokio::test]
async fn kms_attributes_follow_aws() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "kms").await;
    let get = || {
        client
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(Q::All)
            .send()
    };
    client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::KmsMasterKeyId, "testKeyId")
        .attributes(Q::KmsDataKeyReusePeriodSeconds, "6000")
        .send()
        .await
        .unwrap();
    let attrs = get().await.unwrap().attributes.unwrap();
    assert_eq!(attrs.len(), 14);
    assert_eq!(attrs[&Q::SqsManagedSseEnabled], "false");
    assert_eq!(attrs[&Q::KmsDataKeyReusePeriodSeconds], "6000");

    client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::KmsMasterKeyId, "")
        .attributes(Q::KmsDataKeyReusePeriodSeconds, "300")
        .send()
        .await
        .unwrap();
    let attrs = get().await.unwrap().attributes.unwrap();
    assert_eq!(attrs.len(), 12);
    assert_eq!(attrs[&Q::SqsManagedSseEnabled], "false");

    let err = client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::KmsMasterKeyId, "k")
        .attributes(Q::SqsManagedSseEnabled, "true")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidAttributeName");
    assert_eq!(
        message(&err),
        "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE."
    );
}

/// Policy and RedrivePolicy set to "" are removed (row 36).
#[tokio::test]
async fn empty_policy_removes_it() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "policy").await;
    let doc = r#"{"Version":"2012-10-17","Statement":[]}"#;
    let set = |v: &'static str| {
        client
            .set_queue_attributes()
            .queue_url(&url)
            .attributes(Q::Policy, v)
            .send()
    };
    set(doc).await.unwrap();
    let get = || {
        client
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(Q::Policy)
            .send()
    };
    assert_eq!(get().await.unwrap().attributes.unwrap()[&Q::Policy], doc);
    set("").await.unwrap();
    assert!(get().await.unwrap().attributes.is_none());
}

/// Tags: merge on TagQueue, empty values kept, keys case-sensitive, unknown keys ignored
/// on UntagQueue, no `Tags` member when there are none (rows 44-50); tags given at
/// creation are there at once (row 14).
#[tokio::test]
async fn tags_merge_remove_and_disappear() {
    let (_sqs, client) = fake_and_client().await;
    let url = client
        .create_queue()
        .queue_name("tagged")
        .tags("team", "core")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let tags = || async {
        client
            .list_queue_tags()
            .queue_url(&url)
            .send()
            .await
            .unwrap()
            .tags
    };
    assert_eq!(tags().await.unwrap()["team"], "core");

    client
        .tag_queue()
        .queue_url(&url)
        .tags("tag1", "value1")
        .tags("tag3", "")
        .tags("MyTag", "a")
        .tags("mytag", "b")
        .send()
        .await
        .unwrap();
    let now = tags().await.unwrap();
    assert_eq!(now.len(), 5);
    assert_eq!(now["tag3"], "");
    assert_eq!(now["MyTag"], "a");
    assert_eq!(now["mytag"], "b");

    client
        .tag_queue()
        .queue_url(&url)
        .tags("tag1", "VALUE1")
        .send()
        .await
        .unwrap();
    assert_eq!(tags().await.unwrap()["tag1"], "VALUE1");

    client
        .untag_queue()
        .queue_url(&url)
        .tag_keys("team")
        .tag_keys("tag1")
        .tag_keys("tag3")
        .tag_keys("MyTag")
        .tag_keys("mytag")
        .tag_keys("never-there")
        .send()
        .await
        .unwrap();
    assert!(tags().await.is_none());
}

/// Every queue action on a deleted queue is NonExistentQueue.
#[tokio::test]
async fn actions_on_a_missing_queue_fail_with_non_existent_queue() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "short-lived").await;
    client.delete_queue().queue_url(&url).send().await.unwrap();

    let codes = vec![
        code(
            &client
                .delete_queue()
                .queue_url(&url)
                .send()
                .await
                .unwrap_err(),
        ),
        code(
            &client
                .get_queue_attributes()
                .queue_url(&url)
                .send()
                .await
                .unwrap_err(),
        ),
        code(
            &client
                .set_queue_attributes()
                .queue_url(&url)
                .attributes(Q::DelaySeconds, "1")
                .send()
                .await
                .unwrap_err(),
        ),
        code(
            &client
                .list_queue_tags()
                .queue_url(&url)
                .send()
                .await
                .unwrap_err(),
        ),
        code(
            &client
                .tag_queue()
                .queue_url(&url)
                .tags("a", "b")
                .send()
                .await
                .unwrap_err(),
        ),
        code(
            &client
                .untag_queue()
                .queue_url(&url)
                .tag_keys("a")
                .send()
                .await
                .unwrap_err(),
        ),
        code(
            &client
                .purge_queue()
                .queue_url(&url)
                .send()
                .await
                .unwrap_err(),
        ),
    ];
    assert!(
        codes
            .iter()
            .all(|c| c == "AWS.SimpleQueueService.NonExistentQueue"),
        "{codes:?}"
    );
}

/// Two regions hold two independent sets of queues.
#[tokio::test]
async fn regions_are_independent() {
    let (sqs, client) = fake_and_client().await;
    create_queue(&client, "here").await;
    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
        .region(aws_sdk_sqs::config::Region::new("eu-west-1"))
        .build();
    let other = aws_sdk_sqs::Client::from_conf(config);
    let listed = other.list_queues().send().await.unwrap();
    assert!(listed.queue_urls.is_none());
    let url = create_queue(&other, "here").await;
    let arn = other
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(Q::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap()[&Q::QueueArn]
        .clone();
    assert_eq!(arn, "arn:aws:sqs:eu-west-1:000000000000:here");
    assert_eq!(sqs.queues().len(), 2);
}
