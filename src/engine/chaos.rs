//! At-least-once chaos, as the engine applies it to standard queues: the rule of each
//! knob of [`Chaos`], its seeded random stream, and the deliveries a duplicate may
//! repeat. Receiving (`receiving.rs`) and receipt handles (`handles.rs`) ask it; FIFO
//! queues never do.

use std::collections::{HashMap, VecDeque};

use rand_chacha::ChaCha8Rng;

use super::message::Message;
use super::queue::Queue;
use super::store::Received;
use super::{Engine, QueueRef, State};
use crate::chaos::{Chaos, ChaosEvent};
use crate::error::SqsError;
use crate::ids::{below, happens};

/// Mixed into the seed, so that chaos draws from a stream of its own: turning it on
/// changes no generated id.
const STREAM: u64 = 0xc4a0_5eed;

/// How many of a queue's latest deliveries a duplicate may repeat.
const REMEMBERED: usize = 10;

/// How far out of order a receive reaches: among the first this many messages.
pub(crate) const REORDER_WINDOW: usize = 32;

/// A delivery a duplicate may repeat: the message's store key and the message as
/// delivered.
struct Delivery {
    key: u64,
    message: Message,
}

/// Chaos in force, with its stream and what it remembers.
pub(crate) struct ChaosState {
    settings: Chaos,
    rng: ChaCha8Rng,
    /// The latest deliveries of each standard queue, by queue id.
    delivered: HashMap<u64, VecDeque<Delivery>>,
}

impl Default for ChaosState {
    /// No chaos (the stream's seed does not matter: nothing draws from it).
    fn default() -> Self {
        ChaosState::new(Chaos::default(), Some(0))
    }
}

impl ChaosState {
    /// `settings` in force, drawing from their seed, else the fake's (`fake_seed`).
    pub(crate) fn new(settings: Chaos, fake_seed: Option<u64>) -> Self {
        ChaosState {
            rng: crate::ids::stream(settings.seed.or(fake_seed), STREAM),
            settings,
            delivered: HashMap::new(),
        }
    }

    /// Whether chaos may do anything to `queue`.
    pub(crate) fn applies_to(&self, queue: &Queue) -> bool {
        self.settings.is_on() && !queue.is_fifo()
    }

    /// How many of the `available` messages a receive asking for `max` may take: all
    /// of them, or, for a short receive, fewer (none at all only for a short poll).
    pub(crate) fn receive_limit(
        &mut self,
        max: usize,
        available: usize,
        long_poll: bool,
        events: &mut Vec<ChaosEvent>,
    ) -> usize {
        let could = max.min(available);
        let least = usize::from(long_poll);
        if could <= least || !happens(&mut self.rng, self.settings.short_receives) {
            return max;
        }
        // From `least` to one fewer than it could take.
        let limit = least + below(&mut self.rng, could - least);
        events.push(ChaosEvent::ShortReceive { limit });
        limit
    }

    /// For an out-of-order receive, the draw that picks each message among the first
    /// [`REORDER_WINDOW`] available (given how many there are); `None` for one in send
    /// order.
    pub(crate) fn reorder(
        &mut self,
        events: &mut Vec<ChaosEvent>,
    ) -> Option<impl FnMut(usize) -> usize + '_> {
        if !happens(&mut self.rng, self.settings.out_of_order) {
            return None;
        }
        events.push(ChaosEvent::OutOfOrder);
        Some(|n| below(&mut self.rng, n))
    }

    /// Remembers what a receive of queue `queue_id` delivered, for duplicates.
    pub(crate) fn remember(&mut self, queue_id: u64, received: &[Received]) {
        if self.settings.duplicates <= 0.0 || received.is_empty() {
            return;
        }
        let list = self.delivered.entry(queue_id).or_default();
        for r in received {
            if list.len() == REMEMBERED {
                list.pop_front();
            }
            list.push_back(Delivery {
                key: r.key,
                message: r.message.clone(),
            });
        }
    }

    /// A delivery to repeat in a receive of queue `queue_id` that has room for one:
    /// taken from those remembered, so it is repeated once.
    pub(crate) fn duplicate(
        &mut self,
        queue_id: u64,
        events: &mut Vec<ChaosEvent>,
    ) -> Option<(u64, Message)> {
        let list = self
            .delivered
            .get_mut(&queue_id)
            .filter(|l| !l.is_empty())?;
        if !happens(&mut self.rng, self.settings.duplicates) {
            return None;
        }
        let pick = below(&mut self.rng, list.len());
        let Delivery { key, message } = list.remove(pick)?;
        events.push(ChaosEvent::Duplicated {
            message_id: message.content.message_id().to_string(),
        });
        Some((key, message))
    }

    /// Whether a delete with a handle older than the message's latest leaves the
    /// message where it is.
    pub(crate) fn ignores_stale_delete(&mut self) -> bool {
        happens(&mut self.rng, self.settings.stale_deletes)
    }
}

impl Engine {
    /// Puts `chaos` in force from now on, its stream from the start.
    pub(crate) fn set_chaos(&self, chaos: Chaos) {
        let seed = self.config().seed;
        self.lock().chaos = ChaosState::new(chaos, seed);
    }

    /// The chaos in force.
    pub(crate) fn chaos(&self) -> Chaos {
        self.lock().chaos.settings
    }

    /// [`Engine::on_queue`] for an operation chaos may change: `op` gets the queue
    /// and, when chaos applies to it, the chaos state.
    pub(crate) fn on_queue_with_chaos<T>(
        &self,
        target: &QueueRef,
        op: impl FnOnce(&mut Queue, Option<&mut ChaosState>, u64) -> Result<T, SqsError>,
    ) -> Result<T, SqsError> {
        self.on_queue_in_state(target, |state, now| {
            with_chaos(state, |state, chaos| {
                let queue = state.queue_mut(target, now)?;
                let chaos = chaos.filter(|c| c.applies_to(queue));
                op(queue, chaos, now)
            })
        })
    }
}

/// Runs `op` on `state` with its chaos state beside it (`None` when chaos is off),
/// lent out of the state for the while, so that both can be borrowed at once.
pub(crate) fn with_chaos<T>(
    state: &mut State,
    op: impl FnOnce(&mut State, Option<&mut ChaosState>) -> T,
) -> T {
    if !state.chaos.settings.is_on() {
        return op(state, None);
    }
    let mut chaos = std::mem::take(&mut state.chaos);
    let result = op(state, Some(&mut chaos));
    state.chaos = chaos;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_receives_take_fewer_than_they_could_and_long_polls_at_least_one() {
        let mut chaos = ChaosState::new(Chaos::new().short_receives(1.0), Some(1));
        let mut events = Vec::new();
        let mut short = std::collections::BTreeSet::new();
        for _ in 0..200 {
            short.insert(chaos.receive_limit(10, 4, false, &mut events));
            let long = chaos.receive_limit(10, 4, true, &mut events);
            assert!((1..4).contains(&long), "{long}");
        }
        assert_eq!(short.into_iter().collect::<Vec<_>>(), [0, 1, 2, 3]);
        // Nothing to cut: a long poll of one message, a receive asking for one of none.
        assert_eq!(chaos.receive_limit(10, 1, true, &mut events), 10);
        assert_eq!(chaos.receive_limit(1, 0, false, &mut events), 1);
        assert_eq!(events.len(), 400);
    }

    #[test]
    fn no_chaos_draws_nothing() {
        let mut chaos = ChaosState::default();
        let mut events = Vec::new();
        assert_eq!(chaos.receive_limit(10, 5, false, &mut events), 10);
        assert!(chaos.reorder(&mut events).is_none());
        assert!(!chaos.ignores_stale_delete());
        assert!(events.is_empty());
    }
}
