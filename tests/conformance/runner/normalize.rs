//! Normalization: random values (ids, receipt handles, request ids, sequence numbers,
//! timestamps, hosts, account ids, the run's queue-name prefix) become numbered
//! placeholders that keep identity (the same handle twice is `<receipt-handle:1>`
//! twice). MD5 digests are left alone: they are deterministic and must match.

use serde_json::Value;

/// Learns random values from answers, then rewrites text.
#[derive(Debug, Default, Clone)]
pub struct Normalizer {
    /// (raw value, placeholder), in the order learnt.
    known: Vec<(String, String)>,
    /// How many placeholders of each kind exist.
    counts: Vec<(&'static str, usize)>,
    /// The run's queue-name prefix, and what it becomes.
    prefix: Option<(String, String)>,
}

/// The kind of random value a member holds, by member (or attribute) name.
fn kind(key: &str) -> Option<&'static str> {
    Some(match key {
        "MessageId" => "message-id",
        "ReceiptHandle" => "receipt-handle",
        "RequestId" => "request-id",
        "SequenceNumber" => "sequence-number",
        "SenderId" => "sender-id",
        "TaskHandle" => "task-handle",
        "SentTimestamp"
        | "ApproximateFirstReceiveTimestamp"
        | "CreatedTimestamp"
        | "LastModifiedTimestamp"
        | "StartedTimestamp" => "timestamp",
        _ => return None,
    })
}

impl Normalizer {
    /// A normalizer that writes the run prefix `from` as `to`.
    pub fn with_prefix(from: &str, to: &str) -> Normalizer {
        Normalizer {
            prefix: (from != to).then(|| (from.to_owned(), to.to_owned())),
            ..Normalizer::default()
        }
    }

    /// Remembers one value of a kind.
    pub fn learn(&mut self, kind: &'static str, raw: &str) {
        if raw.is_empty() || self.known.iter().any(|(r, _)| r == raw) {
            return;
        }
        let n = match self.counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.counts.push((kind, 1));
                1
            }
        };
        self.known.push((raw.to_owned(), format!("<{kind}:{n}>")));
    }

    /// Learns the random values of an answer's members.
    pub fn learn_members(&mut self, value: &Value) {
        self.walk(None, value);
    }

    fn walk(&mut self, key: Option<&str>, value: &Value) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    self.walk(Some(k), v);
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.walk(key, item);
                }
            }
            Value::String(s) => self.learn_scalar(key, s),
            Value::Number(n) => self.learn_scalar(key, &n.to_string()),
            _ => {}
        }
    }

    fn learn_scalar(&mut self, key: Option<&str>, s: &str) {
        let Some(key) = key else { return };
        if let Some(kind) = kind(key) {
            self.learn(kind, s);
        } else if matches!(key, "QueueUrl" | "QueueUrls" | "queueUrls") {
            self.learn_url(s);
        } else if key.ends_with("Arn") {
            self.learn_arn(s);
        }
    }

    /// A queue URL: its scheme and authority is a host, a 12-digit segment an account.
    pub fn learn_url(&mut self, url: &str) {
        if let Some(rest_at) = url.find("://").map(|i| i + 3) {
            let end = url[rest_at..].find('/').map_or(url.len(), |i| rest_at + i);
            self.learn("host", &url[..end]);
            for segment in url[end..].split('/') {
                if segment.len() == 12 && segment.bytes().all(|b| b.is_ascii_digit()) {
                    self.learn("account", segment);
                }
            }
        }
    }

    /// An ARN: its account.
    pub fn learn_arn(&mut self, arn: &str) {
        if let Some(account) = arn.split(':').nth(4) {
            if !account.is_empty() {
                self.learn("account", account);
            }
        }
    }

    /// Rewrites every learnt value in `text` (whole tokens only, so that a timestamp is
    /// not replaced inside a longer number), and the run prefix.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_owned();
        if let Some((from, to)) = &self.prefix {
            out = out.replace(from.as_str(), to);
        }
        let mut known: Vec<&(String, String)> = self.known.iter().collect();
        known.sort_by_key(|(raw, _)| std::cmp::Reverse(raw.len()));
        for (raw, placeholder) in known {
            out = replace_token(&out, raw, placeholder);
            // XML and JSON may carry the value escaped.
            let xml = raw.replace('&', "&amp;").replace('"', "&quot;");
            if xml != *raw {
                out = replace_token(&out, &xml, placeholder);
            }
        }
        out
    }

    /// Rewrites every string of a value.
    pub fn apply_value(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.apply(s)),
            Value::Number(n) => {
                let s = n.to_string();
                let replaced = self.apply(&s);
                if replaced == s {
                    value.clone()
                } else {
                    Value::String(replaced)
                }
            }
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.apply_value(v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (self.apply(k), self.apply_value(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn replace_token(text: &str, raw: &str, placeholder: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(raw) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + raw.len()..].chars().next();
        let bounded = before.is_none_or(|c| !is_word(c)) && after.is_none_or(|c| !is_word(c));
        out.push_str(&rest[..i]);
        if bounded {
            out.push_str(placeholder);
        } else {
            out.push_str(raw);
        }
        rest = &rest[i + raw.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn same_value_gets_the_same_placeholder_and_md5s_stay() {
        let mut n = Normalizer::default();
        n.learn_members(&json!({"MessageId": "abc-1", "MD5OfMessageBody": "098f",
            "QueueUrl": "http://127.0.0.1:9/000000000000/q",
            "Attributes": {"SentTimestamp": "1735689600000", "CreatedTimestamp": "1735689600"}}));
        let text = "abc-1 abc-1 098f http://127.0.0.1:9/000000000000/q 1735689600000 1735689600 17356896001";
        assert_eq!(
            n.apply(text),
            "<message-id:1> <message-id:1> 098f <host:1>/<account:1>/q <timestamp:1> <timestamp:2> 17356896001"
        );
    }
}
