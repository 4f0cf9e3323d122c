//! ListQueues: queue URLs in name order, by prefix, a page at a time.

use std::ops::Bound;

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct ListQueues {
    prefix: String,
    max_results: Option<usize>,
    /// The name after which this page starts.
    after: Option<String>,
}

/// Without MaxResults, AWS answers at most this many URLs.
const UNPAGED_LIMIT: usize = 1000;

impl ListQueues {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let max_results = match p.opt_int("MaxResults")? {
            None => None,
            Some(n @ 1..=1000) => Some(n as usize),
            Some(n) => {
                return Err(SqsError::invalid_value(
                    "MaxResults",
                    n,
                    "MaxResults must be an integer between 1 and 1000.",
                ))
            }
        };
        let after = match p.opt_str("NextToken")?.filter(|t| !t.is_empty()) {
            None => None,
            Some(token) => Some(
                decode_token(&token)
                    .ok_or_else(|| SqsError::invalid_parameter("Invalid NextToken value."))?,
            ),
        };
        Ok(ListQueues {
            prefix: p.opt_str("QueueNamePrefix")?.unwrap_or_default(),
            max_results,
            after,
        })
    }

    pub(crate) fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let state = engine.lock();
        let Some(region) = state.region(&ctx.caller) else {
            return Ok(Outcome::Result(Map::new()));
        };
        let limit = self.max_results.unwrap_or(UNPAGED_LIMIT);
        // Names with a prefix are one contiguous run in name order: start at the prefix
        // (or after the page token, if that is further) and stop at the first name
        // without it, so that a prefix costs O(log n + page), not a walk of every queue.
        let start = match &self.after {
            Some(a) if a.as_str() >= self.prefix.as_str() => Bound::Excluded(a.as_str()),
            _ => Bound::Included(self.prefix.as_str()),
        };
        let mut matching = region
            .queues
            .range::<str, _>((start, Bound::Unbounded))
            .take_while(|(name, _)| name.starts_with(&self.prefix))
            .map(|(_, q)| q);
        let page: Vec<_> = matching.by_ref().take(limit).collect();
        let more = matching.next().is_some();
        let mut out = Map::new();
        if !page.is_empty() {
            let urls: Vec<Value> = page.iter().map(|q| json!(q.url)).collect();
            out.insert("QueueUrls".into(), Value::Array(urls));
        }
        if more && self.max_results.is_some() {
            if let Some(last) = page.last() {
                out.insert("NextToken".into(), json!(encode_token(&last.name)));
            }
        }
        Ok(Outcome::Result(out))
    }
}

fn encode_token(after: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("after:{after}"))
}

fn decode_token(token: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("after:")
        .map(str::to_owned)
}
