//! Query answers: XML read into the same member tree the JSON protocol carries, so that
//! one expectation serves both; and an indented rendering for transcripts.

use quick_xml::events::Event;
use quick_xml::{Reader, Writer};
use serde_json::{Map, Value};

/// An element: its name, child elements, and its text.
#[derive(Debug, Default)]
struct Element {
    name: String,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.clone())
    }
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// Parses a whole document into its root element.
fn parse(xml: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) => stack.push(Element {
                name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                ..Element::default()
            }),
            Event::Empty(e) => {
                let el = Element {
                    name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                    ..Element::default()
                };
                stack.last_mut().expect("root").children.push(el);
            }
            Event::End(_) => {
                let done = stack.pop().expect("balanced");
                stack.last_mut().ok_or("unbalanced")?.children.push(done);
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|e| e.to_string())?;
                stack.last_mut().expect("root").text.push_str(&s);
            }
            Event::CData(t) => {
                let s = t.decode().map_err(|e| e.to_string())?;
                stack.last_mut().expect("root").text.push_str(&s);
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c,
                    None => {
                        let name = r.decode().map_err(|e| e.to_string())?;
                        entity(&name).ok_or_else(|| format!("unknown entity &{name};"))?
                    }
                };
                stack.last_mut().expect("root").text.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut doc = stack.pop().ok_or("empty")?;
    if !stack.is_empty() {
        return Err("unclosed element".into());
    }
    doc.children.pop().ok_or_else(|| "no root element".into())
}

/// What a Query answer says.
#[derive(Debug, Default)]
pub struct QueryAnswer {
    /// The members of `<Action>Result`, as the JSON protocol would name them.
    pub members: Value,
    /// `Error/Code`, `Error/Message`, `Error/Type` of an `ErrorResponse`.
    pub error: Option<(String, String, String)>,
    /// The request id, wherever the document keeps it.
    pub request_id: Option<String>,
}

/// Reads a Query answer.
pub fn read_answer(xml: &str) -> Result<QueryAnswer, String> {
    let root = parse(xml)?;
    let request_id = root.child_text("RequestId").or_else(|| {
        root.child("ResponseMetadata")
            .and_then(|m| m.child_text("RequestId"))
    });
    if root.name == "ErrorResponse" {
        let error = root.child("Error").ok_or("ErrorResponse without Error")?;
        return Ok(QueryAnswer {
            members: Value::Object(Map::new()),
            error: Some((
                error.child_text("Code").unwrap_or_default(),
                error.child_text("Message").unwrap_or_default(),
                error.child_text("Type").unwrap_or_default(),
            )),
            request_id,
        });
    }
    let members = root
        .children
        .iter()
        .find(|c| c.name.ends_with("Result"))
        .map(structure)
        .unwrap_or_else(|| Value::Object(Map::new()));
    Ok(QueryAnswer {
        members,
        error: None,
        request_id,
    })
}

/// The JSON member a repeated element belongs to, inside a parent element.
fn list_member(parent: &str, name: &str) -> Option<&'static str> {
    Some(match name {
        "QueueUrl" if parent == "ListQueuesResult" => "QueueUrls",
        "QueueUrl" if parent == "ListDeadLetterSourceQueuesResult" => "queueUrls",
        "Message" if parent == "ReceiveMessageResult" => "Messages",
        "BatchResultErrorEntry" => "Failed",
        n if n.ends_with("BatchResultEntry") => "Successful",
        "ListMessageMoveTasksResultEntry" => "Results",
        "StringListValue" => "StringListValues",
        "BinaryListValue" => "BinaryListValues",
        _ => return None,
    })
}

fn structure(el: &Element) -> Value {
    let mut out = Map::new();
    for child in &el.children {
        let (map_member, key_name) = match child.name.as_str() {
            "Attribute" => (Some("Attributes"), "Name"),
            "Tag" => (Some("Tags"), "Key"),
            "MessageAttribute" => (Some("MessageAttributes"), "Name"),
            _ => (None, ""),
        };
        if let Some(member) = map_member {
            let key = child.child_text(key_name).unwrap_or_default();
            let value = match child.child("Value") {
                Some(v) if !v.children.is_empty() => structure(v),
                Some(v) => Value::String(v.text.clone()),
                None => Value::String(String::new()),
            };
            let entry = out
                .entry(member.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(map) = entry {
                map.insert(key, value);
            }
        } else if let Some(member) = list_member(&el.name, &child.name) {
            let entry = out
                .entry(member.to_owned())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = entry {
                items.push(value_of(child));
            }
        } else {
            out.insert(child.name.clone(), value_of(child));
        }
    }
    Value::Object(out)
}

fn value_of(el: &Element) -> Value {
    if el.children.is_empty() {
        Value::String(el.text.clone())
    } else {
        structure(el)
    }
}

/// The document indented, one element per line, for a transcript; the text unchanged
/// when it is not XML.
pub fn pretty(xml: &str) -> String {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(event) => {
                if writer.write_event(event).is_err() {
                    return xml.to_owned();
                }
            }
            Err(_) => return xml.to_owned(),
        }
    }
    String::from_utf8(writer.into_inner()).unwrap_or_else(|_| xml.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn receive_answer_becomes_json_members() {
        let xml = r#"<ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ReceiveMessageResult><Message><MessageId>m</MessageId><Body>a &quot;b&quot;&#xD;</Body><Attribute><Name>SenderId</Name><Value>s</Value></Attribute><MessageAttribute><Name>k</Name><Value><StringValue>x</StringValue><DataType>String</DataType></Value></MessageAttribute></Message></ReceiveMessageResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ReceiveMessageResponse>"#;
        let answer = read_answer(xml).unwrap();
        assert_eq!(answer.request_id.as_deref(), Some("r"));
        assert_eq!(
            answer.members,
            json!({"Messages": [{"MessageId": "m", "Body": "a \"b\"\r",
                "Attributes": {"SenderId": "s"},
                "MessageAttributes": {"k": {"StringValue": "x", "DataType": "String"}}}]})
        );
    }

    #[test]
    fn error_answer_gives_code_message_and_type() {
        let xml = "<ErrorResponse><Error><Type>Sender</Type><Code>C</Code><Message>M</Message><Detail/></Error><RequestId>r</RequestId></ErrorResponse>";
        let answer = read_answer(xml).unwrap();
        assert_eq!(
            answer.error,
            Some(("C".into(), "M".into(), "Sender".into()))
        );
        assert_eq!(answer.request_id.as_deref(), Some("r"));
    }
}
