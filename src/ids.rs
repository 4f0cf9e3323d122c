//! Generated identifiers: MessageIds, RequestIds, receipt handles, queue ids.
//!
//! All of them come from one ChaCha stream. With a seed the stream is the same on every
//! run and every machine (ChaCha's output is fixed by its specification), so a test
//! that sends the same requests in the same order sees the same ids, and snapshots need
//! no redaction.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

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
        self.next_uuid().to_string()
    }

    /// A random (version 4) UUID, kept as its 16 bytes (a MessageId in a stored
    /// message) and written out only when shown.
    pub(crate) fn next_uuid(&mut self) -> Uuid {
        let mut b = [0u8; 16];
        self.rng.fill_bytes(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        Uuid(b)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
}

/// A UUID as its 16 bytes; `Display` gives its usual lower-case, hyphenated form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Uuid([u8; 16]);

impl Uuid {
    pub(crate) fn from_bytes(bytes: [u8; 16]) -> Uuid {
        Uuid(bytes)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl std::fmt::Display for Uuid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = [0u8; 36];
        let mut at = 0;
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out[at] = b'-';
                at += 1;
            }
            out[at] = HEX_DIGITS[(b >> 4) as usize];
            out[at + 1] = HEX_DIGITS[(b & 0xf) as usize];
            at += 2;
        }
        f.write_str(std::str::from_utf8(&out).unwrap_or_default())
    }
}

/// The SenderId of messages sent with `access_key`, as a test can expect it: the
/// unique id of an IAM user, `AIDA` and 17 upper-case letters and digits, the same for
/// the same key on every run and in every fake (`fixtures/aws/sender-id.json`).
///
/// AWS shows an IAM user's unique id, not the access key it signed with. The fake has
/// no users, so it derives one from the key: the base32 alphabet of AWS's unique ids
/// (`A`-`Z`, `2`-`7`) over the key's SHA-256. A request without credentials is taken
/// as the account's root user, whose SenderId AWS gives as the account id.
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use aws_sdk_sqs::types::MessageSystemAttributeName;
/// use fake_sqs::{sender_id, FakeSqs, TEST_ACCESS_KEY};
///
/// let sqs = FakeSqs::start().await;
/// let client = sqs.client().await; // signs with TEST_ACCESS_KEY
/// let url = client.create_queue().queue_name("q").send().await.unwrap().queue_url.unwrap();
/// client.send_message().queue_url(&url).message_body("hi").send().await.unwrap();
/// let got = client
///     .receive_message()
///     .queue_url(&url)
///     .message_system_attribute_names(MessageSystemAttributeName::SenderId)
///     .send()
///     .await
///     .unwrap();
/// let attributes = got.messages()[0].attributes().unwrap();
/// assert_eq!(attributes[&MessageSystemAttributeName::SenderId], sender_id(TEST_ACCESS_KEY));
/// assert!(sender_id(TEST_ACCESS_KEY).starts_with("AIDA"));
/// # }
/// ```
pub fn sender_id(access_key: &str) -> String {
    const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha256::digest(access_key.as_bytes());
    let bits = u128::from_be_bytes(digest[..16].try_into().expect("16 bytes"));
    let mut id = String::with_capacity(21);
    id.push_str("AIDA");
    for i in 1..=17 {
        id.push(BASE32[((bits >> (128 - 5 * i)) & 31) as usize] as char);
    }
    id
}

/// Whether an event of probability `p` (0 to 1) happens, drawn from `rng`: the one
/// draw that seeded faults and chaos make, so that a seed fixes their decisions.
pub(crate) fn happens(rng: &mut impl RngCore, p: f64) -> bool {
    if p >= 1.0 {
        return true;
    }
    if p.is_nan() || p <= 0.0 {
        return false;
    }
    // 53 random bits: a uniform draw from [0, 1).
    ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
}

/// A uniform draw from `0..n` (`n` > 0), from `rng`. The modulo bias is below 2^-40 for
/// the small `n` chaos draws.
pub(crate) fn below(rng: &mut impl RngCore, n: usize) -> usize {
    (rng.next_u64() % n.max(1) as u64) as usize
}
/// The digits of lower-case hex.
pub(crate) const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX_DIGITS[(b >> 4) as usize] as char);
        s.push(HEX_DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// A seed nobody chose: std's `RandomState` is keyed from the OS's randomness.
/// A random stream of its own (`stream` tells the streams of one seed apart), from
/// `seed`, or from a seed nobody chose.
pub(crate) fn stream(seed: Option<u64>, stream: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed.unwrap_or_else(random_seed) ^ stream)
}

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
        // The same stream kept as bytes shows the same text.
        let (mut c, mut d) = (Ids::new(Some(9)), Ids::new(Some(9)));
        assert_eq!(c.next_uuid().to_string(), d.uuid());
    }

    #[test]
    fn sender_ids_are_iam_user_ids_fixed_by_the_key() {
        let id = sender_id("AKIAFAKESQSTESTKEY00");
        assert_eq!(id.len(), 21);
        assert!(id.starts_with("AIDA"));
        assert!(id[4..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        assert_eq!(id, sender_id("AKIAFAKESQSTESTKEY00"));
        assert_ne!(id, sender_id("AKIAFAKESQSTESTKEY01"));
    }
}
