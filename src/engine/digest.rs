//! The digests SQS puts on the wire: MD5 of a body, MD5 of message attributes (and of
//! system attributes, by the same algorithm), and the SHA-256 that content-based
//! deduplication uses.

use md5::{Digest, Md5};
use sha2::Sha256;

use super::message::AttributeValue;
use crate::ids::hex;

/// `MD5OfMessageBody`: lower-case hex MD5 of the body's UTF-8 bytes.
pub(crate) fn md5_of_body(body: &str) -> String {
    hex(&Md5::digest(body.as_bytes()))
}

fn put(md5: &mut Md5, bytes: &[u8]) {
    md5.update((bytes.len() as u32).to_be_bytes());
    md5.update(bytes);
}

/// `MD5OfMessageAttributes` (fixtures/aws/protocol.md §3.2): for each attribute in name order, the
/// length-prefixed name, the length-prefixed data type, a bare transport byte, then the
/// length-prefixed value(s). `None` when there are no attributes.
pub(crate) fn md5_of_attributes<'a>(
    attributes: impl IntoIterator<Item = (&'a String, &'a AttributeValue)>,
) -> Option<String> {
    let mut sorted: Vec<_> = attributes.into_iter().collect();
    if sorted.is_empty() {
        return None;
    }
    // UTF-16 code-unit order, as the Java SDK sorts; the same as byte order for ASCII.
    sorted.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    let mut md5 = Md5::new();
    for (name, value) in sorted {
        put(&mut md5, name.as_bytes());
        put(&mut md5, value.data_type.as_bytes());
        if let Some(s) = &value.string_value {
            md5.update([1]);
            put(&mut md5, s.as_bytes());
        } else if let Some(b) = &value.binary_value {
            md5.update([2]);
            put(&mut md5, b);
        } else if !value.string_list_values.is_empty() {
            md5.update([3]);
            for s in &value.string_list_values {
                put(&mut md5, s.as_bytes());
            }
        } else {
            md5.update([4]);
            for b in &value.binary_list_values {
                put(&mut md5, b);
            }
        }
    }
    Some(hex(&md5.finalize()))
}

/// Content-based deduplication id: hex SHA-256 of the body.
pub(crate) fn sha256_of_body(body: &str) -> String {
    hex(&Sha256::digest(body.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md5(attrs: Vec<(&str, AttributeValue)>) -> String {
        let owned: Vec<(String, AttributeValue)> =
            attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        md5_of_attributes(owned.iter().map(|(k, v)| (k, v))).unwrap()
    }

    /// The vectors of `fixtures/aws/md5.json`.
    #[test]
    fn digests_match_the_recorded_vectors() {
        let facts: serde_json::Value =
            serde_json::from_str(include_str!("../../fixtures/aws/md5.json")).unwrap();
        for case in facts["bodies"].as_array().unwrap() {
            assert_eq!(md5_of_body(case["body"].as_str().unwrap()), case["md5"]);
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
