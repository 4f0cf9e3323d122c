//! What every answer must be, whatever was asked: a well-formed SQS success or error in
//! the request's protocol, with a status SQS uses, never a 5xx.
//!
//! - AWS Query: well-formed XML 1.0 (a strict parser, which rejects the characters XML
//!   forbids), whose root is `<ActionResponse>` on success and `<ErrorResponse>` with
//!   `Error/Type`, `Error/Code`, `Error/Message` and `RequestId` on error, in SQS's
//!   namespace (Yandex: none).
//! - AWS JSON 1.0: a JSON object; on error with string `__type` and `message`, and
//!   `x-amzn-query-error` shaped `Code;Sender` when present.
//! - Scaleway's management API: JSON objects (nothing on 204), errors with `message`
//!   and `type`.
//! - The admin API's paths (`/_fake-sqs/`), off in process: its JSON error.
//!
//! Shared, as is, by the fuzz crate and the crate's `cargo test` replay of regressions:
//! it uses only the standard library, `form_urlencoded`, `serde_json` and `roxmltree`.

use super::script::Request;

/// The statuses SQS answers with.
const SQS_STATUSES: [u16; 5] = [200, 400, 403, 404, 413];

/// The statuses Scaleway's management API answers with.
const MANAGEMENT_STATUSES: [u16; 7] = [200, 204, 400, 401, 403, 404, 405];

const NAMESPACE: &str = "http://queue.amazonaws.com/doc/2012-11-05/";

/// Checks one answer to `request` (sent to a fake in `dialect`). `Err` says what is wrong.
pub fn answer(
    dialect: &str,
    request: &Request,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(), String> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let path = request.target.split('?').next().unwrap_or("");
    if dialect == "scaleway" && path.starts_with(super::script::MANAGEMENT_PREFIX) {
        return management(status, body);
    }
    if path == "/_fake-sqs" || path.starts_with("/_fake-sqs/") {
        return admin_disabled(status, body);
    }
    if !SQS_STATUSES.contains(&status) {
        return Err(format!("status {status} is not one SQS answers with"));
    }
    let content_type = header("content-type").unwrap_or("");
    let json_request = request.header("x-amz-target").is_some();
    if body == NO_ACTION_BODY {
        return no_action_answer(request, status, header("content-type"), json_request);
    }
    match content_type {
        "application/x-amz-json-1.0" if json_request && dialect != "yandex" => {
            json_answer(status, body, header("x-amzn-query-error"))
        }
        "application/json" if !json_request && status == 200 => json_object(body).map(|_| ()),
        "text/xml" if !json_request || dialect == "yandex" => {
            let action = (!json_request).then(|| query_action(request)).flatten();
            xml_answer(dialect, status, body, action.as_deref())
        }
        other => Err(format!(
            "content type {other:?} for a {} request answered {status}",
            if json_request { "JSON" } else { "Query" }
        )),
    }
}

/// AWS's whole answer to a request that names no action: no content type, not even
/// for a request that asked for JSON (`fixtures/aws/no-action.json`).
const NO_ACTION_BODY: &[u8] = b"<UnknownOperationException/>\n";

/// Checks an answer with [`NO_ACTION_BODY`]: only a request without `X-Amz-Target` and
/// without an `Action` pair gets it, with status 404 and no content type.
fn no_action_answer(
    request: &Request,
    status: u16,
    content_type: Option<&str>,
    json_request: bool,
) -> Result<(), String> {
    if json_request || query_action(request).is_some() {
        return Err("the answer to a request without an action, to one that has one".into());
    }
    match (status, content_type) {
        (404, None) => Ok(()),
        _ => Err(format!(
            "a request without an action answered {status} with content type {content_type:?}"
        )),
    }
}

/// The admin API's paths, which the in-process fake serves with the API turned off:
/// 404 and a JSON error of the admin API's shape.
fn admin_disabled(status: u16, body: &[u8]) -> Result<(), String> {
    let map = json_object(body)?;
    match (status, map.get("code").and_then(|c| c.as_str())) {
        (404, Some("admin_api_disabled")) if map.get("message").is_some_and(|m| m.is_string()) => {
            Ok(())
        }
        _ => Err(format!("admin path answered {status}: {map:?}")),
    }
}

/// The action a Query request names, as the fake reads it: the first `Action` pair of
/// the query string, then of a POST's body.
pub fn query_action(request: &Request) -> Option<String> {
    let query = request.target.split_once('?').map_or("", |(_, q)| q);
    let from_query = form_urlencoded::parse(query.as_bytes());
    let from_body = (request.method == "POST")
        .then(|| form_urlencoded::parse(&request.body))
        .into_iter()
        .flatten();
    from_query
        .chain(from_body)
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.into_owned())
}

fn json_object(body: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    match serde_json::from_slice(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err("a JSON answer that is not an object".into()),
        Err(e) => Err(format!("an answer that is not JSON: {e}")),
    }
}

fn json_answer(status: u16, body: &[u8], query_error: Option<&str>) -> Result<(), String> {
    let map = json_object(body)?;
    if status == 200 {
        return Ok(());
    }
    let text = |name: &str| map.get(name).and_then(|v| v.as_str());
    match (text("__type"), text("message")) {
        (Some(t), Some(_)) if !t.is_empty() => {}
        _ => return Err("a JSON error without a string __type and message".into()),
    }
    if let Some(q) = query_error {
        match q.split_once(';') {
            Some((code, "Sender")) if !code.is_empty() => {}
            _ => return Err(format!("x-amzn-query-error {q:?} is not Code;Sender")),
        }
    }
    Ok(())
}

fn xml_answer(dialect: &str, status: u16, body: &[u8], action: Option<&str>) -> Result<(), String> {
    let text =
        std::str::from_utf8(body).map_err(|e| format!("an XML answer that is not UTF-8: {e}"))?;
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| format!("an XML answer that is not well-formed XML 1.0: {e}"))?;
    let root = doc.root_element();
    let namespace = root.tag_name().namespace();
    let expected_namespace = (dialect != "yandex").then_some(NAMESPACE);
    if namespace != expected_namespace {
        return Err(format!(
            "root namespace {namespace:?}, expected {expected_namespace:?}"
        ));
    }
    let name = root.tag_name().name();
    if status == 200 {
        return match action {
            Some(action) if name == format!("{action}Response") => Ok(()),
            _ => Err(format!("success root <{name}> for action {action:?}")),
        };
    }
    if name != "ErrorResponse" {
        return Err(format!("error root <{name}>, expected <ErrorResponse>"));
    }
    let error = child(root, "Error").ok_or("an ErrorResponse without Error")?;
    for field in ["Type", "Code", "Message"] {
        if child(error, field).is_none() {
            return Err(format!("an ErrorResponse without Error/{field}"));
        }
    }
    if child(root, "RequestId").is_none() {
        return Err("an ErrorResponse without RequestId".into());
    }
    Ok(())
}

fn management(status: u16, body: &[u8]) -> Result<(), String> {
    if !MANAGEMENT_STATUSES.contains(&status) {
        return Err(format!("management API status {status}"));
    }
    if status == 204 {
        return if body.is_empty() {
            Ok(())
        } else {
            Err("a 204 with a body".into())
        };
    }
    let map = json_object(body)?;
    if status >= 400 {
        let text = |name: &str| map.get(name).and_then(|v| v.as_str());
        if text("message").is_none() || text("type").is_none() {
            return Err("a management API error without message and type".into());
        }
    }
    Ok(())
}

fn child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}
