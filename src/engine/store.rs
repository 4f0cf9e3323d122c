//! The messages of one queue, indexed so that every operation is O(log n) in the number
//! of messages: a ready set in send order, one time-ordered index of delayed and
//! in-flight messages, and one of send times for retention.

use std::collections::{BTreeSet, HashMap};

use super::message::Message;

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Can be received now.
    Ready,
    /// Sent with a delay; becomes ready at `until`.
    Delayed { until: u64 },
    /// Received; becomes ready again at `until` unless deleted first.
    InFlight { until: u64, received_at: u64 },
}

struct Slot {
    message: Message,
    status: Status,
    /// The receipt of the latest receive (0: never received). A handle from an older
    /// receive carries an older nonce.
    nonce: u64,
}

/// A message handed out by a receive.
pub(crate) struct Received {
    pub key: u64,
    pub nonce: u64,
    pub message: Message,
}

/// What a receipt handle refers to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandleState {
    /// The message is gone (deleted, expired, purged).
    Gone,
    /// The handle is from the latest receive and the message is still in flight.
    Current,
    /// The handle is from the latest receive, but its visibility timeout ran out.
    Expired,
    /// The message has been received again since; this handle is stale.
    Stale,
}

#[derive(Default)]
pub(crate) struct Store {
    slots: HashMap<u64, Slot>,
    ready: BTreeSet<u64>,
    timers: BTreeSet<(u64, u64)>,
    by_sent: BTreeSet<(u64, u64)>,
    next_key: u64,
    in_flight: usize,
    delayed: usize,
    bytes: usize,
}

impl Store {
    /// Adds a message, ready at once or delayed until `ready_at`.
    pub(crate) fn push(&mut self, message: Message, ready_at: Option<u64>) -> u64 {
        let key = self.next_key;
        self.next_key += 1;
        self.by_sent.insert((message.content.sent_at, key));
        self.bytes += message.content.size;
        let status = match ready_at {
            Some(until) => {
                self.timers.insert((until, key));
                self.delayed += 1;
                Status::Delayed { until }
            }
            None => {
                self.ready.insert(key);
                Status::Ready
            }
        };
        self.slots.insert(
            key,
            Slot {
                message,
                status,
                nonce: 0,
            },
        );
        key
    }

    /// Brings the store to `now`: due timers make messages ready, and messages older
    /// than `retention_ms` are dropped.
    pub(crate) fn settle(&mut self, now: u64, retention_ms: u64) {
        while let Some(&(due, key)) = self.timers.first() {
            if due > now {
                break;
            }
            self.timers.pop_first();
            if let Some(slot) = self.slots.get_mut(&key) {
                match slot.status {
                    Status::Delayed { .. } => self.delayed -= 1,
                    Status::InFlight { .. } => self.in_flight -= 1,
                    Status::Ready => {}
                }
                slot.status = Status::Ready;
                self.ready.insert(key);
            }
        }
        let cutoff = now.saturating_sub(retention_ms);
        while let Some(&(sent, key)) = self.by_sent.first() {
            if sent > cutoff || now < retention_ms {
                break;
            }
            self.remove(key);
        }
    }

    /// The earliest time a timer falls due, for long polls to wake at.
    pub(crate) fn next_due(&self) -> Option<u64> {
        self.timers.first().map(|(due, _)| *due)
    }

    /// Receives up to `max` ready messages, making each invisible until
    /// `now + visibility_ms`; `nonce` makes each receipt.
    pub(crate) fn receive(
        &mut self,
        now: u64,
        max: usize,
        visibility_ms: u64,
        mut nonce: impl FnMut() -> u64,
    ) -> Vec<Received> {
        let mut out = Vec::with_capacity(max.min(self.ready.len()));
        while out.len() < max {
            let Some(key) = self.ready.pop_first() else {
                break;
            };
            let slot = self.slots.get_mut(&key).expect("a ready key has a slot");
            let until = now + visibility_ms;
            slot.status = Status::InFlight {
                until,
                received_at: now,
            };
            slot.nonce = nonce();
            slot.message.receive_count += 1;
            slot.message.first_receive_at.get_or_insert(now);
            self.timers.insert((until, key));
            self.in_flight += 1;
            out.push(Received {
                key,
                nonce: slot.nonce,
                message: slot.message.clone(),
            });
        }
        out
    }

    /// The message a receive would return first, without receiving it.
    pub(crate) fn first_ready(&self) -> Option<&Message> {
        let key = self.ready.first()?;
        self.slots.get(key).map(|slot| &slot.message)
    }

    /// Takes out the message a receive would return first (a move task's next message).
    pub(crate) fn take_first_ready(&mut self) -> Option<Message> {
        let key = *self.ready.first()?;
        self.remove(key)
    }

    /// What the handle `(key, nonce)` refers to.
    pub(crate) fn handle_state(&self, key: u64, nonce: u64) -> HandleState {
        match self.slots.get(&key) {
            None => HandleState::Gone,
            Some(slot) if slot.nonce != nonce => HandleState::Stale,
            Some(slot) => match slot.status {
                Status::InFlight { .. } => HandleState::Current,
                _ => HandleState::Expired,
            },
        }
    }

    /// When the message's current receive began, if it is in flight.
    pub(crate) fn received_at(&self, key: u64) -> Option<u64> {
        match self.slots.get(&key)?.status {
            Status::InFlight { received_at, .. } => Some(received_at),
            _ => None,
        }
    }

    /// Removes a message wherever it stands.
    pub(crate) fn remove(&mut self, key: u64) -> Option<Message> {
        let slot = self.slots.remove(&key)?;
        match slot.status {
            Status::Ready => {
                self.ready.remove(&key);
            }
            Status::Delayed { until } => {
                self.timers.remove(&(until, key));
                self.delayed -= 1;
            }
            Status::InFlight { until, .. } => {
                self.timers.remove(&(until, key));
                self.in_flight -= 1;
            }
        }
        self.by_sent.remove(&(slot.message.content.sent_at, key));
        self.bytes -= slot.message.content.size;
        Some(slot.message)
    }

    /// Makes the message in flight until `until`, counted from a receive at
    /// `received_at` (kept when only the timeout changes).
    pub(crate) fn set_in_flight(&mut self, key: u64, until: u64, received_at: u64) {
        let Some(slot) = self.slots.get_mut(&key) else {
            return;
        };
        match slot.status {
            Status::Ready => {
                self.ready.remove(&key);
                self.in_flight += 1;
            }
            Status::Delayed { until } => {
                self.timers.remove(&(until, key));
                self.delayed -= 1;
                self.in_flight += 1;
            }
            Status::InFlight { until, .. } => {
                self.timers.remove(&(until, key));
            }
        }
        slot.status = Status::InFlight { until, received_at };
        self.timers.insert((until, key));
    }

    /// Drops every message.
    pub(crate) fn clear(&mut self) {
        *self = Store {
            next_key: self.next_key,
            ..Store::default()
        };
    }

    pub(crate) fn visible(&self) -> usize {
        self.ready.len()
    }

    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight
    }

    pub(crate) fn delayed(&self) -> usize {
        self.delayed
    }

    /// Bytes of all messages held (bodies and attributes).
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Every message with its status, in send order, without changing anything.
    pub(crate) fn peek(&self) -> Vec<(Message, Status)> {
        let mut all: Vec<_> = self.slots.iter().collect();
        all.sort_by_key(|(k, _)| **k);
        all.into_iter()
            .map(|(_, s)| (s.message.clone(), s.status))
            .collect()
    }
}
