//! FIFO deduplication: for 5 minutes after a message is sent, another send with the
//! same deduplication id is accepted but not stored, and answers with the first
//! message's id and sequence number — even if the first was received or deleted since.
//!
//! Entries expire in the order they were made, so a queue of expiry times beside the
//! map drops them in O(1) each, with no scan.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use crate::ids::Uuid;
use crate::limits::DEDUPLICATION_INTERVAL_MS;

/// What a duplicate send is told: the first message's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Original {
    pub message_id: Uuid,
    pub sequence_number: u128,
}

/// A deduplication id, after its group and a line feed when the scope is
/// `messageGroup` (neither id may hold a line feed, so no two keys collide). One
/// allocation, shared by the map and the expiry queue.
type Key = Arc<str>;

struct Entry {
    original: Original,
    expires_at: u64,
}

/// The deduplication ids of one FIFO queue sent in the last 5 minutes.
pub(crate) struct Dedup {
    /// `DeduplicationScope=messageGroup` as the queue was created. AWS keeps the scope a
    /// queue was created with, whatever SetQueueAttributes says later.
    by_group: bool,
    entries: HashMap<Key, Entry>,
    expiry: VecDeque<(u64, Key)>,
    /// With a data directory: the ids recorded since the last save; `None` otherwise.
    unsaved: Option<Vec<Key>>,
    /// Every id was forgotten (PurgeQueue) since the last save.
    #[cfg_attr(not(feature = "durable"), allow(dead_code))]
    cleared: bool,
}

/// One remembered deduplication id, as a data directory keeps it.
#[cfg(feature = "durable")]
pub(crate) struct SavedDedup {
    /// The id, after its group and a line feed when the scope is `messageGroup`.
    pub key: String,
    pub original: Original,
    pub expires_at: u64,
}

impl Dedup {
    /// An empty cache; `by_group` when ids are unique per message group, not per queue.
    pub(crate) fn new(by_group: bool) -> Self {
        Dedup {
            by_group,
            entries: HashMap::new(),
            expiry: VecDeque::new(),
            unsaved: None,
            cleared: false,
        }
    }

    /// Whether ids are unique per message group (the scope the queue was created with).
    #[cfg(feature = "durable")]
    pub(crate) fn by_group(&self) -> bool {
        self.by_group
    }

    /// Lists the ids recorded from now on, for a data directory.
    pub(crate) fn track_changes(&mut self) {
        self.unsaved.get_or_insert_with(Vec::new);
    }

    #[cfg(feature = "durable")]
    pub(crate) fn has_changes(&self) -> bool {
        self.cleared || self.unsaved.as_ref().is_some_and(|u| !u.is_empty())
    }

    /// Whether every id was forgotten since the last save, and the ids recorded since
    /// that are still remembered; the list starts anew.
    #[cfg(feature = "durable")]
    pub(crate) fn take_changes(&mut self) -> (bool, Vec<SavedDedup>) {
        let cleared = std::mem::take(&mut self.cleared);
        let keys = self
            .unsaved
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        let saved = keys
            .into_iter()
            .filter_map(|key| {
                let entry = self.entries.get(&key)?;
                Some(SavedDedup {
                    key: key.to_string(),
                    original: entry.original,
                    expires_at: entry.expires_at,
                })
            })
            .collect();
        (cleared, saved)
    }

    /// Puts back an id read from a data directory; ids come in expiry order.
    #[cfg(feature = "durable")]
    pub(crate) fn restore(&mut self, saved: SavedDedup) {
        self.insert(saved.key.into(), saved.original, saved.expires_at);
    }

    fn key(&self, group: Option<&str>, id: &str) -> Key {
        match group.filter(|_| self.by_group) {
            Some(group) => format!("{group}\n{id}").into(),
            None => id.into(),
        }
    }

    /// Forgets ids whose interval has passed at `now`.
    fn expire(&mut self, now: u64) {
        while let Some((due, _)) = self.expiry.front() {
            if *due > now {
                break;
            }
            let (due, key) = self.expiry.pop_front().expect("a front entry");
            if self.entries.get(&key).is_some_and(|e| e.expires_at == due) {
                self.entries.remove(&key);
            }
        }
    }

    /// The first message sent with this id in the last 5 minutes, if any.
    pub(crate) fn find(&mut self, now: u64, group: Option<&str>, id: &str) -> Option<Original> {
        self.expire(now);
        let key = match group.filter(|_| self.by_group) {
            Some(group) => format!("{group}\n{id}"),
            None => return self.entries.get(id).map(|e| e.original),
        };
        self.entries.get(key.as_str()).map(|e| e.original)
    }

    /// Remembers a message sent at `now` for the next 5 minutes.
    pub(crate) fn record(&mut self, now: u64, group: Option<&str>, id: &str, original: Original) {
        let key = self.key(group, id);
        if let Some(unsaved) = self.unsaved.as_mut() {
            unsaved.push(key.clone());
        }
        self.insert(key, original, now + DEDUPLICATION_INTERVAL_MS);
    }

    /// Remembers `key` until `expires_at`, behind every id remembered before it.
    fn insert(&mut self, key: Key, original: Original, expires_at: u64) {
        self.expiry.push_back((expires_at, key.clone()));
        self.entries.insert(
            key,
            Entry {
                original,
                expires_at,
            },
        );
    }

    /// Forgets every id (PurgeQueue does this).
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.expiry.clear();
        if let Some(unsaved) = self.unsaved.as_mut() {
            unsaved.clear();
            self.cleared = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn original(n: u8) -> Original {
        Original {
            message_id: Uuid::from_bytes([n; 16]),
            sequence_number: u128::from(n),
        }
    }

    #[test]
    fn ids_are_remembered_for_five_minutes_from_the_first_send() {
        let mut dedup = Dedup::new(false);
        dedup.record(1_000, Some("g1"), "d", original(1));
        // The scope is the queue: another group sees the same id.
        assert_eq!(dedup.find(2_000, Some("g2"), "d"), Some(original(1)));
        let last = 1_000 + DEDUPLICATION_INTERVAL_MS - 1;
        assert_eq!(dedup.find(last, Some("g1"), "d"), Some(original(1)));
        assert_eq!(dedup.find(last + 1, Some("g1"), "d"), None);
    }

    #[test]
    fn message_group_scope_keeps_groups_apart() {
        let mut dedup = Dedup::new(true);
        dedup.record(0, Some("g1"), "d", original(1));
        assert_eq!(dedup.find(0, Some("g2"), "d"), None);
        assert_eq!(dedup.find(0, Some("g1"), "d"), Some(original(1)));
    }
}
