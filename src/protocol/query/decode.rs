//! AWS Query requests: `Action=...&Attribute.1.Name=...` pairs, from a form body or the
//! query string, unflattened into the member tree that the JSON protocol sends as is.

use serde_json::{Map, Value};

use crate::api::ActionName;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::limits::{MAX_DEPTH, MAX_MEMBERS};

/// The pairs that carry signing or versioning, not request members.
fn is_envelope(key: &str) -> bool {
    matches!(
        key,
        "Action"
            | "Version"
            | "AWSAccessKeyId"
            | "Signature"
            | "SignatureMethod"
            | "SignatureVersion"
            | "Timestamp"
            | "Expires"
            | "SecurityToken"
    ) || key.starts_with("X-Amz-")
}

/// A malformed request, as the Query protocol answers it (`MalformedInput`).
fn malformed(message: &'static str) -> SqsError {
    SqsError::new(ErrorCode::Serialization, message)
}

/// Decodes one `+`-for-space, percent-encoded component strictly: invalid UTF-8 is
/// refused, not replaced, as the JSON protocol refuses it. A `%` not followed by two hex
/// digits stays as it is, as in every form decoder.
fn decode_component(raw: &[u8]) -> Result<String, SqsError> {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        let escaped = (b == b'%')
            .then(|| Some(hex(*raw.get(i + 1)?)? << 4 | hex(*raw.get(i + 2)?)?))
            .flatten();
        match (b, escaped) {
            (_, Some(byte)) => {
                bytes.push(byte);
                i += 3;
            }
            (b'+', None) => {
                bytes.push(b' ');
                i += 1;
            }
            (b, None) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(bytes)
        .map_err(|_| malformed("The request contains a parameter that is not valid UTF-8."))
}

/// Adds the `key=value` pairs of a form-encoded query string or body to `pairs`, within
/// [`MAX_MEMBERS`] pairs in all and [`MAX_DEPTH`] dotted parts per key.
pub(crate) fn parse_pairs(input: &[u8], pairs: &mut Vec<(String, String)>) -> Result<(), SqsError> {
    for piece in input.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        if pairs.len() >= MAX_MEMBERS {
            return Err(malformed(
                "The request has more parameters than any SQS request (10000).",
            ));
        }
        let (key, value) = match piece.iter().position(|b| *b == b'=') {
            Some(i) => (&piece[..i], &piece[i + 1..]),
            None => (piece, &piece[piece.len()..]),
        };
        let key = decode_component(key)?;
        if key.split('.').nth(MAX_DEPTH).is_some() {
            return Err(malformed(
                "A parameter name has more dotted parts than any SQS parameter (16).",
            ));
        }
        let value = decode_component(value)?;
        pairs.push((key, value));
    }
    Ok(())
}

/// The pairs of one request, sorted by their dotted keys part by part, so that every
/// node of the key tree (`Attribute` → `1` → `Name`) is one run of them: the tree is
/// walked without being built, and nothing is nested deeper than the keys are.
type Sorted<'p, 'a> = &'p [(&'a str, &'a str)];

fn part(key: &str, depth: usize) -> Option<&str> {
    key.split('.').nth(depth)
}

/// A node of the key tree at `depth`: the pairs whose keys start with its path.
#[derive(Clone, Copy)]
struct Node<'p, 'a> {
    pairs: Sorted<'p, 'a>,
    depth: usize,
}

impl<'p, 'a> Node<'p, 'a> {
    /// The value of the key that is this node's own path; it sorts before its children.
    fn text(self) -> Option<&'a str> {
        self.pairs
            .first()
            .filter(|(key, _)| part(key, self.depth).is_none())
            .map(|(_, value)| *value)
    }

    fn has_children(self) -> bool {
        self.pairs.len() > usize::from(self.text().is_some())
    }

    /// The children by name, in the order of their names.
    fn children(self) -> impl Iterator<Item = (&'a str, Node<'p, 'a>)> {
        let mut rest = &self.pairs[usize::from(self.text().is_some())..];
        let depth = self.depth;
        std::iter::from_fn(move || {
            let (first, _) = rest.first()?;
            let name = part(first, depth)?;
            let len = rest
                .iter()
                .position(|(key, _)| part(key, depth) != Some(name))
                .unwrap_or(rest.len());
            let (group, tail) = rest.split_at(len);
            rest = tail;
            Some((
                name,
                Node {
                    pairs: group,
                    depth: depth + 1,
                },
            ))
        })
    }

    fn child(self, name: &str) -> Option<Node<'p, 'a>> {
        self.children()
            .find(|(n, _)| *n == name)
            .map(|(_, node)| node)
    }

    fn child_text(self, name: &str) -> Option<&'a str> {
        self.child(name).and_then(Node::text)
    }

    /// Children whose names are list positions, in numeric order. A position of digits
    /// that does not fit a u64 is malformed, not skipped.
    fn items(self) -> Result<Vec<Node<'p, 'a>>, SqsError> {
        let mut numbered = Vec::new();
        for (name, node) in self.children() {
            match name.parse::<u64>() {
                Ok(i) => numbered.push((i, node)),
                Err(_) if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) => {
                    return Err(malformed(
                        "A list index in a parameter name is larger than 18446744073709551615.",
                    ))
                }
                Err(_) => {}
            }
        }
        numbered.sort_by_key(|(i, _)| *i);
        Ok(numbered.into_iter().map(|(_, n)| n).collect())
    }
}

/// How a flattened Query name maps onto a JSON member.
#[derive(Clone, Copy)]
enum Rule {
    /// `Name.N` → a list of strings.
    StringList(&'static str),
    /// `Name.N.Key` / `Name.N.Value` → a map of strings.
    StringMap(&'static str, &'static str, &'static str),
    /// `Name.N.Name` / `Name.N.Value.*` → a map of attribute values.
    AttributeMap(&'static str),
    /// `Name.N.*` → a list of structures.
    StructList(&'static str),
}

/// The Query names that differ from their JSON member (fixtures/aws/protocol.md §2.1). `Tag` is the
/// one name whose JSON member depends on the action (`tags` on CreateQueue).
const RULES: &[(&str, Rule)] = &[
    ("Attribute", Rule::StringMap("Attributes", "Name", "Value")),
    ("Tag", Rule::StringMap("Tags", "Key", "Value")),
    ("AttributeName", Rule::StringList("AttributeNames")),
    (
        "MessageSystemAttributeName",
        Rule::StringList("MessageSystemAttributeNames"),
    ),
    (
        "MessageAttributeName",
        Rule::StringList("MessageAttributeNames"),
    ),
    ("TagKey", Rule::StringList("TagKeys")),
    ("AWSAccountId", Rule::StringList("AWSAccountIds")),
    ("ActionName", Rule::StringList("Actions")),
    ("MessageAttribute", Rule::AttributeMap("MessageAttributes")),
    (
        "MessageSystemAttribute",
        Rule::AttributeMap("MessageSystemAttributes"),
    ),
];

/// The member every batch action's entries go to; their Query name,
/// `<Action>RequestEntry`, comes from the action table.
const ENTRIES: Rule = Rule::StructList("Entries");

fn rule(action: &str, key: &str) -> Option<Rule> {
    if action == "CreateQueue" && key == "Tag" {
        return Some(Rule::StringMap("tags", "Key", "Value"));
    }
    if ActionName::ALL
        .iter()
        .any(|a| a.request_entry() == Some(key))
    {
        return Some(ENTRIES);
    }
    RULES.iter().find(|(name, _)| *name == key).map(|(_, r)| *r)
}

/// botocore's Query serializer writes an empty list under its JSON name (e.g.
/// `Entries=`), which must read as an empty list, so that an empty batch gets
/// `EmptyBatchRequest` as from AWS rather than a type error.
fn is_empty_list(key: &str, node: Node) -> bool {
    let is_list = RULES
        .iter()
        .map(|(_, r)| r)
        .chain([&ENTRIES])
        .any(|r| matches!(r, Rule::StringList(json) | Rule::StructList(json) if *json == key));
    is_list && !node.has_children() && node.text() == Some("")
}

/// Unflattens the pairs of one request (without `Action`) into JSON members. A key sent
/// twice keeps its last value.
pub(crate) fn members<'a>(
    action: &str,
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Map<String, Value>, SqsError> {
    let mut pairs: Vec<(&str, &str)> = pairs
        .into_iter()
        .filter(|(key, _)| !is_envelope(key))
        .collect();
    // Stable, so that of equal keys the last sent is last; then only it is kept.
    pairs.sort_by(|a, b| a.0.split('.').cmp(b.0.split('.')));
    pairs.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 = later.1;
        }
        same
    });
    convert_struct(
        action,
        Node {
            pairs: &pairs,
            depth: 0,
        },
    )
}

fn string_list(node: Node) -> Result<Value, SqsError> {
    let items = node.items()?.into_iter().filter_map(Node::text);
    Ok(Value::Array(
        items.map(|s| Value::String(s.to_owned())).collect(),
    ))
}

/// Recurses once per nested list of structures, so never deeper than [`MAX_DEPTH`].
fn convert_struct(action: &str, node: Node) -> Result<Map<String, Value>, SqsError> {
    let mut out = Map::new();
    for (key, child) in node.children() {
        match rule(action, key) {
            Some(Rule::StringList(name)) => {
                out.insert(name.into(), string_list(child)?);
            }
            Some(Rule::StringMap(name, k, v)) => {
                let mut map = Map::new();
                for item in child.items()? {
                    if let Some(key) = item.child_text(k) {
                        let value = item.child_text(v).unwrap_or_default();
                        map.insert(key.to_owned(), Value::String(value.to_owned()));
                    }
                }
                out.insert(name.into(), Value::Object(map));
            }
            Some(Rule::AttributeMap(name)) => {
                let mut map = Map::new();
                for item in child.items()? {
                    if let Some(key) = item.child_text("Name") {
                        let value = match item.child("Value") {
                            Some(value) => attribute_value(value)?,
                            None => Map::new(),
                        };
                        map.insert(key.to_owned(), Value::Object(value));
                    }
                }
                out.insert(name.into(), Value::Object(map));
            }
            Some(Rule::StructList(name)) => {
                let list = child
                    .items()?
                    .into_iter()
                    .map(|item| convert_struct(action, item).map(Value::Object))
                    .collect::<Result<_, _>>()?;
                out.insert(name.into(), Value::Array(list));
            }
            None if is_empty_list(key, child) => {
                out.insert(key.to_owned(), Value::Array(Vec::new()));
            }
            None => {
                if let Some(text) = child.text() {
                    out.insert(key.to_owned(), Value::String(text.to_owned()));
                }
            }
        }
    }
    Ok(out)
}

fn attribute_value(node: Node) -> Result<Map<String, Value>, SqsError> {
    let mut out = Map::new();
    for (key, child) in node.children() {
        match key {
            "StringListValue" => out.insert("StringListValues".into(), string_list(child)?),
            "BinaryListValue" => out.insert("BinaryListValues".into(), string_list(child)?),
            _ => match child.text() {
                Some(t) => out.insert(key.to_owned(), Value::String(t.to_owned())),
                None => continue,
            },
        };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_empty_list_written_under_its_json_name_is_an_empty_list() {
        let pairs = [("QueueUrl", "u"), ("Entries", ""), ("QueueName", "")];
        let got = Value::Object(members("SendMessageBatch", pairs).unwrap());
        assert_eq!(
            got,
            json!({"Entries": [], "QueueUrl": "u", "QueueName": ""})
        );
    }

    #[test]
    fn flattened_lists_maps_and_entries_become_json_members() {
        let pairs = [
            ("QueueName", "q"),
            ("Attribute.2.Name", "DelaySeconds"),
            ("Attribute.2.Value", "5"),
            ("Attribute.1.Name", "VisibilityTimeout"),
            ("Attribute.1.Value", "40"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "core"),
            ("Version", "2012-11-05"),
        ];
        let got = Value::Object(members("CreateQueue", pairs).unwrap());
        assert_eq!(
            got,
            json!({"Attributes": {"VisibilityTimeout": "40", "DelaySeconds": "5"},
                   "QueueName": "q", "tags": {"team": "core"}})
        );
        let pairs = [
            ("SendMessageBatchRequestEntry.1.Id", "a"),
            ("SendMessageBatchRequestEntry.1.MessageBody", "x"),
            (
                "SendMessageBatchRequestEntry.1.MessageAttribute.1.Name",
                "n",
            ),
            (
                "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType",
                "String",
            ),
            (
                "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue",
                "v",
            ),
            (
                "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringListValue.1",
                "l",
            ),
        ];
        let got = Value::Object(members("SendMessageBatch", pairs).unwrap());
        assert_eq!(
            got,
            json!({"Entries": [{"Id": "a", "MessageBody": "x", "MessageAttributes":
                {"n": {"DataType": "String", "StringListValues": ["l"], "StringValue": "v"}}}]})
        );
    }
}

#[cfg(test)]
mod limits {
    use super::*;
    use crate::protocol::heap_meter::assert_decodes_within;

    /// The whole Query decoding of a body, as the server runs it.
    fn decode(body: &[u8]) -> Result<Map<String, Value>, SqsError> {
        let mut pairs = Vec::new();
        parse_pairs(body, &mut pairs)?;
        members(
            "CreateQueue",
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )
    }

    /// An 8 MiB body (the server's cap) of `&`-joined pieces.
    fn body_of(piece: impl Fn(usize) -> String) -> String {
        let mut body = String::from("Action=CreateQueue");
        for i in 0.. {
            if body.len() >= 8 * 1024 * 1024 {
                break;
            }
            body.push('&');
            body.push_str(&piece(i));
        }
        body
    }

    /// Issue 11, defect 5: an 8 MiB body of distinct keys held 47 to 143 times its size
    /// while decoding (392 MB to 1.2 GB). Refused or not, no body may cost more than a
    /// small multiple of itself now.
    #[test]
    fn decoding_holds_at_most_a_small_multiple_of_the_body() {
        let big = "v".repeat(1_000);
        let cases = [
            ("distinct flat keys", body_of(|i| format!("k{i}=")), false),
            (
                "distinct dotted keys",
                body_of(|i| format!("k{i}.a.b=")),
                false,
            ),
            (
                "attributes",
                body_of(|i| format!("Attribute.{i}.Name=n{i}")),
                false,
            ),
            (
                "one huge value",
                format!("QueueName={}", "v".repeat(8 << 20)),
                true,
            ),
            ("large values", body_of(|i| format!("k{i}={big}")), true),
            (
                "large attribute names",
                body_of(|i| format!("Attribute.{i}.Name={big}{i}")),
                true,
            ),
        ];
        assert_decodes_within(cases, |body| decode(body).is_ok(), 3.0);
    }

    #[test]
    fn keys_deeper_than_any_sqs_member_are_malformed() {
        let at_limit = format!("{}=x", ["a"; MAX_DEPTH].join("."));
        assert!(decode(at_limit.as_bytes()).is_ok());
        let err = decode(format!("{}=x", ["a"; MAX_DEPTH + 1].join(".")).as_bytes()).unwrap_err();
        assert_eq!(err.code, ErrorCode::Serialization);
        let err = decode("a.".repeat(20_000).as_bytes()).unwrap_err();
        assert_eq!(err.code, ErrorCode::Serialization);
    }

    #[test]
    fn more_pairs_than_any_sqs_request_are_malformed() {
        let body = |n: usize| {
            (0..n)
                .map(|i| format!("k{i}="))
                .collect::<Vec<_>>()
                .join("&")
        };
        assert!(decode(body(MAX_MEMBERS).as_bytes()).is_ok());
        let err = decode(body(MAX_MEMBERS + 1).as_bytes()).unwrap_err();
        assert_eq!(err.code, ErrorCode::Serialization);
    }

    #[test]
    fn invalid_utf8_is_refused_and_valid_text_decoded() {
        for bad in [
            &b"MessageBody=caf%E9"[..],
            b"MessageBody=caf\xE9",
            b"k%FF=v",
            b"k=%ED%A0%80",
        ] {
            let err = decode(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::Serialization, "{bad:?}");
        }
        let ok = decode(b"QueueName=caf%C3%A9+au+lait&Tag=%zz%4").unwrap();
        assert_eq!(ok["QueueName"], "café au lait");
    }

    #[test]
    fn list_indexes_must_fit_a_u64() {
        let max = "Attribute.18446744073709551615.Name=A&Attribute.18446744073709551615.Value=1";
        assert_eq!(decode(max.as_bytes()).unwrap()["Attributes"]["A"], "1");
        let over = "Attribute.18446744073709551616.Name=A&Attribute.18446744073709551616.Value=1";
        assert_eq!(
            decode(over.as_bytes()).unwrap_err().code,
            ErrorCode::Serialization
        );
        // Names that are not numbers are not list positions; they are ignored, as before.
        assert_eq!(
            decode(b"Attribute.x.Name=A").unwrap()["Attributes"],
            serde_json::json!({})
        );
    }

    #[test]
    fn a_key_sent_twice_keeps_its_last_value() {
        let got = decode(b"QueueName=a&Attribute.1.Name=N&QueueName=b&Attribute.1.Name=M").unwrap();
        assert_eq!(got["QueueName"], "b");
        assert_eq!(got["Attributes"], serde_json::json!({"M": ""}));
    }
}
