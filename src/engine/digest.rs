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

/// `MD5OfMessageAttributes` (PROTOCOL.md §3.2): for each attribute in name order, the
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

    fn string(data_type: &str, v: &str) -> AttributeValue {
        AttributeValue {
            data_type: data_type.into(),
            string_value: Some(v.into()),
            ..Default::default()
        }
    }

    fn binary(data_type: &str, v: &[u8]) -> AttributeValue {
        AttributeValue {
            data_type: data_type.into(),
            binary_value: Some(v.to_vec()),
            ..Default::default()
        }
    }

    fn md5(attrs: Vec<(&str, AttributeValue)>) -> String {
        let owned: Vec<(String, AttributeValue)> =
            attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        md5_of_attributes(owned.iter().map(|(k, v)| (k, v))).unwrap()
    }

    /// Vectors from PROTOCOL.md §3 (LocalStack's AWS-validated suite, the Java SDK v2's
    /// interceptor test, and recordings from AWS).
    #[test]
    fn attribute_digests_match_the_reference_vectors() {
        assert_eq!(md5_of_body("test"), "098f6bcd4621d373cade4e832627b4f6");
        assert_eq!(md5_of_body("Body"), "ac101b32dda4448cf13a93fe283dddd8");
        assert_eq!(
            md5(vec![("timestamp", string("Number", "1493147359900"))]),
            "235c5c510d26fb653d073faed50ae77c"
        );
        assert_eq!(
            md5(vec![
                ("String", string("String", "Value")),
                ("Binary", binary("Binary", &[5])),
                (
                    "StringList",
                    AttributeValue {
                        data_type: "String".into(),
                        string_list_values: vec!["ListValue".into()],
                        ..Default::default()
                    }
                ),
                (
                    "ByteList",
                    AttributeValue {
                        data_type: "Binary".into(),
                        binary_list_values: vec![vec![3]],
                        ..Default::default()
                    }
                ),
            ]),
            "4b6959cf7735fdade89bc099b85b3234"
        );
        assert_eq!(
            md5(vec![
                ("City", string("String", "Any City")),
                ("PostalCode", string("String", "99065")),
                ("Region", string("String", "WA")),
            ]),
            "dcf9a9f69fefb3eb52111520ee5c6d3f"
        );
        assert_eq!(
            md5(vec![
                ("b", binary("Binary.gif", &[0, 1])),
                ("price", string("Number.float", "3.14"))
            ]),
            "113820582aa84a4afae05ade934a9aa7"
        );
        assert_eq!(
            md5(vec![
                ("Help.Me", string("String", "Me")),
                ("Hello", string("String", "There")),
                ("General", string("String", "Kenobi"))
            ]),
            "4c360f3fdafd970e05fae2f149d997f5"
        );
        assert_eq!(
            md5(vec![(
                "AWSTraceHeader",
                string(
                    "String",
                    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
                )
            )]),
            "5ae4d5d7636402d80f4eb6d213245a88"
        );
    }
}
