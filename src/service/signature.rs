//! Strict mode: checks a request's SigV4 signature by computing it again with the
//! credential's secret (`aws-sigv4`), as the provider would: the signature, the
//! timestamp's skew against the fake's clock, and the credential scope's region.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use hyper::http::request::Parts;

use crate::error::{ErrorCode, SqsError};

/// How far a request's timestamp may be from the server's time (AWS: 15 minutes).
const MAX_SKEW: Duration = Duration::from_secs(crate::limits::MAX_SIGNATURE_SKEW_SECS);

fn mismatch(message: impl Into<String>) -> SqsError {
    SqsError::new(ErrorCode::SignatureDoesNotMatch, message.into())
}

/// `20250101T000000Z` as AWS writes times in signatures.
fn basic(t: SystemTime) -> String {
    let s = humantime::format_rfc3339_seconds(t).to_string();
    s.replace(['-', ':'], "")
}

fn parse_basic(s: &str) -> Option<SystemTime> {
    if s.len() != 16 {
        return None;
    }
    let extended = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &s[0..4],
        &s[4..6],
        &s[6..8],
        &s[9..11],
        &s[11..13],
        &s[13..15]
    );
    humantime::parse_rfc3339(&extended).ok()
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.
struct Authorization<'a> {
    region: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(header: &str) -> Option<Authorization<'_>> {
    let rest = header.strip_prefix("AWS4-HMAC-SHA256")?.trim();
    let (mut scope, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => scope = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    let region = scope?.split('/').nth(2)?;
    Some(Authorization {
        region,
        signed_headers: signed?.split(';').collect(),
        signature: signature?,
    })
}

/// Verifies the request's signature with `secret`, for a credential valid in `region`,
/// at the fake's time `now`.
pub(crate) fn verify(
    parts: &Parts,
    body: &[u8],
    access_key: &str,
    secret: &str,
    region: &str,
    now: SystemTime,
) -> Result<(), SqsError> {
    let header = parts
        .headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            SqsError::new(
                ErrorCode::IncompleteSignature,
                "Strict mode needs the signature in the Authorization header.",
            )
        })?;
    let auth = parse_authorization(header).ok_or_else(|| {
        SqsError::new(
            ErrorCode::IncompleteSignature,
            format!("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization={header}"),
        )
    })?;
    let date = parts
        .headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let time = parse_basic(date).ok_or_else(|| {
        SqsError::new(
            ErrorCode::IncompleteSignature,
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        )
    })?;
    if time + MAX_SKEW < now {
        return Err(mismatch(format!(
            "Signature expired: {date} is now earlier than {} ({} - 15 min.)",
            basic(now - MAX_SKEW),
            basic(now)
        )));
    }
    if time > now + MAX_SKEW {
        return Err(mismatch(format!(
            "Signature not yet current: {date} is still later than {} ({} + 15 min.)",
            basic(now + MAX_SKEW),
            basic(now)
        )));
    }
    if auth.region != region {
        return Err(mismatch("Credential should be scoped to a valid region."));
    }

    let host = parts
        .headers
        .get(hyper::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let uri = format!("http://{host}{path_and_query}");
    let headers: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .filter(|(name, _)| {
            let name = name.as_str();
            name != "host" && name != "x-amz-date" && auth.signed_headers.contains(&name)
        })
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let mut settings = SigningSettings::default();
    settings.excluded_headers = None;
    let identity: Identity = Credentials::new(access_key, secret, None, None, "fake-sqs").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(auth.region)
        .name("sqs")
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| mismatch(e.to_string()))?
        .into();
    let method = parts.method.as_str();
    let signable =
        SignableRequest::new(method, uri, headers.into_iter(), SignableBody::Bytes(body))
            .map_err(|e| mismatch(e.to_string()))?;
    let expected = sign(signable, &params).map_err(|e| mismatch(e.to_string()))?;
    if expected.signature() != auth.signature {
        return Err(mismatch(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ));
    }
    Ok(())
}
