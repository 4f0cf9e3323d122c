//! FIFO message groups: which messages belong to each group, in send order, and the
//! line of groups a receive takes from.
//!
//! AWS delivers a group strictly in order and never past a message of the group that
//! is in flight (or still delayed). What a receive may take from a group is therefore
//! the run of ready messages at the group's head, and a group can give anything at all
//! only while its head — its oldest message — is ready.
//!
//! The groups that can give form a first-in, first-out line
//! (`fixtures/aws/fifo-group-line.json`): a group joins at the back when it becomes
//! able to deliver (its first message is sent, or a message of it becomes visible again
//! and its head is ready), a receive serves the group at the front and takes it out of
//! the line, and a group that comes back goes to the back, behind every group that
//! waited. Groups that come back at the same moment keep the order in which their
//! messages were taken or expired, which the store's timer order gives. The store keeps
//! the line right by calling [`Groups::update`] after every change to a grouped message.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The group index of one FIFO queue. Message keys grow with each send, so a key's
/// order is the send order.
#[derive(Default)]
pub(crate) struct Groups {
    /// Every message of each group, whatever its status, oldest first, and the group's
    /// place in the line while it stands there.
    /// Names are shared with the line, so joining it allocates nothing.
    members: HashMap<Arc<str>, Group>,
    /// The groups that can deliver, by place: the front is served first.
    line: BTreeMap<u64, Arc<str>>,
    /// The place the next group to join the line gets (always the back).
    next_place: u64,
}

struct Group {
    /// The group's id, shared with the map's key and the line.
    name: Arc<str>,
    messages: BTreeSet<u64>,
    place: Option<u64>,
}

impl Groups {
    /// The oldest message of `group`, if it has any.
    pub(crate) fn head(&self, group: &str) -> Option<u64> {
        self.members.get(group)?.messages.first().copied()
    }

    /// After any change to a message of `group`: the group stands in the line while its
    /// head is ready. One that becomes able to deliver joins at the back; one already
    /// standing keeps its place; one that cannot deliver leaves.
    /// Whether the group joined the line (it can deliver again).
    pub(crate) fn update(&mut self, group: &str, is_ready: impl Fn(u64) -> bool) -> bool {
        let Some(entry) = self.members.get_mut(group) else {
            return false;
        };
        let ready = entry.messages.first().is_some_and(|&head| is_ready(head));
        match (ready, entry.place) {
            (true, None) => {
                let place = self.next_place;
                self.next_place += 1;
                entry.place = Some(place);
                self.line.insert(place, entry.name.clone());
                true
            }
            (false, Some(place)) => {
                entry.place = None;
                self.line.remove(&place);
                false
            }
            _ => false,
        }
    }

    /// Adds the newest message of `group` (then [`Groups::update`] the group).
    pub(crate) fn add(&mut self, group: &str, key: u64) {
        if let Some(entry) = self.members.get_mut(group) {
            entry.messages.insert(key);
            return;
        }
        let name: Arc<str> = Arc::from(group);
        let entry = Group {
            name: name.clone(),
            messages: BTreeSet::from([key]),
            place: None,
        };
        self.members.insert(name, entry);
    }

    /// Drops a message of `group` (then [`Groups::update`] the group); an empty group
    /// leaves the line and is forgotten, so it costs nothing and blocks nothing.
    pub(crate) fn remove(&mut self, group: &str, key: u64) {
        let Some(entry) = self.members.get_mut(group) else {
            return;
        };
        entry.messages.remove(&key);
        if entry.messages.is_empty() {
            if let Some(place) = entry.place {
                self.line.remove(&place);
            }
            self.members.remove(group);
        }
    }

    /// The groups in the line, front first (saved in a data directory).
    #[cfg(feature = "durable")]
    pub(crate) fn line(&self) -> Vec<String> {
        self.line.values().map(|g| g.to_string()).collect()
    }

    /// Every group, oldest head first.
    #[cfg(feature = "durable")]
    pub(crate) fn by_head(&self) -> Vec<String> {
        let mut groups: Vec<(u64, &Arc<str>)> = self
            .members
            .values()
            .filter_map(|g| Some((*g.messages.first()?, &g.name)))
            .collect();
        groups.sort_unstable();
        groups.into_iter().map(|(_, g)| g.to_string()).collect()
    }

    /// The group at the front of the line and its head: the next group a receive serves.
    pub(crate) fn front(&self) -> Option<(&str, u64)> {
        let (_, group) = self.line.first_key_value()?;
        Some((group, self.head(group)?))
    }

    /// The messages of `group` from `head` on, oldest first.
    pub(crate) fn from(&self, group: &str, head: u64) -> impl Iterator<Item = u64> + '_ {
        self.members
            .get(group)
            .into_iter()
            .flat_map(move |g| g.messages.range(head..).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The groups in line, front first.
    fn line(groups: &Groups) -> Vec<&str> {
        groups.line.values().map(|g| &**g).collect()
    }

    #[test]
    fn groups_stand_in_line_in_the_order_they_became_ready() {
        let mut groups = Groups::default();
        for (group, key) in [("a", 1), ("b", 2), ("a", 3)] {
            groups.add(group, key);
            groups.update(group, |_| true);
        }
        assert_eq!(groups.front(), Some(("a", 1)));
        assert_eq!(groups.from("a", 1).collect::<Vec<_>>(), vec![1, 3]);

        // The head of "a" goes in flight: "a" leaves the line, "b" is next.
        groups.update("a", |k| k != 1);
        assert_eq!(line(&groups), ["b"]);

        // It comes back: behind "b", though its messages are older.
        groups.update("a", |_| true);
        assert_eq!(line(&groups), ["b", "a"]);

        // A change that keeps a group ready keeps its place.
        groups.add("b", 4);
        groups.update("b", |_| true);
        assert_eq!(line(&groups), ["b", "a"]);

        // Deleting a head makes the next message the head; an emptied group is gone.
        groups.remove("a", 1);
        groups.update("a", |_| true);
        assert_eq!(groups.head("a"), Some(3));
        groups.remove("a", 3);
        groups.update("a", |_| true);
        assert_eq!(groups.head("a"), None);
        assert_eq!(line(&groups), ["b"]);
    }
}
