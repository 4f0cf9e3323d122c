//! The digests SQS puts on the wire: MD5 of a body, MD5 of message attributes (and of
//! system attributes, by the same algorithm), and the SHA-256 that content-based
//! deduplication uses.

use md5::Digest;
use sha2::Sha256;

use super::content::{Attribute, Value};
use crate::ids::{hex, HEX_DIGITS};

/// An MD5 digest as its 16 bytes; `Display` gives the lower-case hex SQS shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Md5([u8; 16]);

impl Md5 {
    pub(crate) fn from_bytes(bytes: [u8; 16]) -> Md5 {
        Md5(bytes)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl std::fmt::Display for Md5 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // On the stack: every answer about a message shows one or more.
        let mut out = [0u8; 32];
        for (pair, b) in out.chunks_exact_mut(2).zip(self.0) {
            pair[0] = HEX_DIGITS[usize::from(b >> 4)];
            pair[1] = HEX_DIGITS[usize::from(b & 0xf)];
        }
        f.write_str(std::str::from_utf8(&out).unwrap_or_default())
    }
}

/// `MD5OfMessageBody`: the MD5 of the body's UTF-8 bytes.
pub(crate) fn md5_of_body(body: &str) -> Md5 {
    Md5(md5::Md5::digest(body.as_bytes()).into())
}

fn put(md5: &mut md5::Md5, bytes: &[u8]) {
    md5.update((bytes.len() as u32).to_be_bytes());
    md5.update(bytes);
}

/// `MD5OfMessageAttributes` (fixtures/aws/protocol.md §3.2): for each attribute in name order, the
/// length-prefixed name, the length-prefixed data type, a bare transport byte, then the
/// length-prefixed value(s). `None` when there are no attributes.
pub(crate) fn md5_of_attributes<'a>(
    attributes: impl IntoIterator<Item = (&'a str, Attribute<'a>)>,
) -> Option<Md5> {
    let mut sorted: Vec<_> = attributes.into_iter().collect();
    if sorted.is_empty() {
        return None;
    }
    // UTF-16 code-unit order, as the Java SDK sorts; the same as byte order for ASCII.
    if !sorted.iter().all(|(name, _)| name.is_ascii()) {
        sorted.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    } else {
        sorted.sort_by(|a, b| a.0.cmp(b.0));
    }
    let mut md5 = md5::Md5::new();
    for (name, attribute) in sorted {
        put(&mut md5, name.as_bytes());
        put(&mut md5, attribute.data_type.as_bytes());
        match attribute.value {
            Value::String(s) => {
                md5.update([1]);
                put(&mut md5, s.as_bytes());
            }
            Value::Binary(b) => {
                md5.update([2]);
                put(&mut md5, b);
            }
            Value::StringList(list) => {
                md5.update([3]);
                for item in list.items() {
                    put(&mut md5, item);
                }
            }
            Value::BinaryList(list) => {
                md5.update([4]);
                for item in list.items() {
                    put(&mut md5, item);
                }
            }
        }
    }
    Some(Md5(md5.finalize().into()))
}

/// Content-based deduplication id: hex SHA-256 of the body.
pub(crate) fn sha256_of_body(body: &str) -> String {
    hex(&Sha256::digest(body.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::content::{decode_attributes, encode_attributes};
    use crate::engine::message::{AttributeValue, MessageAttributes};

    fn md5(attrs: Vec<(&str, AttributeValue)>) -> String {
        let owned: MessageAttributes = attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let encoded = encode_attributes(&owned);
        md5_of_attributes(decode_attributes(&encoded))
            .unwrap()
            .to_string()
    }

    /// The vectors of `fixtures/aws/md5.json`.
    #[test]
    fn digests_match_the_recorded_vectors() {
        let facts: serde_json::Value =
            serde_json::from_str(include_str!("../../fixtures/aws/md5.json")).unwrap();
        for case in facts["bodies"].as_array().unwrap() {
            let md5 = md5_of_body(case["body"].as_str().unwrap()).to_string();
            assert_eq!(md5, case["md5"]);
        }
        let bytes = |v: &serde_json::Value| -> Vec<u8> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|b| b.as_u64().unwrap() as u8)
                .collect()
        };
        for case in facts["attributes"].as_array().unwrap() {
            let attrs: Vec<(&str, AttributeValue)> = case["attributes"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(name, v)| {
                    let value = AttributeValue {
                        data_type: v["DataType"].as_str().unwrap().into(),
                        string_value: v["StringValue"].as_str().map(Into::into),
                        binary_value: v.get("BinaryValue").map(bytes),
                        string_list_values: v["StringListValues"]
                            .as_array()
                            .map(|l| l.iter().map(|s| s.as_str().unwrap().into()).collect())
                            .unwrap_or_default(),
                        binary_list_values: v["BinaryListValues"]
                            .as_array()
                            .map(|l| l.iter().map(bytes).collect())
                            .unwrap_or_default(),
                    };
                    (name.as_str(), value)
                })
                .collect();
            assert_eq!(md5(attrs), case["md5"], "{}", case["source"]);
        }
    }
}
