//! Typed access to a decoded request.
//!
//! Both codecs decode a request into the same tree, keyed by the JSON member names of the
//! SQS model (`QueueUrl`, `Attributes`, `Entries`, ...). Query values are all strings;
//! JSON values have their modelled types. `Params` hides that difference and turns a
//! missing or ill-typed member into the exact SQS error.

use serde_json::{Map, Value};

use crate::error::{ErrorCode, SqsError};

/// One message attribute as sent, before validation.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawAttribute {
    pub data_type: Option<String>,
    pub string_value: Option<String>,
    /// Base64, as both protocols carry it.
    pub binary_value: Option<String>,
    pub string_list_values: Vec<String>,
    pub binary_list_values: Vec<String>,
}

/// The members of one request (or of one batch entry).
#[derive(Debug, Clone)]
pub(crate) struct Params {
    map: Map<String, Value>,
    /// Query requests carry numbers as strings.
    strings_only: bool,
}

impl Params {
    pub(crate) fn new(map: Map<String, Value>, strings_only: bool) -> Self {
        Params { map, strings_only }
    }

    /// The members, as the journal keeps them.
    pub(crate) fn into_value(self) -> Value {
        Value::Object(self.map)
    }

    /// A string member as sent, if it is one (no copy, no error).
    pub(crate) fn get_str(&self, name: &str) -> Option<&str> {
        self.map.get(name).and_then(Value::as_str)
    }

    /// A copy without the entries of the list member `name` whose `Id` `fail` picks,
    /// and the ids of those, in the order sent.
    pub(crate) fn without_entries(
        &self,
        name: &str,
        fail: impl Fn(&str) -> bool,
    ) -> (Params, Vec<String>) {
        let mut kept = self.clone();
        let mut failed = Vec::new();
        if let Some(Value::Array(entries)) = kept.map.get_mut(name) {
            entries.retain(|entry| {
                let id = entry.get("Id").and_then(Value::as_str).unwrap_or_default();
                let fails = fail(id);
                if fails {
                    failed.push(id.to_owned());
                }
                !fails
            });
        }
        (kept, failed)
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.map.get(name).is_some_and(|v| !v.is_null())
    }

    fn type_error(name: &str, expected: &str) -> SqsError {
        SqsError::new(
            ErrorCode::Serialization,
            format!("Value for member {name} must be of type {expected}."),
        )
    }

    /// An optional string member.
    pub(crate) fn opt_str(&self, name: &str) -> Result<Option<String>, SqsError> {
        opt_str_in(&self.map, name)
    }

    /// A required string member; absent or empty is `MissingParameter`.
    pub(crate) fn str(&self, name: &str) -> Result<String, SqsError> {
        match self.opt_str(name)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(SqsError::missing(name)),
        }
    }

    /// An optional integer member.
    pub(crate) fn opt_int(&self, name: &str) -> Result<Option<i64>, SqsError> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) if !self.strings_only => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| Self::type_error(name, "integer")),
            Some(Value::String(s)) if self.strings_only => s
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| SqsError::invalid_value(name, s, "Must be an integer.")),
            Some(_) => Err(Self::type_error(name, "integer")),
        }
    }

    /// An optional integer member that must lie in `range`; outside it is
    /// `InvalidParameterValue` with `reason`.
    pub(crate) fn opt_int_in(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<i64>,
        reason: &str,
    ) -> Result<Option<i64>, SqsError> {
        match self.opt_int(name)? {
            Some(n) if !range.contains(&n) => Err(SqsError::invalid_value(name, n, reason)),
            other => Ok(other),
        }
    }

    /// A list of strings; absent is empty.
    pub(crate) fn str_list(&self, name: &str) -> Result<Vec<String>, SqsError> {
        str_list_in(&self.map, name)
    }

    /// A map of strings to strings, in the order sent; absent is empty.
    pub(crate) fn str_map(&self, name: &str) -> Result<Vec<(String, String)>, SqsError> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    Value::Number(n) if !self.strings_only => Ok((k.clone(), n.to_string())),
                    Value::Bool(b) if !self.strings_only => Ok((k.clone(), b.to_string())),
                    _ => Err(Self::type_error(name, "map of strings")),
                })
                .collect(),
            Some(_) => Err(Self::type_error(name, "map")),
        }
    }

    /// A map of names to message attribute values, in the order sent.
    pub(crate) fn attribute_map(
        &self,
        name: &str,
    ) -> Result<Vec<(String, RawAttribute)>, SqsError> {
        let map = match self.map.get(name) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Object(m)) => m,
            Some(_) => return Err(Self::type_error(name, "map")),
        };
        let mut out = Vec::with_capacity(map.len());
        for (key, value) in map {
            let Value::Object(fields) = value else {
                return Err(Self::type_error(name, "map of MessageAttributeValue"));
            };
            // Read in place, in one pass over the members: a copy of each attribute's
            // members would cost a map, and a lookup per member a hash.
            let mut members: [Option<&Value>; 5] = [None; 5];
            for (member, value) in fields {
                let slot = match member.as_str() {
                    "DataType" => 0,
                    "StringValue" => 1,
                    "BinaryValue" => 2,
                    "StringListValues" => 3,
                    "BinaryListValues" => 4,
                    _ => continue,
                };
                members[slot] = Some(value);
            }
            let [data_type, string_value, binary_value, string_lists, binary_lists] = members;
            out.push((
                key.clone(),
                RawAttribute {
                    data_type: opt_str_of(data_type, "DataType")?,
                    string_value: opt_str_of(string_value, "StringValue")?,
                    binary_value: opt_str_of(binary_value, "BinaryValue")?,
                    string_list_values: str_list_of(string_lists, "StringListValues")?,
                    binary_list_values: str_list_of(binary_lists, "BinaryListValues")?,
                },
            ));
        }
        Ok(out)
    }

    /// A list of structures (batch entries); `None` when the member is absent.
    pub(crate) fn entries(&self, name: &str) -> Result<Option<Vec<Params>>, SqsError> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::Object(m) => Ok(Params::new(m.clone(), self.strings_only)),
                    _ => Err(Self::type_error(name, "list of structures")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(Self::type_error(name, "list")),
        }
    }
}

/// The optional string member `name` of `map`.
fn opt_str_in(map: &Map<String, Value>, name: &str) -> Result<Option<String>, SqsError> {
    opt_str_of(map.get(name), name)
}

/// The optional string member `name`, found as `value`.
fn opt_str_of(value: Option<&Value>, name: &str) -> Result<Option<String>, SqsError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Params::type_error(name, "string")),
    }
}

/// The list of strings `name` of `map`; absent is empty.
fn str_list_in(map: &Map<String, Value>, name: &str) -> Result<Vec<String>, SqsError> {
    str_list_of(map.get(name), name)
}

/// The list of strings `name`, found as `value`; absent is empty.
fn str_list_of(value: Option<&Value>, name: &str) -> Result<Vec<String>, SqsError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                _ => Err(Params::type_error(name, "list of strings")),
            })
            .collect(),
        Some(_) => Err(Params::type_error(name, "list")),
    }
}
