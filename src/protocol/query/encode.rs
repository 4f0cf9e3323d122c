//! AWS Query answers: the typed outcome written as XML in SQS's namespace, and
//! `ErrorResponse` documents, with `quick-xml`'s writer.
//!
//! Every answer is well-formed XML 1.0. Values that AWS validates are refused on the way
//! in, so stored data never holds a character XML 1.0 forbids; what an answer echoes
//! unvalidated (a parameter value quoted in an error message, a batch entry's error) is
//! made safe on the way out: each forbidden character is written as U+FFFD, the Unicode
//! replacement character, as a decoder does for what it cannot represent.

use std::borrow::Cow;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use serde_json::{Map, Value};

use crate::api::ActionName;
use crate::error::SqsError;

const NAMESPACE: &str = "http://queue.amazonaws.com/doc/2012-11-05/";

/// The element that repeats for each item of a list member, or `None` for a
/// member that is not a list.
fn list_element(action: &str, member: &str) -> Option<String> {
    Some(match member {
        "QueueUrls" | "queueUrls" => "QueueUrl".into(),
        "Messages" => "Message".into(),
        // `<Action>ResultEntry`, as the action table names it.
        "Successful" | "Results" => ActionName::parse(action).map_or_else(
            || format!("{action}ResultEntry"),
            |a| a.result_entry().into(),
        ),
        "Failed" => "BatchResultErrorEntry".into(),
        "StringListValues" => "StringListValue".into(),
        "BinaryListValues" => "BinaryListValue".into(),
        _ => return None,
    })
}

/// For map members: the entry element and its key and value elements.
fn map_elements(member: &str) -> Option<(&'static str, &'static str, &'static str)> {
    match member {
        "Attributes" => Some(("Attribute", "Name", "Value")),
        "Tags" => Some(("Tag", "Key", "Value")),
        "MessageAttributes" => Some(("MessageAttribute", "Name", "Value")),
        _ => None,
    }
}

/// Whether XML 1.0 allows `c` in a document: `#x9 | #xA | #xD | [#x20-#xD7FF] |
/// [#xE000-#xFFFD] | [#x10000-#x10FFFF]` (the same set SQS allows in message bodies).
fn is_xml_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// Escapes text as SQS does: besides `&`, `<` and `>`, it writes `"` as `&quot;` and a
/// carriage return as `&#xD;` so that it survives XML's line-end normalisation (`'` is
/// left as it is). A character XML 1.0 forbids becomes U+FFFD.
fn escape(text: &str) -> Cow<'_, str> {
    let plain = |c: char| is_xml_char(c) && !matches!(c, '&' | '<' | '>' | '"' | '\r');
    if text.chars().all(plain) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#xD;"),
            c if !is_xml_char(c) => out.push(char::REPLACEMENT_CHARACTER),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// An answer being written. Writing into a `Vec` cannot fail, so results are dropped.
struct Document(Writer<Vec<u8>>);

impl Document {
    /// `<?xml version="1.0"?>` and the root's start tag, with SQS's namespace or (Yandex)
    /// without.
    fn new(root: &str, namespace: bool) -> Self {
        let mut doc = Document(Writer::new(Vec::with_capacity(256)));
        doc.event(Event::Decl(BytesDecl::new("1.0", None, None)));
        let start = BytesStart::new(root);
        doc.event(Event::Start(if namespace {
            start.with_attributes([("xmlns", NAMESPACE)])
        } else {
            start
        }));
        doc
    }

    fn event(&mut self, event: Event) {
        let _ = self.0.write_event(event);
    }

    fn start(&mut self, name: &str) {
        self.event(Event::Start(BytesStart::new(name)));
    }

    fn end(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    fn empty(&mut self, name: &str) {
        self.event(Event::Empty(BytesStart::new(name)));
    }

    fn text(&mut self, text: &str) {
        self.event(Event::Text(BytesText::from_escaped(escape(text))));
    }

    /// `<name>text</name>`.
    fn leaf(&mut self, name: &str, text: &str) {
        self.start(name);
        self.text(text);
        self.end(name);
    }

    fn element(&mut self, name: &str, value: &Value, action: &str) {
        self.start(name);
        match value {
            Value::Object(map) => self.members(map, action),
            Value::String(s) => self.text(s),
            Value::Number(n) => self.text(&n.to_string()),
            Value::Bool(b) => self.text(if *b { "true" } else { "false" }),
            Value::Null | Value::Array(_) => {}
        }
        self.end(name);
    }

    fn members(&mut self, map: &Map<String, Value>, action: &str) {
        for (key, value) in map {
            match value {
                Value::Array(items) => {
                    let name = list_element(action, key).unwrap_or_else(|| key.clone());
                    for item in items {
                        self.element(&name, item, action);
                    }
                }
                Value::Object(entries) => match map_elements(key) {
                    Some((entry, k, v)) => {
                        for (name, value) in entries {
                            self.start(entry);
                            self.leaf(k, name);
                            self.element(v, value, action);
                            self.end(entry);
                        }
                    }
                    None => self.element(key, value, action),
                },
                Value::Null => {}
                _ => self.element(key, value, action),
            }
        }
    }

    fn finish(self) -> Vec<u8> {
        self.0.into_inner()
    }
}

/// `<{Action}Response>`, with `<{Action}Result>` when the action has output.
pub(crate) fn success(
    action: &str,
    result: Option<&Map<String, Value>>,
    request_id: &str,
    namespace: bool,
) -> Vec<u8> {
    let response = format!("{action}Response");
    let mut doc = Document::new(&response, namespace);
    if let Some(result) = result {
        let wrapper = format!("{action}Result");
        if result.is_empty() {
            doc.empty(&wrapper);
        } else {
            doc.start(&wrapper);
            doc.members(result, action);
            doc.end(&wrapper);
        }
    }
    doc.start("ResponseMetadata");
    doc.leaf("RequestId", request_id);
    doc.end("ResponseMetadata");
    doc.end(&response);
    doc.finish()
}

/// The JSON form of a Query answer, for a request that sent `Accept: application/json`
/// (fixtures/aws/recorded.md rows 116 and 173): `{"<Action>Response": {"<Action>Result": ...,
/// "ResponseMetadata": {"RequestId": ...}}}`, with ReceiveMessage's list as `messages`.
pub(crate) fn success_json(
    action: &str,
    result: Option<&Map<String, Value>>,
    request_id: &str,
) -> String {
    let mut response = Map::new();
    if let Some(result) = result {
        let mut result = result.clone();
        if let Some(messages) = result.shift_remove("Messages") {
            result.insert("messages".into(), messages);
        }
        response.insert(format!("{action}Result"), Value::Object(result));
    }
    response.insert(
        "ResponseMetadata".into(),
        serde_json::json!({ "RequestId": request_id }),
    );
    let mut root = Map::new();
    root.insert(format!("{action}Response"), Value::Object(response));
    Value::Object(root).to_string()
}

/// `<ErrorResponse>` with `Type`, `Code`, `Message` and an empty `Detail`.
pub(crate) fn error(err: &SqsError, request_id: &str, namespace: bool) -> Vec<u8> {
    let wire = err.code.wire();
    let mut doc = Document::new("ErrorResponse", namespace);
    doc.start("Error");
    doc.leaf("Type", wire.side.as_str());
    doc.leaf("Code", wire.query_code);
    doc.leaf("Message", err.message_for_query());
    doc.empty("Detail");
    doc.end("Error");
    doc.leaf("RequestId", request_id);
    doc.end("ErrorResponse");
    doc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_and_maps_are_flattened_with_their_element_names() {
        let result = json!({
            "Messages": [{"MessageId": "m", "Body": "a\"b\r",
                "Attributes": {"SentTimestamp": "1"},
                "MessageAttributes": {"n": {"StringValue": "v", "DataType": "String"}}}]
        });
        let xml = success("ReceiveMessage", result.as_object(), "r", true);
        assert_eq!(
            String::from_utf8(xml).unwrap(),
            "<?xml version=\"1.0\"?><ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">\
             <ReceiveMessageResult><Message><MessageId>m</MessageId><Body>a&quot;b&#xD;</Body>\
             <Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute>\
             <MessageAttribute><Name>n</Name><Value><StringValue>v</StringValue><DataType>String</DataType></Value></MessageAttribute>\
             </Message></ReceiveMessageResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ReceiveMessageResponse>"
        );
    }
}
