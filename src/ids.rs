//! Generated identifiers: MessageIds, RequestIds, receipt handles, queue ids.
//!
//! All of them come from one ChaCha stream. With a seed the stream is the same on every
//! run and every machine (ChaCha's output is fixed by its specification), so a test
//! that sends the same requests in the same order sees the same ids, and snapshots need
//! no redaction.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub(crate) struct Ids {
    rng: ChaCha8Rng,
}

impl Ids {
    /// A stream from `seed`, or from a random seed when there is none.
    pub(crate) fn new(seed: Option<u64>) -> Self {
        let seed = seed.unwrap_or_else(random_seed);
        Ids {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// A random (version 4) UUID in its usual lower-case form.
    pub(crate) fn uuid(&mut self) -> String {
        let mut b = [0u8; 16];
        self.rng.fill_bytes(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex(&b);
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// A seed nobody chose: std's `RandomState` is keyed from the OS's randomness.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(0x5eed_u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_repeat_and_look_like_uuids() {
        let (mut a, mut b) = (Ids::new(Some(7)), Ids::new(Some(7)));
        let id = a.uuid();
        assert_eq!(id, b.uuid());
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_ne!(id, a.uuid());
    }
}
