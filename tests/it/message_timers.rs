//! Message timers (per-message DelaySeconds) against the queue's delivery delay.

use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName as Q;

use crate::support::fake_and_client;

/// On a standard queue an explicit DelaySeconds=0 overrides the queue's delay: the
/// message is receivable at once (found by the conformance scenario
/// `message-delay-overrides-queue-delay`).
#[tokio::test]
async fn explicit_zero_delay_overrides_the_queue_delay_on_standard_queues() {
    let (sqs, client) = fake_and_client().await;
    let url = client
        .create_queue()
        .queue_name("delayed")
        .attributes(Q::DelaySeconds, "60")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("now")
        .delay_seconds(0)
        .send()
        .await
        .unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("queue default")
        .send()
        .await
        .unwrap();

    let got = client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .visibility_timeout(600)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default();
    let bodies: Vec<_> = got.iter().filter_map(|m| m.body()).collect();
    assert_eq!(bodies, ["now"]);

    sqs.clock().advance(Duration::from_secs(60));
    let got = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default();
    assert_eq!(got[0].body(), Some("queue default"));
}
