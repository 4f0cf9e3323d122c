//! AWS's limits, each named once. The engine, the actions and the dialects read them
//! from here; `fixtures/aws/limits.json` holds the same numbers with their sources, and
//! a test below checks that the two agree.
//!
//! Seconds are seconds, as the API takes them; `_MS` constants are milliseconds, as the
//! engine's clock counts.

use std::ops::RangeInclusive;

/// The largest message, body plus attributes, and the largest `MaximumMessageSize`
/// (fixtures/aws/protocol.md §4: 1 MiB since August 2025).
pub(crate) const MAX_MESSAGE_SIZE: u32 = 1_048_576;
/// The smallest `MaximumMessageSize`.
pub(crate) const MIN_MESSAGE_SIZE: u32 = 1_024;
/// `VisibilityTimeout`, on a queue, a receive or a change, in seconds.
pub(crate) const VISIBILITY_TIMEOUT: RangeInclusive<i64> = 0..=43_200;
/// A message may stay invisible at most 12 hours from the receive that made its handle.
pub(crate) const MAX_VISIBILITY_MS: u64 = 43_200_000;
/// `DelaySeconds`, on a queue or a message.
pub(crate) const DELAY_SECONDS: RangeInclusive<i64> = 0..=900;
/// `MessageRetentionPeriod`, in seconds (default 345,600: four days).
pub(crate) const RETENTION_PERIOD: RangeInclusive<i64> = 60..=1_209_600;
/// `ReceiveMessageWaitTimeSeconds` and `WaitTimeSeconds`.
pub(crate) const WAIT_TIME_SECONDS: RangeInclusive<i64> = 0..=20;
/// `KmsDataKeyReusePeriodSeconds`.
pub(crate) const KMS_DATA_KEY_REUSE: RangeInclusive<i64> = 60..=86_400;
/// `MaxNumberOfMessages` of a receive.
pub(crate) const MAX_NUMBER_OF_MESSAGES: RangeInclusive<i64> = 1..=10;
/// Entries of a batch request.
pub(crate) const MAX_BATCH_ENTRIES: usize = 10;
/// Characters of a batch entry id (`[A-Za-z0-9_-]`).
pub(crate) const MAX_BATCH_ENTRY_ID: usize = 80;
/// Characters of a queue name, `.fifo` included; also of a permission label.
pub(crate) const MAX_QUEUE_NAME: usize = 80;
/// Characters of a MessageGroupId, MessageDeduplicationId or ReceiveRequestAttemptId.
pub(crate) const MAX_FIFO_ID: usize = 128;
/// Message attributes one message may carry.
pub(crate) const MAX_MESSAGE_ATTRIBUTES: usize = 10;
/// Messages a queue may have in flight, standard or FIFO.
pub(crate) const IN_FLIGHT_LIMIT: usize = 120_000;
/// How long a FIFO deduplication id is remembered, from the first send.
pub(crate) const DEDUPLICATION_INTERVAL_MS: u64 = 5 * 60 * 1000;
/// How long a ReceiveRequestAttemptId is remembered, from the receive that made it.
pub(crate) const ATTEMPT_INTERVAL_MS: u64 = 5 * 60 * 1000;
/// One PurgeQueue per queue in this time.
pub(crate) const PURGE_COOLDOWN_MS: u64 = 60_000;
/// How long a deleted queue's name stays taken.
pub(crate) const DELETED_NAME_COOLDOWN_MS: u64 = 60_000;
/// Tags on one queue.
pub(crate) const MAX_TAGS: usize = 50;
/// Characters of a tag key.
pub(crate) const MAX_TAG_KEY: usize = 128;
/// Characters of a tag value.
pub(crate) const MAX_TAG_VALUE: usize = 256;
/// A RedrivePolicy's `maxReceiveCount`.
pub(crate) const MAX_RECEIVE_COUNT: RangeInclusive<i64> = 1..=1000;
/// Queues a `byQueue` RedriveAllowPolicy may name.
pub(crate) const MAX_SOURCE_ARNS: usize = 10;
/// `MaxResults` of ListQueues and ListDeadLetterSourceQueues; without it, at most the
/// upper bound is answered.
pub(crate) const LIST_MAX_RESULTS: RangeInclusive<i64> = 1..=1000;
/// `MaxResults` of ListMessageMoveTasks (default 1).
pub(crate) const MOVE_TASKS_MAX_RESULTS: RangeInclusive<i64> = 1..=10;
/// `MaxNumberOfMessagesPerSecond` of a message move task.
pub(crate) const MOVE_TASK_RATE: RangeInclusive<i64> = 1..=500;
/// Actions one AddPermission statement may grant.
pub(crate) const MAX_PERMISSION_ACTIONS: usize = 7;
/// How far a signed request's timestamp may be from the server's time, in seconds.
pub(crate) const MAX_SIGNATURE_SKEW_SECS: u64 = 15 * 60;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn range(v: &Value) -> RangeInclusive<i64> {
        v["min"].as_i64().unwrap()..=v["max"].as_i64().unwrap()
    }

    /// The numbers here are the ones recorded in `fixtures/aws/limits.json`.
    #[test]
    fn limits_match_the_recorded_aws_limits() {
        let text = include_str!("../fixtures/aws/limits.json");
        let facts: Value = serde_json::from_str(text).unwrap();
        let f = &facts["limits"];
        let int = |name: &str| f[name].as_i64().unwrap_or_else(|| panic!("{name}"));
        assert_eq!(i64::from(MAX_MESSAGE_SIZE), int("max_message_size"));
        assert_eq!(i64::from(MIN_MESSAGE_SIZE), int("min_message_size"));
        assert_eq!(VISIBILITY_TIMEOUT, range(&f["visibility_timeout"]));
        assert_eq!(MAX_VISIBILITY_MS as i64, *VISIBILITY_TIMEOUT.end() * 1000);
        assert_eq!(DELAY_SECONDS, range(&f["delay_seconds"]));
        assert_eq!(RETENTION_PERIOD, range(&f["message_retention_period"]));
        assert_eq!(WAIT_TIME_SECONDS, range(&f["wait_time_seconds"]));
        assert_eq!(KMS_DATA_KEY_REUSE, range(&f["kms_data_key_reuse_period"]));
        assert_eq!(MAX_NUMBER_OF_MESSAGES, range(&f["max_number_of_messages"]));
        assert_eq!(MAX_BATCH_ENTRIES as i64, int("max_batch_entries"));
        assert_eq!(MAX_BATCH_ENTRY_ID as i64, int("max_batch_entry_id"));
        assert_eq!(MAX_QUEUE_NAME as i64, int("max_queue_name"));
        assert_eq!(MAX_FIFO_ID as i64, int("max_fifo_id"));
        assert_eq!(MAX_MESSAGE_ATTRIBUTES as i64, int("max_message_attributes"));
        assert_eq!(IN_FLIGHT_LIMIT as i64, int("in_flight_limit"));
        assert_eq!(
            DEDUPLICATION_INTERVAL_MS as i64,
            int("deduplication_interval_seconds") * 1000
        );
        assert_eq!(
            ATTEMPT_INTERVAL_MS as i64,
            int("receive_attempt_interval_seconds") * 1000
        );
        assert_eq!(
            PURGE_COOLDOWN_MS as i64,
            int("purge_cooldown_seconds") * 1000
        );
        assert_eq!(
            DELETED_NAME_COOLDOWN_MS as i64,
            int("deleted_name_cooldown_seconds") * 1000
        );
        assert_eq!(MAX_TAGS as i64, int("max_tags"));
        assert_eq!(MAX_TAG_KEY as i64, int("max_tag_key"));
        assert_eq!(MAX_TAG_VALUE as i64, int("max_tag_value"));
        assert_eq!(MAX_RECEIVE_COUNT, range(&f["max_receive_count"]));
        assert_eq!(MAX_SOURCE_ARNS as i64, int("max_redrive_source_arns"));
        assert_eq!(LIST_MAX_RESULTS, range(&f["list_queues_max_results"]));
        assert_eq!(
            MOVE_TASKS_MAX_RESULTS,
            range(&f["list_move_tasks_max_results"])
        );
        assert_eq!(MOVE_TASK_RATE, range(&f["move_task_rate"]));
        assert_eq!(MAX_PERMISSION_ACTIONS as i64, int("max_permission_actions"));
        assert_eq!(
            MAX_SIGNATURE_SKEW_SECS as i64,
            int("max_signature_skew_seconds")
        );
    }
}
