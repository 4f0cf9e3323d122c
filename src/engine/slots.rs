//! Values by message key, where keys are handed out one after another (send order):
//! chunks of 64 consecutive keys in a double-ended queue, so that a lookup is an index,
//! a message costs its value and no hash-table slack, and the queue grows and shrinks
//! at both ends as messages come and go. A chunk is freed when its last value leaves;
//! a value that stays (a message nobody deletes) keeps only its own chunk.

use std::collections::VecDeque;

const CHUNK: u64 = 64;

struct Chunk<T> {
    values: [Option<T>; CHUNK as usize],
    live: u32,
}

pub(crate) struct Slots<T> {
    /// The chunk index (key / 64) of `chunks[0]`.
    first: u64,
    /// `None` for a chunk whose values have all gone; never at either end.
    chunks: VecDeque<Option<Box<Chunk<T>>>>,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots {
            first: 0,
            chunks: VecDeque::new(),
        }
    }
}

impl<T> Slots<T> {
    fn at(&self, key: u64) -> Option<(usize, usize)> {
        let index = (key / CHUNK).checked_sub(self.first)?;
        let index = usize::try_from(index).ok()?;
        (index < self.chunks.len()).then_some((index, (key % CHUNK) as usize))
    }

    pub(crate) fn get(&self, key: u64) -> Option<&T> {
        let (chunk, slot) = self.at(key)?;
        self.chunks[chunk].as_ref()?.values[slot].as_ref()
    }

    pub(crate) fn get_mut(&mut self, key: u64) -> Option<&mut T> {
        let (chunk, slot) = self.at(key)?;
        self.chunks[chunk].as_mut()?.values[slot].as_mut()
    }

    /// Stores `value` at `key`, which is new and not below any key removed so far
    /// (keys grow with each send).
    pub(crate) fn insert(&mut self, key: u64, value: T) {
        let index = key / CHUNK;
        if self.chunks.is_empty() {
            self.first = index;
        }
        while index >= self.first + self.chunks.len() as u64 {
            self.chunks.push_back(None);
        }
        let Some(offset) = index.checked_sub(self.first) else {
            debug_assert!(false, "key {key} is below the first chunk");
            return;
        };
        let chunk = self.chunks[offset as usize].get_or_insert_with(|| {
            Box::new(Chunk {
                values: std::array::from_fn(|_| None),
                live: 0,
            })
        });
        let slot = &mut chunk.values[(key % CHUNK) as usize];
        if slot.is_none() {
            chunk.live += 1;
        }
        *slot = Some(value);
    }

    pub(crate) fn remove(&mut self, key: u64) -> Option<T> {
        let (index, slot) = self.at(key)?;
        let chunk = self.chunks[index].as_mut()?;
        let value = chunk.values[slot].take()?;
        chunk.live -= 1;
        if chunk.live == 0 {
            self.chunks[index] = None;
            while let Some(None) = self.chunks.front() {
                self.chunks.pop_front();
                self.first += 1;
            }
            while let Some(None) = self.chunks.back() {
                self.chunks.pop_back();
            }
        }
        Some(value)
    }

    /// Every value, by key.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, &T)> {
        self.chunks
            .iter()
            .enumerate()
            .filter_map(|(i, chunk)| Some((self.first + i as u64, chunk.as_ref()?)))
            .flat_map(|(index, chunk)| {
                chunk
                    .values
                    .iter()
                    .enumerate()
                    .filter_map(move |(slot, v)| Some((index * CHUNK + slot as u64, v.as_ref()?)))
            })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The same operations on a `BTreeMap` give the same answers, and emptied chunks
    /// are freed.
    #[test]
    fn behaves_as_a_map_by_key() {
        let mut slots = Slots::default();
        let mut model = BTreeMap::new();
        let mut next = 0u64;
        let mut x: u64 = 11;
        for _ in 0..20_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            if x % 7 < 4 {
                slots.insert(next, next * 2);
                model.insert(next, next * 2);
                next += 1;
            } else if let Some(&oldest) = model.keys().next() {
                // Mostly the oldest, sometimes anywhere.
                let key = if x.is_multiple_of(3) {
                    oldest + (x >> 40) % (next - oldest)
                } else {
                    oldest
                };
                assert_eq!(slots.remove(key), model.remove(&key));
            }
            let probe = (x >> 20) % (next + 1);
            assert_eq!(slots.get(probe), model.get(&probe));
        }
        let all: Vec<(u64, u64)> = slots.iter().map(|(k, v)| (k, *v)).collect();
        let expected: Vec<(u64, u64)> = model.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(all, expected);
        for key in model.keys() {
            slots.remove(*key);
        }
        assert!(slots.chunks.is_empty());
    }
}
