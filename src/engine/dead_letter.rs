//! Dead-lettering: a message moves on the receive that would take its receive count
//! past the source's `maxReceiveCount` (fixtures/aws/recorded.md row 146): that receive
//! does not return it, and the dead-letter queue holds it with the same MessageId, body,
//! attributes and SentTimestamp, the receive count it had (row 147) and
//! `DeadLetterQueueSourceArn`.

use super::message::Message;
use super::queue::Queue;
use super::redrive_policy::{parse_arn, RedrivePolicy, Target};
use super::store::Received;
use super::{QueueRef, State};

impl Queue {
    /// What a source's redrive check needs to know of this queue as its target.
    pub(crate) fn as_target(&self) -> Target<'_> {
        Target {
            arn: &self.arn,
            fifo: self.is_fifo(),
            redrive_allow_policy: self.attributes.redrive_allow_policy.as_deref(),
        }
    }

    /// The queue's redrive policy, if it has one.
    pub(crate) fn redrive_policy(&self) -> Option<&RedrivePolicy> {
        self.attributes.redrive_policy.as_ref()
    }

    /// Receives up to `max` messages like [`Store::receive`](super::store::Store::receive)
    /// (or, given `shuffle`, a window and a draw, like
    /// [`Store::receive_shuffled`](super::store::Store::receive_shuffled)), but a message
    /// whose receive count would pass `max_receive_count` is taken out and returned in
    /// the second list instead, with the count it had before this receive.
    pub(crate) fn receive_or_dead_letter(
        &mut self,
        now: u64,
        max: usize,
        visibility_ms: u64,
        max_receive_count: Option<u32>,
        mut nonce: impl FnMut() -> u64,
        mut shuffle: Option<(usize, &mut dyn FnMut(usize) -> usize)>,
    ) -> (Vec<Received>, Vec<Message>) {
        let mut take = |store: &mut super::store::Store, n: usize| match shuffle.as_mut() {
            Some((window, draw)) => {
                store.receive_shuffled(now, n, visibility_ms, &mut nonce, *window, *draw)
            }
            None => store.receive(now, n, visibility_ms, &mut nonce),
        };
        let Some(limit) = max_receive_count else {
            return (take(&mut self.store, max), Vec::new());
        };
        let mut delivered = Vec::new();
        let mut dead = Vec::new();
        // Each round removes what it dead-letters, so the loop ends when the ready set
        // is empty or enough messages are delivered.
        while delivered.len() < max {
            let batch = take(&mut self.store, max - delivered.len());
            if batch.is_empty() {
                break;
            }
            for received in batch {
                if received.message.receive_count > limit {
                    if let Some(mut message) = self.store.remove(received.key) {
                        message.receive_count -= 1;
                        dead.push(message);
                    }
                } else {
                    delivered.push(received);
                }
            }
        }
        (delivered, dead)
    }
}

impl State {
    /// Where the queue `source` sends its over-received messages, and after how many
    /// receives: `None` when it has no policy or its dead-letter queue is gone (then
    /// messages stay and keep being delivered, so nothing is lost).
    pub(crate) fn dead_letter_target(&self, source: &QueueRef) -> Option<(QueueRef, u32)> {
        let queue = self.region(&source.owner)?.queues.get(&source.name)?;
        let policy = queue.redrive_policy()?;
        let target = parse_arn(&policy.target_arn)?;
        let dlq = self.region(&target.owner)?.queues.get(&target.name)?;
        (dlq.arn == policy.target_arn).then_some((target, policy.max_receive_count))
    }

    /// Stores `messages` dead-lettered from the queue `source_arn` in `dlq`, in order.
    pub(crate) fn dead_letter(&mut self, dlq: &QueueRef, source_arn: &str, messages: Vec<Message>) {
        let Some(queue) = self
            .regions
            .get_mut(&dlq.owner)
            .and_then(|r| r.queues.get_mut(&dlq.name))
        else {
            return;
        };
        for message in messages {
            let content = message.content.with_dead_letter_source(Some(source_arn));
            queue.store.push(Message { content, ..message }, None);
        }
        queue.waiters.notify_waiters();
    }

    /// The URLs of the queues in `dlq`'s account and region whose RedrivePolicy names
    /// it, in name order.
    pub(crate) fn dead_letter_sources(&self, dlq: &QueueRef) -> Vec<(&str, &Queue)> {
        let Some(region) = self.region(&dlq.owner) else {
            return Vec::new();
        };
        let Some(target) = region.queues.get(&dlq.name) else {
            return Vec::new();
        };
        region
            .queues
            .iter()
            .filter(|(_, q)| {
                q.redrive_policy()
                    .is_some_and(|p| p.target_arn == target.arn)
            })
            .map(|(name, q)| (name.as_str(), q))
            .collect()
    }
}
