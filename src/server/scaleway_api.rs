//! Scaleway's Messaging and Queuing management API (v1beta1), served by the fake in the
//! Scaleway dialect: activate and deactivate SQS for a project, `sqs-info`, and SQS
//! credentials with their permissions. Credentials made here are the ones the SQS
//! endpoint accepts. This file reads and writes HTTP and JSON; every change is an engine
//! operation.

use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Body;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Value};

use crate::engine::credentials::{Activation, Credential, CredentialUpdate, Permissions};
use crate::engine::Engine;

const PREFIX: &str = "/mnq/v1beta1/regions/";

/// Whether a path belongs to the management API.
pub(crate) fn is_management_path(path: &str) -> bool {
    path.starts_with(PREFIX)
}

fn rfc3339(millis: u64) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(millis)).to_string()
}

fn reply(status: StatusCode, body: Value) -> Response<Full<Bytes>> {
    let bytes = if status == StatusCode::NO_CONTENT {
        Bytes::new()
    } else {
        Bytes::from(serde_json::to_vec(&body).unwrap_or_default())
    };
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(bytes))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

fn not_found(resource: &str, id: &str) -> Response<Full<Bytes>> {
    reply(
        StatusCode::NOT_FOUND,
        json!({"message": "resource is not found", "resource": resource, "resource_id": id, "type": "not_found"}),
    )
}

fn invalid(argument: &str, help: &str) -> Response<Full<Bytes>> {
    reply(
        StatusCode::BAD_REQUEST,
        json!({"message": "invalid argument(s)", "type": "invalid_arguments",
               "details": [{"argument_name": argument, "reason": "constraint", "help_message": help}]}),
    )
}

fn credential_json(c: &Credential, with_secret: bool) -> Value {
    use sha2::Digest;
    json!({
        "id": c.id,
        "name": c.name,
        "project_id": c.project_id,
        "region": c.region,
        "created_at": rfc3339(c.created_at),
        "updated_at": rfc3339(c.updated_at),
        "access_key": c.access_key,
        "secret_key": if with_secret { c.secret_key.as_str() } else { "" },
        "secret_checksum": crate::ids::hex(&sha2::Sha256::digest(c.secret_key.as_bytes())),
        "permissions": {
            "can_publish": c.permissions.can_publish,
            "can_receive": c.permissions.can_receive,
            "can_manage": c.permissions.can_manage,
        },
    })
}

/// The name and permission flags a request body sets (`permissions.can_*`).
fn update_from(body: &Value) -> CredentialUpdate {
    let flag = |name: &str| {
        body.get("permissions")
            .and_then(|v| v.get(name))
            .and_then(Value::as_bool)
    };
    CredentialUpdate {
        name: body.get("name").and_then(Value::as_str).map(str::to_owned),
        can_publish: flag("can_publish"),
        can_receive: flag("can_receive"),
        can_manage: flag("can_manage"),
    }
}

/// Answers one management API request.
pub(crate) async fn handle<B>(req: Request<B>, engine: &Engine) -> Response<Full<Bytes>>
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (parts, body) = req.into_parts();
    let token = parts
        .headers
        .get("x-auth-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if token.is_empty() {
        return reply(
            StatusCode::UNAUTHORIZED,
            json!({"message": "authentication is denied", "method": "api_key",
                   "reason": "not_found", "type": "denied_authentication"}),
        );
    }
    let body = match Limited::new(body, 64 * 1024).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return invalid("body", "the request body is too large"),
    };
    let body: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v @ Value::Object(_)) => v,
            _ => return invalid("body", "the request body must be a JSON object"),
        }
    };
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let arg = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                query
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            })
    };
    let rest = &parts.uri.path()[PREFIX.len()..];
    let mut segments = rest.split('/');
    let region = segments.next().unwrap_or("").to_owned();
    let resource: Vec<&str> = segments.collect();
    let project = arg("project_id").unwrap_or_else(|| engine.config().default_account.clone());

    match (&parts.method, resource.as_slice()) {
        (&Method::POST, ["activate-sqs"]) | (&Method::POST, ["deactivate-sqs"]) => {
            let enable = resource[0] == "activate-sqs";
            let activation = engine.set_activation(&project, &region, enable);
            reply(
                StatusCode::OK,
                info_json(engine, &project, &region, &activation),
            )
        }
        (&Method::GET, ["sqs-info"]) => {
            let activation = engine.activation(&project, &region);
            reply(
                StatusCode::OK,
                info_json(engine, &project, &region, &activation),
            )
        }
        (&Method::GET, ["sqs-credentials"]) => {
            let filter = arg("project_id");
            let page: usize = arg("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p > 0)
                .unwrap_or(1);
            let size: usize = arg("page_size")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p > 0)
                .unwrap_or(20);
            let (total, page) = engine.credentials_of(filter.as_deref(), &region, page, size);
            let items: Vec<Value> = page.iter().map(|c| credential_json(c, false)).collect();
            reply(
                StatusCode::OK,
                json!({"total_count": total, "sqs_credentials": items}),
            )
        }
        (&Method::POST, ["sqs-credentials"]) => {
            let permissions = update_from(&body).permissions(Permissions::default());
            let credential = engine.issue_credential(arg("name"), project, region, permissions);
            reply(StatusCode::OK, credential_json(&credential, true))
        }
        (method, ["sqs-credentials", id]) => match *method {
            Method::GET => match engine.credential(id) {
                Some(c) => reply(StatusCode::OK, credential_json(&c, false)),
                None => not_found("sqs_credentials", id),
            },
            Method::PATCH => match engine.update_credential(id, &update_from(&body)) {
                Some(c) => reply(StatusCode::OK, credential_json(&c, false)),
                None => not_found("sqs_credentials", id),
            },
            Method::DELETE => match engine.revoke_credential(id) {
                true => reply(StatusCode::NO_CONTENT, Value::Null),
                false => not_found("sqs_credentials", id),
            },
            _ => reply(
                StatusCode::METHOD_NOT_ALLOWED,
                json!({"message": "method not allowed", "type": "invalid_request_error"}),
            ),
        },
        _ => reply(
            StatusCode::NOT_FOUND,
            json!({"message": "resource is not found", "type": "not_found"}),
        ),
    }
}

fn info_json(engine: &Engine, project: &str, region: &str, a: &Activation) -> Value {
    json!({
        "project_id": project,
        "region": region,
        "created_at": rfc3339(a.created_at),
        "updated_at": rfc3339(a.updated_at),
        "status": if a.enabled { "enabled" } else { "disabled" },
        "sqs_endpoint_url": engine.config().base_url,
    })
}
