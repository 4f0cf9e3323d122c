//! A message on its way into a queue: what SendMessage and each SendMessageBatch entry
//! carry, and the checks they share.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::Ctx;
use crate::engine::digest::{md5_of_attributes, md5_of_body, sha256_of_body};
use crate::engine::message::{
    attributes_size, validate_attributes, validate_body, Content, Message, MessageAttributes,
};
use crate::engine::queue::{Queue, Sent};
use crate::error::{ErrorCode, SqsError};
use crate::ids::Ids;
use crate::limits;
use crate::protocol::params::{Params, RawAttribute};
use crate::rules::Rules;

pub(crate) struct Outgoing {
    body: String,
    delay_seconds: Option<i64>,
    attributes: Vec<(String, RawAttribute)>,
    system_attributes: Vec<(String, RawAttribute)>,
    group_id: Option<String>,
    deduplication_id: Option<String>,
}

/// A message ready to be stored, and what the sender is told about it.
pub(crate) struct Prepared {
    pub message: Message,
    pub ready_at: Option<u64>,
}

/// Whether we are in a batch: AWS words some errors differently there.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Single,
    Batch,
}

/// The 128-character id charset of MessageGroupId and MessageDeduplicationId:
/// alphanumerics and ASCII punctuation.
pub(crate) fn valid_fifo_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= limits::MAX_FIFO_ID
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c.is_ascii_punctuation())
}

pub(crate) fn invalid_fifo_id(name: &str, value: &str) -> SqsError {
    SqsError::invalid_value(
        name,
        value,
        &format!(
            "{name} can only include alphanumeric and punctuation characters. 1 to 128 in length."
        ),
    )
}

impl Outgoing {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(Outgoing {
            body: p.str("MessageBody")?,
            delay_seconds: p.opt_int("DelaySeconds")?,
            attributes: p.attribute_map("MessageAttributes")?,
            system_attributes: p.attribute_map("MessageSystemAttributes")?,
            group_id: p.opt_str("MessageGroupId")?,
            deduplication_id: p.opt_str("MessageDeduplicationId")?,
        })
    }

    /// Bytes this message counts toward a batch's 1 MiB total (body and attributes).
    pub(crate) fn batch_size(&self) -> usize {
        self.body.len()
            + self
                .attributes
                .iter()
                .map(|(k, v)| {
                    k.len()
                        + v.data_type.as_deref().map_or(0, str::len)
                        + v.string_value.as_deref().map_or(0, str::len)
                        + v.binary_value.as_deref().map_or(0, decoded_len)
                })
                .sum::<usize>()
    }

    /// Checks that concern the whole request even inside a batch (AWS fails a batch
    /// whole, not per entry, for a FIFO entry without its group or dedup id).
    pub(crate) fn check_fifo_ids(
        &self,
        queue: &Queue,
        mode: Mode,
        rules: &Rules,
    ) -> Result<(), SqsError> {
        if let Some(group) = &self.group_id {
            if !valid_fifo_id(group) {
                return Err(invalid_fifo_id("MessageGroupId", group));
            }
        }
        if let Some(dedup) = &self.deduplication_id {
            if !valid_fifo_id(dedup) {
                return Err(invalid_fifo_id("MessageDeduplicationId", dedup));
            }
        }
        if !queue.is_fifo() {
            return Ok(());
        }
        if self.group_id.is_none() && rules.requires_message_group {
            return Err(match mode {
                Mode::Single => SqsError::missing("MessageGroupId"),
                Mode::Batch => SqsError::invalid_parameter(
                    "The request must contain the parameter MessageGroupId.",
                ),
            });
        }
        if self.deduplication_id.is_none() && !queue.attributes.content_based_deduplication {
            return Err(SqsError::invalid_parameter(
                "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
            ));
        }
        Ok(())
    }

    /// Validates the message against `queue` and builds it.
    pub(crate) fn prepare(
        self,
        queue: &Queue,
        ctx: &Ctx,
        now: u64,
        ids: &mut Ids,
        mode: Mode,
    ) -> Result<Prepared, SqsError> {
        if let Some(delay) = self.delay_seconds {
            if !limits::DELAY_SECONDS.contains(&delay) {
                return Err(SqsError::invalid_value(
                    "DelaySeconds",
                    delay,
                    "DelaySeconds must be >= 0 and <= 900.",
                ));
            }
            if queue.is_fifo() && delay != 0 {
                return Err(SqsError::invalid_value(
                    "DelaySeconds",
                    delay,
                    "The request include parameter that is not valid for this queue type.",
                ));
            }
        }
        validate_body(&self.body)?;
        let attributes = validate_attributes(self.attributes, "user")?;
        let system = validate_system_attributes(self.system_attributes)?;
        let size = self.body.len() + attributes_size(&attributes);
        let max = queue.attributes.maximum_message_size as usize;
        if size > max {
            let verb = match mode {
                Mode::Single => "are invalid",
                Mode::Batch => "cannot be validated",
            };
            return Err(SqsError::invalid_parameter(format!(
                "One or more parameters {verb}. Reason: Message must be shorter than {max} bytes."
            )));
        }
        let trace_header = system
            .get("AWSTraceHeader")
            .and_then(|v| v.string_value.clone())
            .or_else(|| ctx.trace_header.clone());
        let md5_of_system_attributes = md5_of_attributes(system.iter());
        // A message timer overrides the queue's delay, 0 included, on standard queues.
        // FIFO queues refuse per-message delays; an explicit 0 there still waits the
        // queue's delay (fixtures/aws/recorded.md row 63).
        let delay = match self.delay_seconds {
            Some(d) if !queue.is_fifo() => d as u64,
            _ => u64::from(queue.attributes.delay_seconds),
        };
        // On a FIFO queue with content-based deduplication and no explicit id, the id is
        // the SHA-256 of the body; receivers see it as MessageDeduplicationId.
        let deduplication_id = match self.deduplication_id {
            None if queue.is_fifo() && queue.attributes.content_based_deduplication => {
                Some(sha256_of_body(&self.body))
            }
            explicit => explicit,
        };
        let content = Content {
            message_id: ids.uuid(),
            md5_of_body: md5_of_body(&self.body),
            body: self.body,
            md5_of_attributes: md5_of_attributes(attributes.iter()),
            attributes,
            trace_header,
            md5_of_system_attributes,
            sender_id: ctx.sender_id(),
            sent_at: now,
            group_id: self.group_id,
            deduplication_id,
            sequence_number: None,
            dead_letter_source_arn: None,
            size,
        };
        Ok(Prepared {
            message: Message {
                content: Arc::new(content),
                receive_count: 0,
                first_receive_at: None,
            },
            ready_at: (delay > 0).then_some(now + delay * 1000),
        })
    }
}

/// The length of what a base64 text decodes to, without decoding it.
fn decoded_len(b64: &str) -> usize {
    let b64 = b64.trim();
    let padding = b64.bytes().rev().take_while(|b| *b == b'=').count();
    (b64.len() / 4 * 3 + [0, 0, 1, 2][b64.len() % 4]).saturating_sub(padding)
}

/// Only `AWSTraceHeader`, of type String, may be sent as a system attribute.
fn validate_system_attributes(
    raw: Vec<(String, RawAttribute)>,
) -> Result<MessageAttributes, SqsError> {
    for (name, value) in &raw {
        if name != "AWSTraceHeader" {
            return Err(SqsError::invalid_parameter(format!(
                "Message system attribute name '{name}' is invalid."
            )));
        }
        if value.data_type.as_deref() != Some("String") {
            return Err(SqsError::new(
                ErrorCode::InvalidParameterValue,
                format!("Message system attribute '{name}' must be of type 'String'."),
            ));
        }
    }
    validate_attributes(raw, "system")
}

/// What SendMessage (and a batch entry) answers about a sent message: the digests of
/// what was sent, and the identity it was given (the first message's, for a duplicate).
pub(crate) fn sent_fields(sent: &Sent) -> Map<String, Value> {
    let content = &sent.content;
    let mut out = Map::new();
    out.insert("MD5OfMessageBody".into(), json!(content.md5_of_body));
    if let Some(md5) = &content.md5_of_attributes {
        out.insert("MD5OfMessageAttributes".into(), json!(md5));
    }
    if let Some(md5) = &content.md5_of_system_attributes {
        out.insert("MD5OfMessageSystemAttributes".into(), json!(md5));
    }
    out.insert("MessageId".into(), json!(sent.message_id));
    if let Some(seq) = &sent.sequence_number {
        out.insert("SequenceNumber".into(), json!(seq));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn decoded_len_matches_base64() {
        use base64::Engine as _;
        for n in 0..10 {
            let text = base64::engine::general_purpose::STANDARD.encode(vec![7u8; n]);
            assert_eq!(super::decoded_len(&text), n, "{text}");
        }
    }
}
