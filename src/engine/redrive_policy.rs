//! The redrive documents: `RedrivePolicy` (where a queue's over-received messages go)
//! and `RedriveAllowPolicy` (which sources a dead-letter queue accepts), queue ARNs, and
//! the checks a source's policy must pass. Moving the messages is `dead_letter.rs`'s.

use serde_json::{json, Value};

use super::{Caller, QueueRef};
use crate::error::{ErrorCode, SqsError};

use crate::limits::{MAX_RECEIVE_COUNT, MAX_SOURCE_ARNS};

/// A parsed `RedrivePolicy`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// What [`check_target`] needs to know of an existing dead-letter queue.
pub(crate) struct Target<'a> {
    pub arn: &'a str,
    pub fifo: bool,
    pub redrive_allow_policy: Option<&'a str>,
}

/// Checks that the dead-letter queue `policy` names can take messages from the queue
/// `source_arn` (of type `fifo`, owned by `owner`): it exists in the same account and
/// region (`lookup` finds it by name in the owner's region), is of the same type, and
/// its RedriveAllowPolicy lets this source in.
pub(crate) fn check_target<'a>(
    policy: &RedrivePolicy,
    source_arn: &str,
    fifo: bool,
    owner: &Caller,
    lookup: impl FnOnce(&str) -> Option<Target<'a>>,
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
    let dlq = Some(())
        .filter(|_| target.owner.region == owner.region)
        .and_then(|_| lookup(&target.name))
        .filter(|q| q.arn == policy.target_arn)
        .ok_or_else(|| invalid_redrive(&value, "Dead letter target does not exist."))?;
    if dlq.fifo != fifo {
        return Err(invalid_redrive(
            &value,
            "Dead-letter queue must be same type of queue as the source.",
        ));
    }
    if let Some(allow) = dlq.redrive_allow_policy {
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
