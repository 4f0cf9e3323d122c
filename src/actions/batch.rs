//! Rules every batch action shares: 1 to 10 entries, ids of `[A-Za-z0-9_-]{1,80}`, each
//! distinct; the entries' VisibilityTimeout; and the shape of a batch answer.

use serde_json::{json, Map, Value};

use crate::api::ActionName;
use crate::engine::Entries;
use crate::error::{ErrorCode, Side, SqsError};
use crate::protocol::params::Params;
use crate::protocol::Outcome;

use crate::limits::{MAX_BATCH_ENTRIES as MAX_ENTRIES, MAX_BATCH_ENTRY_ID, VISIBILITY_TIMEOUT};

/// Checks the entries of a batch of `action` and returns them with their ids.
pub(crate) fn entries(p: &Params, action: ActionName) -> Result<Vec<(String, Params)>, SqsError> {
    let entries = p.entries("Entries")?.unwrap_or_default();
    if entries.is_empty() {
        let entry_name = action.request_entry().unwrap_or("Entry");
        return Err(SqsError::new(
            ErrorCode::EmptyBatchRequest,
            format!("There should be at least one {entry_name} in the request."),
        ));
    }
    if entries.len() > MAX_ENTRIES {
        return Err(SqsError::new(
            ErrorCode::TooManyEntriesInBatchRequest,
            format!(
                "Maximum number of entries per request are {MAX_ENTRIES}. You have sent {}.",
                entries.len()
            ),
        ));
    }
    let mut out: Vec<(String, Params)> = Vec::with_capacity(entries.len());
    for entry in entries {
        let id = entry.opt_str("Id")?.unwrap_or_default();
        let valid = !id.is_empty()
            && id.len() <= MAX_BATCH_ENTRY_ID
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(SqsError::new(
                ErrorCode::InvalidBatchEntryId,
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
            ));
        }
        if out.iter().any(|(seen, _)| *seen == id) {
            return Err(SqsError::new(
                ErrorCode::BatchEntryIdsNotDistinct,
                format!("Id {id} repeated."),
            ));
        }
        out.push((id, entry));
    }
    Ok(out)
}

/// A VisibilityTimeout parameter, required, of ChangeMessageVisibility or one of its
/// batch entries.
pub(crate) fn visibility_timeout(p: &Params) -> Result<i64, SqsError> {
    p.opt_int_in(
        "VisibilityTimeout",
        VISIBILITY_TIMEOUT,
        "Must be >= 0 and <= 43200, if provided.",
    )?
    .ok_or_else(|| SqsError::missing("VisibilityTimeout"))
}

/// One entry of a batch answer's `Failed` list.
pub(crate) fn failed_entry(id: &str, err: &SqsError) -> Value {
    let wire = err.code.wire();
    json!({
        "Id": id,
        "SenderFault": wire.side == Side::Sender,
        "Code": wire.query_code,
        "Message": err.message,
    })
}

/// A batch answer: `Successful` always, `Failed` only when something failed.
pub(crate) struct BatchResult {
    successful: Vec<Value>,
    failed: Vec<Value>,
}

impl BatchResult {
    pub(crate) fn new() -> Self {
        BatchResult {
            successful: Vec::new(),
            failed: Vec::new(),
        }
    }

    /// Records a success; `fields` are added after the entry's `Id`.
    pub(crate) fn ok(&mut self, id: &str, fields: Map<String, Value>) {
        let mut entry = Map::new();
        entry.insert("Id".into(), json!(id));
        entry.extend(fields);
        self.successful.push(Value::Object(entry));
    }

    pub(crate) fn failed(&mut self, id: &str, err: &SqsError) {
        self.failed.push(failed_entry(id, err));
    }

    /// The answer of a batch whose entries answer nothing but success or failure.
    pub(crate) fn of_entries(results: Entries<()>) -> Self {
        let mut out = BatchResult::new();
        for (id, result) in results {
            match result {
                Ok(()) => out.ok(&id, Map::new()),
                Err(err) => out.failed(&id, &err),
            }
        }
        out
    }

    pub(crate) fn into_outcome(self) -> Outcome {
        let mut out = Map::new();
        out.insert("Successful".into(), Value::Array(self.successful));
        if !self.failed.is_empty() {
            out.insert("Failed".into(), Value::Array(self.failed));
        }
        Outcome::Result(out)
    }
}
