//! The messages of one queue, indexed so that every operation is O(log n) in the number
//! of messages: a ready set in send order, one time-ordered index of delayed and
//! in-flight messages, and one of send times for retention. A FIFO queue's store also
//! keeps its messages by group (see [`Groups`]), and receives from the line of groups
//! instead of from the ready set.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::groups::Groups;
use super::message::{Content, Message};

use crate::limits::IN_FLIGHT_LIMIT;

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Can be received now.
    Ready,
    /// Sent with a delay; becomes ready at `until`. `order`: see [`Store::timers`].
    Delayed { until: u64, order: u32 },
    /// Received; becomes ready again at `until` unless deleted first.
    InFlight {
        until: u64,
        received_at: u64,
        order: u32,
    },
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

pub(crate) struct Store {
    slots: HashMap<u64, Slot>,
    ready: BTreeSet<u64>,
    /// Delayed and in-flight messages by (due time, order the timer was set, key).
    /// Messages due at one moment become ready in the order they were taken, delayed or
    /// hidden, so FIFO groups coming back together join the line in that order. The
    /// order is a `u32` kept in the message's [`Status`], where it costs no space; it
    /// wraps after 4 billion timers, which only a tie at that very moment could notice.
    timers: BTreeSet<(u64, u32, u64)>,
    /// The order the next timer gets.
    next_timer: u32,
    by_sent: BTreeSet<(u64, u64)>,
    next_key: u64,
    in_flight: usize,
    delayed: usize,
    bytes: usize,
    /// `Some` for a FIFO queue: its messages by group, and the groups ready to deliver.
    groups: Option<Groups>,
    /// How many messages may be in flight at once; receives stop there.
    in_flight_limit: usize,
    /// A FIFO receive takes at most one message of each group (Yandex).
    one_per_group: bool,
    /// Counts every time a message became receivable (it was stored ready, fell due,
    /// or its group was unblocked): the engine wakes long polls when it moves.
    readied: u64,
}

impl Default for Store {
    /// The store of a standard queue.
    fn default() -> Self {
        Store {
            slots: HashMap::new(),
            ready: BTreeSet::new(),
            timers: BTreeSet::new(),
            next_timer: 0,
            by_sent: BTreeSet::new(),
            next_key: 0,
            in_flight: 0,
            delayed: 0,
            bytes: 0,
            groups: None,
            in_flight_limit: IN_FLIGHT_LIMIT,
            one_per_group: false,
            readied: 0,
        }
    }
}

impl Store {
    /// The store of a FIFO queue: delivery by message group.
    pub(crate) fn fifo() -> Self {
        Store {
            groups: Some(Groups::default()),
            ..Store::default()
        }
    }

    /// Lowers (or raises) the in-flight limit, so tests can reach it cheaply.
    pub(crate) fn set_in_flight_limit(&mut self, limit: usize) {
        self.in_flight_limit = limit;
    }

    /// Makes each FIFO receive take at most one message of each group.
    pub(crate) fn set_one_per_group(&mut self, one: bool) {
        self.one_per_group = one;
    }

    /// Whether as many messages are in flight as the queue allows.
    pub(crate) fn at_in_flight_limit(&self) -> bool {
        self.in_flight >= self.in_flight_limit
    }

    /// The content of a message whose group a FIFO store must keep up to date, taken
    /// before a change to its status: `None` on a standard queue.
    fn grouped(&self, key: u64) -> Option<Arc<Content>> {
        self.groups.as_ref()?;
        Some(self.slots.get(&key)?.message.content.clone())
    }

    /// After a change to a grouped message: its group stands in the line of groups
    /// while its head is ready.
    fn regroup(&mut self, content: Option<Arc<Content>>) {
        let (Some(groups), Some(content)) = (self.groups.as_mut(), content) else {
            return;
        };
        let slots = &self.slots;
        let unblocked = groups.update(group_of(&content), |head| {
            slots.get(&head).is_some_and(|s| s.status == Status::Ready)
        });
        if unblocked {
            self.readied = self.readied.wrapping_add(1);
        }
    }

    /// How many times a message became receivable, wrapping: compare two readings to
    /// know whether long polls should look again.
    pub(crate) fn readied(&self) -> u64 {
        self.readied
    }

    /// Sets a timer for `key` at `until` and returns its order.
    fn arm(&mut self, until: u64, key: u64) -> u32 {
        let order = self.next_timer;
        self.next_timer = self.next_timer.wrapping_add(1);
        self.timers.insert((until, order, key));
        order
    }

    /// Adds a message, ready at once or delayed until `ready_at`.
    pub(crate) fn push(&mut self, message: Message, ready_at: Option<u64>) -> u64 {
        let key = self.next_key;
        self.next_key += 1;
        let group = self.groups.as_mut().map(|groups| {
            groups.add(group_of(&message.content), key);
            message.content.clone()
        });
        self.by_sent.insert((message.content.sent_at, key));
        self.bytes += message.content.size;
        let status = match ready_at {
            Some(until) => {
                self.delayed += 1;
                let order = self.arm(until, key);
                Status::Delayed { until, order }
            }
            None => {
                self.ready.insert(key);
                self.readied = self.readied.wrapping_add(1);
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
        self.regroup(group);
        key
    }

    /// Brings the store to `now`: due timers make messages ready, and messages older
    /// than `retention_ms` are dropped.
    pub(crate) fn settle(&mut self, now: u64, retention_ms: u64) {
        while let Some(&(due, _, key)) = self.timers.first() {
            if due > now {
                break;
            }
            self.timers.pop_first();
            let group = self.grouped(key);
            if let Some(slot) = self.slots.get_mut(&key) {
                match slot.status {
                    Status::Delayed { .. } => self.delayed -= 1,
                    Status::InFlight { .. } => self.in_flight -= 1,
                    Status::Ready => {}
                }
                slot.status = Status::Ready;
                self.ready.insert(key);
                self.readied = self.readied.wrapping_add(1);
            }
            self.regroup(group);
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
        self.timers.first().map(|(due, _, _)| *due)
    }

    /// Receives up to `max` ready messages, making each invisible until
    /// `now + visibility_ms`; `nonce` makes each receipt. Never takes the queue past
    /// its in-flight limit. A FIFO store takes whole runs of a group before moving on
    /// to the next group in the line, so a receive spans as few groups as it can.
    pub(crate) fn receive(
        &mut self,
        now: u64,
        max: usize,
        visibility_ms: u64,
        mut nonce: impl FnMut() -> u64,
    ) -> Vec<Received> {
        let max = max.min(self.in_flight_limit.saturating_sub(self.in_flight));
        let mut out = Vec::with_capacity(max.min(self.ready.len()));
        if self.groups.is_some() {
            self.receive_by_group(now, max, visibility_ms, &mut nonce, &mut out);
            return out;
        }
        while out.len() < max {
            let Some(&key) = self.ready.first() else {
                break;
            };
            out.push(self.take(key, now, visibility_ms, &mut nonce));
        }
        out
    }

    /// [`Store::receive`] out of send order (at-least-once chaos; a FIFO store keeps
    /// its order): each message taken is one of the first `window` ready, the one
    /// `draw` picks given how many there are.
    pub(crate) fn receive_shuffled(
        &mut self,
        now: u64,
        max: usize,
        visibility_ms: u64,
        mut nonce: impl FnMut() -> u64,
        window: usize,
        draw: &mut dyn FnMut(usize) -> usize,
    ) -> Vec<Received> {
        if self.groups.is_some() {
            return self.receive(now, max, visibility_ms, nonce);
        }
        let max = max.min(self.in_flight_limit.saturating_sub(self.in_flight));
        let mut out = Vec::with_capacity(max.min(self.ready.len()));
        let mut candidates = Vec::with_capacity(window);
        while out.len() < max {
            candidates.clear();
            candidates.extend(self.ready.iter().take(window).copied());
            let Some(last) = candidates.len().checked_sub(1) else {
                break;
            };
            let key = candidates[draw(candidates.len()).min(last)];
            out.push(self.take(key, now, visibility_ms, &mut nonce));
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

    /// The FIFO half of [`Store::receive`].
    fn receive_by_group(
        &mut self,
        now: u64,
        max: usize,
        visibility_ms: u64,
        nonce: &mut impl FnMut() -> u64,
        out: &mut Vec<Received>,
    ) {
        while out.len() < max {
            let Some(groups) = self.groups.as_ref() else {
                return;
            };
            let Some((group, head)) = groups.front() else {
                return;
            };
            let slots = &self.slots;
            let room = if self.one_per_group {
                1
            } else {
                max - out.len()
            };
            let run: Vec<u64> = groups
                .from(group, head)
                .take_while(|k| slots.get(k).is_some_and(|s| s.status == Status::Ready))
                .take(room)
                .collect();
            let content = slots.get(&head).map(|s| s.message.content.clone());
            for key in run {
                let received = self.take(key, now, visibility_ms, nonce);
                out.push(received);
            }
            // Its head is in flight now: the group leaves the line (and a group whose
            // head was not ready, which cannot happen, leaves it too, so this never loops).
            match content {
                Some(content) => self.regroup(Some(content)),
                None => return,
            }
        }
    }

    /// Moves one ready message in flight.
    fn take(
        &mut self,
        key: u64,
        now: u64,
        visibility_ms: u64,
        nonce: &mut impl FnMut() -> u64,
    ) -> Received {
        self.ready.remove(&key);
        let until = now + visibility_ms;
        let order = self.arm(until, key);
        let slot = self.slots.get_mut(&key).expect("a ready key has a slot");
        slot.status = Status::InFlight {
            until,
            received_at: now,
            order,
        };
        slot.nonce = nonce();
        slot.message.receive_count += 1;
        slot.message.first_receive_at.get_or_insert(now);
        self.in_flight += 1;
        Received {
            key,
            nonce: slot.nonce,
            message: slot.message.clone(),
        }
    }

    /// The message `(key, nonce)` names, if that receive is still the message's latest
    /// and the message is in flight until exactly `until` (so nothing changed it since).
    pub(crate) fn in_flight_as(&self, key: u64, nonce: u64, until: u64) -> Option<&Message> {
        let slot = self.slots.get(&key)?;
        match slot.status {
            Status::InFlight { until: u, .. } if slot.nonce == nonce && u == until => {
                Some(&slot.message)
            }
            _ => None,
        }
    }

    /// The message `key` names, wherever it stands.
    pub(crate) fn get(&self, key: u64) -> Option<&Message> {
        self.slots.get(&key).map(|slot| &slot.message)
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
        let group = self.grouped(key);
        let slot = self.slots.remove(&key)?;
        if let Some(groups) = self.groups.as_mut() {
            groups.remove(group_of(&slot.message.content), key);
        }
        match slot.status {
            Status::Ready => {
                self.ready.remove(&key);
            }
            Status::Delayed { until, order } => {
                self.timers.remove(&(until, order, key));
                self.delayed -= 1;
            }
            Status::InFlight { until, order, .. } => {
                self.timers.remove(&(until, order, key));
                self.in_flight -= 1;
            }
        }
        self.by_sent.remove(&(slot.message.content.sent_at, key));
        self.bytes -= slot.message.content.size;
        self.regroup(group);
        Some(slot.message)
    }

    /// Makes the message in flight until `until`, counted from a receive at
    /// `received_at` (kept when only the timeout changes).
    pub(crate) fn set_in_flight(&mut self, key: u64, until: u64, received_at: u64) {
        let group = self.grouped(key);
        let Some(slot) = self.slots.get_mut(&key) else {
            return;
        };
        match slot.status {
            Status::Ready => {
                self.ready.remove(&key);
                self.in_flight += 1;
            }
            Status::Delayed { until, order } => {
                self.timers.remove(&(until, order, key));
                self.delayed -= 1;
                self.in_flight += 1;
            }
            Status::InFlight { until, order, .. } => {
                self.timers.remove(&(until, order, key));
            }
        }
        let order = self.arm(until, key);
        if let Some(slot) = self.slots.get_mut(&key) {
            slot.status = Status::InFlight {
                until,
                received_at,
                order,
            };
        }
        self.regroup(group);
    }

    /// Drops every message.
    pub(crate) fn clear(&mut self) {
        *self = Store {
            next_key: self.next_key,
            groups: self.groups.as_ref().map(|_| Groups::default()),
            in_flight_limit: self.in_flight_limit,
            one_per_group: self.one_per_group,
            readied: self.readied,
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

/// The group a FIFO message belongs to. A message sent without one (Scaleway has no
/// groups) is in the queue's single implicit group, so the queue delivers in one order.
fn group_of(content: &Content) -> &str {
    content.group_id.as_deref().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(key: u64, group: Option<&str>) -> Message {
        Message {
            content: Arc::new(Content {
                message_id: format!("m{key}"),
                body: String::new(),
                md5_of_body: String::new(),
                attributes: Default::default(),
                md5_of_attributes: None,
                trace_header: None,
                md5_of_system_attributes: None,
                sender_id: String::new(),
                sent_at: 0,
                group_id: group.map(str::to_owned),
                deduplication_id: None,
                sequence_number: None,
                dead_letter_source_arn: None,
                size: 0,
            }),
            receive_count: 0,
            first_receive_at: None,
        }
    }

    fn ids(received: &[Received]) -> Vec<String> {
        received
            .iter()
            .map(|r| r.message.content.message_id.clone())
            .collect()
    }

    #[test]
    fn receives_stop_at_the_in_flight_limit() {
        let mut store = Store::default();
        store.set_in_flight_limit(3);
        for key in 0..5 {
            store.push(message(key, None), None);
        }
        assert_eq!(store.receive(0, 10, 1_000, || 1).len(), 3);
        assert!(store.at_in_flight_limit());
        assert!(store.receive(0, 10, 1_000, || 1).is_empty());
        // Visibility runs out: room again.
        store.settle(1_000, u64::MAX);
        assert!(!store.at_in_flight_limit());
    }

    #[test]
    fn fifo_receives_stop_at_the_in_flight_limit_without_breaking_order() {
        let mut store = Store::fifo();
        store.set_in_flight_limit(2);
        for key in 0..4 {
            store.push(message(key, Some(["a", "b"][key as usize % 2])), None);
        }
        // m0 and m2 are group a's; the limit cuts the run of group a at two.
        assert_eq!(ids(&store.receive(0, 10, 1_000, || 1)), ["m0", "m2"]);
        assert!(store.receive(0, 10, 1_000, || 1).is_empty());
    }

    #[test]
    fn fifo_retention_and_delete_unblock_the_next_message_of_a_group() {
        let mut store = Store::fifo();
        for key in 0..3 {
            store.push(message(key, Some("a")), None);
        }
        let first = store.receive(0, 1, 1_000, || 1);
        assert_eq!(ids(&first), ["m0"]);
        assert!(store.receive(0, 1, 1_000, || 1).is_empty());
        store.remove(first[0].key);
        assert_eq!(ids(&store.receive(0, 10, 1_000, || 1)), ["m1", "m2"]);
    }
}
