//! ListDeadLetterSourceQueues: the queues whose RedrivePolicy names this one, in name
//! order, a page at a time. The answer's list is `queueUrls`, lower-case, as in the API
//! model.

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct ListDeadLetterSourceQueues {
    url: String,
    max_results: Option<usize>,
    /// The name after which this page starts.
    after: Option<String>,
}

/// Without MaxResults, AWS answers at most this many URLs.
const UNPAGED_LIMIT: usize = 1000;

impl ListDeadLetterSourceQueues {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
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
        Ok(ListDeadLetterSourceQueues {
            url,
            max_results,
            after,
        })
    }

    pub(crate) fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let mut state = engine.lock();
        state.queue_mut(&target, now)?;
        let limit = self.max_results.unwrap_or(UNPAGED_LIMIT);
        let sources = state.dead_letter_sources(&target);
        let mut matching = sources
            .iter()
            .filter(|(name, _)| self.after.as_deref().is_none_or(|a| *name > a));
        let page: Vec<_> = matching.by_ref().take(limit).collect();
        let more = matching.next().is_some();
        let mut out = Map::new();
        let urls: Vec<Value> = page.iter().map(|(_, q)| json!(q.url)).collect();
        out.insert("queueUrls".into(), Value::Array(urls));
        if more && self.max_results.is_some() {
            if let Some((last, _)) = page.last() {
                out.insert("NextToken".into(), json!(encode_token(last)));
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
