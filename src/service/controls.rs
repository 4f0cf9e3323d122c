//! The test author's controls that every request passes: the faults to inject, the
//! journal to write and the expectations to count. One per fake, shared by the server
//! and the `FakeSqs` handle; each behind a lock of its own, held only for a few
//! operations on plain data, never across an `.await`.

use std::sync::{Mutex, MutexGuard};

use crate::expect::Expectations;
use crate::journal::Journal;
use crate::service::faults::Faults;

pub(crate) struct Controls {
    journal: Mutex<Journal>,
    faults: Mutex<Faults>,
    expectations: Mutex<Expectations>,
}

/// A lock whose holder panicked still guards consistent data: every change under these
/// locks is complete before anything can panic.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Controls {
    /// Controls with no fault and no expectation, a journal of `journal_capacity`
    /// requests, and fault probabilities drawn from a stream of `seed` (the fake's).
    pub(crate) fn new(journal_capacity: usize, seed: Option<u64>) -> Self {
        Controls {
            journal: Mutex::new(Journal::new(journal_capacity)),
            faults: Mutex::new(Faults::new(seed)),
            expectations: Mutex::new(Expectations::new()),
        }
    }

    pub(crate) fn journal(&self) -> MutexGuard<'_, Journal> {
        lock(&self.journal)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.faults)
    }

    pub(crate) fn expectations(&self) -> MutexGuard<'_, Expectations> {
        lock(&self.expectations)
    }

    /// Forgets every fault, recorded request and expectation (unchecked).
    pub(crate) fn reset(&self) {
        self.faults().clear();
        self.journal().clear();
        self.expectations().clear();
    }
}
