//! Queue attributes: names, defaults, ranges, and how they read back.

use std::ops::RangeInclusive;

use super::message::is_allowed_char;
use super::redrive_policy::{parse_allow_policy, RedrivePolicy};
use crate::error::{ErrorCode, SqsError};
use crate::limits;

/// Every name `GetQueueAttributes` knows, in the order the fake answers `All`.
pub(crate) const ALL_NAMES: &[&str] = &[
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "VisibilityTimeout",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "Policy",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
];

/// Names that only FIFO queues have.
const FIFO_ONLY: &[&str] = &[
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
];

/// The settable attributes of a queue, with AWS's defaults.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct QueueAttributes {
    pub visibility_timeout: u32,
    pub maximum_message_size: u32,
    pub message_retention_period: u32,
    pub delay_seconds: u32,
    pub receive_message_wait_time_seconds: u32,
    pub policy: Option<String>,
    /// Kept parsed: every receive on a source queue reads it.
    pub redrive_policy: Option<RedrivePolicy>,
    pub redrive_allow_policy: Option<String>,
    pub fifo: bool,
    pub content_based_deduplication: bool,
    pub deduplication_scope: String,
    pub fifo_throughput_limit: String,
    pub kms_master_key_id: Option<String>,
    pub kms_data_key_reuse_period_seconds: u32,
    pub sqs_managed_sse_enabled: bool,
}

/// Limits a dialect may change; AWS's by default.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AttributeLimits {
    pub max_message_size: u32,
    /// The names CreateQueue and SetQueueAttributes accept; `None` for all of AWS's.
    pub settable: Option<&'static [&'static str]>,
}

impl Default for AttributeLimits {
    fn default() -> Self {
        AttributeLimits {
            max_message_size: limits::MAX_MESSAGE_SIZE,
            settable: None,
        }
    }
}

impl QueueAttributes {
    pub(crate) fn defaults(fifo: bool, limits: AttributeLimits) -> Self {
        QueueAttributes {
            visibility_timeout: 30,
            maximum_message_size: limits.max_message_size,
            message_retention_period: 345_600,
            delay_seconds: 0,
            receive_message_wait_time_seconds: 0,
            policy: None,
            redrive_policy: None,
            redrive_allow_policy: None,
            fifo,
            content_based_deduplication: false,
            deduplication_scope: "queue".into(),
            fifo_throughput_limit: "perQueue".into(),
            kms_master_key_id: None,
            kms_data_key_reuse_period_seconds: 300,
            sqs_managed_sse_enabled: true,
        }
    }

    /// Applies `pairs` as CreateQueue or SetQueueAttributes would, validating each.
    pub(crate) fn apply(
        &mut self,
        pairs: &[(String, String)],
        limits: AttributeLimits,
    ) -> Result<(), SqsError> {
        let mut sse_requested = None;
        for (name, value) in pairs {
            let name = name.as_str();
            if limits
                .settable
                .is_some_and(|allowed| !allowed.contains(&name))
            {
                return Err(SqsError::unknown_attribute(name));
            }
            if !self.fifo && FIFO_ONLY.contains(&name) {
                return Err(match name {
                    "DeduplicationScope" | "FifoThroughputLimit" => SqsError::new(
                        ErrorCode::InvalidAttributeName,
                        format!("You can specify the {name} only when FifoQueue is set to true."),
                    ),
                    _ => SqsError::unknown_attribute(name),
                });
            }
            match name {
                "VisibilityTimeout" => {
                    self.visibility_timeout = int(name, value, limits::VISIBILITY_TIMEOUT)?
                }
                "MaximumMessageSize" => {
                    self.maximum_message_size = int(
                        name,
                        value,
                        i64::from(limits::MIN_MESSAGE_SIZE)..=i64::from(limits.max_message_size),
                    )?
                }
                "MessageRetentionPeriod" => {
                    self.message_retention_period = int(name, value, limits::RETENTION_PERIOD)?
                }
                "DelaySeconds" => self.delay_seconds = int(name, value, limits::DELAY_SECONDS)?,
                "ReceiveMessageWaitTimeSeconds" => {
                    self.receive_message_wait_time_seconds =
                        int(name, value, limits::WAIT_TIME_SECONDS)?
                }
                "KmsDataKeyReusePeriodSeconds" => {
                    self.kms_data_key_reuse_period_seconds =
                        int(name, value, limits::KMS_DATA_KEY_REUSE)?
                }
                "Policy" => self.policy = json_document(name, stored_text(name, value)?)?,
                "RedrivePolicy" => {
                    self.redrive_policy = match stored_text(name, value)? {
                        "" => None,
                        v => Some(RedrivePolicy::parse(v)?),
                    }
                }
                "RedriveAllowPolicy" => {
                    self.redrive_allow_policy = match stored_text(name, value)? {
                        "" => None,
                        v => Some(parse_allow_policy(v)?),
                    }
                }
                "FifoQueue" => {
                    if !boolean(name, value)? {
                        return Err(SqsError::new(
                            ErrorCode::InvalidAttributeValue,
                            "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.",
                        ));
                    }
                }
                "ContentBasedDeduplication" => {
                    self.content_based_deduplication = boolean(name, value)?
                }
                "DeduplicationScope" => {
                    self.deduplication_scope = one_of(name, value, &["queue", "messageGroup"])?
                }
                "FifoThroughputLimit" => {
                    self.fifo_throughput_limit =
                        one_of(name, value, &["perQueue", "perMessageGroupId"])?
                }
                "KmsMasterKeyId" => {
                    if stored_text(name, value)?.is_empty() {
                        self.kms_master_key_id = None;
                    } else {
                        self.kms_master_key_id = Some(value.clone());
                        self.sqs_managed_sse_enabled = false;
                    }
                }
                "SqsManagedSseEnabled" => sse_requested = Some(boolean(name, value)?),
                _ => return Err(SqsError::unknown_attribute(name)),
            }
        }
        if let Some(sse) = sse_requested {
            if sse && self.kms_master_key_id.is_some() {
                return Err(SqsError::new(
                    ErrorCode::InvalidAttributeName,
                    "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.",
                ));
            }
            self.sqs_managed_sse_enabled = sse;
        }
        if self.fifo
            && self.fifo_throughput_limit == "perMessageGroupId"
            && self.deduplication_scope == "queue"
        {
            return Err(SqsError::new(
                ErrorCode::InvalidAttributeValue,
                "Invalid value for the parameter FifoThroughputLimit. Reason: perMessageGroupId is allowed only when DeduplicationScope is messageGroup.",
            ));
        }
        Ok(())
    }

    /// The first attribute in `pairs` whose value differs from this queue's, as
    /// CreateQueue on an existing name compares them.
    pub(crate) fn first_difference(
        &self,
        pairs: &[(String, String)],
        limits: AttributeLimits,
    ) -> Result<Option<String>, SqsError> {
        let mut wanted = self.clone();
        wanted.apply(pairs, limits)?;
        if wanted == *self {
            return Ok(None);
        }
        for (name, _) in pairs {
            if wanted.settable(name) != self.settable(name) {
                return Ok(Some(name.clone()));
            }
        }
        Ok(pairs.first().map(|(n, _)| n.clone()))
    }

    /// The value of a settable attribute as GetQueueAttributes shows it, or `None` when
    /// the queue does not show it.
    pub(crate) fn settable(&self, name: &str) -> Option<String> {
        let fifo = |v: String| self.fifo.then_some(v);
        match name {
            "VisibilityTimeout" => Some(self.visibility_timeout.to_string()),
            "MaximumMessageSize" => Some(self.maximum_message_size.to_string()),
            "MessageRetentionPeriod" => Some(self.message_retention_period.to_string()),
            "DelaySeconds" => Some(self.delay_seconds.to_string()),
            "ReceiveMessageWaitTimeSeconds" => {
                Some(self.receive_message_wait_time_seconds.to_string())
            }
            "Policy" => self.policy.clone(),
            "RedrivePolicy" => self
                .redrive_policy
                .as_ref()
                .map(RedrivePolicy::to_attribute),
            "RedriveAllowPolicy" => self.redrive_allow_policy.clone(),
            "FifoQueue" => fifo("true".into()),
            "ContentBasedDeduplication" => fifo(self.content_based_deduplication.to_string()),
            "DeduplicationScope" => fifo(self.deduplication_scope.clone()),
            "FifoThroughputLimit" => fifo(self.fifo_throughput_limit.clone()),
            "KmsMasterKeyId" => self.kms_master_key_id.clone(),
            "KmsDataKeyReusePeriodSeconds" => self
                .kms_master_key_id
                .as_ref()
                .map(|_| self.kms_data_key_reuse_period_seconds.to_string()),
            "SqsManagedSseEnabled" => Some(self.sqs_managed_sse_enabled.to_string()),
            _ => None,
        }
    }
}

fn int(name: &str, value: &str, range: RangeInclusive<i64>) -> Result<u32, SqsError> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| range.contains(v))
        .map(|v| v as u32)
        .ok_or_else(|| SqsError::invalid_attribute_value(name))
}

fn boolean(name: &str, value: &str) -> Result<bool, SqsError> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(SqsError::invalid_attribute_value(name)),
    }
}

fn one_of(name: &str, value: &str, allowed: &[&str]) -> Result<String, SqsError> {
    allowed
        .iter()
        .find(|a| **a == value)
        .map(|a| (*a).to_owned())
        .ok_or_else(|| SqsError::invalid_attribute_value(name))
}

/// A JSON document attribute: empty removes it, anything else must parse as a JSON object.
/// Text an attribute keeps as sent (a policy, a key id) may hold only the characters a
/// message body may, so that every answer showing it is well-formed XML.
fn stored_text<'v>(name: &str, value: &'v str) -> Result<&'v str, SqsError> {
    if value.chars().all(is_allowed_char) {
        Ok(value)
    } else {
        Err(SqsError::invalid_attribute_value(name))
    }
}

fn json_document(name: &str, value: &str) -> Result<Option<String>, SqsError> {
    if value.is_empty() {
        return Ok(None);
    }
    match serde_json::from_str::<serde_json::Value>(value) {
        Ok(serde_json::Value::Object(_)) => Ok(Some(value.to_owned())),
        _ => Err(SqsError::new(
            ErrorCode::InvalidAttributeValue,
            format!("Invalid value for the parameter {name}. Reason: Invalid JSON document."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    /// A new queue shows exactly the attributes of `fixtures/aws/queue-attributes.json`.
    #[test]
    fn new_queues_have_the_recorded_attribute_sets() {
        let facts: serde_json::Value =
            serde_json::from_str(include_str!("../../fixtures/aws/queue-attributes.json")).unwrap();
        let limits = AttributeLimits::default();
        for fifo in [false, true] {
            let a = QueueAttributes::defaults(fifo, limits);
            let mut expected = facts["standard_defaults"].as_object().unwrap().clone();
            if fifo {
                expected.extend(facts["fifo_extra_defaults"].as_object().unwrap().clone());
            }
            // Counters, timestamps and the ARN belong to the queue, not its settings.
            let settable: Vec<&str> = ALL_NAMES
                .iter()
                .copied()
                .filter(|n| a.settable(n).is_some())
                .collect();
            let recorded: Vec<&str> = ALL_NAMES
                .iter()
                .copied()
                .filter(|n| expected.get(*n).is_some_and(|v| !v.is_null()))
                .filter(|n| !n.starts_with("Approximate"))
                .collect();
            assert_eq!(settable, recorded, "fifo: {fifo}");
            for name in settable {
                assert_eq!(a.settable(name).unwrap(), expected[name], "{name}");
            }
            for name in expected.keys() {
                assert!(ALL_NAMES.contains(&name.as_str()), "{name}");
            }
        }
        for name in facts["shown_only_when_set"].as_array().unwrap() {
            let name = name.as_str().unwrap();
            assert_eq!(
                QueueAttributes::defaults(false, limits).settable(name),
                None
            );
        }
    }

    #[test]
    fn kms_key_turns_sse_off_and_hides_again_when_cleared() {
        let limits = AttributeLimits::default();
        let mut a = QueueAttributes::defaults(false, limits);
        a.apply(
            &pairs(&[
                ("KmsMasterKeyId", "k"),
                ("KmsDataKeyReusePeriodSeconds", "6000"),
            ]),
            limits,
        )
        .unwrap();
        assert_eq!(a.settable("SqsManagedSseEnabled").as_deref(), Some("false"));
        assert_eq!(
            a.settable("KmsDataKeyReusePeriodSeconds").as_deref(),
            Some("6000")
        );
        a.apply(&pairs(&[("KmsMasterKeyId", "")]), limits).unwrap();
        assert_eq!(a.settable("KmsDataKeyReusePeriodSeconds"), None);
        assert_eq!(a.settable("SqsManagedSseEnabled").as_deref(), Some("false"));
    }

    #[test]
    fn out_of_range_values_name_the_parameter() {
        let limits = AttributeLimits::default();
        let mut a = QueueAttributes::defaults(false, limits);
        let err = a
            .apply(&pairs(&[("VisibilityTimeout", "43201")]), limits)
            .unwrap_err();
        assert_eq!(
            err.message,
            "Invalid value for the parameter VisibilityTimeout."
        );
    }
}
