//! Scenarios: the data files under `conformance/scenarios/`, read and checked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::wire::Protocol;

/// The 23 actions of SQS API version 2012-11-05: a step naming anything else is a typo.
pub const ACTIONS: [&str; 23] = [
    "AddPermission",
    "CancelMessageMoveTask",
    "ChangeMessageVisibility",
    "ChangeMessageVisibilityBatch",
    "CreateQueue",
    "DeleteMessage",
    "DeleteMessageBatch",
    "DeleteQueue",
    "GetQueueAttributes",
    "GetQueueUrl",
    "ListDeadLetterSourceQueues",
    "ListMessageMoveTasks",
    "ListQueueTags",
    "ListQueues",
    "PurgeQueue",
    "ReceiveMessage",
    "RemovePermission",
    "SendMessage",
    "SendMessageBatch",
    "SetQueueAttributes",
    "StartMessageMoveTask",
    "TagQueue",
    "UntagQueue",
];

/// One scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Unique; also the snapshot and recording file name.
    pub name: String,
    /// What AWS behaviour the scenario pins down, and where that fact comes from.
    #[serde(default)]
    pub description: String,
    /// Free labels (`fifo`, `dlq`, `errors`, ...) used for narrowing and by profiles.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The providers it applies to; all when absent.
    #[serde(default)]
    pub providers: Option<Vec<String>>,
    /// The protocols it applies to; both when absent.
    #[serde(default)]
    pub protocols: Option<Vec<Protocol>>,
    /// Run in order; the first failing step ends the scenario.
    pub steps: Vec<Step>,
}

/// One step: an action (run now, or started in the background), a wait, or the
/// collection of a background action.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The SQS action, e.g. `SendMessage`.
    #[serde(default)]
    pub action: Option<String>,
    /// Protocol-neutral parameters: the JSON member names. Strings may hold `${name}`.
    #[serde(default)]
    pub params: Value,
    /// What must come back; success with no field checks when absent.
    #[serde(default)]
    pub expect: Option<Expect>,
    /// Names for values of the answer, by dotted path (`Messages.0.ReceiptHandle`).
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
    /// Seconds to let pass: the fake's clock advances, a real endpoint is slept on.
    #[serde(default)]
    pub wait: Option<f64>,
    /// Sends the action in the background under this name (a long poll that a later
    /// step wakes); an `await` step collects it.
    #[serde(default)]
    pub start: Option<String>,
    /// Collects the background action of this name; `expect` and `capture` apply to it.
    #[serde(default, rename = "await")]
    pub await_name: Option<String>,
    /// Why the step is there, for readers.
    #[serde(default)]
    pub note: Option<String>,
    /// Who sends the action: `other` (a second account's credentials) or `anonymous`
    /// (no signature at all); the runner's own credentials when absent.
    #[serde(default, rename = "as")]
    pub as_: Option<Who>,
    /// How the action is signed, when not as usual (see [`Signing`]).
    #[serde(default)]
    pub sign: Option<Signing>,
    /// A raw HTTP request instead of an action (see [`HttpStep`]).
    #[serde(default)]
    pub http: Option<HttpStep>,
}

/// Who sends a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Who {
    /// A second account: `SQS_CONFORMANCE_OTHER_*` against an endpoint, account
    /// `222222222222` on the fake. Its id is `${other_account}`.
    Other,
    /// Nobody: the request carries no signature.
    Anonymous,
}

/// A signature made wrong on purpose, or in the query string.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signing {
    /// Sign with an access key no provider issued.
    #[serde(default)]
    pub unknown_key: bool,
    /// Sign with a secret that is not the key's.
    #[serde(default)]
    pub wrong_secret: bool,
    /// Sign for another region than the endpoint's: `${other_region}`.
    #[serde(default)]
    pub other_region: bool,
    /// Sign for this service instead of `sqs`.
    #[serde(default)]
    pub service: Option<String>,
    /// Seconds added to the signing time (negative: in the past).
    #[serde(default)]
    pub skew: i64,
    /// Put the signature in the query string, as a presigned URL does.
    #[serde(default)]
    pub presign: bool,
}

/// A raw HTTP request, for what no action expresses (a request without an action).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpStep {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The URL: a path on the endpoint (`/`), or a full URL such as a captured queue
    /// URL (`${q}`).
    pub url: String,
    /// Headers to send.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body, as text.
    #[serde(default)]
    pub body: String,
    /// Sign the request with the runner's credentials (unsigned when false).
    #[serde(default)]
    pub signed: bool,
}

/// The expected answer of a step.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The error code as SDKs report it (the Query code, e.g.
    /// `AWS.SimpleQueueService.NonExistentQueue`); success when absent.
    #[serde(default)]
    pub error: Option<String>,
    /// The HTTP status; 200 for success and 400 for errors when absent.
    #[serde(default)]
    pub status: Option<u16>,
    /// The exact error message.
    #[serde(default)]
    pub message: Option<String>,
    /// The exact error message over the Query protocol, where AWS words it differently.
    #[serde(default)]
    pub message_query: Option<String>,
    /// A pattern the answer's members must match (see `matcher.rs`).
    #[serde(default)]
    pub fields: Option<Value>,
    /// A regular expression the whole error message must match, for messages that
    /// carry the time (`Signature expired: …`).
    #[serde(default)]
    pub message_matches: Option<String>,
    /// The exact body (without trailing white space), for raw HTTP steps.
    #[serde(default)]
    pub body: Option<String>,
}

impl Scenario {
    /// The actions its steps use.
    pub fn actions(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().filter_map(|s| s.action.as_deref())
    }

    /// Whether a step is sent as a second account (`"as": "other"`), or names one:
    /// against an endpoint it needs `SQS_CONFORMANCE_OTHER_*`.
    pub fn needs_other_account(&self) -> bool {
        self.steps.iter().any(|s| {
            s.as_ == Some(Who::Other)
                || s.params.to_string().contains("${other_account}")
                || s.params.to_string().contains("${account}")
        })
    }

    /// Whether it runs over this protocol.
    pub fn speaks(&self, protocol: Protocol) -> bool {
        self.protocols
            .as_ref()
            .is_none_or(|list| list.contains(&protocol))
    }

    /// Checks what serde cannot: every step is exactly one kind, actions exist.
    fn validate(&self) -> Result<(), String> {
        for (i, step) in self.steps.iter().enumerate() {
            let kinds = [
                step.action.is_some() && step.await_name.is_none(),
                step.wait.is_some(),
                step.await_name.is_some(),
                step.http.is_some(),
            ];
            if kinds.iter().filter(|k| **k).count() != 1 {
                return Err(format!(
                    "step {}: needs exactly one of action, wait, await, http",
                    i + 1
                ));
            }
            if (step.as_.is_some() || step.sign.is_some()) && step.action.is_none() {
                return Err(format!("step {}: as and sign go with an action", i + 1));
            }
            if step.as_ == Some(Who::Anonymous) && step.sign.is_some() {
                return Err(format!("step {}: an anonymous step is not signed", i + 1));
            }
            if let Some(action) = &step.action {
                if !ACTIONS.contains(&action.as_str()) {
                    return Err(format!("step {}: unknown action {action}", i + 1));
                }
            }
            if !(step.params.is_null() || step.params.is_object()) {
                return Err(format!("step {}: params must be an object", i + 1));
            }
        }
        Ok(())
    }
}

/// `conformance/` at the root of the crate.
pub fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance")
}

/// Every scenario under `conformance/scenarios/`, sorted by name. Panics with the file
/// name on a malformed file or a duplicate name: a broken scenario must not be skipped.
pub fn load_all() -> Vec<Scenario> {
    let mut files = Vec::new();
    collect_json(&conformance_dir().join("scenarios"), &mut files);
    let mut scenarios: Vec<Scenario> = files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("readable scenario");
            parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect();
    scenarios.sort_by(|a, b| a.name.cmp(&b.name));
    for pair in scenarios.windows(2) {
        assert_ne!(pair[0].name, pair[1].name, "duplicate scenario name");
    }
    scenarios
}

/// Reads one scenario from its JSON text.
pub fn parse(text: &str) -> Result<Scenario, String> {
    let scenario: Scenario = serde_json::from_str(text).map_err(|e| e.to_string())?;
    scenario.validate()?;
    Ok(scenario)
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_json(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Narrows by the `SQS_CONFORMANCE_FILTER` syntax: comma-separated terms, each a
/// substring of the name or `tag:<tag>`; a scenario is kept when any term matches.
pub fn matches_filter(scenario: &Scenario, filter: &str) -> bool {
    let terms: Vec<&str> = filter
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    terms.is_empty()
        || terms.iter().any(|term| match term.strip_prefix("tag:") {
            Some(tag) => scenario.tags.iter().any(|t| t == tag),
            None => scenario.name.contains(term),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_steps_other_senders_and_odd_signatures_parse_and_validate() {
        let ok = parse(
            r#"{"name": "n", "steps": [
                {"http": {"method": "GET", "url": "/"}, "expect": {"status": 404, "body": "<x/>"}},
                {"action": "ListQueues", "as": "other"},
                {"action": "ListQueues", "sign": {"wrong_secret": true, "presign": true, "skew": -60}}
            ]}"#,
        )
        .unwrap();
        assert!(ok.needs_other_account());
        assert_eq!(ok.steps[2].sign.as_ref().unwrap().skew, -60);
        let both = r#"{"name": "n", "steps": [{"action": "ListQueues", "http": {"method": "GET", "url": "/"}}]}"#;
        assert!(parse(both).is_err());
        let unsigned_but_signed =
            r#"{"name": "n", "steps": [{"action": "ListQueues", "as": "anonymous", "sign": {}}]}"#;
        assert!(parse(unsigned_but_signed).is_err());
        let sign_on_wait = r#"{"name": "n", "steps": [{"wait": 1, "sign": {}}]}"#;
        assert!(parse(sign_on_wait).is_err());
    }
}
