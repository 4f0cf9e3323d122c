//! A data directory (`FakeSqsBuilder::data_dir`, `fake-sqs --data-dir`): the fake's
//! queues, messages, move tasks and clock kept in a SQLite database, so that a fake
//! that stops, or is killed, starts again where it was.
//!
//! Every SQS request that may change something is answered only once what it changed
//! is on disk (`saver.rs`): the service layer waits for the writer (`writer.rs`), which
//! saves whatever changed since its last save in one transaction (`database.rs`), so
//! that concurrent requests share one sync. What is saved, and how the engine's state
//! is read back, is the engine's own (`engine::records`).

mod saver;
pub(crate) use saver::Saver;

use crate::error::{ErrorCode, SqsError};

/// The answer to a request whose change could not be saved: the fake's fault, as a
/// failing disk would be the service's.
pub(crate) fn unsaved(reason: &str) -> SqsError {
    SqsError::new(
        ErrorCode::InternalError,
        format!("The change could not be saved: {reason}"),
    )
}

#[cfg(feature = "durable")]
mod database;
#[cfg(feature = "durable")]
mod writer;

#[cfg(feature = "durable")]
mod open;
#[cfg(feature = "durable")]
pub(crate) use open::{open, Opened};
