//! The two SQS wire protocols, spoken by hand so that any endpoint can be reached:
//! AWS JSON 1.0 (`X-Amz-Target`) and AWS Query (form pairs flattened as in
//! fixtures/aws/protocol.md §2.1, XML answers), every request signed with SigV4.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::matcher::text;
use super::scenario::{HttpStep, Signing, Who};
use super::xml;

/// The access key steps with `"sign": {"unknown_key": true}` sign with: shaped like an
/// IAM user's key, issued by nobody.
pub const UNKNOWN_ACCESS_KEY: &str = "AKIAFAKESQSUNKNOWN01";

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
    /// The account these credentials act as, when known (`${account}`).
    pub account: Option<String>,
    /// A second account's credentials, for steps sent `"as": "other"`.
    pub other: Option<OtherAccount>,
}

/// A second account's credentials (`SQS_CONFORMANCE_OTHER_*`).
#[derive(Debug, Clone)]
pub struct OtherAccount {
    /// Access key id.
    pub access_key: String,
    /// Secret access key.
    pub secret_key: String,
    /// Session token of temporary credentials.
    pub session_token: Option<String>,
    /// Its account id (`${other_account}`).
    pub account: String,
}

impl Endpoint {
    /// A region that is not the endpoint's (`${other_region}`).
    pub fn other_region(&self) -> &'static str {
        if self.region == "us-west-2" {
            "us-east-2"
        } else {
            "us-west-2"
        }
    }
}

/// Who signs, and how: the parts of a SigV4 signature a step may change.
#[derive(Debug, Clone)]
pub struct Signer {
    access_key: String,
    secret_key: String,
    session_token: Option<String>,
    region: String,
    service: String,
    time: SystemTime,
    location: SignatureLocation,
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

/// The time requests are signed at.
type Now = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// A client of one endpoint.
#[derive(Clone)]
pub struct Client {
    endpoint: Endpoint,
    http: reqwest::Client,
    now: Now,
}

impl Client {
    /// A client; HTTPS through rustls; requests signed at the real time.
    pub fn new(endpoint: Endpoint) -> Client {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("an HTTP client");
        Client {
            endpoint,
            http,
            now: Arc::new(SystemTime::now),
        }
    }

    /// The same client signing at the time `now` gives (the fake's clock, which a strict
    /// fake checks signatures against).
    pub fn with_clock(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Client {
        self.now = Arc::new(now);
        self
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// How a step is signed: `None` for an anonymous one.
    fn signer(
        &self,
        who: Option<Who>,
        signing: Option<&Signing>,
    ) -> Result<Option<Signer>, String> {
        let e = &self.endpoint;
        let (access_key, secret_key, session_token) = match who {
            Some(Who::Anonymous) => return Ok(None),
            Some(Who::Other) => {
                let other = e.other.as_ref().ok_or(
                    "a step sent as another account, and no SQS_CONFORMANCE_OTHER_* credentials",
                )?;
                (
                    other.access_key.clone(),
                    other.secret_key.clone(),
                    other.session_token.clone(),
                )
            }
            None => (
                e.access_key.clone(),
                e.secret_key.clone(),
                e.session_token.clone(),
            ),
        };
        let mut signer = Signer {
            access_key,
            secret_key,
            session_token,
            region: e.region.clone(),
            service: "sqs".into(),
            time: (self.now)(),
            location: SignatureLocation::Headers,
        };
        if let Some(how) = signing {
            if how.unknown_key {
                signer.access_key = UNKNOWN_ACCESS_KEY.into();
                signer.session_token = None;
            }
            if how.wrong_secret {
                signer.secret_key = format!("{}-wrong", signer.secret_key);
            }
            if how.other_region {
                signer.region = e.other_region().into();
            }
            if let Some(service) = &how.service {
                signer.service = service.clone();
            }
            let skew = Duration::from_secs(how.skew.unsigned_abs());
            signer.time = match how.skew >= 0 {
                true => signer.time + skew,
                false => signer.time - skew,
            };
            if how.presign {
                signer.location = SignatureLocation::QueryParams;
            }
        }
        Ok(Some(signer))
    }

    /// Sends one action and reads its answer.
    pub async fn call(
        &self,
        protocol: Protocol,
        action: &str,
        params: &Value,
    ) -> Result<Answer, String> {
        self.call_as(protocol, action, params, None, None).await
    }

    /// Sends one raw HTTP request (its `url` already substituted) and reads its answer
    /// as `protocol` would.
    pub async fn raw(&self, protocol: Protocol, step: &HttpStep) -> Result<Answer, String> {
        let url = match step.url.starts_with('/') {
            true => format!("{}{}", self.endpoint.url.trim_end_matches('/'), step.url),
            false => step.url.clone(),
        };
        let headers: Vec<(String, String)> = step
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        let signer = match step.signed {
            true => self.signer(None, None)?,
            false => None,
        };
        self.send(
            protocol,
            true,
            &step.method,
            &url,
            headers,
            step.body.clone(),
            signer.as_ref(),
        )
        .await
    }

    /// Sends one action as `who` (the runner's credentials when `None`), signed as
    /// `signing` says, and reads its answer.
    pub async fn call_as(
        &self,
        protocol: Protocol,
        action: &str,
        params: &Value,
        who: Option<Who>,
        signing: Option<&Signing>,
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
        let signer = self.signer(who, signing)?;
        self.send(
            protocol,
            false,
            "POST",
            &url,
            headers,
            body,
            signer.as_ref(),
        )
        .await
    }

    /// Signs (unless `signer` is `None`) and sends a request, and reads its answer.
    #[allow(clippy::too_many_arguments)]
    async fn send(
        &self,
        protocol: Protocol,
        raw: bool,
        method: &str,
        url: &str,
        mut headers: Vec<(String, String)>,
        body: String,
        signer: Option<&Signer>,
    ) -> Result<Answer, String> {
        let mut url = reqwest::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
        if let Some(signer) = signer {
            let (added, params) = signer.sign(method, url.as_str(), &headers, body.as_bytes())?;
            headers.extend(added);
            if !params.is_empty() {
                url.query_pairs_mut().extend_pairs(params);
            }
        }
        let method: reqwest::Method = method.parse().map_err(|e| format!("{method}: {e}"))?;
        let mut request = self.http.request(method, url).body(body);
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
        // A raw step's answer is read as what it is: JSON only when it says so.
        let json = kept
            .iter()
            .any(|(k, v)| k == "content-type" && v.contains("json"));
        let protocol = match raw {
            true if json => Protocol::Json,
            true => Protocol::Query,
            false => protocol,
        };
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
}

/// The SigV4 headers for a POST of `body` to `url` at `time`, with the endpoint's
/// credentials.
pub fn sign_request(
    endpoint: &Endpoint,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    time: SystemTime,
) -> Result<Vec<(String, String)>, String> {
    let signer = Signer {
        access_key: endpoint.access_key.clone(),
        secret_key: endpoint.secret_key.clone(),
        session_token: endpoint.session_token.clone(),
        region: endpoint.region.clone(),
        service: "sqs".into(),
        time,
        location: SignatureLocation::Headers,
    };
    Ok(signer.sign("POST", url, headers, body)?.0)
}

impl Signer {
    /// Signs `method url` with `headers` and `body`: the headers to add and, for a
    /// presigned request, the query parameters to add (the URL must not be changed in
    /// between: the signature covers it).
    #[allow(clippy::type_complexity)]
    fn sign(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<(Vec<(String, String)>, Vec<(String, String)>), String> {
        let identity: Identity = Credentials::new(
            &self.access_key,
            &self.secret_key,
            self.session_token.clone(),
            None,
            "conformance",
        )
        .into();
        let mut settings = SigningSettings::default();
        settings.signature_location = self.location;
        // SQS ignores X-Amz-Expires (fixtures/aws/signatures.json); presigned URLs need one.
        settings.expires_in = Some(Duration::from_secs(300));
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(&self.service)
            .time(self.time)
            .settings(settings)
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let signable = SignableRequest::new(
            method,
            url,
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(body),
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        let added = instructions
            .headers()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let params = instructions
            .params()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Ok((added, params))
    }
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
