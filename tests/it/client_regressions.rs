//! Wrong answers that the real clients in `tests/clients/` found, pinned down here so
//! they stay fixed without a Python or Node toolchain.

use crate::support::{create_queue, fake};

/// botocore's Query serializer writes an empty batch as `Entries=` (the JSON member
/// name, no entries); AWS answers `EmptyBatchRequest`, as for a batch with no entries at
/// all, not a type error.
#[tokio::test]
async fn an_empty_query_batch_written_as_entries_is_an_empty_batch() {
    let sqs = fake().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "q").await;
    for action in [
        "SendMessageBatch",
        "DeleteMessageBatch",
        "ChangeMessageVisibilityBatch",
    ] {
        let answer = crate::support::query(
            &sqs,
            &[("Action", action), ("QueueUrl", &url), ("Entries", "")],
        )
        .await;
        assert_eq!(answer.status, 400, "{action}: {}", answer.body);
        assert!(
            answer
                .body
                .contains("<Code>AWS.SimpleQueueService.EmptyBatchRequest</Code>"),
            "{action}: {}",
            answer.body
        );
    }
}
