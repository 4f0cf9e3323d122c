//! AWS Query answers: the typed outcome written as XML in SQS's namespace, and
//! `ErrorResponse` documents.

use serde_json::{Map, Value};

use crate::api::ActionName;
use crate::error::{SqsError, FAULT};

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

/// Escapes text as SQS does: besides `&`, `<` and `>`, it writes `"` as `&quot;` and a
/// carriage return as `&#xD;` so that it survives XML's line-end normalisation.
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn element(name: &str, value: &Value, action: &str, out: &mut String) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    match value {
        Value::Object(map) => members(map, action, out),
        Value::String(s) => escape(s, out),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null | Value::Array(_) => {}
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn members(map: &Map<String, Value>, action: &str, out: &mut String) {
    for (key, value) in map {
        match value {
            Value::Array(items) => {
                let name = list_element(action, key).unwrap_or_else(|| key.clone());
                for item in items {
                    element(&name, item, action, out);
                }
            }
            Value::Object(entries) => match map_elements(key) {
                Some((entry, k, v)) => {
                    for (name, value) in entries {
                        out.push('<');
                        out.push_str(entry);
                        out.push('>');
                        element(k, &Value::String(name.clone()), action, out);
                        element(v, value, action, out);
                        out.push_str("</");
                        out.push_str(entry);
                        out.push('>');
                    }
                }
                None => element(key, value, action, out),
            },
            Value::Null => {}
            _ => element(key, value, action, out),
        }
    }
}

/// Closes a root element's start tag, with SQS's namespace or (Yandex) without.
fn push_namespace(namespace: bool, out: &mut String) {
    if namespace {
        out.push_str(" xmlns=\"");
        out.push_str(NAMESPACE);
        out.push('"');
    }
    out.push('>');
}

/// `<{Action}Response>`, with `<{Action}Result>` when the action has output.
pub(crate) fn success(
    action: &str,
    result: Option<&Map<String, Value>>,
    request_id: &str,
    namespace: bool,
) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("<?xml version=\"1.0\"?><");
    out.push_str(action);
    out.push_str("Response");
    push_namespace(namespace, &mut out);
    if let Some(result) = result {
        if result.is_empty() {
            out.push_str(&format!("<{action}Result/>"));
        } else {
            out.push_str(&format!("<{action}Result>"));
            members(result, action, &mut out);
            out.push_str(&format!("</{action}Result>"));
        }
    }
    out.push_str("<ResponseMetadata><RequestId>");
    escape(request_id, &mut out);
    out.push_str("</RequestId></ResponseMetadata></");
    out.push_str(action);
    out.push_str("Response>");
    out
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
pub(crate) fn error(err: &SqsError, request_id: &str, namespace: bool) -> String {
    let wire = err.code.wire();
    let mut out = String::with_capacity(256);
    out.push_str("<?xml version=\"1.0\"?><ErrorResponse");
    push_namespace(namespace, &mut out);
    out.push_str("<Error><Type>");
    out.push_str(FAULT);
    out.push_str("</Type><Code>");
    escape(wire.query_code, &mut out);
    out.push_str("</Code><Message>");
    escape(err.message_for_query(), &mut out);
    out.push_str("</Message><Detail/></Error><RequestId>");
    escape(request_id, &mut out);
    out.push_str("</RequestId></ErrorResponse>");
    out
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
            xml,
            "<?xml version=\"1.0\"?><ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">\
             <ReceiveMessageResult><Message><MessageId>m</MessageId><Body>a&quot;b&#xD;</Body>\
             <Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute>\
             <MessageAttribute><Name>n</Name><Value><StringValue>v</StringValue><DataType>String</DataType></Value></MessageAttribute>\
             </Message></ReceiveMessageResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ReceiveMessageResponse>"
        );
    }
}
