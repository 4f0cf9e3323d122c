//! MaxResults and NextToken, as ListQueues and ListDeadLetterSourceQueues page through
//! queue names: at most 1000 without MaxResults, and a NextToken only when MaxResults was
//! given and more names follow.

use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::error::SqsError;
use crate::protocol::params::Params;

use crate::limits::LIST_MAX_RESULTS;

/// Without MaxResults, AWS answers at most this many URLs.
const UNPAGED_LIMIT: usize = *LIST_MAX_RESULTS.end() as usize;

/// Where a page starts and how long it may be.
pub(crate) struct Paging {
    max_results: Option<usize>,
    /// The name after which this page starts (from NextToken).
    pub after: Option<String>,
}

impl Paging {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let max_results = p
            .opt_int_in(
                "MaxResults",
                LIST_MAX_RESULTS,
                "MaxResults must be an integer between 1 and 1000.",
            )?
            .map(|n| n as usize);
        let after = match p.opt_str("NextToken")?.filter(|t| !t.is_empty()) {
            None => None,
            Some(token) => Some(
                decode_token(&token)
                    .ok_or_else(|| SqsError::invalid_parameter("Invalid NextToken value."))?,
            ),
        };
        Ok(Paging { max_results, after })
    }

    /// How many names this page may hold.
    pub(crate) fn limit(&self) -> usize {
        self.max_results.unwrap_or(UNPAGED_LIMIT)
    }

    /// Adds a NextToken pointing after `last` when more names follow a page asked for
    /// with MaxResults.
    pub(crate) fn add_next_token(
        &self,
        more: bool,
        last: Option<&str>,
        out: &mut Map<String, Value>,
    ) {
        if let (true, Some(_), Some(last)) = (more, self.max_results, last) {
            out.insert("NextToken".into(), json!(encode_token(last)));
        }
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
