//! The queue `Policy` document that AddPermission and RemovePermission maintain.
//!
//! AWS writes it in a fixed shape (fixtures/aws/recorded.md §6): `Version` "2008-10-17", `Id`
//! `"<queue arn>/SQSDefaultPolicy"`, and one statement per label with `Sid` = label, the
//! principals as `arn:aws:iam::<account>:root` (a string for one, a list for several),
//! the actions as `SQS:<Name>` (a string for one, a list for several), and `Resource` =
//! the queue ARN. A policy set with SetQueueAttributes keeps its own shape; its
//! statements are kept as they are when labels are added or removed.

use serde_json::{json, Map, Value};

use crate::api::ActionName;
use crate::error::SqsError;

use crate::limits::{MAX_PERMISSION_ACTIONS as MAX_ACTIONS, MAX_QUEUE_NAME};

/// `[A-Za-z0-9_-]{1,80}`.
pub(crate) fn validate_label(label: &str) -> Result<(), SqsError> {
    let valid = !label.is_empty()
        && label.len() <= MAX_QUEUE_NAME
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        return Ok(());
    }
    Err(SqsError::invalid_value(
        "Label",
        label,
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.",
    ))
}

/// An action AddPermission may grant: `*` or an SQS action a non-owner may call.
fn validate_action(action: &str) -> Result<(), SqsError> {
    let named = ActionName::parse(action);
    if named.is_some_and(ActionName::owner_only) {
        return Err(SqsError::invalid_value(
            "ActionName",
            format!("SQS:{action}"),
            "Only the queue owner is allowed to invoke this action.",
        ));
    }
    if action == "*" || named.is_some() {
        return Ok(());
    }
    Err(SqsError::invalid_value(
        "ActionName",
        action,
        "Please refer to the appropriate WSDL for a list of valid actions.",
    ))
}

/// AddPermission grants to accounts only, named by 12-digit numbers. An empty list, or
/// one with anything else in it, cannot be verified: AWS answers with the whole list in
/// brackets, `Value [] …` when it is empty (`fixtures/aws/add-permission-principals.json`).
fn validate_accounts(accounts: &[String]) -> Result<(), SqsError> {
    let account = |a: &String| a.len() == 12 && a.chars().all(|c| c.is_ascii_digit());
    if !accounts.is_empty() && accounts.iter().all(account) {
        return Ok(());
    }
    Err(SqsError::invalid_value(
        "PrincipalId",
        format!("[{}]", accounts.join(", ")),
        "Unable to verify.",
    ))
}

/// One item as a string, several as a list, as AWS writes principals and actions.
fn one_or_many(items: Vec<String>) -> Value {
    match <[String; 1]>::try_from(items) {
        Ok([one]) => Value::String(one),
        Err(many) => Value::Array(many.into_iter().map(Value::String).collect()),
    }
}

/// The statements of a stored policy, and the document's other members.
fn statements(policy: Option<&str>) -> (Map<String, Value>, Vec<Value>) {
    let doc = policy
        .and_then(|p| serde_json::from_str::<Value>(p).ok())
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    let mut doc = doc;
    let statements = match doc.remove("Statement") {
        Some(Value::Array(list)) => list,
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    (doc, statements)
}

fn has_label(statements: &[Value], label: &str) -> bool {
    statements
        .iter()
        .any(|s| s.get("Sid").and_then(Value::as_str) == Some(label))
}

/// Writes the document back, `Statement` last as AWS orders it.
fn write(mut doc: Map<String, Value>, statements: Vec<Value>) -> String {
    doc.insert("Statement".into(), Value::Array(statements));
    Value::Object(doc).to_string()
}

/// The policy after granting `actions` to `accounts` under `label` on the queue
/// `queue_arn`.
pub(crate) fn add(
    policy: Option<&str>,
    queue_arn: &str,
    label: &str,
    accounts: &[String],
    actions: &[String],
) -> Result<String, SqsError> {
    validate_label(label)?;
    validate_accounts(accounts)?;
    if actions.is_empty() {
        return Err(SqsError::missing("Actions"));
    }
    for action in actions {
        validate_action(action)?;
    }
    if actions.len() > MAX_ACTIONS {
        return Err(SqsError::new(
            crate::error::ErrorCode::OverLimit,
            format!(
                "{} Actions were found, maximum allowed is {MAX_ACTIONS}.",
                actions.len()
            ),
        ));
    }
    let (mut doc, mut list) = statements(policy);
    if has_label(&list, label) {
        return Err(SqsError::invalid_value("Label", label, "Already exists."));
    }
    if doc.is_empty() {
        doc.insert("Version".into(), json!("2008-10-17"));
        doc.insert("Id".into(), json!(format!("{queue_arn}/SQSDefaultPolicy")));
    }
    let principals = accounts
        .iter()
        .map(|a| format!("arn:aws:iam::{a}:root"))
        .collect();
    let actions = actions.iter().map(|a| format!("SQS:{a}")).collect();
    list.push(json!({
        "Sid": label,
        "Effect": "Allow",
        "Principal": { "AWS": one_or_many(principals) },
        "Action": one_or_many(actions),
        "Resource": queue_arn,
    }));
    Ok(write(doc, list))
}

/// The policy after removing the statement `label`; `None` when none is left (AWS then
/// removes the attribute, fixtures/aws/recorded.md row 53).
pub(crate) fn remove(policy: Option<&str>, label: &str) -> Result<Option<String>, SqsError> {
    let (doc, mut list) = statements(policy);
    if !has_label(&list, label) {
        return Err(SqsError::invalid_value("Label", label, "can't find label."));
    }
    list.retain(|s| s.get("Sid").and_then(Value::as_str) != Some(label));
    Ok((!list.is_empty()).then(|| write(doc, list)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:sqs:us-east-1:111111111111:q";

    #[test]
    fn one_account_is_a_string_and_two_a_list() {
        let one = add(
            None,
            ARN,
            "a",
            &["111111111111".into()],
            &["SendMessage".into()],
        )
        .unwrap();
        assert_eq!(
            one,
            r#"{"Version":"2008-10-17","Id":"arn:aws:sqs:us-east-1:111111111111:q/SQSDefaultPolicy","Statement":[{"Sid":"a","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"SQS:SendMessage","Resource":"arn:aws:sqs:us-east-1:111111111111:q"}]}"#
        );
        let two = add(
            Some(&one),
            ARN,
            "b",
            &["111111111111".into(), "222222222222".into()],
            &["*".into(), "ReceiveMessage".into()],
        )
        .unwrap();
        let doc: Value = serde_json::from_str(&two).unwrap();
        assert_eq!(
            doc["Statement"][1]["Principal"]["AWS"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            doc["Statement"][1]["Action"],
            json!(["SQS:*", "SQS:ReceiveMessage"])
        );
        assert_eq!(
            remove(Some(&two), "b").unwrap().as_deref(),
            Some(one.as_str())
        );
        assert_eq!(remove(Some(&one), "a").unwrap(), None);
    }
}
