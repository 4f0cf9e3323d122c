//! AWS Query requests: `Action=...&Attribute.1.Name=...` pairs, from a form body or the
//! query string, unflattened into the member tree that the JSON protocol sends as is.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::api::ActionName;

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

/// A node of dotted keys: `Attribute.1.Name` is `Attribute` → `1` → `Name`.
#[derive(Default)]
struct Node {
    value: Option<String>,
    children: BTreeMap<String, Node>,
}

impl Node {
    fn insert(&mut self, path: &[&str], value: String) {
        match path.split_first() {
            None => self.value = Some(value),
            Some((head, rest)) => self
                .children
                .entry((*head).to_owned())
                .or_default()
                .insert(rest, value),
        }
    }

    /// Children whose keys are list positions, in numeric order.
    fn items(&self) -> Vec<&Node> {
        let mut numbered: Vec<(u64, &Node)> = self
            .children
            .iter()
            .filter_map(|(k, n)| k.parse::<u64>().ok().map(|i| (i, n)))
            .collect();
        numbered.sort_by_key(|(i, _)| *i);
        numbered.into_iter().map(|(_, n)| n).collect()
    }

    fn text(&self) -> Option<String> {
        self.value.clone()
    }

    fn child_text(&self, key: &str) -> Option<String> {
        self.children.get(key).and_then(Node::text)
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
fn is_empty_list(key: &str, node: &Node) -> bool {
    let is_list = RULES
        .iter()
        .map(|(_, r)| r)
        .chain([&ENTRIES])
        .any(|r| matches!(r, Rule::StringList(json) | Rule::StructList(json) if *json == key));
    is_list && node.children.is_empty() && node.value.as_deref() == Some("")
}

/// Unflattens the pairs of one request (without `Action`) into JSON members.
pub(crate) fn members<'a>(
    action: &str,
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Map<String, Value> {
    let mut root = Node::default();
    for (key, value) in pairs {
        if is_envelope(key) {
            continue;
        }
        let path: Vec<&str> = key.split('.').collect();
        root.insert(&path, value.to_owned());
    }
    convert_struct(action, &root)
}

fn convert_struct(action: &str, node: &Node) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, child) in &node.children {
        match rule(action, key) {
            Some(Rule::StringList(name)) => {
                let list = child.items().into_iter().filter_map(Node::text);
                out.insert(name.into(), Value::Array(list.map(Value::String).collect()));
            }
            Some(Rule::StringMap(name, k, v)) => {
                let mut map = Map::new();
                for item in child.items() {
                    if let Some(key) = item.child_text(k) {
                        let value = item.child_text(v).unwrap_or_default();
                        map.insert(key, Value::String(value));
                    }
                }
                out.insert(name.into(), Value::Object(map));
            }
            Some(Rule::AttributeMap(name)) => {
                let mut map = Map::new();
                for item in child.items() {
                    if let Some(key) = item.child_text("Name") {
                        let value = item
                            .children
                            .get("Value")
                            .map(attribute_value)
                            .unwrap_or_default();
                        map.insert(key, Value::Object(value));
                    }
                }
                out.insert(name.into(), Value::Object(map));
            }
            Some(Rule::StructList(name)) => {
                let list = child
                    .items()
                    .into_iter()
                    .map(|item| Value::Object(convert_struct(action, item)));
                out.insert(name.into(), Value::Array(list.collect()));
            }
            None if is_empty_list(key, child) => {
                out.insert(key.clone(), Value::Array(Vec::new()));
            }
            None => {
                if let Some(text) = child.text() {
                    out.insert(key.clone(), Value::String(text));
                }
            }
        }
    }
    out
}

fn attribute_value(node: &Node) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, child) in &node.children {
        let list = |name: &str| {
            let items = child.items().into_iter().filter_map(Node::text);
            (
                name.to_owned(),
                Value::Array(items.map(Value::String).collect()),
            )
        };
        let (k, v) = match key.as_str() {
            "StringListValue" => list("StringListValues"),
            "BinaryListValue" => list("BinaryListValues"),
            _ => match child.text() {
                Some(t) => (key.clone(), Value::String(t)),
                None => continue,
            },
        };
        out.insert(k, v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_empty_list_written_under_its_json_name_is_an_empty_list() {
        let pairs = [("QueueUrl", "u"), ("Entries", ""), ("QueueName", "")];
        let got = Value::Object(members("SendMessageBatch", pairs));
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
        let got = Value::Object(members("CreateQueue", pairs));
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
        let got = Value::Object(members("SendMessageBatch", pairs));
        assert_eq!(
            got,
            json!({"Entries": [{"Id": "a", "MessageBody": "x", "MessageAttributes":
                {"n": {"DataType": "String", "StringListValues": ["l"], "StringValue": "v"}}}]})
        );
    }
}
