//! SendMessage and SendMessageBatch: the checks a message must pass to join a queue,
//! how it is built (digests, delay, deduplication id, SenderId), and storing it.

use super::content::{decode_attributes, encode_attributes, Content, Parts};
use super::digest::{md5_of_attributes, md5_of_body, sha256_of_body, Md5};
use super::message::{
    attributes_size, validate_attributes, validate_body, Message, MessageAttributes, RawAttribute,
};
use super::queue::{Queue, Sent};
use super::quotas::check_storage;
use super::{Engine, Entries, QueueRef};
use crate::error::{ErrorCode, SqsError};
use crate::ids::Ids;
use crate::limits;
use crate::rules::Rules;

/// A message as a sender gives it, before any check.
#[derive(Debug, Clone, Default)]
pub(crate) struct NewMessage {
    pub body: String,
    pub delay_seconds: Option<i64>,
    pub attributes: Vec<(String, RawAttribute)>,
    pub system_attributes: Vec<(String, RawAttribute)>,
    pub group_id: Option<String>,
    pub deduplication_id: Option<String>,
}

/// Who sends: what the message records about its sender.
#[derive(Debug, Clone)]
pub(crate) struct Sender {
    /// The SenderId receivers see.
    pub id: String,
    /// The request's `X-Amzn-Trace-Id`, stored as AWSTraceHeader unless the message
    /// carries its own.
    pub trace_header: Option<String>,
}

/// Whether we are in a batch: AWS words some errors differently there.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Single,
    Batch,
}

/// A message ready to be stored.
pub(crate) struct Prepared {
    pub message: Message,
    pub ready_at: Option<u64>,
    /// The digests of what was sent, for the sender's answer: they are not stored.
    pub digests: Digests,
}

/// `MD5OfMessageAttributes` and `MD5OfMessageSystemAttributes` of a sent message,
/// computed once for the answer to its send (a receive computes them again over the
/// attributes it shows).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Digests {
    pub attributes: Option<Md5>,
    pub system_attributes: Option<Md5>,
}

/// The 128-character id charset of MessageGroupId, MessageDeduplicationId and
/// ReceiveRequestAttemptId: alphanumerics and ASCII punctuation.
pub(crate) fn valid_fifo_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= limits::MAX_FIFO_ID
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c.is_ascii_punctuation())
}

/// The error for an id outside that charset.
pub(crate) fn invalid_fifo_id(name: &str, value: &str) -> SqsError {
    SqsError::invalid_value(
        name,
        value,
        &format!(
            "{name} can only include alphanumeric and punctuation characters. 1 to 128 in length."
        ),
    )
}

impl NewMessage {
    /// Bytes this message counts toward a batch's total (body and attributes).
    fn batch_size(&self) -> usize {
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
    fn check_fifo_ids(&self, queue: &Queue, mode: Mode, rules: &Rules) -> Result<(), SqsError> {
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
    fn prepare(
        self,
        queue: &Queue,
        sender: &Sender,
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
        let trace = system
            .iter()
            .find(|(name, _)| name == "AWSTraceHeader")
            .and_then(|(_, value)| value.string_value.as_deref());
        let trace_header = trace.or(sender.trace_header.as_deref());
        // Encoded only for their digest, which is over the encoded form.
        let md5_of_system_attributes =
            md5_of_attributes(decode_attributes(&encode_attributes(&system)));
        // A message timer overrides the queue's delay, 0 included, on standard queues.
        // FIFO queues refuse per-message delays; an explicit 0 there still waits the
        // queue's delay (fixtures/aws/recorded.md row 63).
        let delay = match self.delay_seconds {
            Some(d) if !queue.is_fifo() => d as u64,
            _ => u64::from(queue.attributes.delay_seconds),
        };
        // On a FIFO queue with content-based deduplication and no explicit id, the id is
        // the SHA-256 of the body; receivers see it as MessageDeduplicationId.
        let content_based;
        let deduplication_id = match self.deduplication_id.as_deref() {
            None if queue.is_fifo() && queue.attributes.content_based_deduplication => {
                content_based = sha256_of_body(&self.body);
                Some(content_based.as_str())
            }
            explicit => explicit,
        };
        let attributes = encode_attributes(&attributes);
        let content = Content::new(&Parts {
            message_id: ids.next_uuid(),
            md5_of_body: md5_of_body(&self.body),
            body: &self.body,
            attributes: &attributes,
            trace_header,
            sender_id: &sender.id,
            sent_at: now,
            group_id: self.group_id.as_deref(),
            deduplication_id,
            // A FIFO message gets its number as it joins the queue's order.
            sequence_number: queue.is_fifo().then_some(0),
            dead_letter_source_arn: None,
            size,
        });
        Ok(Prepared {
            message: Message {
                content,
                receive_count: 0,
                first_receive_at: None,
            },
            ready_at: (delay > 0).then_some(now + delay * 1000),
            digests: Digests {
                attributes: md5_of_attributes(decode_attributes(&attributes)),
                system_attributes: md5_of_system_attributes,
            },
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

impl Engine {
    /// SendMessage: checks `message` against the queue and stores it. Long polls on the
    /// queue wake when it is stored (not for a FIFO duplicate).
    pub(crate) fn send(
        &self,
        target: &QueueRef,
        message: NewMessage,
        sender: &Sender,
    ) -> Result<Sent, SqsError> {
        let rules = self.rules();
        let store = |queue: &mut Queue, now: u64, used: usize| {
            message.check_fifo_ids(queue, Mode::Single, rules)?;
            let prepared = message.prepare(queue, sender, now, &mut self.ids(), Mode::Single)?;
            check_storage(rules.quotas, used, prepared.message.content.size())?;
            Ok(queue.send(prepared))
        };
        match rules.quotas {
            // Without quotas only the queue matters: one lookup of it, not three.
            None => self.on_queue(target, |queue, now| store(queue, now, 0)),
            Some(_) => self.on_queue_in_state(target, |state, now| {
                let used = state.stored_bytes(&target.owner);
                store(state.queue_mut(target, now)?, now, used)
            }),
        }
    }

    /// SendMessageBatch: the rules that fail the whole request first (the total size,
    /// FIFO ids), then each entry on its own. An entry given as an error fails alone.
    pub(crate) fn send_batch(
        &self,
        target: &QueueRef,
        entries: Entries<NewMessage>,
        sender: &Sender,
    ) -> Result<Entries<Sent>, SqsError> {
        let rules = self.rules();
        let total: usize = entries
            .iter()
            .filter_map(|(_, m)| m.as_ref().ok())
            .map(NewMessage::batch_size)
            .sum();
        // The total a batch may have, whatever the queue's MaximumMessageSize: the
        // provider's largest message.
        let max_batch_bytes = rules.max_message_size as usize;
        if total > max_batch_bytes {
            return Err(SqsError::new(
                ErrorCode::BatchRequestTooLong,
                format!("Batch requests cannot be longer than {max_batch_bytes} bytes. You have sent {total} bytes."),
            ));
        }
        self.on_queue_in_state(target, |state, now| {
            let mut used = rules
                .quotas
                .map_or(0, |_| state.stored_bytes(&target.owner));
            let queue = state.queue_mut(target, now)?;
            for message in entries.iter().filter_map(|(_, m)| m.as_ref().ok()) {
                message.check_fifo_ids(queue, Mode::Batch, rules)?;
            }
            let mut results = Vec::with_capacity(entries.len());
            for (id, message) in entries {
                let sent = message
                    .and_then(|m| m.prepare(queue, sender, now, &mut self.ids(), Mode::Batch))
                    .and_then(|p| {
                        if rules.quotas.is_some() {
                            let size = p.message.content.size();
                            check_storage(rules.quotas, used, size)?;
                            used += size;
                        }
                        Ok(queue.send(p))
                    });
                results.push((id, sent));
            }
            Ok(results)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{engine, queue};

    #[test]
    fn decoded_len_matches_base64() {
        use base64::Engine as _;
        for n in 0..10 {
            let text = base64::engine::general_purpose::STANDARD.encode(vec![7u8; n]);
            assert_eq!(super::decoded_len(&text), n, "{text}");
        }
    }

    fn body(text: &str) -> NewMessage {
        NewMessage {
            body: text.into(),
            ..NewMessage::default()
        }
    }

    /// FIFO deduplication: within 5 minutes the same content-based id is accepted, answered
    /// with the first message's id, and not stored; afterwards it is new again.
    #[test]
    fn send_deduplicates_fifo_messages_for_five_minutes() {
        let (engine, clock) = engine();
        let q = queue(
            &engine,
            "q.fifo",
            &[("FifoQueue", "true"), ("ContentBasedDeduplication", "true")],
        );
        let sender = Sender {
            id: "me".into(),
            trace_header: None,
        };
        let grouped = |text: &str| NewMessage {
            group_id: Some("g".into()),
            ..body(text)
        };
        let first = engine.send(&q, grouped("a"), &sender).unwrap();
        let again = engine.send(&q, grouped("a"), &sender).unwrap();
        assert!(first.stored && !again.stored);
        assert_eq!(again.message_id, first.message_id);
        clock.advance(std::time::Duration::from_millis(
            limits::DEDUPLICATION_INTERVAL_MS,
        ));
        assert!(engine.send(&q, grouped("a"), &sender).unwrap().stored);
        // Without a group, a FIFO send is refused.
        let err = engine.send(&q, body("b"), &sender).unwrap_err();
        assert_eq!(err.code, ErrorCode::MissingParameter);
    }

    /// A batch over the provider's largest message fails whole, before the queue is read.
    #[test]
    fn send_batch_refuses_a_batch_over_the_largest_message() {
        let (engine, _) = engine();
        let q = queue(&engine, "q", &[]);
        let sender = Sender {
            id: "me".into(),
            trace_header: None,
        };
        let big = "x".repeat(limits::MAX_MESSAGE_SIZE as usize / 2 + 1);
        let entries = vec![("a".into(), Ok(body(&big))), ("b".into(), Ok(body(&big)))];
        let err = engine.send_batch(&q, entries, &sender).unwrap_err();
        assert_eq!(err.code, ErrorCode::BatchRequestTooLong);
    }
}
