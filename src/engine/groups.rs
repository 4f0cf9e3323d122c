//! FIFO message groups: which messages belong to each group, in send order, and which
//! groups a receive may take from now.
//!
//! AWS delivers a group strictly in order and never past a message of the group that
//! is in flight (or still delayed). What a receive may take from a group is therefore
//! the run of ready messages at the group's head, and a group can give anything at all
//! only while its head — its oldest message — is ready. Keeping the ready heads in one
//! ordered set makes "the oldest group that can deliver" an O(log n) lookup; the store
//! keeps that set right by calling [`Groups::unmark`] before and [`Groups::mark`] after
//! every change to a grouped message.

use std::collections::{BTreeSet, HashMap};

/// The group index of one FIFO queue. Message keys grow with each send, so a key's
/// order is the send order.
#[derive(Default)]
pub(crate) struct Groups {
    /// Every message of each group, whatever its status, oldest first.
    members: HashMap<String, BTreeSet<u64>>,
    /// The head of every group whose head is ready, oldest first: the groups a receive
    /// may take from, in the order AWS serves them.
    ready_heads: BTreeSet<u64>,
}

impl Groups {
    /// The oldest message of `group`, if it has any.
    pub(crate) fn head(&self, group: &str) -> Option<u64> {
        self.members.get(group)?.first().copied()
    }

    /// Takes `group` out of the ready set, before a change that may move its head.
    pub(crate) fn unmark(&mut self, group: &str) {
        if let Some(head) = self.head(group) {
            self.ready_heads.remove(&head);
        }
    }

    /// Takes a head out of the ready set by its key.
    pub(crate) fn unmark_head(&mut self, head: u64) {
        self.ready_heads.remove(&head);
    }

    /// Puts `group` back into the ready set if its head is ready, after a change;
    /// whether it went in.
    pub(crate) fn mark(&mut self, group: &str, is_ready: impl Fn(u64) -> bool) -> bool {
        match self.head(group) {
            Some(head) if is_ready(head) => self.ready_heads.insert(head),
            _ => false,
        }
    }

    /// Adds the newest message of `group` (between an `unmark` and a `mark`).
    pub(crate) fn add(&mut self, group: &str, key: u64) {
        self.members
            .entry(group.to_owned())
            .or_default()
            .insert(key);
    }

    /// Drops a message of `group` (between an `unmark` and a `mark`); an empty group is
    /// forgotten, so it costs nothing and blocks nothing.
    pub(crate) fn remove(&mut self, group: &str, key: u64) {
        if let Some(members) = self.members.get_mut(group) {
            members.remove(&key);
            if members.is_empty() {
                self.members.remove(group);
            }
        }
    }

    /// The head of the oldest group that can deliver now.
    pub(crate) fn first_ready_head(&self) -> Option<u64> {
        self.ready_heads.first().copied()
    }

    /// The messages of `group` from `head` on, oldest first.
    pub(crate) fn from(&self, group: &str, head: u64) -> impl Iterator<Item = u64> + '_ {
        self.members
            .get(group)
            .into_iter()
            .flat_map(move |m| m.range(head..).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_ready_only_while_its_head_is() {
        let mut groups = Groups::default();
        for (group, key) in [("a", 1), ("b", 2), ("a", 3)] {
            groups.unmark(group);
            groups.add(group, key);
            groups.mark(group, |_| true);
        }
        assert_eq!(groups.first_ready_head(), Some(1));
        assert_eq!(groups.from("a", 1).collect::<Vec<_>>(), vec![1, 3]);

        // The head of "a" goes in flight: "b" is next.
        groups.unmark("a");
        groups.mark("a", |k| k != 1);
        assert_eq!(groups.first_ready_head(), Some(2));

        // Deleting it makes "a"'s next message its head, ready again.
        groups.unmark("a");
        groups.remove("a", 1);
        groups.mark("a", |_| true);
        assert_eq!(groups.first_ready_head(), Some(2));
        assert_eq!(groups.head("a"), Some(3));
        groups.unmark("a");
        groups.remove("a", 3);
        groups.mark("a", |_| true);
        assert_eq!(groups.head("a"), None);
    }
}
