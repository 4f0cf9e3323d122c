//! Provider profiles (`conformance/profiles/<name>.json`): what a provider supports, its
//! limits, and where it is known to differ from AWS, each with a reason. A profile is
//! data; the runner skips what it excludes and says why.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::scenario::{conformance_dir, Scenario};
use super::wire::Protocol;

/// One provider's profile.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// `aws`, `scaleway`, `yandex`, `generic` or `fake`.
    pub name: String,
    /// What the profile is for (for readers).
    #[serde(default)]
    #[allow(dead_code)]
    pub description: String,
    /// Protocols the provider speaks.
    #[serde(default = "both")]
    pub protocols: Vec<Protocol>,
    /// Actions it does not have, with the reason.
    #[serde(default)]
    pub unsupported_actions: BTreeMap<String, String>,
    /// Per action, parameters it does not support, with the reason.
    #[serde(default)]
    pub unsupported_params: BTreeMap<String, BTreeMap<String, String>>,
    /// Queue or message attributes it does not support, with the reason.
    #[serde(default)]
    pub unsupported_attributes: BTreeMap<String, String>,
    /// Scenario tags it does not support, with the reason.
    #[serde(default)]
    pub excluded_tags: BTreeMap<String, String>,
    /// Its limits, for readers (and future scenarios).
    #[serde(default)]
    #[allow(dead_code)]
    pub limits: BTreeMap<String, Value>,
    /// Scenarios not run yet, with the reason: for the fake, features that are being
    /// built on other branches. Emptied as they land.
    #[serde(default)]
    pub pending: Vec<Listed>,
    /// Known differences from AWS: a scenario that fails on this provider, or a
    /// difference between a recording and the fake, listed here is reported, not failed.
    #[serde(default)]
    pub divergences: Vec<Listed>,
}

/// A scenario named in a profile, with a reason.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listed {
    /// The scenario name.
    pub scenario: String,
    /// Only this step (1-based), or the whole scenario when absent.
    #[serde(default)]
    pub step: Option<usize>,
    /// Why.
    pub reason: String,
}

fn both() -> Vec<Protocol> {
    Protocol::ALL.to_vec()
}

impl Profile {
    /// Loads `conformance/profiles/<name>.json`.
    pub fn load(name: &str) -> Profile {
        let path = conformance_dir()
            .join("profiles")
            .join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("profile {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("profile {}: {e}", path.display()))
    }

    /// Why this provider cannot run the scenario over this protocol, if it cannot.
    pub fn skip_reason(&self, scenario: &Scenario, protocol: Protocol) -> Option<String> {
        if let Some(p) = self.pending.iter().find(|p| p.scenario == scenario.name) {
            return Some(format!("pending: {}", p.reason));
        }
        if let Some(providers) = &scenario.providers {
            if !providers.iter().any(|p| p == &self.name) {
                return Some(format!("scenario is for {}", providers.join(", ")));
            }
        }
        if !scenario.speaks(protocol) {
            return Some(format!("scenario does not use {}", protocol.as_str()));
        }
        if !self.protocols.contains(&protocol) {
            return Some(format!(
                "{} does not speak {}",
                self.name,
                protocol.as_str()
            ));
        }
        for tag in &scenario.tags {
            if let Some(reason) = self.excluded_tags.get(tag) {
                return Some(format!("tag {tag}: {reason}"));
            }
        }
        for step in &scenario.steps {
            let Some(action) = step.action.as_deref() else {
                continue;
            };
            if let Some(reason) = self.unsupported_actions.get(action) {
                return Some(format!("{action}: {reason}"));
            }
            let Some(params) = step.params.as_object() else {
                continue;
            };
            if let Some(unsupported) = self.unsupported_params.get(action) {
                // A batch's entries carry the parameters of the single action, so an
                // unsupported parameter counts there too.
                let entries = params
                    .get("Entries")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_object);
                for members in std::iter::once(params).chain(entries) {
                    for name in members.keys() {
                        if let Some(reason) = unsupported.get(name) {
                            return Some(format!("{action}.{name}: {reason}"));
                        }
                    }
                }
            }
            for name in attribute_names(params) {
                if let Some(reason) = self.unsupported_attributes.get(&name) {
                    return Some(format!("attribute {name}: {reason}"));
                }
            }
        }
        None
    }

    /// The listed divergence covering this scenario (and step), if any.
    pub fn divergence(&self, scenario: &str, step: Option<usize>) -> Option<&Listed> {
        self.divergences.iter().find(|d| {
            d.scenario == scenario && (d.step.is_none() || step.is_none() || d.step == step)
        })
    }
}

/// The attribute names a step's parameters mention.
fn attribute_names(params: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(Value::Object(attrs)) = params.get("Attributes") {
        names.extend(attrs.keys().cloned());
    }
    for list in ["AttributeNames", "MessageSystemAttributeNames"] {
        if let Some(Value::Array(items)) = params.get(list) {
            names.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    if let Some(Value::Object(attrs)) = params.get("MessageSystemAttributes") {
        names.extend(attrs.keys().cloned());
    }
    names
}
