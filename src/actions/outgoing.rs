//! A message on its way into a queue, as SendMessage and each SendMessageBatch entry
//! carry it, and what the sender is told about it. The checks are the engine's.

use serde_json::{Map, Value};

use crate::engine::queue::Sent;
use crate::engine::sending::NewMessage;
use crate::error::SqsError;
use crate::protocol::params::{Params, RawAttribute};

/// The message members of a request or batch entry.
pub(crate) fn parse(p: &Params) -> Result<NewMessage, SqsError> {
    Ok(NewMessage {
        body: p.str("MessageBody")?,
        delay_seconds: p.opt_int("DelaySeconds")?,
        attributes: attributes(p.attribute_map("MessageAttributes")?),
        system_attributes: attributes(p.attribute_map("MessageSystemAttributes")?),
        group_id: p.opt_str("MessageGroupId")?,
        deduplication_id: p.opt_str("MessageDeduplicationId")?,
    })
}

/// Attributes as the engine takes them.
fn attributes(
    raw: Vec<(String, RawAttribute)>,
) -> Vec<(String, crate::engine::message::RawAttribute)> {
    raw.into_iter()
        .map(|(name, v)| {
            let value = crate::engine::message::RawAttribute {
                data_type: v.data_type,
                string_value: v.string_value,
                binary_value: v.binary_value,
                string_list_values: v.string_list_values,
                binary_list_values: v.binary_list_values,
            };
            (name, value)
        })
        .collect()
}

/// What SendMessage (and a batch entry) answers about a sent message: the digests of
/// what was sent, and the identity it was given (the first message's, for a duplicate).
pub(crate) fn sent_fields(sent: &Sent) -> Map<String, Value> {
    let mut out = Map::new();
    let text = |shown: &dyn std::fmt::Display| Value::String(shown.to_string());
    out.insert("MD5OfMessageBody".into(), text(&sent.md5_of_body));
    if let Some(md5) = &sent.digests.attributes {
        out.insert("MD5OfMessageAttributes".into(), text(md5));
    }
    if let Some(md5) = &sent.digests.system_attributes {
        out.insert("MD5OfMessageSystemAttributes".into(), text(md5));
    }
    out.insert("MessageId".into(), text(&sent.message_id));
    if let Some(seq) = &sent.sequence_number {
        out.insert("SequenceNumber".into(), text(seq));
    }
    out
}
