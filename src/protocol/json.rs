//! AWS JSON 1.0: `X-Amz-Target: AmazonSQS.<Action>` with a JSON object body, answered
//! with JSON, errors as `{"__type", "message"}` plus the `x-amzn-query-error` header that
//! lets SDKs report the Query error code (the service is `awsQueryCompatible`).

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{ErrorCode, SqsError};
use crate::protocol::limits::{MAX_DEPTH, MAX_MEMBERS};

/// The members of a JSON request body. An empty body counts as `{}`.
///
/// The document is read within [`MAX_MEMBERS`] values and [`MAX_DEPTH`] levels, checked
/// as it is read: nothing beyond them is built, and reading recurses no deeper than they
/// allow.
pub(crate) fn decode(body: &[u8]) -> Result<Map<String, Value>, SqsError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let budget = Budget {
        members: Cell::new(0),
        exceeded: Cell::new(None),
    };
    let mut reader = serde_json::Deserializer::from_slice(body);
    let read = Bounded {
        budget: &budget,
        depth: 0,
    }
    .deserialize(&mut reader)
    .and_then(|value| reader.end().map(|()| value));
    match (read, budget.exceeded.get()) {
        (Ok(Value::Object(map)), _) => Ok(map),
        (Ok(_), _) => Err(SqsError::new(
            ErrorCode::Serialization,
            "Start of structure or map found where not expected.",
        )),
        (Err(_), Some(limit)) => Err(SqsError::new(ErrorCode::Serialization, limit)),
        (Err(_), None) => Err(SqsError::new(
            ErrorCode::Serialization,
            "The request body could not be parsed as JSON.",
        )),
    }
}

/// What a document may still spend, shared by all its levels.
struct Budget {
    members: Cell<usize>,
    /// Which limit stopped the reading, for the error message.
    exceeded: Cell<Option<&'static str>>,
}

/// Reads one value (and what it holds) into a [`Value`], as `serde_json` does, counting
/// it against the budget.
#[derive(Clone, Copy)]
struct Bounded<'b> {
    budget: &'b Budget,
    depth: usize,
}

impl Bounded<'_> {
    fn spend<E: de::Error>(self) -> Result<(), E> {
        let spent = self.budget.members.get() + 1;
        self.budget.members.set(spent);
        let exceeded = if spent > MAX_MEMBERS {
            Some("The request has more members than any SQS request (10000).")
        } else if self.depth > MAX_DEPTH {
            Some("The request nests members deeper than any SQS request (16 levels).")
        } else {
            None
        };
        match exceeded {
            Some(limit) => {
                self.budget.exceeded.set(Some(limit));
                Err(E::custom(limit))
            }
            None => Ok(()),
        }
    }

    fn inner(self) -> Self {
        Bounded {
            budget: self.budget,
            depth: self.depth + 1,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, reader: D) -> Result<Value, D::Error> {
        reader.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Bounded<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.inner())? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self.inner())?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// The body of a successful answer; actions without output answer `{}`.
pub(crate) fn success(result: Option<&Map<String, Value>>) -> Vec<u8> {
    match result {
        Some(map) => serde_json::to_vec(map).unwrap_or_else(|_| b"{}".to_vec()),
        None => b"{}".to_vec(),
    }
}

/// The body of an error answer and the value of its `x-amzn-query-error` header.
pub(crate) fn error(err: &SqsError) -> (Vec<u8>, Option<String>) {
    let wire = err.code.wire();
    let body = serde_json::json!({"__type": wire.json_type, "message": err.message});
    let header = wire
        .query_error_header
        .then(|| format!("{};{}", wire.query_code, wire.side.as_str()));
    (serde_json::to_vec(&body).unwrap_or_default(), header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::heap_meter::assert_decodes_within;

    /// An 8 MiB document of `{"k0":0,...}` held 19 times its size while decoding, and
    /// `[{},{},...]` 53 times; no document may cost more than a small multiple of itself.
    #[test]
    fn decoding_holds_at_most_a_small_multiple_of_the_body() {
        let fill = |piece: &dyn Fn(usize) -> String, open: &str, close: &str| {
            let mut doc = String::from(open);
            for i in 0.. {
                if doc.len() >= 8 * 1024 * 1024 {
                    break;
                }
                doc.push_str(&piece(i));
            }
            doc.push_str(close);
            doc
        };
        let big = "v".repeat(900);
        let cases = [
            (
                "distinct members",
                fill(&|i| format!("\"k{i}\":0,"), "{", "\"z\":0}"),
                false,
            ),
            (
                "empty objects",
                fill(&|_| "{},".into(), "{\"a\":[", "{}]}"),
                false,
            ),
            (
                "one huge string",
                format!("{{\"MessageBody\":\"{}\"}}", "v".repeat(8 << 20)),
                true,
            ),
            (
                "large strings",
                fill(&|i| format!("\"k{i}\":\"{big}\","), "{", "\"z\":0}"),
                true,
            ),
        ];
        assert_decodes_within(cases, |body| decode(body).is_ok(), 3.0);
    }

    #[test]
    fn documents_beyond_the_limits_are_malformed() {
        let nested =
            |levels: usize| format!("{{\"a\":{}1{}}}", "[".repeat(levels), "]".repeat(levels));
        assert!(decode(nested(MAX_DEPTH - 1).as_bytes()).is_ok());
        let err = decode(nested(MAX_DEPTH).as_bytes()).unwrap_err();
        assert_eq!(err.code, ErrorCode::Serialization);
        assert!(err.message.contains("deeper"), "{}", err.message);
        let members = |n: usize| {
            let items: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
            format!("{{{}}}", items.join(","))
        };
        assert!(decode(members(MAX_MEMBERS - 1).as_bytes()).is_ok());
        let err = decode(members(MAX_MEMBERS).as_bytes()).unwrap_err();
        assert!(err.message.contains("more members"), "{}", err.message);
        let err = decode(b"{\"a\":").unwrap_err();
        assert_eq!(err.message, "The request body could not be parsed as JSON.");
        let err = decode(b"{\"a\":\"caf\xE9\"}").unwrap_err();
        assert_eq!(err.code, ErrorCode::Serialization);
    }

    #[test]
    fn documents_read_as_serde_json_reads_them() {
        let doc = r#"{"b":[1,-2,1.5,true,null,"s",{"x":{}}],"a":"t","b2":18446744073709551615}"#;
        let expected: Value = serde_json::from_str(doc).unwrap();
        assert_eq!(Value::Object(decode(doc.as_bytes()).unwrap()), expected);
    }
}
