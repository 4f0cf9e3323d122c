//! Which faults apply to a request, decided before its action runs: the added faults in
//! order, their counters, and the seeded random stream their probabilities draw from.

use std::time::Duration;

use rand_chacha::ChaCha8Rng;

use crate::api::ActionName;
use crate::error::{ErrorCode, SqsError};
use crate::faults::{Fault, FaultEffect, FaultId, FaultStatus};
use crate::ids::happens;
use crate::protocol::Protocol;
use crate::queue_match::same_queue;

/// Mixed into the fake's seed, so that faults draw from a stream of their own: adding a
/// fault changes no generated id.
const STREAM: u64 = 0xfa17_5eed;

/// What the faults do to one request.
#[derive(Debug, Default)]
pub(crate) struct Decision {
    /// Real time to wait before going on.
    pub delay: Duration,
    /// What happens instead of (or, for failed entries, around) the action.
    pub effect: Option<Effect>,
    /// The faults that applied, in the order they were added.
    pub applied: Vec<FaultId>,
}

/// What a fault does in place of the action.
#[derive(Debug)]
pub(crate) enum Effect {
    Answer(SqsError),
    DropConnection,
    FailEntries(Vec<String>, SqsError),
}

struct Entry {
    id: FaultId,
    fault: Fault,
    matched: u64,
    applied: u64,
}

impl Entry {
    /// The calls it applies to: from its `nth` on, `times` of them.
    fn first(&self) -> u64 {
        self.fault.nth.unwrap_or(1)
    }

    fn limit(&self) -> Option<u64> {
        match (self.fault.nth, self.fault.times) {
            (_, Some(k)) => Some(k),
            (Some(_), None) => Some(1),
            (None, None) => None,
        }
    }

    /// Whether it applied as many times as it may.
    fn spent(&self) -> bool {
        self.limit().is_some_and(|k| self.applied >= k)
    }

    fn matches(&self, action: ActionName, queue: Option<&str>, protocol: Protocol) -> bool {
        let f = &self.fault;
        f.action.is_none_or(|a| a == action)
            && f.protocol.is_none_or(|p| p == protocol)
            && f.queue
                .as_deref()
                .is_none_or(|wanted| queue.is_some_and(|named| same_queue(named, wanted)))
    }
}

/// The faults of one fake.
pub(crate) struct Faults {
    entries: Vec<Entry>,
    next_id: u64,
    rng: ChaCha8Rng,
    seed: Option<u64>,
}

impl Faults {
    /// No faults; probabilities draw from a stream seeded from `seed` (the fake's).
    pub(crate) fn new(seed: Option<u64>) -> Self {
        Faults {
            entries: Vec::new(),
            next_id: 1,
            rng: rng(seed),
            seed,
        }
    }

    pub(crate) fn add(&mut self, fault: Fault) -> FaultId {
        let id = FaultId(self.next_id);
        self.next_id += 1;
        self.entries.push(Entry {
            id,
            fault,
            matched: 0,
            applied: 0,
        });
        id
    }

    pub(crate) fn remove(&mut self, id: FaultId) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        self.entries.len() != before
    }

    /// Removes every fault; ids and the random stream start again.
    pub(crate) fn clear(&mut self) {
        *self = Faults::new(self.seed);
    }

    pub(crate) fn list(&self) -> Vec<FaultStatus> {
        self.entries
            .iter()
            .map(|e| FaultStatus {
                id: e.id,
                fault: e.fault.clone(),
                matched: e.matched,
                applied: e.applied,
                spent: e.spent(),
            })
            .collect()
    }

    /// Whether any fault is there (the common case is none: nothing to decide).
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Decides what the faults do to a request for `action`, about `queue` (the URL or
    /// name it gave), over `protocol`, and counts it.
    pub(crate) fn decide(
        &mut self,
        action: ActionName,
        queue: Option<&str>,
        protocol: Protocol,
    ) -> Decision {
        let mut decision = Decision::default();
        for entry in &mut self.entries {
            if decision.effect.is_some() {
                break;
            }
            if !entry.matches(action, queue, protocol) {
                continue;
            }
            entry.matched += 1;
            let in_range = entry.matched >= entry.first() && !entry.spent();
            if !in_range || !chance(&mut self.rng, entry.fault.probability) {
                continue;
            }
            entry.applied += 1;
            decision.applied.push(entry.id);
            let error = |code: ErrorCode, message: &Option<String>| {
                let text = message
                    .clone()
                    .unwrap_or_else(|| code.default_message().to_owned());
                SqsError::new(code, text)
            };
            match &entry.fault.effect {
                FaultEffect::Latency { millis } => {
                    decision.delay += Duration::from_millis(*millis);
                }
                FaultEffect::Error { code, message } => {
                    decision.effect = Some(Effect::Answer(error(*code, message)));
                }
                FaultEffect::DropConnection => decision.effect = Some(Effect::DropConnection),
                FaultEffect::FailEntries { ids, code, message } => {
                    decision.effect = Some(Effect::FailEntries(ids.clone(), error(*code, message)));
                }
            }
        }
        decision
    }
}

/// The faults' stream of a fake seeded with `seed`, or of a seed nobody chose.
fn rng(seed: Option<u64>) -> ChaCha8Rng {
    crate::ids::stream(seed, STREAM)
}

/// Whether an event of probability `p` (always, when `None`) happens.
fn chance(rng: &mut ChaCha8Rng, p: Option<f64>) -> bool {
    p.is_none_or(|p| happens(rng, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(faults: &mut Faults) -> Option<FaultId> {
        faults
            .decide(ActionName::SendMessage, Some("jobs"), Protocol::Json)
            .applied
            .first()
            .copied()
    }

    #[test]
    fn nth_and_times_pick_the_calls() {
        let mut faults = Faults::new(Some(1));
        let id = faults.add(Fault::error(ErrorCode::InternalError).nth(2).times(2));
        let hits: Vec<bool> = (0..5).map(|_| decide(&mut faults) == Some(id)).collect();
        assert_eq!(hits, [false, true, true, false, false]);
        assert!(faults.list()[0].spent);
    }

    #[test]
    fn probabilities_repeat_under_a_seed() {
        let run = || {
            let mut faults = Faults::new(Some(7));
            faults.add(Fault::error(ErrorCode::InternalError).probability(0.5));
            (0..64)
                .map(|_| decide(&mut faults).is_some())
                .collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        let hits = first.iter().filter(|h| **h).count();
        assert!((16..=48).contains(&hits), "{hits} of 64");
    }

    #[test]
    fn latencies_add_up_and_the_first_answer_ends_the_search() {
        let mut faults = Faults::new(Some(1));
        let slow = faults.add(Fault::latency(Duration::from_millis(5)));
        let other_queue = faults.add(Fault::error(ErrorCode::AccessDenied).on_queue("other"));
        let fail = faults.add(Fault::error(ErrorCode::InternalError));
        let never = faults.add(Fault::drop_connection());
        let decision = faults.decide(ActionName::SendMessage, Some("jobs"), Protocol::Json);
        assert_eq!(decision.delay, Duration::from_millis(5));
        assert_eq!(decision.applied, [slow, fail]);
        assert!(
            matches!(decision.effect, Some(Effect::Answer(ref e)) if e.code == ErrorCode::InternalError)
        );
        let status = faults.list();
        assert_eq!(status[1].id, other_queue);
        assert_eq!(
            (status[1].matched, status[3].id, status[3].matched),
            (0, never, 0)
        );
    }
}
