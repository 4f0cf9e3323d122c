//! The messages of one queue, indexed so that every operation is O(log n) in the number
//! of messages: a ready set in send order, one time-ordered index of delayed and
//! in-flight messages, and one of send times for retention. A FIFO queue's store also
//! keeps its messages by group (see [`Groups`]), and receives from the line of groups
//! instead of from the ready set.
//!
//! Memory per message is what a million-message queue is made of, so the indexes are
//! compact: messages sit in [`Slots`] by key (keys are handed out in send order), the
//! ready set and the retention order are [`KeySet`] bitmaps, and only messages stored
//! out of send-time order (dead-lettered and redriven ones keep their first send's
//! time) take an entry of their own for retention.

use std::collections::BTreeSet;

use super::content::Content;
use super::groups::Groups;
use super::key_set::KeySet;
use super::message::Message;
use super::slots::Slots;

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

/// A stored message and where it stands.
struct Slot {
    content: Content,
    status: Status,
    /// The receipt of the latest receive (0: never received). A handle from an older
    /// receive carries an older nonce.
    nonce: u64,
    receive_count: u32,
    /// When it was first received; meaningful once `receive_count` is not 0 (a message
    /// has a first receive exactly when it has been received), so it needs no `Option`.
    first_receive_at: u64,
}

impl Slot {
    fn new(message: Message, status: Status) -> Slot {
        debug_assert_eq!(
            message.receive_count > 0,
            message.first_receive_at.is_some()
        );
        Slot {
            content: message.content,
            status,
            nonce: 0,
            receive_count: message.receive_count,
            first_receive_at: message.first_receive_at.unwrap_or(0),
        }
    }

    fn message(&self) -> Message {
        Message {
            content: self.content.clone(),
            receive_count: self.receive_count,
            first_receive_at: (self.receive_count > 0).then_some(self.first_receive_at),
        }
    }

    fn into_message(self) -> Message {
        Message {
            first_receive_at: (self.receive_count > 0).then_some(self.first_receive_at),
            content: self.content,
            receive_count: self.receive_count,
        }
    }
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
    slots: Slots<Slot>,
    ready: KeySet,
    /// Delayed and in-flight messages by (due time, order the timer was set, key).
    /// Messages due at one moment become ready in the order they were taken, delayed or
    /// hidden, so FIFO groups coming back together join the line in that order. The
    /// order is a `u32` kept in the message's [`Status`], where it costs no space; it
    /// wraps after 4 billion timers, which only a tie at that very moment could notice.
    timers: BTreeSet<(u64, u32, u64)>,
    /// The order the next timer gets.
    next_timer: u32,
    /// Retention order, in two parts. Messages stored at a send time no earlier than
    /// any before them (all that senders send) are in send-time order by key, so a
    /// bitmap of keys orders them; the latest such time is `in_order_since`.
    in_order: KeySet,
    in_order_since: u64,
    /// Messages stored with an earlier send time than that, by (send time, key).
    out_of_order: BTreeSet<(u64, u64)>,
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
    /// With a data directory: the messages changed since the last save (see
    /// [`Changes`]); `None` otherwise, so that a fake without one keeps no such list.
    changes: Option<Changes>,
}

/// What a store changed since its last save, for a data directory to write. What time
/// alone changes (a timer falling due) is not listed: a saved message in flight until
/// a moment that has passed is ready when read back.
#[derive(Default)]
pub(crate) struct Changes {
    /// Keys of messages added, received, hidden or removed; a key may repeat.
    pub keys: Vec<u64>,
    /// Every message was dropped (PurgeQueue) before the changes in `keys`.
    #[cfg_attr(not(feature = "durable"), allow(dead_code))]
    pub cleared: bool,
}

/// A message as a data directory keeps it.
#[cfg(feature = "durable")]
pub(crate) struct SavedMessage {
    pub key: u64,
    pub content: Content,
    pub status: Status,
    pub nonce: u64,
    pub receive_count: u32,
    pub first_receive_at: u64,
}

/// The counters of a store a data directory keeps beside its messages.
#[cfg(feature = "durable")]
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub(crate) struct SavedCounters {
    pub next_key: u64,
    pub next_timer: u32,
}

impl Default for Store {
    /// The store of a standard queue.
    fn default() -> Self {
        Store {
            slots: Slots::default(),
            ready: KeySet::default(),
            timers: BTreeSet::new(),
            next_timer: 0,
            in_order: KeySet::default(),
            in_order_since: 0,
            out_of_order: BTreeSet::new(),
            next_key: 0,
            in_flight: 0,
            delayed: 0,
            bytes: 0,
            groups: None,
            in_flight_limit: IN_FLIGHT_LIMIT,
            one_per_group: false,
            readied: 0,
            changes: None,
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

    /// Lists what changes from now on, for a data directory (see [`Changes`]).
    pub(crate) fn track_changes(&mut self) {
        self.changes.get_or_insert_with(Changes::default);
    }

    /// Whether anything is listed to save.
    #[cfg(feature = "durable")]
    pub(crate) fn has_changes(&self) -> bool {
        self.changes
            .as_ref()
            .is_some_and(|c| c.cleared || !c.keys.is_empty())
    }

    /// The changes listed since the last call, and the list started anew.
    #[cfg(feature = "durable")]
    pub(crate) fn take_changes(&mut self) -> Changes {
        self.changes
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn changed(&mut self, key: u64) {
        if let Some(changes) = self.changes.as_mut() {
            changes.keys.push(key);
        }
    }

    /// The message `key` names as a data directory keeps it, if it is still here.
    #[cfg(feature = "durable")]
    pub(crate) fn saved(&self, key: u64) -> Option<SavedMessage> {
        let slot = self.slots.get(key)?;
        Some(SavedMessage {
            key,
            content: slot.content.clone(),
            status: slot.status,
            nonce: slot.nonce,
            receive_count: slot.receive_count,
            first_receive_at: slot.first_receive_at,
        })
    }

    #[cfg(feature = "durable")]
    pub(crate) fn counters(&self) -> SavedCounters {
        SavedCounters {
            next_key: self.next_key,
            next_timer: self.next_timer,
        }
    }

    /// Puts back a message read from a data directory; messages come in key order,
    /// then [`Store::restored`] finishes.
    #[cfg(feature = "durable")]
    pub(crate) fn restore(&mut self, saved: SavedMessage) {
        let key = saved.key;
        self.place(key, &saved.content);
        match saved.status {
            Status::Ready => {
                self.ready.insert(key);
            }
            Status::Delayed { until, order } => {
                self.delayed += 1;
                self.timers.insert((until, order, key));
            }
            Status::InFlight { until, order, .. } => {
                self.in_flight += 1;
                self.timers.insert((until, order, key));
            }
        }
        self.next_key = self.next_key.max(key.saturating_add(1));
        self.slots.insert(
            key,
            Slot {
                content: saved.content,
                status: saved.status,
                nonce: saved.nonce,
                receive_count: saved.receive_count,
                first_receive_at: saved.first_receive_at,
            },
        );
    }

    /// After the last [`Store::restore`]: the counters as saved, and a FIFO store's line
    /// of groups in its saved order (groups that can deliver and are not in `line`
    /// join behind, oldest head first).
    #[cfg(feature = "durable")]
    pub(crate) fn restored(&mut self, counters: SavedCounters, line: &[String]) {
        self.next_key = self.next_key.max(counters.next_key);
        self.next_timer = counters.next_timer;
        let Some(groups) = self.groups.as_mut() else {
            return;
        };
        let slots = &self.slots;
        let ready = |head: u64| slots.get(head).is_some_and(|s| s.status == Status::Ready);
        for group in line {
            groups.update(group, ready);
        }
        for group in groups.by_head() {
            groups.update(&group, ready);
        }
    }

    /// A FIFO store's line of groups, front first (empty for a standard queue).
    #[cfg(feature = "durable")]
    pub(crate) fn line(&self) -> Vec<String> {
        self.groups.as_ref().map(Groups::line).unwrap_or_default()
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
    fn grouped(&self, key: u64) -> Option<Content> {
        self.groups.as_ref()?;
        Some(self.slots.get(key)?.content.clone())
    }

    /// After a change to a grouped message: its group stands in the line of groups
    /// while its head is ready.
    fn regroup(&mut self, content: Option<Content>) {
        let (Some(groups), Some(content)) = (self.groups.as_mut(), content) else {
            return;
        };
        let slots = &self.slots;
        let unblocked = groups.update(group_of(&content), |head| {
            slots.get(head).is_some_and(|s| s.status == Status::Ready)
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
        self.place(key, &message.content);
        // The slot is not there yet: `grouped` would find nothing.
        let group = self.groups.as_ref().map(|_| message.content.clone());
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
        self.slots.insert(key, Slot::new(message, status));
        self.regroup(group);
        self.changed(key);
        key
    }

    /// Puts a new message's key in its group and in retention order, and counts its
    /// bytes: what storing it means whatever its status.
    fn place(&mut self, key: u64, content: &Content) {
        if let Some(groups) = self.groups.as_mut() {
            groups.add(group_of(content), key);
        }
        let sent_at = content.sent_at();
        if sent_at >= self.in_order_since {
            self.in_order_since = sent_at;
            self.in_order.insert(key);
        } else {
            self.out_of_order.insert((sent_at, key));
        }
        self.bytes += content.size();
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
            if let Some(slot) = self.slots.get_mut(key) {
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
        while let Some((sent, key)) = self.oldest() {
            if sent > cutoff || now < retention_ms {
                break;
            }
            self.remove(key);
        }
    }

    /// The (send time, key) of the message sent longest ago.
    fn oldest(&self) -> Option<(u64, u64)> {
        let in_order = self
            .in_order
            .first()
            .and_then(|key| Some((self.slots.get(key)?.content.sent_at(), key)));
        let out_of_order = self.out_of_order.first().copied();
        match (in_order, out_of_order) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
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
            let Some(key) = self.ready.first() else {
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
            candidates.extend(self.ready.iter().take(window));
            let Some(last) = candidates.len().checked_sub(1) else {
                break;
            };
            let key = candidates[draw(candidates.len()).min(last)];
            out.push(self.take(key, now, visibility_ms, &mut nonce));
        }
        out
    }

    /// The content of the message a receive would return first, without receiving it.
    pub(crate) fn first_ready(&self) -> Option<&Content> {
        let key = self.ready.first()?;
        self.slots.get(key).map(|slot| &slot.content)
    }

    /// Takes out the message a receive would return first (a move task's next message).
    pub(crate) fn take_first_ready(&mut self) -> Option<Message> {
        let key = self.ready.first()?;
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
                .take_while(|k| slots.get(*k).is_some_and(|s| s.status == Status::Ready))
                .take(room)
                .collect();
            let content = slots.get(head).map(|s| s.content.clone());
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
        self.ready.remove(key);
        let until = now + visibility_ms;
        let order = self.arm(until, key);
        let slot = self.slots.get_mut(key).expect("a ready key has a slot");
        slot.status = Status::InFlight {
            until,
            received_at: now,
            order,
        };
        slot.nonce = nonce();
        if slot.receive_count == 0 {
            slot.first_receive_at = now;
        }
        slot.receive_count += 1;
        self.in_flight += 1;
        let received = Received {
            key,
            nonce: slot.nonce,
            message: slot.message(),
        };
        self.changed(key);
        received
    }

    /// The message `(key, nonce)` names, if that receive is still the message's latest
    /// and the message is in flight until exactly `until` (so nothing changed it since).
    pub(crate) fn in_flight_as(&self, key: u64, nonce: u64, until: u64) -> Option<Message> {
        let slot = self.slots.get(key)?;
        match slot.status {
            Status::InFlight { until: u, .. } if slot.nonce == nonce && u == until => {
                Some(slot.message())
            }
            _ => None,
        }
    }

    /// The content of the message `key` names, wherever it stands.
    pub(crate) fn get(&self, key: u64) -> Option<&Content> {
        self.slots.get(key).map(|slot| &slot.content)
    }

    /// What the handle `(key, nonce)` refers to.
    pub(crate) fn handle_state(&self, key: u64, nonce: u64) -> HandleState {
        match self.slots.get(key) {
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
        match self.slots.get(key)?.status {
            Status::InFlight { received_at, .. } => Some(received_at),
            _ => None,
        }
    }

    /// Removes a message wherever it stands.
    pub(crate) fn remove(&mut self, key: u64) -> Option<Message> {
        let group = self.grouped(key);
        let slot = self.slots.remove(key)?;
        if let Some(groups) = self.groups.as_mut() {
            groups.remove(group_of(&slot.content), key);
        }
        match slot.status {
            Status::Ready => {
                self.ready.remove(key);
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
        if !self.in_order.remove(key) {
            self.out_of_order.remove(&(slot.content.sent_at(), key));
        }
        self.bytes -= slot.content.size();
        self.regroup(group);
        self.changed(key);
        Some(slot.into_message())
    }

    /// Makes the message in flight until `until`, counted from a receive at
    /// `received_at` (kept when only the timeout changes).
    pub(crate) fn set_in_flight(&mut self, key: u64, until: u64, received_at: u64) {
        let group = self.grouped(key);
        let Some(slot) = self.slots.get_mut(key) else {
            return;
        };
        match slot.status {
            Status::Ready => {
                self.ready.remove(key);
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
        if let Some(slot) = self.slots.get_mut(key) {
            slot.status = Status::InFlight {
                until,
                received_at,
                order,
            };
        }
        self.regroup(group);
        self.changed(key);
    }

    /// Drops every message.
    pub(crate) fn clear(&mut self) {
        *self = Store {
            next_key: self.next_key,
            groups: self.groups.as_ref().map(|_| Groups::default()),
            in_flight_limit: self.in_flight_limit,
            one_per_group: self.one_per_group,
            readied: self.readied,
            changes: self.changes.take().map(|_| Changes {
                keys: Vec::new(),
                cleared: true,
            }),
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
        self.slots
            .iter()
            .map(|(_, s)| (s.message(), s.status))
            .collect()
    }
}

/// The group a FIFO message belongs to. A message sent without one (Scaleway has no
/// groups) is in the queue's single implicit group, so the queue delivers in one order.
fn group_of(content: &Content) -> &str {
    content.group_id().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::content::Parts;

    fn message(key: u64, group: Option<&str>) -> Message {
        message_sent_at(key, group, 0)
    }

    /// A message whose body is `m<key>`.
    fn message_sent_at(key: u64, group: Option<&str>, sent_at: u64) -> Message {
        let body = format!("m{key}");
        Message {
            content: Content::new(&Parts {
                message_id: crate::ids::Uuid::from_bytes([0; 16]),
                body: &body,
                md5_of_body: crate::engine::digest::md5_of_body(&body),
                attributes: &[],
                trace_header: None,
                sender_id: "",
                sent_at,
                group_id: group,
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
            .map(|r| r.message.content.body().to_owned())
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

    /// Retention drops messages by send time, wherever they sit: one stored later with
    /// an older send time (a dead-lettered message keeps its first send's) goes first.
    #[test]
    fn retention_follows_send_times_not_keys() {
        let mut store = Store::default();
        store.push(message_sent_at(0, None, 1_000), None);
        store.push(message_sent_at(1, None, 2_000), None);
        store.push(message_sent_at(2, None, 500), None);
        store.push(message_sent_at(3, None, 3_000), None);
        let left = |store: &Store| -> Vec<String> {
            store
                .peek()
                .iter()
                .map(|(m, _)| m.content.body().to_owned())
                .collect()
        };
        store.settle(1_600, 1_000);
        assert_eq!(left(&store), ["m0", "m1", "m3"]);
        store.settle(2_500, 1_000);
        assert_eq!(left(&store), ["m1", "m3"]);
        store.settle(4_000, 1_000);
        assert_eq!(left(&store), Vec::<String>::new());
        assert_eq!(store.bytes(), 0);
    }
}
