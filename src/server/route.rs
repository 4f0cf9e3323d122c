//! One request, end to end: pick the protocol, decode, dispatch, encode.

use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};

use super::{auth, scaleway_api, signature};
use crate::actions::{Action, Ctx};
use crate::api::ActionName;
use crate::engine::{Caller, Engine};
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;
use crate::protocol::{self, json, query, Protocol};
use crate::service::{admission, caller};

/// The largest request body the fake reads. A batch of 1 MiB, URL-encoded, fits.
pub(crate) const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

pub(crate) async fn handle(req: Request<Incoming>, engine: &Engine) -> Response<Full<Bytes>> {
    let rules = engine.rules();
    if rules.management_api && scaleway_api::is_management_path(req.uri().path()) {
        return scaleway_api::handle(req, engine).await;
    }
    let started = Instant::now();
    let request_id = engine.ids().uuid();
    let (parts, body) = req.into_parts();
    let accepts_json = parts
        .headers
        .get(hyper::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let protocol = match parts.headers.get("x-amz-target") {
        Some(_) => Protocol::Json,
        None => Protocol::Query,
    };
    let (action, outcome) = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => {
            let body = collected.to_bytes();
            match verify_signature(&parts, &body, engine)
                .map_err(|e| (String::new(), e))
                .and_then(|()| decode(&parts, &body, protocol, engine))
            {
                Ok((action, params, mut ctx)) => {
                    let admitted =
                        caller::bind_issued_credential(engine, &mut ctx).and_then(|permissions| {
                            admission::admit(
                                rules,
                                protocol,
                                &action,
                                &params,
                                permissions,
                                &engine.config().base_url,
                            )
                        });
                    let parsed = admitted
                        .and_then(|()| {
                            ActionName::parse(&action).ok_or_else(|| invalid_action(&action))
                        })
                        .and_then(|name| Action::parse(name, &params));
                    let outcome = match parsed {
                        Err(err) => Err(err),
                        Ok(parsed) => parsed.apply(engine, &ctx).await,
                    };
                    (action, outcome)
                }
                Err((action, err)) => (action, Err(err)),
            }
        }
        Err(_) => (
            String::new(),
            Err(SqsError::new(
                ErrorCode::RequestEntityTooLarge,
                format!("Request body must be at most {MAX_BODY_BYTES} bytes."),
            )),
        ),
    };
    let encoded = protocol::encode(
        protocol,
        &rules.codec,
        accepts_json,
        &action,
        &outcome,
        &request_id,
    );
    tracing::info!(
        target: "fake_sqs::request",
        action = %action,
        protocol = ?protocol,
        status = encoded.status,
        error = outcome.as_ref().err().map(|e| e.code.wire().query_code).unwrap_or(""),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    let mut response = Response::builder()
        .status(encoded.status)
        .header("content-type", encoded.content_type)
        .header("x-amzn-requestid", &request_id);
    if let Some(q) = encoded.query_error {
        response = response.header("x-amzn-query-error", q);
    }
    response
        .body(Full::new(Bytes::from(encoded.body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// Strict mode: verifies the signature of a request signed with a known credential
/// (unknown or missing credentials are refused later, by the dialect).
fn verify_signature(
    parts: &hyper::http::request::Parts,
    body: &[u8],
    engine: &Engine,
) -> Result<(), SqsError> {
    if !engine.config().verify_signatures {
        return Ok(());
    }
    let credential = auth::credential(parts, &[]);
    let Some(key) = credential.access_key else {
        return Ok(());
    };
    let known = engine
        .lock()
        .credentials
        .by_access_key(&key)
        .map(|c| (c.secret_key.clone(), c.region.clone()));
    match known {
        Some((secret, region)) => {
            signature::verify(parts, body, &key, &secret, &region, engine.clock().now())
        }
        None => Ok(()),
    }
}

fn invalid_action(action: &str) -> SqsError {
    SqsError::new(
        ErrorCode::InvalidAction,
        format!("The action {action} is not valid for this endpoint."),
    )
}

type Decoded = (String, Params, Ctx);

/// Turns a request into its action name, members and context.
fn decode(
    parts: &hyper::http::request::Parts,
    body: &[u8],
    protocol: Protocol,
    engine: &Engine,
) -> Result<Decoded, (String, SqsError)> {
    let query_pairs: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let credential = auth::credential(parts, &query_pairs);
    let config = engine.config();
    let account = credential
        .access_key
        .as_ref()
        .filter(|k| k.len() == 12 && k.bytes().all(|b| b.is_ascii_digit()))
        .cloned()
        .unwrap_or_else(|| config.default_account.clone());
    let ctx = Ctx {
        caller: Caller {
            account,
            region: credential
                .region
                .clone()
                .unwrap_or_else(|| config.default_region.clone()),
        },
        access_key: credential.access_key.clone(),
        trace_header: parts
            .headers
            .get("x-amzn-trace-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    match protocol {
        Protocol::Json => {
            let target = parts
                .headers
                .get("x-amz-target")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let action = target
                .strip_prefix("AmazonSQS.")
                .unwrap_or(target)
                .to_owned();
            if !target.starts_with("AmazonSQS.") {
                return Err((action.clone(), invalid_action(&action)));
            }
            let members = json::decode(body).map_err(|e| (action.clone(), e))?;
            Ok((action, Params::new(members, false), ctx))
        }
        Protocol::Query => {
            let mut pairs = query_pairs;
            if parts.method == Method::POST {
                pairs.extend(form_urlencoded::parse(body).into_owned());
            }
            let Some(action) = pairs
                .iter()
                .find(|(k, _)| k == "Action")
                .map(|(_, v)| v.clone())
            else {
                return Err((
                    String::new(),
                    SqsError::new(ErrorCode::UnknownOperation, "No action was given."),
                ));
            };
            let path = parts.uri.path();
            let at_queue = path.trim_matches('/').contains('/');
            if at_queue && ActionName::parse(&action).is_some_and(ActionName::root_only) {
                return Err((action.clone(), invalid_action(&action)));
            }
            let mut members = query::decode::members(
                &action,
                pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            );
            if at_queue && !members.contains_key("QueueUrl") {
                let url = format!("{}{}", config.base_url, path);
                members.insert("QueueUrl".into(), url.into());
            }
            Ok((action, Params::new(members, true), ctx))
        }
    }
}
