//! What a fuzz input means as HTTP: the whole-path targets read a little script of
//! requests, written as a person would write them by hand, and every other target's
//! input maps onto one or two requests, so that any input (a crash, a corpus entry) can
//! be replayed against a real server.
//!
//! ```text
//! DIALECT yandex                     <- optional first line: aws, scaleway or yandex
//! POST /000000000000/q               <- method and target (path and query)
//! Content-Type: application/x-www-form-urlencoded
//!                                    <- a blank line ends the headers
//! Action=SendMessage&MessageBody=hi  <- the body: every byte up to the next separator
//! ----                               <- a line of four dashes: the next step
//! ADVANCE 31                         <- moves the fake's clock 31 seconds
//! ```
//!
//! In a request, `{receipt}` and `{task}` stand for the last ReceiptHandle and
//! TaskHandle an earlier answer carried, and `{receipt_form}` and `{task_form}` for the
//! same, form-encoded (for Query bodies and query strings).
//!
//! This file is shared, as is, by the fuzz crate and the crate's `cargo test` replay of
//! regressions (`tests/it/fuzz_regressions.rs`): it uses only the standard library,
//! `form_urlencoded` and `serde_json`.

/// Where Scaleway's management API lives.
pub const MANAGEMENT_PREFIX: &str = "/mnq/v1beta1/regions/";

/// The line between two steps.
pub const SEPARATOR: &[u8] = b"\n----\n";

/// The account of the AWS dialect's queues (see [`setup`]).
pub const ACCOUNT: &str = "000000000000";

/// One step of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An HTTP request.
    Request(Request),
    /// Move the fake's clock forward by this many seconds.
    Advance(u32),
}

/// One HTTP request, as written in a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent on the request line.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// A request with `headers` given as pairs of string slices.
    pub fn new(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Request {
        Request {
            method: method.to_owned(),
            target: target.to_owned(),
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.to_vec(),
        }
    }

    /// The value of header `name`, matched without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The request with placeholders replaced by the handles captured so far.
    pub fn with_handles(&self, handles: &Handles) -> Request {
        let fill = |text: &str| -> String {
            if !text.contains('{') {
                return text.to_owned();
            }
            let form = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
            text.replace("{receipt_form}", &form(&handles.receipt))
                .replace("{receipt}", &handles.receipt)
                .replace("{task_form}", &form(&handles.task))
                .replace("{task}", &handles.task)
        };
        Request {
            method: self.method.clone(),
            target: fill(&self.target),
            headers: self
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), fill(v)))
                .collect(),
            body: match std::str::from_utf8(&self.body) {
                Ok(text) => fill(text).into_bytes(),
                Err(_) => self.body.clone(),
            },
        }
    }
}

/// The handles answers carried, for the placeholders of later requests.
#[derive(Debug, Clone, Default)]
pub struct Handles {
    pub receipt: String,
    pub task: String,
}

impl Handles {
    /// Remembers the first ReceiptHandle and TaskHandle of an answer (XML or JSON).
    pub fn capture(&mut self, answer: &[u8]) {
        let Ok(text) = std::str::from_utf8(answer) else {
            return;
        };
        if let Some(v) = field(text, "ReceiptHandle") {
            self.receipt = v;
        }
        if let Some(v) = field(text, "TaskHandle") {
            self.task = v;
        }
    }
}

/// The text of `<name>...</name>` or `"name":"..."` (handles are base64: no escapes).
fn field(text: &str, name: &str) -> Option<String> {
    let xml = format!("<{name}>");
    let json = format!("\"{name}\":\"");
    let (start, end) = if let Some(i) = text.find(&xml) {
        (i + xml.len(), '<')
    } else {
        (text.find(&json)? + json.len(), '"')
    };
    let rest = &text[start..];
    Some(rest[..rest.find(end)?].to_owned())
}

/// A parsed script: the dialect to run in and the steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// `aws`, `scaleway` or `yandex`.
    pub dialect: &'static str,
    /// Whether the [`setup`] queues are made first.
    pub setup: bool,
    pub steps: Vec<Step>,
}

impl Script {
    /// The steps to run: [`setup`]'s, if asked for, then the script's.
    pub fn all_steps(&self) -> Vec<Step> {
        let mut steps = if self.setup {
            setup(self.dialect)
        } else {
            Vec::new()
        };
        steps.extend(self.steps.iter().cloned());
        steps
    }
}

/// Reads a script. Steps that are not valid (no method, a target that does not start
/// with `/`, an ADVANCE without a number) are dropped, as are lines of headers without
/// a colon; at most `MAX_STEPS` steps are kept.
pub fn parse(data: &[u8]) -> Script {
    let mut dialect = "aws";
    let mut steps = Vec::new();
    for (i, chunk) in split(data, SEPARATOR).into_iter().enumerate() {
        if steps.len() == MAX_STEPS {
            break;
        }
        let (head, body) = match find(chunk, b"\n\n") {
            Some(at) => (&chunk[..at], &chunk[at + 2..]),
            None => (chunk, &b""[..]),
        };
        let head = String::from_utf8_lossy(head);
        let mut lines = head.lines().map(|l| l.strip_suffix('\r').unwrap_or(l));
        let Some(first) = lines.next() else { continue };
        let mut words = first.split(' ').filter(|w| !w.is_empty());
        let (Some(verb), arg) = (words.next(), words.next()) else {
            continue;
        };
        match (verb, arg) {
            ("DIALECT", Some(name)) if i == 0 => {
                dialect = match name {
                    "scaleway" => "scaleway",
                    "yandex" => "yandex",
                    _ => "aws",
                };
            }
            ("ADVANCE", Some(secs)) => {
                if let Ok(secs) = secs.parse::<u32>() {
                    steps.push(Step::Advance(secs.min(MAX_ADVANCE_SECS)));
                }
            }
            (method, Some(target)) if target.starts_with('/') => {
                let headers = lines
                    .filter_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        Some((name.trim().to_owned(), value.trim_start().to_owned()))
                    })
                    .collect();
                steps.push(Step::Request(Request {
                    method: method.to_owned(),
                    target: target.to_owned(),
                    headers,
                    body: body.to_vec(),
                }));
            }
            _ => {}
        }
    }
    Script {
        dialect,
        setup: true,
        steps,
    }
}

/// At most this many steps of a script run: enough for any state, and no input can
/// make one run slow.
pub const MAX_STEPS: usize = 32;

/// The largest clock step: 15 days, past every SQS timer (retention is 14 days).
pub const MAX_ADVANCE_SECS: u32 = 15 * 24 * 3600;

/// Writes steps as a script ([`parse`] reads it back).
pub fn write(dialect: &str, steps: &[Step]) -> Vec<u8> {
    let mut out = Vec::new();
    if dialect != "aws" {
        out.extend_from_slice(format!("DIALECT {dialect}").as_bytes());
        out.extend_from_slice(SEPARATOR);
    }
    for (i, step) in steps.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(SEPARATOR);
        }
        match step {
            Step::Advance(secs) => out.extend_from_slice(format!("ADVANCE {secs}").as_bytes()),
            Step::Request(r) => {
                out.extend_from_slice(format!("{} {}\n", r.method, r.target).as_bytes());
                for (k, v) in &r.headers {
                    out.extend_from_slice(format!("{k}: {v}\n").as_bytes());
                }
                out.push(b'\n');
                out.extend_from_slice(&r.body);
            }
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut data: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(at) = find(data, separator) {
        out.push(&data[..at]);
        data = &data[at + separator.len()..];
    }
    out.push(data);
    out
}

/// An AWS JSON 1.0 request for `action`.
pub fn json_request(action: &str, body: &[u8]) -> Request {
    Request::new(
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", &format!("AmazonSQS.{action}")),
        ],
        body,
    )
}

/// An AWS Query request with a form body, to `path`.
pub fn query_request(path: &str, form: &[u8]) -> Request {
    Request::new(
        "POST",
        path,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form,
    )
}

/// The queues every run starts with, in every dialect, made over the Query protocol
/// (which all dialects speak) with the test credential (which Scaleway requires) in the
/// dialect's default region: a standard queue `fuzz` holding one message, a FIFO queue
/// `fuzz.fifo`, and `fuzz-dlq` (names no scenario uses, so seeds run as recorded).
pub fn setup(dialect: &str) -> Vec<Step> {
    let region = match dialect {
        "scaleway" => "fr-par",
        "yandex" => "ru-central1",
        _ => "us-east-1",
    };
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=AKIAFAKESQSTESTKEY00/20250101/{region}/sqs/aws4_request, \
         SignedHeaders=host, Signature=0"
    );
    let call = |form: &str| {
        let mut r = query_request("/", form.as_bytes());
        r.headers.push(("Authorization".to_owned(), auth.clone()));
        Step::Request(r)
    };
    vec![
        call("Action=CreateQueue&QueueName=fuzz"),
        call("Action=CreateQueue&QueueName=fuzz-dlq"),
        call("Action=CreateQueue&QueueName=fuzz.fifo&Attribute.1.Name=FifoQueue&Attribute.1.Value=true"),
        // A bare name is the caller's own queue in every dialect.
        call("Action=SendMessage&QueueUrl=fuzz&MessageBody=hello"),
    ]
}

/// The script that replays one input of fuzz target `target` over HTTP: the whole-path
/// targets' inputs are scripts already; a decoder target's input becomes the request(s)
/// that reach that decoder. `None` for an unknown target.
pub fn for_target(target: &str, data: &[u8]) -> Option<Script> {
    let one = |steps: Vec<Step>| Script {
        dialect: "aws",
        setup: true,
        steps,
    };
    Some(match target {
        "request" => parse(data),
        // The management API, and SQS over JSON with the credentials it makes: no
        // setup (the management API is the subject) and no Query request (the Query
        // decoder is `request`'s and `query_decode`'s).
        "scaleway_api" => Script {
            dialect: "scaleway",
            setup: false,
            steps: parse(data)
                .steps
                .into_iter()
                .filter(|step| match step {
                    Step::Advance(_) => true,
                    Step::Request(r) => {
                        r.target.starts_with(MANAGEMENT_PREFIX)
                            || r.header("x-amz-target").is_some()
                    }
                })
                .collect(),
        },
        "json_decode" => {
            let (action, body) = json_decode_input(data);
            one(vec![Step::Request(json_request(&action, body))])
        }
        "query_decode" => one(vec![Step::Request(query_request("/", data))]),
        "receipt_handle" | "task_handle" => {
            let handle = String::from_utf8_lossy(data);
            let (action, member) = if target == "receipt_handle" {
                ("DeleteMessage", "ReceiptHandle")
            } else {
                ("CancelMessageMoveTask", "TaskHandle")
            };
            let url = format!("/{ACCOUNT}/fuzz");
            let json = serde_json::json!({"QueueUrl": url, member: handle}).to_string();
            let form: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("Action", action)
                .append_pair("QueueUrl", &url)
                .append_pair(member, &handle)
                .finish();
            one(vec![
                Step::Request(json_request(action, json.as_bytes())),
                Step::Request(query_request("/", form.as_bytes())),
            ])
        }
        _ => return None,
    })
}

/// The action name and body of a `json_decode` input: the first line, then the rest.
pub fn json_decode_input(data: &[u8]) -> (String, &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(at) => (
            String::from_utf8_lossy(&data[..at]).trim().to_owned(),
            &data[at + 1..],
        ),
        None => (String::from_utf8_lossy(data).trim().to_owned(), &b""[..]),
    }
}
