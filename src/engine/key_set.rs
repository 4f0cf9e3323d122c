//! A set of message keys, ordered, as a bitmap: one 64-bit word for every 64
//! consecutive keys that holds any. Keys are handed out one after another, so the keys
//! of a queue's ready (or in-order) messages are mostly runs, and a million of them
//! take about 16 KB here where a `BTreeSet<u64>` takes about 16 MB. Every operation is
//! O(log n) in the number of words.

use std::collections::BTreeMap;

const BITS: u64 = 64;

#[derive(Debug, Default)]
pub(crate) struct KeySet {
    /// Word index (key / 64) to the bits of its keys; no word is 0.
    words: BTreeMap<u64, u64>,
    len: usize,
}

impl KeySet {
    /// Adds `key`; whether it was not there.
    pub(crate) fn insert(&mut self, key: u64) -> bool {
        let bit = 1 << (key % BITS);
        let word = self.words.entry(key / BITS).or_insert(0);
        let added = *word & bit == 0;
        *word |= bit;
        self.len += usize::from(added);
        added
    }

    /// Removes `key`; whether it was there.
    pub(crate) fn remove(&mut self, key: u64) -> bool {
        let bit = 1 << (key % BITS);
        let Some(word) = self.words.get_mut(&(key / BITS)) else {
            return false;
        };
        let removed = *word & bit != 0;
        *word &= !bit;
        if *word == 0 {
            self.words.remove(&(key / BITS));
        }
        self.len -= usize::from(removed);
        removed
    }

    /// The smallest key.
    pub(crate) fn first(&self) -> Option<u64> {
        let (index, word) = self.words.first_key_value()?;
        Some(index * BITS + u64::from(word.trailing_zeros()))
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The keys, smallest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.words.iter().flat_map(|(&index, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let bit = bits.trailing_zeros();
                    bits &= bits - 1;
                    index * BITS + u64::from(bit)
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The same operations on a `BTreeSet` give the same answers.
    #[test]
    fn behaves_as_an_ordered_set() {
        let mut set = KeySet::default();
        let mut model = BTreeSet::new();
        // A deterministic mix of runs and scattered keys, inserts and removals.
        let mut x: u64 = 7;
        for step in 0..20_000u64 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let key = if step.is_multiple_of(3) {
                step
            } else {
                (x >> 33) % 5_000
            };
            if x % 5 < 3 {
                assert_eq!(set.insert(key), model.insert(key));
            } else {
                assert_eq!(set.remove(key), model.remove(&key));
            }
            assert_eq!(set.len(), model.len());
            assert_eq!(set.first(), model.first().copied());
            if step % 1_000 == 0 {
                assert!(set.iter().eq(model.iter().copied()));
            }
        }
        assert!(set.iter().eq(model.iter().copied()));
        while let Some(first) = set.first() {
            assert!(set.remove(first));
            assert_eq!(model.pop_first(), Some(first));
        }
        assert!(model.is_empty());
    }
}
