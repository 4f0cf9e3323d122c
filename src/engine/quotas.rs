//! Per-account quotas, for providers that have them (see [`Quotas`]): how many queues an
//! account may have, and how many bytes its queues may hold.

use crate::error::{ErrorCode, SqsError};
use crate::rules::Quotas;

/// A new queue would pass the account's queue quota when it has `queues` already.
pub(crate) fn check_queue_count(quotas: Option<Quotas>, queues: usize) -> Result<(), SqsError> {
    match quotas {
        Some(q) if queues >= q.max_queues => Err(SqsError::new(
            ErrorCode::OverLimit,
            format!(
                "The project has reached its quota of {} queues.",
                q.max_queues
            ),
        )),
        _ => Ok(()),
    }
}

/// A message of `adding` bytes would take the account's `used` bytes past its storage
/// quota: it is refused.
pub(crate) fn check_storage(
    quotas: Option<Quotas>,
    used: usize,
    adding: usize,
) -> Result<(), SqsError> {
    match quotas {
        Some(q) if used + adding > q.max_stored_bytes => Err(SqsError::new(
            ErrorCode::OverLimit,
            format!(
                "The project's queues would exceed their storage quota of {} bytes.",
                q.max_stored_bytes
            ),
        )),
        _ => Ok(()),
    }
}
