//! A message as the queue keeps it, and the rules a message must meet to be sent.

use base64::Engine as _;

use super::content::{Attribute, Content, Value};
use crate::error::{ErrorCode, SqsError};

/// One message attribute as sent, before validation: what either protocol carried.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawAttribute {
    pub data_type: Option<String>,
    pub string_value: Option<String>,
    /// Base64, as both protocols carry it.
    pub binary_value: Option<String>,
    pub string_list_values: Vec<String>,
    pub binary_list_values: Vec<String>,
}

/// A validated message attribute value. Binary values are kept decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AttributeValue {
    pub data_type: String,
    pub string_value: Option<String>,
    pub binary_value: Option<Vec<u8>>,
    pub string_list_values: Vec<String>,
    pub binary_list_values: Vec<Vec<u8>>,
}

impl AttributeValue {
    /// Bytes this value counts toward the message size: its type and its value.
    fn size(&self) -> usize {
        self.data_type.len()
            + self.string_value.as_ref().map_or(0, String::len)
            + self.binary_value.as_ref().map_or(0, Vec::len)
            + self
                .string_list_values
                .iter()
                .map(String::len)
                .sum::<usize>()
            + self.binary_list_values.iter().map(Vec::len).sum::<usize>()
    }
}

/// The wire form of a stored attribute (binary as base64), as both protocols carry it.
pub(crate) fn attribute_json(attribute: &Attribute<'_>) -> serde_json::Value {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let mut out = serde_json::Map::new();
    match attribute.value {
        Value::String(s) => {
            out.insert("StringValue".into(), s.into());
        }
        Value::Binary(b) => {
            out.insert("BinaryValue".into(), b64(b).into());
        }
        Value::StringList(list) => {
            let list: Vec<serde_json::Value> = list.texts().map(Into::into).collect();
            out.insert("StringListValues".into(), list.into());
        }
        Value::BinaryList(list) => {
            let list: Vec<serde_json::Value> = list.items().map(|b| b64(b).into()).collect();
            out.insert("BinaryListValues".into(), list.into());
        }
    }
    out.insert("DataType".into(), attribute.data_type.into());
    serde_json::Value::Object(out)
}

/// Attributes in name order (byte order), each name once: the order they are stored
/// and shown in.
pub(crate) type MessageAttributes = Vec<(String, AttributeValue)>;

/// A message in a queue: its content and its delivery history.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub content: Content,
    pub receive_count: u32,
    pub first_receive_at: Option<u64>,
}

/// Whether `c` may appear in a message body or string attribute:
/// `#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF`.
pub(crate) fn is_allowed_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// Checks the characters of a body.
pub(crate) fn validate_body(body: &str) -> Result<(), SqsError> {
    // Most bodies are ASCII with no control character but tab and line breaks: one
    // pass over the bytes clears them.
    if body
        .bytes()
        .all(|b| (0x20..0x80).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'))
    {
        return Ok(());
    }
    match body.chars().find(|c| !is_allowed_char(*c)) {
        None => Ok(()),
        Some(c) => Err(SqsError::new(
            ErrorCode::InvalidMessageContents,
            format!(
                "Invalid binary character '#x{:X}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].",
                c as u32
            ),
        )),
    }
}

fn decode_base64(name: &str, value: &str) -> Result<Vec<u8>, SqsError> {
    base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .map_err(|_| {
            SqsError::invalid_parameter(format!(
                "Message (user) attribute '{name}' has an invalid binary value: it is not valid base64."
            ))
        })
}

fn valid_attribute_name(name: &str) -> bool {
    let starts_with = |prefix: &str| {
        name.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    !name.is_empty()
        && name.chars().count() <= 256
        && !starts_with("aws.")
        && !starts_with("amazon.")
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Validates user message attributes (`kind` is "user" or "system" in the texts).
pub(crate) fn validate_attributes(
    raw: Vec<(String, RawAttribute)>,
    kind: &str,
) -> Result<MessageAttributes, SqsError> {
    if raw.len() > crate::limits::MAX_MESSAGE_ATTRIBUTES {
        return Err(SqsError::invalid_parameter(format!(
            "Number of message attributes [{}] exceeds the allowed maximum [10].",
            raw.len()
        )));
    }
    let mut out = MessageAttributes::with_capacity(raw.len());
    for (name, raw) in raw {
        if kind == "user" && !valid_attribute_name(&name) {
            return Err(SqsError::invalid_parameter(format!(
                "Message ({kind}) attribute name '{name}' is invalid. Reason: Invalid name: it must be 1 to 256 of the characters A-Z, a-z, 0-9, '_', '-' and '.', must not start or end with '.', contain '..', or start with 'AWS.' or 'Amazon.'."
            )));
        }
        let data_type = raw.data_type.unwrap_or_default();
        if data_type.is_empty() {
            return Err(SqsError::invalid_parameter(format!(
                "The message attribute '{name}' must contain non-empty message attribute type."
            )));
        }
        let base = data_type.split('.').next().unwrap_or("");
        let label_ok = data_type.len() <= 256
            && !data_type.ends_with('.')
            && data_type
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !matches!(base, "String" | "Number" | "Binary") || !label_ok {
            return Err(SqsError::invalid_parameter(format!(
                "The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
            )));
        }
        let empty = || {
            SqsError::invalid_parameter(format!(
                "Message ({kind}) attribute '{name}' must contain a non-empty value of type '{base}'."
            ))
        };
        let mut value = AttributeValue {
            data_type: data_type.clone(),
            ..Default::default()
        };
        if base == "Binary" {
            match raw.binary_value.as_deref() {
                Some(b) if !b.is_empty() => value.binary_value = Some(decode_base64(&name, b)?),
                _ if !raw.binary_list_values.is_empty() => {
                    value.binary_list_values = raw
                        .binary_list_values
                        .iter()
                        .map(|b| decode_base64(&name, b))
                        .collect::<Result<_, _>>()?
                }
                _ => return Err(empty()),
            }
            if value.binary_value.as_ref().is_some_and(Vec::is_empty) {
                return Err(empty());
            }
        } else {
            match raw.string_value {
                Some(s) if !s.is_empty() => value.string_value = Some(s),
                _ if !raw.string_list_values.is_empty() => {
                    value.string_list_values = raw.string_list_values
                }
                _ => return Err(empty()),
            }
            let strings = value.string_value.iter().chain(&value.string_list_values);
            for s in strings {
                if !s.chars().all(is_allowed_char) {
                    return Err(SqsError::invalid_parameter(format!(
                        "Message ({kind}) attribute '{name}' contains an invalid character."
                    )));
                }
                if base == "Number" && !is_number(s) {
                    return Err(SqsError::invalid_parameter(format!(
                        "Could not cast message attribute '{name}' value to number."
                    )));
                }
            }
        }
        out.push((name, value));
    }
    // Name order; a name given twice keeps its last value, as a map would.
    out.reverse();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.dedup_by(|later, earlier| later.0 == earlier.0);
    Ok(out)
}

/// SQS numbers: up to 38 significant digits, an optional sign, point and exponent.
fn is_number(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.parse::<f64>().is_ok_and(f64::is_finite)
        && !s.contains(['x', 'X', 'n', 'N', 'i', 'I'])
}

/// Bytes the attributes count toward the message size (name + type + value each).
pub(crate) fn attributes_size(attributes: &MessageAttributes) -> usize {
    attributes.iter().map(|(k, v)| k.len() + v.size()).sum()
}
