//! How the crate's public types write times, durations and bytes in JSON, and read them
//! back: times as RFC 3339 strings in UTC with milliseconds (`2025-01-01T00:00:00.000Z`),
//! durations as whole milliseconds in fields named `*_ms`, bytes as base64 (as SQS's own
//! JSON carries binary values). One module per form, for `#[serde(with = "...")]`.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Deserializer, Serializer};

/// A time as an RFC 3339 string, e.g. `2025-01-01T00:00:00.000Z`. Reading also takes
/// it without fractions or without the `Z`.
pub(crate) mod rfc3339 {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&humantime::format_rfc3339_millis(*t))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SystemTime, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        super::parse_time(&text).map_err(serde::de::Error::custom)
    }
}

/// An optional time as in [`rfc3339`], `null` when absent.
pub(crate) mod rfc3339_opt {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        t: &Option<SystemTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::rfc3339::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<SystemTime>, D::Error> {
        match Option::<std::borrow::Cow<'de, str>>::deserialize(d)? {
            Some(text) => super::parse_time(&text)
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

/// Optional bytes as a base64 string (standard alphabet, padded).
pub(crate) mod base64_opt {
    use super::*;
    use base64::Engine as _;

    pub(crate) fn serialize<S: Serializer>(b: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match b {
            Some(b) => s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(b)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<u8>>, D::Error> {
        match Option::<std::borrow::Cow<'de, str>>::deserialize(d)? {
            Some(text) => base64::engine::general_purpose::STANDARD
                .decode(text.as_bytes())
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

/// A duration as whole milliseconds.
pub(crate) mod millis {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

/// Reads an RFC 3339 time in UTC.
pub(crate) fn parse_time(text: &str) -> Result<SystemTime, String> {
    humantime::parse_rfc3339_weak(text).map_err(|e| {
        format!(
            "{text:?} is not a time in RFC 3339 form, in UTC, such as 2025-01-01T00:00:00Z ({e})"
        )
    })
}
