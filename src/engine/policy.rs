//! The queue `Policy` document: what AddPermission and RemovePermission write, and what
//! it allows.
//!
//! AWS writes it in a fixed shape (fixtures/aws/recorded.md §6): `Version` "2008-10-17", `Id`
//! `"<queue arn>/SQSDefaultPolicy"`, and one statement per label with `Sid` = label, the
//! principals as `arn:aws:iam::<account>:root` (a string for one, a list for several),
//! the actions as `SQS:<Name>` (a string for one, a list for several), and `Resource` =
//! the queue ARN. A policy set with SetQueueAttributes keeps its own shape; its
//! statements are kept as they are when labels are added or removed.
//!
//! [`evaluate`] reads a policy as IAM does for the principals the fake knows (accounts,
//! and anonymous callers): an explicit `Deny` wins over any `Allow`, and nothing is
//! allowed that no statement allows (`fixtures/aws/queue-access.json`). Conditions are
//! not evaluated; a statement that has any is read the safe way: its `Allow` grants
//! nothing, its `Deny` denies as if its conditions held. So the fake may refuse what AWS
//! would allow (a test sees it at once), never allow what AWS would refuse (which would
//! pass a test and fail in production).

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

/// Who a request comes from, as a policy's `Principal` names callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Principal<'a> {
    /// An account (its root: the fake's callers are accounts).
    Account(&'a str),
    /// A request without credentials.
    Anonymous,
}

/// What a queue's policy says about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// A statement allows it and none denies it.
    Allowed,
    /// A statement denies it.
    Denied,
    /// No statement says anything about it.
    Unmentioned,
}

/// Whether one element of a statement applies to the request: surely, surely not, or
/// maybe (a condition the fake does not evaluate, an element it cannot read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Applies {
    Yes,
    No,
    Maybe,
}

impl Applies {
    fn from(b: bool) -> Self {
        if b {
            Applies::Yes
        } else {
            Applies::No
        }
    }

    fn not(self) -> Self {
        match self {
            Applies::Yes => Applies::No,
            Applies::No => Applies::Yes,
            Applies::Maybe => Applies::Maybe,
        }
    }

    fn and(self, other: Applies) -> Self {
        match (self, other) {
            (Applies::No, _) | (_, Applies::No) => Applies::No,
            (Applies::Yes, Applies::Yes) => Applies::Yes,
            _ => Applies::Maybe,
        }
    }
}

/// What `policy` (a queue's `Policy` attribute) says about `principal` calling `action`
/// on the queue `resource` (its ARN). A policy that is not a JSON object says nothing.
pub(crate) fn evaluate(
    policy: &str,
    principal: Principal<'_>,
    action: ActionName,
    resource: &str,
) -> Verdict {
    let (_, statements) = statements(Some(policy));
    let mut allowed = false;
    for statement in &statements {
        let applies = applies(statement, principal, action, resource);
        match statement.get("Effect").and_then(Value::as_str) {
            Some("Deny") if applies != Applies::No => return Verdict::Denied,
            Some("Allow") if applies == Applies::Yes => allowed = true,
            _ => {}
        }
    }
    if allowed {
        Verdict::Allowed
    } else {
        Verdict::Unmentioned
    }
}

/// Whether `statement` applies to the request, before its effect is read.
fn applies(
    statement: &Value,
    principal: Principal<'_>,
    action: ActionName,
    resource: &str,
) -> Applies {
    let element = |name: &str, not_name: &str, matches: &dyn Fn(&Value) -> Applies| match (
        statement.get(name),
        statement.get(not_name),
    ) {
        (Some(v), None) => matches(v),
        (None, Some(v)) => matches(v).not(),
        _ => Applies::Maybe,
    };
    let principal = element("Principal", "NotPrincipal", &|v| {
        names_principal(v, principal)
    });
    let action = element("Action", "NotAction", &|v| {
        any_of(v, |a| Applies::from(names_action(a, action)))
    });
    let resource = element("Resource", "NotResource", &|v| {
        any_of(v, |r| Applies::from(glob(r, resource, false)))
    });
    let conditions = match statement.get("Condition") {
        None => Applies::Yes,
        Some(Value::Object(c)) if c.is_empty() => Applies::Yes,
        Some(_) => Applies::Maybe,
    };
    principal.and(action).and(resource).and(conditions)
}

/// A string, or a list of strings any of which applies; anything else: maybe.
fn any_of(value: &Value, one: impl Fn(&str) -> Applies) -> Applies {
    match value {
        Value::String(s) => one(s),
        Value::Array(items) => {
            let mut result = Applies::No;
            for item in items {
                match item.as_str().map(&one).unwrap_or(Applies::Maybe) {
                    Applies::Yes => return Applies::Yes,
                    Applies::Maybe => result = Applies::Maybe,
                    Applies::No => {}
                }
            }
            result
        }
        _ => Applies::Maybe,
    }
}

/// `"*"`, or `{"AWS": ...}` naming `"*"`, the account id, or its root's ARN. Other kinds
/// of principal (`Service`, `Federated`) are not callers the fake has; an IAM user's or
/// role's ARN is not the account's root, which is who the fake's callers are.
fn names_principal(value: &Value, principal: Principal<'_>) -> Applies {
    let one = |name: &str| {
        Applies::from(match principal {
            _ if name == "*" => true,
            Principal::Anonymous => false,
            Principal::Account(account) => name == account || root_of(name) == Some(account),
        })
    };
    match value {
        Value::String(s) if s == "*" => Applies::Yes,
        Value::Object(kinds) => {
            let mut result = Applies::No;
            for (kind, names) in kinds {
                let applies = match kind.as_str() {
                    "AWS" => any_of(names, one),
                    _ => Applies::No,
                };
                match applies {
                    Applies::Yes => return Applies::Yes,
                    Applies::Maybe => result = Applies::Maybe,
                    Applies::No => {}
                }
            }
            result
        }
        _ => Applies::Maybe,
    }
}

/// The account of `arn:<partition>:iam::<account>:root`.
fn root_of(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "iam", "", account, "root"] => Some(account),
        _ => None,
    }
}

/// `*`, or `sqs:<pattern>` (any case, `*` and `?` wildcards) naming the action. A batch
/// action is allowed by its single action's name (SendMessage allows SendMessageBatch).
fn names_action(pattern: &str, action: ActionName) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some((service, name)) = pattern.split_once(':') else {
        return false;
    };
    service.eq_ignore_ascii_case("sqs") && glob(name, action.permission(), true)
}

/// Whether `text` matches `pattern`, where `*` is any run of characters and `?` any one.
fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let same = |p: char, t: char| p == t || (ignore_case && p.eq_ignore_ascii_case(&t));
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || (p[i] != '*' && same(p[i], t[j]))) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_runs_and_single_characters() {
        assert!(glob("Send*", "SendMessage", true));
        assert!(glob("*Message", "SendMessage", true));
        assert!(glob("s?ndmessage", "SendMessage", true));
        assert!(!glob("s?ndmessage", "SendMessage", false));
        assert!(glob(
            "arn:aws:sqs:*:111111111111:*",
            "arn:aws:sqs:us-east-1:111111111111:q",
            false
        ));
        assert!(!glob(
            "arn:aws:sqs:*:111111111111:a*",
            "arn:aws:sqs:us-east-1:111111111111:q",
            false
        ));
        assert!(glob("*", "", false));
        assert!(!glob("a", "", false));
    }

    #[test]
    fn statements_allow_and_deny_as_iam_reads_them() {
        let doc = |statements: Value| {
            json!({"Version": "2012-10-17", "Statement": statements}).to_string()
        };
        let other = Principal::Account("222222222222");
        let send = ActionName::SendMessage;
        let allow_send = doc(json!([{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
            "Action": "sqs:SendMessage",
            "Resource": ARN,
        }]));
        assert_eq!(evaluate(&allow_send, other, send, ARN), Verdict::Allowed);
        assert_eq!(
            evaluate(&allow_send, other, ActionName::SendMessageBatch, ARN),
            Verdict::Allowed
        );
        assert_eq!(
            evaluate(&allow_send, other, ActionName::ReceiveMessage, ARN),
            Verdict::Unmentioned
        );
        let third = Principal::Account("333333333333");
        assert_eq!(
            evaluate(&allow_send, third, send, ARN),
            Verdict::Unmentioned
        );
        assert_eq!(
            evaluate(&allow_send, Principal::Anonymous, send, ARN),
            Verdict::Unmentioned
        );

        // Principal "*" and a bare account id; wildcards in actions, any case.
        let everyone = doc(
            json!({"Effect": "Allow", "Principal": "*", "Action": "SQS:Receive*", "Resource": "*"}),
        );
        assert_eq!(
            evaluate(
                &everyone,
                Principal::Anonymous,
                ActionName::ReceiveMessage,
                ARN
            ),
            Verdict::Allowed
        );
        let by_id = doc(
            json!({"Effect": "Allow", "Principal": {"AWS": ["222222222222"]}, "Action": "*", "Resource": ARN}),
        );
        assert_eq!(
            evaluate(&by_id, other, ActionName::PurgeQueue, ARN),
            Verdict::Allowed
        );

        // A Deny wins; a user's ARN is not the account's root.
        let denied = doc(json!([
            {"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": ARN},
            {"Effect": "Deny", "Principal": {"AWS": "222222222222"}, "Action": "sqs:Send*", "Resource": ARN},
        ]));
        assert_eq!(evaluate(&denied, other, send, ARN), Verdict::Denied);
        assert_eq!(
            evaluate(&denied, other, ActionName::ReceiveMessage, ARN),
            Verdict::Allowed
        );
        let user = doc(
            json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:user/bob"}, "Action": "sqs:*", "Resource": ARN}),
        );
        assert_eq!(evaluate(&user, other, send, ARN), Verdict::Unmentioned);

        // Another queue's ARN, or another service's action, says nothing.
        let elsewhere = doc(
            json!({"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:111111111111:other"}),
        );
        assert_eq!(evaluate(&elsewhere, other, send, ARN), Verdict::Unmentioned);
        let s3 =
            doc(json!({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": ARN}));
        assert_eq!(evaluate(&s3, other, send, ARN), Verdict::Unmentioned);

        // Not* elements are complements.
        let all_but_purge = doc(
            json!({"Effect": "Allow", "Principal": "*", "NotAction": "sqs:PurgeQueue", "Resource": ARN}),
        );
        assert_eq!(evaluate(&all_but_purge, other, send, ARN), Verdict::Allowed);
        assert_eq!(
            evaluate(&all_but_purge, other, ActionName::PurgeQueue, ARN),
            Verdict::Unmentioned
        );
    }

    #[test]
    fn conditions_are_read_the_safe_way() {
        let doc = |effect: &str| {
            json!({"Statement": [{"Effect": effect, "Principal": "*", "Action": "sqs:*", "Resource": ARN,
                "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111111111111:t"}}}]})
            .to_string()
        };
        let other = Principal::Account("222222222222");
        assert_eq!(
            evaluate(&doc("Allow"), other, ActionName::SendMessage, ARN),
            Verdict::Unmentioned
        );
        assert_eq!(
            evaluate(&doc("Deny"), other, ActionName::SendMessage, ARN),
            Verdict::Denied
        );
        assert_eq!(
            evaluate("not json", other, ActionName::SendMessage, ARN),
            Verdict::Unmentioned
        );
    }

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
