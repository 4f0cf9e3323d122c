//! Dead-letter queues: the `RedrivePolicy` and `RedriveAllowPolicy` documents, the
//! checks a source queue's policy must pass, and moving over-received messages.
//!
//! A message moves on the receive that would take its receive count past the source's
//! `maxReceiveCount` (fixtures/aws/recorded.md row 146): that receive does not return it, and the
//! dead-letter queue holds it with the same MessageId, body, attributes and SentTimestamp,
//! the receive count it had (row 147) and `DeadLetterQueueSourceArn`.

use std::sync::Arc;

use serde_json::{json, Value};

use super::message::{Content, Message};
use super::queue::Queue;
use super::store::Received;
use super::{Caller, QueueRef, Region, State};
use crate::error::{ErrorCode, SqsError};

use crate::limits::{MAX_RECEIVE_COUNT, MAX_SOURCE_ARNS};

/// A parsed `RedrivePolicy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RedrivePolicy {
    pub target_arn: String,
    pub max_receive_count: u32,
}

/// The parts of a queue ARN: `arn:<partition>:sqs:<region>:<account>:<name>`, or the
/// dialects' forms (`arn:scw:sqs:<region>:project-<id>:<name>`,
/// `yrn:yc:ymq:<region>:<folder>:<name>`). Callers compare the found queue's ARN with
/// the one given, so a lenient parse cannot name the wrong queue.
pub(crate) fn parse_arn(arn: &str) -> Option<QueueRef> {
    let mut parts = arn.splitn(6, ':');
    let (
        Some("arn" | "yrn"),
        Some(_),
        Some("sqs" | "ymq"),
        Some(region),
        Some(account),
        Some(name),
    ) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    )
    else {
        return None;
    };
    let account = account.strip_prefix("project-").unwrap_or(account);
    if region.is_empty() || account.is_empty() || name.is_empty() {
        return None;
    }
    Some(QueueRef {
        owner: Caller {
            account: account.to_owned(),
            region: region.to_owned(),
        },
        name: name.to_owned(),
        incarnation: None,
    })
}

fn invalid_redrive(value: &str, reason: &str) -> SqsError {
    SqsError::invalid_value("RedrivePolicy", value, reason)
}

impl RedrivePolicy {
    /// Reads a policy as SetQueueAttributes gets it. `maxReceiveCount` may be a JSON
    /// number or a numeric string, as AWS accepts both.
    pub(crate) fn parse(value: &str) -> Result<RedrivePolicy, SqsError> {
        let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(value) else {
            return Err(SqsError::new(
                ErrorCode::InvalidAttributeValue,
                "Invalid value for the parameter RedrivePolicy. Reason: Invalid JSON document.",
            ));
        };
        let Some(target) = doc.get("deadLetterTargetArn") else {
            return Err(invalid_redrive(
                value,
                "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.",
            ));
        };
        let Some(count) = doc.get("maxReceiveCount") else {
            return Err(invalid_redrive(
                value,
                "Redrive policy does not contain mandatory attribute: maxReceiveCount.",
            ));
        };
        let target = match target {
            Value::String(s) if parse_arn(s).is_some() => s.clone(),
            _ => {
                return Err(invalid_redrive(
                    value,
                    "Invalid value for deadLetterTargetArn.",
                ))
            }
        };
        let parsed = match count {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        let max_receive_count = parsed
            .filter(|n| MAX_RECEIVE_COUNT.contains(n))
            .ok_or_else(|| {
                let shown = match count {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                invalid_redrive(
                    value,
                    &format!("Invalid value for maxReceiveCount: {shown}, valid values are from 1 to {} both inclusive.", MAX_RECEIVE_COUNT.end()),
                )
            })? as u32;
        Ok(RedrivePolicy {
            target_arn: target,
            max_receive_count,
        })
    }

    /// The policy as GetQueueAttributes shows it: `maxReceiveCount` a JSON number
    /// (fixtures/aws/recorded.md row 32).
    pub(crate) fn to_attribute(&self) -> String {
        json!({
            "deadLetterTargetArn": self.target_arn,
            "maxReceiveCount": self.max_receive_count,
        })
        .to_string()
    }
}

/// Which source queues a dead-letter queue accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RedriveAllow {
    AllowAll,
    DenyAll,
    ByQueue(Vec<String>),
}

fn invalid_allow(value: &str, reason: &str) -> SqsError {
    SqsError::invalid_value("RedriveAllowPolicy", value, reason)
}

const UNSUPPORTED_ALLOW_FORMAT: &str =
    "Amazon SQS can't create the redrive allow policy, as it's in an unsupported format.";

impl RedriveAllow {
    fn parse(value: &str) -> Result<RedriveAllow, SqsError> {
        let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(value) else {
            return Err(invalid_allow(value, UNSUPPORTED_ALLOW_FORMAT));
        };
        let arns = match doc.get("sourceQueueArns") {
            None => None,
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .filter(|s| parse_arn(s).is_some())
                            .map(str::to_owned)
                    })
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| invalid_allow(value, UNSUPPORTED_ALLOW_FORMAT))?,
            ),
            Some(_) => return Err(invalid_allow(value, UNSUPPORTED_ALLOW_FORMAT)),
        };
        match (doc.get("redrivePermission").and_then(Value::as_str), arns) {
            (Some("allowAll"), None) => Ok(RedriveAllow::AllowAll),
            (Some("denyAll"), None) => Ok(RedriveAllow::DenyAll),
            (Some("byQueue"), Some(arns)) if arns.len() > MAX_SOURCE_ARNS => Err(invalid_allow(
                value,
                "Amazon SQS can't create the redrive allow policy. The maximum number of source queue ARNs you can specify is 10.",
            )),
            (Some("byQueue"), Some(arns)) if !arns.is_empty() => Ok(RedriveAllow::ByQueue(arns)),
            _ => Err(invalid_allow(value, UNSUPPORTED_ALLOW_FORMAT)),
        }
    }

    fn allows(&self, source_arn: &str) -> bool {
        match self {
            RedriveAllow::AllowAll => true,
            RedriveAllow::DenyAll => false,
            RedriveAllow::ByQueue(arns) => arns.iter().any(|a| a == source_arn),
        }
    }
}

/// Checks a `RedriveAllowPolicy` value and returns it as stored.
pub(crate) fn parse_allow_policy(value: &str) -> Result<String, SqsError> {
    RedriveAllow::parse(value).map(|_| value.to_owned())
}

/// Checks that the dead-letter queue `policy` names can take messages from the queue
/// `source_arn` (of type `fifo`, owned by `owner`): it exists in the same account and
/// region, is of the same type, and its RedriveAllowPolicy lets this source in.
pub(crate) fn check_target(
    policy: &RedrivePolicy,
    source_arn: &str,
    fifo: bool,
    owner: &Caller,
    region: Option<&Region>,
) -> Result<(), SqsError> {
    let value = policy.to_attribute();
    let target = parse_arn(&policy.target_arn)
        .ok_or_else(|| invalid_redrive(&value, "Invalid value for deadLetterTargetArn."))?;
    if target.owner.account != owner.account {
        return Err(invalid_redrive(
            &value,
            "Dead-letter target owner should be same as the source.",
        ));
    }
    let dlq = region
        .filter(|_| target.owner.region == owner.region)
        .and_then(|r| r.queues.get(&target.name))
        .filter(|q| q.arn == policy.target_arn)
        .ok_or_else(|| invalid_redrive(&value, "Dead letter target does not exist."))?;
    if dlq.is_fifo() != fifo {
        return Err(invalid_redrive(
            &value,
            "Dead-letter queue must be same type of queue as the source.",
        ));
    }
    if let Some(allow) = &dlq.attributes.redrive_allow_policy {
        if let Ok(allow) = RedriveAllow::parse(allow) {
            if !allow.allows(source_arn) {
                return Err(invalid_redrive(
                    &value,
                    "Dead-letter queue redrive permission does not allow this queue to be a source.",
                ));
            }
        }
    }
    Ok(())
}

impl Queue {
    /// The queue's redrive policy, if it has one.
    pub(crate) fn redrive_policy(&self) -> Option<&RedrivePolicy> {
        self.attributes.redrive_policy.as_ref()
    }

    /// Receives up to `max` messages like [`Store::receive`](super::store::Store::receive),
    /// but a message whose receive count would pass `max_receive_count` is taken out and
    /// returned in the second list instead, with the count it had before this receive.
    pub(crate) fn receive_or_dead_letter(
        &mut self,
        now: u64,
        max: usize,
        visibility_ms: u64,
        max_receive_count: Option<u32>,
        mut nonce: impl FnMut() -> u64,
    ) -> (Vec<Received>, Vec<Message>) {
        let Some(limit) = max_receive_count else {
            return (
                self.store.receive(now, max, visibility_ms, nonce),
                Vec::new(),
            );
        };
        let mut delivered = Vec::new();
        let mut dead = Vec::new();
        // Each round removes what it dead-letters, so the loop ends when the ready set
        // is empty or enough messages are delivered.
        while delivered.len() < max {
            let batch = self
                .store
                .receive(now, max - delivered.len(), visibility_ms, &mut nonce);
            if batch.is_empty() {
                break;
            }
            for received in batch {
                if received.message.receive_count > limit {
                    if let Some(mut message) = self.store.remove(received.key) {
                        message.receive_count -= 1;
                        dead.push(message);
                    }
                } else {
                    delivered.push(received);
                }
            }
        }
        (delivered, dead)
    }
}

impl State {
    /// Where the queue `source` sends its over-received messages, and after how many
    /// receives: `None` when it has no policy or its dead-letter queue is gone (then
    /// messages stay and keep being delivered, so nothing is lost).
    pub(crate) fn dead_letter_target(&self, source: &QueueRef) -> Option<(QueueRef, u32)> {
        let queue = self.region(&source.owner)?.queues.get(&source.name)?;
        let policy = queue.redrive_policy()?;
        let target = parse_arn(&policy.target_arn)?;
        let dlq = self.region(&target.owner)?.queues.get(&target.name)?;
        (dlq.arn == policy.target_arn).then_some((target, policy.max_receive_count))
    }

    /// Stores `messages` dead-lettered from the queue `source_arn` in `dlq`, in order.
    pub(crate) fn dead_letter(&mut self, dlq: &QueueRef, source_arn: &str, messages: Vec<Message>) {
        let Some(queue) = self
            .regions
            .get_mut(&dlq.owner)
            .and_then(|r| r.queues.get_mut(&dlq.name))
        else {
            return;
        };
        for message in messages {
            let content = Content {
                dead_letter_source_arn: Some(source_arn.to_owned()),
                ..(*message.content).clone()
            };
            queue.store.push(
                Message {
                    content: Arc::new(content),
                    ..message
                },
                None,
            );
        }
        queue.waiters.notify_waiters();
    }

    /// The URLs of the queues in `dlq`'s account and region whose RedrivePolicy names
    /// it, in name order.
    pub(crate) fn dead_letter_sources(&self, dlq: &QueueRef) -> Vec<(&str, &Queue)> {
        let Some(region) = self.region(&dlq.owner) else {
            return Vec::new();
        };
        let Some(target) = region.queues.get(&dlq.name) else {
            return Vec::new();
        };
        region
            .queues
            .iter()
            .filter(|(_, q)| {
                q.redrive_policy()
                    .is_some_and(|p| p.target_arn == target.arn)
            })
            .map(|(name, q)| (name.as_str(), q))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_receive_count_may_be_a_string_and_reads_back_as_a_number() {
        let p = RedrivePolicy::parse(
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"10"}"#,
        )
        .unwrap();
        assert_eq!(p.max_receive_count, 10);
        assert_eq!(
            p.to_attribute(),
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":10}"#
        );
    }

    #[test]
    fn by_queue_needs_one_to_ten_arns() {
        let arn = "arn:aws:sqs:us-east-1:000000000000:q";
        let doc = |n: usize| {
            json!({"redrivePermission": "byQueue", "sourceQueueArns": vec![arn; n]}).to_string()
        };
        assert!(RedriveAllow::parse(&doc(0)).is_err());
        assert!(RedriveAllow::parse(&doc(10)).is_ok());
        assert!(RedriveAllow::parse(&doc(11)).is_err());
        assert!(RedriveAllow::parse(r#"{"redrivePermission":"denyAll"}"#).is_ok());
    }
}
