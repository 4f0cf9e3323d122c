//! One queue: its identity, attributes, tags and messages.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::Notify;

use super::attributes::QueueAttributes;
use super::store::Store;

pub(crate) struct Queue {
    /// Unique for the life of the server; a re-created queue gets a new one, so receipt
    /// handles and long polls of the old queue cannot touch the new.
    pub id: u64,
    pub name: String,
    pub url: String,
    pub arn: String,
    pub attributes: QueueAttributes,
    /// Epoch milliseconds.
    pub created_at: u64,
    pub modified_at: u64,
    pub tags: BTreeMap<String, String>,
    pub last_purge_at: Option<u64>,
    pub store: Store,
    /// Long polls on this queue wait here; sends and deletion wake them.
    pub waiters: Arc<Notify>,
}

impl Queue {
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

impl Queue {
    /// Stores a prepared message and returns what the sender is told about it.
    pub(crate) fn enqueue(
        &mut self,
        message: super::message::Message,
        ready_at: Option<u64>,
    ) -> Arc<super::message::Content> {
        let content = message.content.clone();
        self.store.push(message, ready_at);
        content
    }
}
