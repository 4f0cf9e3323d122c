//! Expectations on answer members, written once for both protocols.
//!
//! A pattern is plain JSON: an object matches when each of its keys matches (extra keys
//! in the answer are allowed), an array matches an array of the same length item by
//! item, and scalars compare as text, because the Query protocol has only text (`"30"`
//! and `30` are the same value). Special forms:
//!
//! | pattern | holds when the value |
//! |---|---|
//! | `"$absent"` | is missing (or null) |
//! | `"$present"` | exists |
//! | `{"$len": n}` | is an array or object of `n` items (missing counts as 0) |
//! | `{"$keys": [..]}` | is an object with exactly these keys |
//! | `{"$contains": "s"}` / `{"$startsWith": "s"}` | is a string containing / starting with `s` |
//! | `{"$ne": v}` | does not match `v` |
//! | `{"$json": p}` | is a string holding JSON that matches `p` |
//! | `{"$int": true}` | is an integer (as a number or as text) |
//! | `{"$matches": "re"}` | is text the regular expression `re` matches whole (an id's shape) |

use serde_json::Value;

/// Checks `actual` against `pattern`; each mismatch is one line naming its path.
pub fn check(pattern: &Value, actual: Option<&Value>, path: &str, out: &mut Vec<String>) {
    let actual = actual.filter(|v| !v.is_null());
    match pattern {
        Value::String(s) if s == "$absent" => {
            if let Some(v) = actual {
                out.push(format!("{path}: expected absent, got {v}"));
            }
        }
        Value::String(s) if s == "$present" => {
            if actual.is_none() {
                out.push(format!("{path}: expected present, got nothing"));
            }
        }
        Value::Object(map) if map.len() == 1 && map.keys().all(|k| k.starts_with('$')) => {
            let (op, arg) = map.iter().next().expect("one entry");
            special(op, arg, actual, path, out);
        }
        Value::Object(map) => match actual {
            Some(Value::Object(got)) => {
                for (key, sub) in map {
                    check(sub, got.get(key), &format!("{path}.{key}"), out);
                }
            }
            other => out.push(format!("{path}: expected an object, got {}", show(other))),
        },
        Value::Array(items) => match actual {
            Some(Value::Array(got)) if got.len() == items.len() => {
                for (i, (sub, value)) in items.iter().zip(got).enumerate() {
                    check(sub, Some(value), &format!("{path}.{i}"), out);
                }
            }
            other => out.push(format!(
                "{path}: expected {} items, got {}",
                items.len(),
                show(other)
            )),
        },
        scalar => {
            let want = text(scalar);
            match actual.map(text) {
                Some(got) if got == want => {}
                _ => out.push(format!("{path}: expected {want:?}, got {}", show(actual))),
            }
        }
    }
}

fn special(op: &str, arg: &Value, actual: Option<&Value>, path: &str, out: &mut Vec<String>) {
    let fail = |out: &mut Vec<String>| {
        out.push(format!("{path}: expected {op} {arg}, got {}", show(actual)))
    };
    match op {
        "$len" => {
            let len = match actual {
                None => 0,
                Some(Value::Array(a)) => a.len(),
                Some(Value::Object(o)) => o.len(),
                Some(_) => usize::MAX,
            };
            if Some(len as u64) != arg.as_u64() {
                fail(out);
            }
        }
        "$keys" => {
            let mut want: Vec<String> = arg
                .as_array()
                .map(|a| a.iter().map(text).collect())
                .unwrap_or_default();
            want.sort();
            match actual {
                Some(Value::Object(o)) => {
                    let mut got: Vec<String> = o.keys().cloned().collect();
                    got.sort();
                    if got != want {
                        out.push(format!("{path}: expected keys {want:?}, got {got:?}"));
                    }
                }
                None if want.is_empty() => {}
                _ => fail(out),
            }
        }
        "$contains" | "$startsWith" => {
            let needle = text(arg);
            let ok = actual.map(text).is_some_and(|s| {
                if op == "$contains" {
                    s.contains(&needle)
                } else {
                    s.starts_with(&needle)
                }
            });
            if !ok {
                fail(out);
            }
        }
        "$ne" => {
            let mut inner = Vec::new();
            check(arg, actual, path, &mut inner);
            if inner.is_empty() {
                fail(out);
            }
        }
        "$json" => match actual.map(text).map(|s| serde_json::from_str::<Value>(&s)) {
            Some(Ok(parsed)) => check(arg, Some(&parsed), path, out),
            _ => fail(out),
        },
        "$int" => {
            if actual.map(text).is_none_or(|s| s.parse::<i128>().is_err()) {
                fail(out);
            }
        }
        "$matches" => match regex_lite::Regex::new(&format!("^(?:{})$", text(arg))) {
            Ok(re) if actual.map(text).is_some_and(|s| re.is_match(&s)) => {}
            Ok(_) => fail(out),
            Err(e) => out.push(format!("{path}: bad $matches pattern: {e}")),
        },
        _ => out.push(format!("{path}: unknown matcher {op}")),
    }
}

/// A scalar as the text the Query protocol would carry.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn show(value: Option<&Value>) -> String {
    match value {
        None => "nothing".into(),
        Some(v) => {
            let s = v.to_string();
            if s.len() > 200 {
                format!("{}…", &s[..s.floor_char_boundary_compat(200)])
            } else {
                s
            }
        }
    }
}

/// `str::floor_char_boundary` is unstable; this is the same for our use.
trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, index: usize) -> usize;
}

impl FloorCharBoundary for str {
    fn floor_char_boundary_compat(&self, mut index: usize) -> usize {
        while !self.is_char_boundary(index) {
            index -= 1;
        }
        index
    }
}

/// The value at a dotted path (`Messages.0.ReceiptHandle`, `Attributes.QueueArn`).
pub fn at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, part| match v {
        Value::Object(map) => map.get(part),
        Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(pattern: Value, actual: Value) -> Vec<String> {
        let mut out = Vec::new();
        check(&pattern, Some(&actual), "$", &mut out);
        out
    }

    #[test]
    fn numbers_and_their_text_are_the_same_value() {
        assert!(errors(json!({"A": 30}), json!({"A": "30", "B": 1})).is_empty());
        assert_eq!(errors(json!({"A": 31}), json!({"A": "30"})).len(), 1);
    }

    #[test]
    fn special_forms_hold_and_fail() {
        assert!(errors(json!({"M": "$absent", "N": {"$len": 0}}), json!({})).is_empty());
        assert_eq!(errors(json!({"M": "$absent"}), json!({"M": []})).len(), 1);
        assert!(errors(json!({"$keys": ["a", "b"]}), json!({"b": 1, "a": 2})).is_empty());
        assert!(errors(json!({"$json": {"x": 10}}), json!("{\"x\":10}")).is_empty());
        assert!(errors(json!({"$ne": "a"}), json!("b")).is_empty());
        assert_eq!(errors(json!({"$ne": "a"}), json!("a")).len(), 1);
        assert_eq!(errors(json!([1, 2]), json!([1])).len(), 1);
        let id = json!({"$matches": "AIDA[A-Z0-9]{17}"});
        assert!(errors(id.clone(), json!("AIDAOOAHEWQSWT4SDMONT")).is_empty());
        assert_eq!(errors(id.clone(), json!("AIDAOOAHEWQSWT4SDMONTX")).len(), 1);
        assert_eq!(errors(id, json!("AKIAFAKESQSTESTKEY00")).len(), 1);
    }
}
