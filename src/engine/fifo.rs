//! What a FIFO queue keeps beside its messages: the deduplication cache, the remembered
//! receive attempts, and the last sequence number it gave out.

use super::attempts::Attempts;
use super::dedup::Dedup;

/// Where sequence numbers start: 10^19, so every one is a 20-digit decimal, like AWS's.
const SEQUENCE_BASE: u128 = 10_000_000_000_000_000_000;

/// The FIFO-only state of a queue.
pub(crate) struct FifoState {
    pub dedup: Dedup,
    pub attempts: Attempts,
    last_sequence: u128,
}

impl FifoState {
    /// The state of a new FIFO queue; `dedup_by_group` is its DeduplicationScope at
    /// creation (`messageGroup`), which AWS keeps for the life of the queue.
    pub(crate) fn new(dedup_by_group: bool) -> Self {
        FifoState {
            dedup: Dedup::new(dedup_by_group),
            attempts: Attempts::default(),
            last_sequence: 0,
        }
    }

    /// The next sequence number: strictly greater than every earlier one of this queue,
    /// and, like AWS's, growing with time rather than by one (the millisecond clock
    /// times 10^6, so sends in one millisecond still get distinct numbers).
    pub(crate) fn next_sequence(&mut self, now: u64) -> u128 {
        let from_time = SEQUENCE_BASE + u128::from(now) * 1_000_000;
        self.last_sequence = from_time.max(self.last_sequence + 1);
        self.last_sequence
    }

    /// The last sequence number given out (a data directory keeps it).
    #[cfg(feature = "durable")]
    pub(crate) fn last_sequence(&self) -> u128 {
        self.last_sequence
    }

    /// Continues from a sequence number read back from a data directory.
    #[cfg(feature = "durable")]
    pub(crate) fn restore_sequence(&mut self, last: u128) {
        self.last_sequence = self.last_sequence.max(last);
    }

    /// Forgets deduplication ids and receive attempts (PurgeQueue). Sequence numbers
    /// keep growing: they never repeat within a queue.
    pub(crate) fn clear(&mut self) {
        self.dedup.clear();
        self.attempts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_are_20_digits_and_strictly_increasing() {
        let mut fifo = FifoState::new(false);
        let a = fifo.next_sequence(1_735_689_600_000);
        let b = fifo.next_sequence(1_735_689_600_000);
        let c = fifo.next_sequence(1_735_689_600_001);
        assert_eq!(a.to_string().len(), 20);
        assert!(a < b && b < c);
    }
}
