//! ReceiveRequestAttemptId on FIFO queues: a receive retried with the same attempt id
//! within 5 minutes gets the same messages and receipt handles back, as long as none of
//! them was deleted or had its visibility changed (AWS's documented rule; a message
//! whose visibility ran out, or that was received again since, counts as changed).

use std::collections::{HashMap, VecDeque};

use crate::limits::ATTEMPT_INTERVAL_MS;

/// One message a remembered receive returned: its key, the nonce of that receive's
/// handle, and when its visibility was due to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Handed {
    pub key: u64,
    pub nonce: u64,
    pub until: u64,
}

struct Entry {
    handed: Vec<Handed>,
    expires_at: u64,
}

/// The receives of one FIFO queue made with an attempt id in the last 5 minutes.
#[derive(Default)]
pub(crate) struct Attempts {
    entries: HashMap<String, Entry>,
    expiry: VecDeque<(u64, String)>,
}

impl Attempts {
    fn expire(&mut self, now: u64) {
        while let Some((due, _)) = self.expiry.front() {
            if *due > now {
                break;
            }
            let (due, id) = self.expiry.pop_front().expect("a front entry");
            if self.entries.get(&id).is_some_and(|e| e.expires_at == due) {
                self.entries.remove(&id);
            }
        }
    }

    /// What the receive with attempt `id` returned, if it was made in the last 5 minutes.
    pub(crate) fn find(&mut self, now: u64, id: &str) -> Option<&[Handed]> {
        self.expire(now);
        self.entries.get(id).map(|e| e.handed.as_slice())
    }

    /// Remembers what a receive with attempt `id` returned at `now`.
    pub(crate) fn record(&mut self, now: u64, id: &str, handed: Vec<Handed>) {
        let expires_at = now + ATTEMPT_INTERVAL_MS;
        self.expiry.push_back((expires_at, id.to_owned()));
        self.entries
            .insert(id.to_owned(), Entry { handed, expires_at });
    }

    /// Updates the remembered visibility after a retry reset it, keeping the expiry.
    pub(crate) fn refresh(&mut self, id: &str, handed: Vec<Handed>) {
        if let Some(entry) = self.entries.get_mut(id) {
            entry.handed = handed;
        }
    }

    /// Forgets attempt `id`: its messages changed, so a retry is a new receive.
    pub(crate) fn forget(&mut self, id: &str) {
        self.entries.remove(id);
    }

    /// Forgets every attempt (PurgeQueue removes their messages).
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.expiry.clear();
    }
}
