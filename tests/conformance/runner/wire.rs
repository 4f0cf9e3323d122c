//! The two SQS wire protocols, spoken by hand so that any endpoint can be reached:
//! AWS JSON 1.0 (`X-Amz-Target`) and AWS Query (form pairs flattened as in
//! fixtures/aws/protocol.md §2.1, XML answers), every request signed with SigV4.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::matcher::text;
use super::xml;

/// A wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// AWS JSON 1.0, what current SDKs send.
    Json,
    /// AWS Query, form pairs and XML.
    Query,
}

impl Protocol {
    /// Both, JSON first.
    pub const ALL: [Protocol; 2] = [Protocol::Json, Protocol::Query];

    /// `json` or `query`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Json => "json",
            Protocol::Query => "query",
        }
    }

    /// Reads `json` or `query`.
    pub fn parse(s: &str) -> Option<Protocol> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Some(Protocol::Json),
            "query" => Some(Protocol::Query),
            _ => None,
        }
    }
}

/// Where requests go and who signs them.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// `https://sqs.eu-west-1.amazonaws.com` or `http://127.0.0.1:5000`.
    pub url: String,
    /// The SigV4 region.
    pub region: String,
    /// Access key id.
    pub access_key: String,
    /// Secret access key.
    pub secret_key: String,
    /// Session token of temporary credentials.
    pub session_token: Option<String>,
}

/// An answer, read the same way for both protocols.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// `content-type`, and `x-amzn-query-error` when present.
    pub headers: Vec<(String, String)>,
    /// The body as received.
    pub body: String,
    /// The result members, named as in the JSON protocol.
    pub members: Value,
    /// The error code as SDKs report it (the Query code), its message and fault type.
    pub error: Option<WireError>,
    /// The request id.
    pub request_id: Option<String>,
}

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    /// The Query code (JSON: from `x-amzn-query-error`, else `__type`).
    pub code: String,
    /// The message.
    pub message: String,
}

/// A client of one endpoint.
#[derive(Clone)]
pub struct Client {
    endpoint: Endpoint,
    http: reqwest::Client,
}

impl Client {
    /// A client; HTTPS through rustls.
    pub fn new(endpoint: Endpoint) -> Client {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("an HTTP client");
        Client { endpoint, http }
    }

    /// Sends one action and reads its answer.
    pub async fn call(
        &self,
        protocol: Protocol,
        action: &str,
        params: &Value,
    ) -> Result<Answer, String> {
        let (content_type, target, body) = match protocol {
            Protocol::Json => (
                "application/x-amz-json-1.0",
                Some(format!("AmazonSQS.{action}")),
                serde_json::to_string(&non_null(params)).expect("JSON"),
            ),
            Protocol::Query => (
                "application/x-www-form-urlencoded",
                None,
                form_body(action, params),
            ),
        };
        let url = format!("{}/", self.endpoint.url.trim_end_matches('/'));
        let mut headers: Vec<(String, String)> = vec![("content-type".into(), content_type.into())];
        if let Some(target) = target {
            headers.push(("x-amz-target".into(), target));
        }
        headers.extend(self.signature(&url, &headers, body.as_bytes())?);
        let mut request = self.http.post(&url).body(body);
        for (k, v) in &headers {
            request = request.header(k, v);
        }
        let response = request.send().await.map_err(|e| format!("{e:#}"))?;
        let status = response.status().as_u16();
        let mut kept = Vec::new();
        for name in ["content-type", "x-amzn-query-error"] {
            if let Some(v) = response.headers().get(name).and_then(|v| v.to_str().ok()) {
                kept.push((name.to_owned(), v.to_owned()));
            }
        }
        let header_request_id = ["x-amzn-requestid", "x-amz-request-id"]
            .iter()
            .find_map(|n| response.headers().get(*n))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body_text = response.text().await.map_err(|e| format!("{e:#}"))?;
        let mut answer = match protocol {
            Protocol::Json => read_json(status, &kept, &body_text),
            Protocol::Query => read_query(status, &body_text),
        };
        answer.status = status;
        answer.headers = kept;
        answer.body = body_text;
        answer.request_id = answer.request_id.or(header_request_id);
        Ok(answer)
    }

    /// SigV4 headers (`authorization`, `x-amz-date`, maybe `x-amz-security-token`).
    fn signature(
        &self,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Vec<(String, String)>, String> {
        sign_request(&self.endpoint, url, headers, body, SystemTime::now())
    }
}

/// The SigV4 headers for a POST of `body` to `url` at `time`.
pub fn sign_request(
    endpoint: &Endpoint,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    time: SystemTime,
) -> Result<Vec<(String, String)>, String> {
    let identity: Identity = Credentials::new(
        &endpoint.access_key,
        &endpoint.secret_key,
        endpoint.session_token.clone(),
        None,
        "conformance",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&endpoint.region)
        .name("sqs")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let signable = SignableRequest::new(
        "POST",
        url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect())
}

/// JSON without the null members a scenario may leave in.
fn non_null(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), non_null(v)))
                .collect(),
        ),
        Value::Null => Value::Object(Map::new()),
        other => other.clone(),
    }
}

fn read_json(status: u16, headers: &[(String, String)], body: &str) -> Answer {
    let parsed: Value = if body.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_owned()))
    };
    let type_code = parsed
        .get("__type")
        .and_then(Value::as_str)
        .map(|t| t.rsplit('#').next().unwrap_or(t).to_owned());
    if status >= 300 || type_code.is_some() {
        let header_code = headers
            .iter()
            .find(|(k, _)| k == "x-amzn-query-error")
            .map(|(_, v)| v.split(';').next().unwrap_or("").to_owned());
        let message = ["message", "Message"]
            .iter()
            .find_map(|k| parsed.get(*k).and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned();
        return Answer {
            members: Value::Object(Map::new()),
            error: Some(WireError {
                code: header_code.or(type_code).unwrap_or_default(),
                message,
            }),
            ..Answer::default()
        };
    }
    Answer {
        members: parsed,
        ..Answer::default()
    }
}

fn read_query(status: u16, body: &str) -> Answer {
    // Every XML answer must be well-formed XML 1.0, which clients' parsers insist on;
    // `roxmltree` refuses what XML 1.0 forbids, as they do. Bodies that are not XML
    // at all (a proxy's plain-text error) are read below as before.
    if body.trim_start().starts_with('<') {
        if let Err(err) = roxmltree::Document::parse(body) {
            panic!("a Query answer that is not well-formed XML 1.0 ({err}):\n{body:?}");
        }
    }
    match xml::read_answer(body) {
        Ok(parsed) => Answer {
            members: parsed.members,
            error: parsed
                .error
                .map(|(code, message, _)| WireError { code, message }),
            request_id: parsed.request_id,
            ..Answer::default()
        },
        Err(e) if status >= 300 => Answer {
            members: Value::Object(Map::new()),
            error: Some(WireError {
                code: format!("<unreadable XML: {e}>"),
                message: String::new(),
            }),
            ..Answer::default()
        },
        Err(_) => Answer {
            members: Value::String(body.to_owned()),
            ..Answer::default()
        },
    }
}

/// The form body of a Query request: `Action`, `Version`, then the members flattened.
pub fn form_body(action: &str, params: &Value) -> String {
    let mut pairs = vec![
        ("Action".to_owned(), action.to_owned()),
        ("Version".to_owned(), "2012-11-05".to_owned()),
    ];
    if let Value::Object(map) = params {
        flatten_members(action, "", map, &mut pairs);
    }
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// How a JSON member is spelled in Query, and its shape.
enum Shape {
    /// `Name.N`.
    List(&'static str),
    /// `Name.N.Key` / `Name.N.Value` with these element names.
    Map(&'static str, &'static str, &'static str),
    /// `Name.N.Name` / `Name.N.Value.DataType` ...
    AttributeMap(&'static str),
    /// `Name.N.<member>`.
    StructList(String),
}

fn shape(action: &str, member: &str) -> Option<Shape> {
    Some(match member {
        "Attributes" => Shape::Map("Attribute", "Name", "Value"),
        "tags" | "Tags" => Shape::Map("Tag", "Key", "Value"),
        "AttributeNames" => Shape::List("AttributeName"),
        "MessageSystemAttributeNames" => Shape::List("MessageSystemAttributeName"),
        "MessageAttributeNames" => Shape::List("MessageAttributeName"),
        "TagKeys" => Shape::List("TagKey"),
        "AWSAccountIds" => Shape::List("AWSAccountId"),
        "Actions" => Shape::List("ActionName"),
        "StringListValues" => Shape::List("StringListValue"),
        "BinaryListValues" => Shape::List("BinaryListValue"),
        "MessageAttributes" => Shape::AttributeMap("MessageAttribute"),
        "MessageSystemAttributes" => Shape::AttributeMap("MessageSystemAttribute"),
        "Entries" => Shape::StructList(format!("{action}RequestEntry")),
        _ => return None,
    })
}

fn flatten_members(
    action: &str,
    prefix: &str,
    map: &Map<String, Value>,
    out: &mut Vec<(String, String)>,
) {
    for (member, value) in map {
        if value.is_null() {
            continue;
        }
        match (shape(action, member), value) {
            (Some(Shape::List(name)), Value::Array(items)) => {
                if items.is_empty() {
                    // Botocore sends an empty list as the bare key (fixtures/aws/protocol.md §2.1).
                    out.push((format!("{prefix}{name}"), String::new()));
                }
                for (i, item) in items.iter().enumerate() {
                    out.push((format!("{prefix}{name}.{}", i + 1), text(item)));
                }
            }
            (Some(Shape::Map(name, k, v)), Value::Object(entries)) => {
                for (i, (key, item)) in entries.iter().enumerate() {
                    let base = format!("{prefix}{name}.{}", i + 1);
                    out.push((format!("{base}.{k}"), key.clone()));
                    out.push((format!("{base}.{v}"), text(item)));
                }
            }
            (Some(Shape::AttributeMap(name)), Value::Object(entries)) => {
                for (i, (key, item)) in entries.iter().enumerate() {
                    let base = format!("{prefix}{name}.{}", i + 1);
                    out.push((format!("{base}.Name"), key.clone()));
                    if let Value::Object(fields) = item {
                        flatten_members(action, &format!("{base}.Value."), fields, out);
                    }
                }
            }
            (Some(Shape::StructList(name)), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if let Value::Object(fields) = item {
                        let base = format!("{prefix}{name}.{}.", i + 1);
                        flatten_members(action, &base, fields, out);
                    }
                }
            }
            (_, value) => out.push((format!("{prefix}{member}"), text(value))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(action: &str, params: Value) -> Vec<(String, String)> {
        form_urlencoded::parse(form_body(action, &params).as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn batch_entries_and_attribute_maps_are_flattened() {
        let got = pairs(
            "SendMessageBatch",
            json!({"QueueUrl": "u", "Entries": [{"Id": "a", "MessageBody": "b",
                "MessageAttributes": {"k": {"DataType": "String", "StringValue": "x"}}}]}),
        );
        let want: Vec<(String, String)> = [
            ("Action", "SendMessageBatch"),
            ("Version", "2012-11-05"),
            ("QueueUrl", "u"),
            ("SendMessageBatchRequestEntry.1.Id", "a"),
            ("SendMessageBatchRequestEntry.1.MessageBody", "b"),
            (
                "SendMessageBatchRequestEntry.1.MessageAttribute.1.Name",
                "k",
            ),
            (
                "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType",
                "String",
            ),
            (
                "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue",
                "x",
            ),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn queue_attributes_tags_and_lists_use_query_names() {
        let got = pairs(
            "CreateQueue",
            json!({"QueueName": "q", "Attributes": {"DelaySeconds": 5}, "tags": {"t": "v"}}),
        );
        assert!(got.contains(&("Attribute.1.Name".into(), "DelaySeconds".into())));
        assert!(got.contains(&("Attribute.1.Value".into(), "5".into())));
        assert!(got.contains(&("Tag.1.Key".into(), "t".into())));
        let got = pairs("UntagQueue", json!({"TagKeys": ["a", "b"]}));
        assert!(got.contains(&("TagKey.2".into(), "b".into())));
    }
}
