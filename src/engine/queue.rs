//! One queue: its identity, attributes, tags and messages.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::Notify;

use super::attributes::QueueAttributes;
use super::dedup::Original;
use super::digest::Md5;
use super::fifo::FifoState;
use super::sending::{Digests, Prepared};
use super::store::Store;
use crate::error::SqsError;
use crate::ids::Uuid;
use crate::limits::MAX_QUEUE_NAME;

/// A CreateQueue `QueueName` that is there at all; a request without one is
/// `InvalidParameterValue` (`fixtures/aws/create-queue-names.json`).
pub(crate) fn name_given(name: Option<String>) -> Result<String, SqsError> {
    name.ok_or_else(|| {
        SqsError::invalid_parameter(
            "Value for parameter QueueName is invalid. Reason: Must specify a queue name.",
        )
    })
}

/// Checks a CreateQueue `QueueName`, as AWS does (`fixtures/aws/create-queue-names.json`):
/// 1 to 80 of `[A-Za-z0-9_-]`, and a FIFO queue's name ends in `.fifo`, which counts
/// toward the 80. An empty or invalid name is `InvalidParameterValue` with AWS's text,
/// which (unlike most) has no `Value … Reason:` wrapper and no final period.
pub(crate) fn check_name(name: &str, fifo: bool) -> Result<(), SqsError> {
    let stem = if fifo {
        name.strip_suffix(".fifo")
    } else {
        Some(name)
    };
    let valid = stem.is_some_and(|s| {
        !s.is_empty()
            && name.len() <= MAX_QUEUE_NAME
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    });
    if valid {
        return Ok(());
    }
    Err(SqsError::invalid_parameter(if fifo {
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
    } else {
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
    }))
}

pub(crate) struct Queue {
    /// Unique for the life of the server; a re-created queue gets a new one, so receipt
    /// handles and long polls of the old queue cannot touch the new.
    pub id: u64,
    pub name: String,
    /// `/<account>/<name>` (in the dialect's shape): the queue's URL after its scheme and
    /// host, which each request supplies (see `Ctx::queue_url`).
    pub path: String,
    pub arn: String,
    pub attributes: QueueAttributes,
    /// Epoch milliseconds.
    pub created_at: u64,
    pub modified_at: u64,
    pub tags: BTreeMap<String, String>,
    pub last_purge_at: Option<u64>,
    pub store: Store,
    /// `Some` for a FIFO queue: deduplication, receive attempts, sequence numbers.
    pub fifo: Option<FifoState>,
    /// Long polls on this queue wait here; sends and deletion wake them.
    pub waiters: Arc<Notify>,
    /// With a data directory: its settings changed since the last save.
    pub changed: bool,
}

impl Queue {
    /// Starts listing this queue's changes for a data directory, and lists the queue
    /// itself as one.
    pub(crate) fn track_changes(&mut self) {
        self.store.track_changes();
        if let Some(fifo) = self.fifo.as_mut() {
            fifo.dedup.track_changes();
        }
        self.changed = true;
    }

    pub(crate) fn is_fifo(&self) -> bool {
        self.attributes.fifo
    }

    /// Brings the messages to `now` (see [`Store::settle`]).
    pub(crate) fn settle(&mut self, now: u64) {
        let retention = u64::from(self.attributes.message_retention_period) * 1000;
        self.store.settle(now, retention);
    }

    /// The value of any attribute GetQueueAttributes knows, or `None` when this queue
    /// does not show it.
    pub(crate) fn attribute(&self, name: &str) -> Option<String> {
        match name {
            "QueueArn" => Some(self.arn.clone()),
            "ApproximateNumberOfMessages" => Some(self.store.visible().to_string()),
            "ApproximateNumberOfMessagesNotVisible" => Some(self.store.in_flight().to_string()),
            "ApproximateNumberOfMessagesDelayed" => Some(self.store.delayed().to_string()),
            "CreatedTimestamp" => Some((self.created_at / 1000).to_string()),
            "LastModifiedTimestamp" => Some((self.modified_at / 1000).to_string()),
            other => self.attributes.settable(other),
        }
    }
}

/// What a send did with a message: the body's digest and the attributes' as sent, and
/// the identity the sender is told (on a FIFO duplicate, the first message's).
#[derive(Debug)]
pub(crate) struct Sent {
    pub md5_of_body: Md5,
    pub digests: Digests,
    pub message_id: Uuid,
    pub sequence_number: Option<u128>,
    /// False for a FIFO duplicate: accepted, answered, but not stored. (Long polls
    /// wake by what the store counts, so only tests read this today.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub stored: bool,
}

impl Queue {
    /// The messages and FIFO state of a new queue of this kind; `dedup_by_group` is
    /// the DeduplicationScope it is created with, `in_flight_limit` the fake's limit.
    pub(crate) fn new_store(
        fifo: bool,
        dedup_by_group: bool,
        in_flight_limit: usize,
    ) -> (Store, Option<FifoState>) {
        let (mut store, state) = if fifo {
            (Store::fifo(), Some(FifoState::new(dedup_by_group)))
        } else {
            (Store::default(), None)
        };
        store.set_in_flight_limit(in_flight_limit);
        (store, state)
    }

    /// Sends a prepared message. On a FIFO queue a deduplication id seen in the last 5
    /// minutes makes this a duplicate: accepted, answered with the first message's id
    /// and sequence number, and not stored; otherwise the message gets its sequence
    /// number here, at the moment it joins the queue's order.
    pub(crate) fn send(&mut self, prepared: Prepared) -> Sent {
        let Prepared {
            mut message,
            ready_at,
            digests,
        } = prepared;
        let content = &message.content;
        let mut sent = Sent {
            md5_of_body: content.md5_of_body(),
            digests,
            message_id: content.message_id(),
            sequence_number: None,
            stored: true,
        };
        let Some(fifo) = self.fifo.as_mut() else {
            self.store.push(message, ready_at);
            return sent;
        };
        let now = content.sent_at();
        if let Some(id) = content.deduplication_id() {
            if let Some(original) = fifo.dedup.find(now, content.group_id(), id) {
                sent.message_id = original.message_id;
                sent.sequence_number = Some(original.sequence_number);
                sent.stored = false;
                return sent;
            }
        }
        let sequence_number = fifo.next_sequence(now);
        if let Some(id) = content.deduplication_id() {
            let original = Original {
                message_id: sent.message_id,
                sequence_number,
            };
            fifo.dedup.record(now, content.group_id(), id, original);
        }
        // A FIFO message is prepared with room for its number, and nothing shares it yet.
        let numbered = message.content.set_sequence_number(sequence_number);
        debug_assert!(
            numbered,
            "a FIFO message without room for its sequence number"
        );
        sent.sequence_number = Some(sequence_number);
        self.store.push(message, ready_at);
        sent
    }
}
