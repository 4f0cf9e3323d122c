//! Recordings: an endpoint's normalized answers, stored under
//! `fixtures/recorded/<provider>/<scenario>.<protocol>.json`, and their comparison with
//! the fake's.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::matcher::text;
use super::profile::Profile;
use super::wire::Protocol;

/// One scenario's answers over one protocol, normalized.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recording {
    /// The scenario.
    pub scenario: String,
    /// The protocol.
    pub protocol: Protocol,
    /// Who answered (`aws`, `scaleway`, ...; empty for the fake).
    #[serde(default)]
    pub provider: String,
    /// The answers of the action steps, in order.
    pub steps: Vec<RecordedStep>,
}

/// One answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordedStep {
    /// The step number (1-based) in the scenario.
    pub step: usize,
    /// The action.
    pub action: String,
    /// HTTP status.
    pub status: u16,
    /// The error code, for an error.
    #[serde(default)]
    pub error: Option<String>,
    /// The error message, for an error.
    #[serde(default)]
    pub message: Option<String>,
    /// The result members, named as in the JSON protocol.
    pub members: Value,
}

/// `fixtures/recorded/<provider>/`.
pub fn dir(provider: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("recorded")
        .join(provider)
}

fn file(provider: &str, scenario: &str, protocol: Protocol) -> PathBuf {
    dir(provider).join(format!("{scenario}.{}.json", protocol.as_str()))
}

/// The stored recording, if there is one.
pub fn load(provider: &str, scenario: &str, protocol: Protocol) -> Option<Recording> {
    let path = file(provider, scenario, protocol);
    let text = std::fs::read_to_string(&path).ok()?;
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Stores a recording.
pub fn save(recording: &Recording) -> std::io::Result<PathBuf> {
    let path = file(&recording.provider, &recording.scenario, recording.protocol);
    std::fs::create_dir_all(path.parent().expect("a directory"))?;
    let text = serde_json::to_string_pretty(recording).expect("JSON");
    std::fs::write(&path, text + "\n")?;
    Ok(path)
}

/// Scalars as text, so that JSON's `2` and Query's `"2"` compare equal.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        Value::Object(map) => {
            // Attribute order is not part of the answer: Query and JSON may differ.
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), canonical(v)))
                    .collect(),
            )
        }
        Value::Null => Value::Null,
        scalar => Value::String(text(scalar)),
    }
}

/// Every difference between the fake's answers and a recording that the recording's
/// provider profile does not list as a known divergence.
pub fn differences(fake: &Recording, recorded: &Recording, profile: &Profile) -> Vec<String> {
    let mut out = Vec::new();
    if fake.steps.len() != recorded.steps.len() {
        out.push(format!(
            "{} answers from the fake, {} recorded",
            fake.steps.len(),
            recorded.steps.len()
        ));
    }
    for (mine, theirs) in fake.steps.iter().zip(&recorded.steps) {
        let n = theirs.step;
        if profile.divergence(&recorded.scenario, Some(n)).is_some() {
            continue;
        }
        let mut diff = |what: &str, a: String, b: String| {
            if a != b {
                out.push(format!(
                    "step {n} ({}) {what}: fake {a}, {} {b}",
                    theirs.action, recorded.provider
                ));
            }
        };
        diff("status", mine.status.to_string(), theirs.status.to_string());
        diff(
            "error",
            format!("{:?}", mine.error),
            format!("{:?}", theirs.error),
        );
        diff(
            "message",
            format!("{:?}", mine.message),
            format!("{:?}", theirs.message),
        );
        diff(
            "members",
            canonical(&mine.members).to_string(),
            canonical(&theirs.members).to_string(),
        );
    }
    out
}
