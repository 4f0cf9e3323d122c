//! Strict mode: checks a request's SigV4 signature by computing it again with the
//! credential's secret (`aws-sigv4`, the AWS SDK's own signer), as the provider would:
//! the credential scope's region and service, the timestamp's skew against the fake's
//! clock, then the signature itself. The signature may be in the `Authorization` header
//! or in the query string (a presigned URL); the answers are the ones AWS gives
//! (`fixtures/aws/signatures.json`).

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use hyper::http::request::Parts;

use crate::error::{ErrorCode, SqsError};

/// How far a request's timestamp may be from the server's time (AWS: 15 minutes). A
/// presigned URL's `X-Amz-Expires` does not change it: SQS, like the other services
/// outside S3, ignores it.
const MAX_SKEW: Duration = Duration::from_secs(crate::limits::MAX_SIGNATURE_SKEW_SECS);

/// The payload hash of a presigned request that does not sign its body, as botocore's
/// presigned URLs say.
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The query parameters of a presigned URL that carry its signature.
const QUERY_AUTH: [&str; 5] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
];

fn mismatch(message: impl Into<String>) -> SqsError {
    SqsError::new(ErrorCode::SignatureDoesNotMatch, message.into())
}

fn incomplete(message: impl Into<String>) -> SqsError {
    SqsError::new(ErrorCode::IncompleteSignature, message.into())
}

/// `20250101T000000Z` as AWS writes times in signatures.
fn basic(t: SystemTime) -> String {
    let s = humantime::format_rfc3339_seconds(t).to_string();
    s.replace(['-', ':'], "")
}

fn parse_basic(s: &str) -> Option<SystemTime> {
    if s.len() != 16 || !s.is_ascii() {
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

/// Where a request carries its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    /// `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
    Header,
    /// A presigned URL: `X-Amz-Credential=…&X-Amz-Signature=…` in the query string.
    Query,
}

/// The SigV4 signature a request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    location: Location,
    pub access_key: String,
    region: String,
    service: String,
    /// `X-Amz-Date`, as sent.
    timestamp: String,
    signed_headers: Vec<String>,
    signature: String,
}

/// The signature a request carries: `None` when it carries none (an anonymous request),
/// an error when it carries part of one.
pub(crate) fn read(parts: &Parts) -> Result<Option<Signature>, SqsError> {
    if let Some(header) = parts.headers.get(hyper::header::AUTHORIZATION) {
        let header = header.to_str().unwrap_or("");
        return from_header(parts, header).map(Some);
    }
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if QUERY_AUTH.iter().all(|name| get(name).is_none()) {
        return Ok(None);
    }
    let missing: Vec<&str> = QUERY_AUTH
        .iter()
        .copied()
        .filter(|name| get(name).is_none_or(str::is_empty))
        .collect();
    if !missing.is_empty() || get("X-Amz-Algorithm") != Some("AWS4-HMAC-SHA256") {
        return Err(incomplete(format!(
            "AWS query-string parameters must include 'X-Amz-Algorithm' (AWS4-HMAC-SHA256), \
             'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders' and 'X-Amz-Signature'. \
             Missing: {}.",
            missing.join(", ")
        )));
    }
    let credential = get("X-Amz-Credential").unwrap_or("");
    let (access_key, region, service) = scope_of(credential)
        .ok_or_else(|| incomplete(format!("Invalid credential scope {credential}.")))?;
    Ok(Some(Signature {
        location: Location::Query,
        access_key,
        region,
        service,
        timestamp: get("X-Amz-Date").unwrap_or("").to_owned(),
        signed_headers: split_headers(get("X-Amz-SignedHeaders").unwrap_or("")),
        signature: get("X-Amz-Signature").unwrap_or("").to_owned(),
    }))
}

/// `AKID/20250101/us-east-1/sqs/aws4_request` → key, region, service.
fn scope_of(credential: &str) -> Option<(String, String, String)> {
    let parts: Vec<&str> = credential.split('/').collect();
    match parts.as_slice() {
        [key, _date, region, service, "aws4_request"] if !key.is_empty() => {
            Some((key.to_string(), region.to_string(), service.to_string()))
        }
        _ => None,
    }
}

fn split_headers(list: &str) -> Vec<String> {
    list.split(';')
        .filter(|h| !h.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

fn from_header(parts: &Parts, header: &str) -> Result<Signature, SqsError> {
    let incomplete_header = || {
        incomplete(format!(
            "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization={header}"
        ))
    };
    let rest = header
        .strip_prefix("AWS4-HMAC-SHA256")
        .ok_or_else(incomplete_header)?
        .trim();
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            continue;
        };
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    let (Some(credential), Some(signed), Some(signature)) = (credential, signed, signature) else {
        return Err(incomplete_header());
    };
    let (access_key, region, service) = scope_of(credential).ok_or_else(incomplete_header)?;
    let timestamp = parts
        .headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    Ok(Signature {
        location: Location::Header,
        access_key,
        region,
        service,
        timestamp,
        signed_headers: split_headers(signed),
        signature: signature.to_owned(),
    })
}

/// Verifies `signed`, the request's signature, with `secret`, for a credential valid in
/// `region`, at the fake's time `now`.
pub(crate) fn verify(
    parts: &Parts,
    body: &[u8],
    signed: &Signature,
    secret: &str,
    region: &str,
    now: SystemTime,
) -> Result<(), SqsError> {
    // AWS's texts end with a space (fixtures/aws/signatures.json).
    if signed.region != region {
        return Err(mismatch(format!(
            "Credential should be scoped to a valid region, not '{}'. ",
            signed.region
        )));
    }
    if signed.service != "sqs" {
        return Err(mismatch(
            "Credential should be scoped to correct service: 'sqs'. ",
        ));
    }
    let date = &signed.timestamp;
    let time = parse_basic(date).ok_or_else(|| match signed.location {
        Location::Header => incomplete(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        ),
        Location::Query => incomplete(format!("Invalid X-Amz-Date {date}.")),
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
    let payloads = payload_hashes(parts, body, signed.location);
    for payload in &payloads {
        if expected_signature(parts, signed, secret, time, payload)? == signed.signature {
            return Ok(());
        }
    }
    Err(mismatch(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    ))
}

/// The payload hashes a signature may have been made with: the one the request states
/// (`x-amz-content-sha256`), else the body's; a presigned URL may also leave its
/// payload unsigned, as botocore's do.
fn payload_hashes(parts: &Parts, body: &[u8], location: Location) -> Vec<String> {
    let stated = parts
        .headers
        .get("x-amz-content-sha256")
        .and_then(|v| v.to_str().ok());
    let mut hashes = vec![stated.map_or_else(|| sha256_hex(body), str::to_owned)];
    if location == Location::Query && stated.is_none() {
        hashes.push(UNSIGNED_PAYLOAD.to_owned());
    }
    hashes
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The signature the request would carry if signed with `secret` at `time` over the
/// payload hash `payload`.
///
/// Both forms are computed in aws-sigv4's header form: the canonical request of a
/// presigned URL is its query string without `X-Amz-Signature` (sorted and encoded as
/// SigV4 says, which the signer does) and the headers it names, and the signer's own
/// `x-amz-date` header is left out of the signed headers, as the URL signed none.
fn expected_signature(
    parts: &Parts,
    signed: &Signature,
    secret: &str,
    time: SystemTime,
    payload: &str,
) -> Result<String, SqsError> {
    let host = parts
        .uri
        .authority()
        .map(|a| a.as_str())
        .or_else(|| {
            parts
                .headers
                .get(hyper::header::HOST)
                .and_then(|v| v.to_str().ok())
        })
        .unwrap_or("localhost");
    let path = parts.uri.path();
    let query = match signed.location {
        Location::Header => parts.uri.query().unwrap_or("").to_owned(),
        Location::Query => without_signature(parts.uri.query().unwrap_or("")),
    };
    let uri = match query.is_empty() {
        true => format!("http://{host}{path}"),
        false => format!("http://{host}{path}?{query}"),
    };
    let headers: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .filter(|(name, _)| {
            let name = name.as_str();
            name != "host"
                && name != "x-amz-date"
                && signed.signed_headers.iter().any(|h| h == name)
        })
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let mut settings = SigningSettings::default();
    settings.excluded_headers = match signed.location {
        Location::Header => None,
        Location::Query => Some(vec!["x-amz-date".into()]),
    };
    let identity: Identity =
        Credentials::new(&signed.access_key, secret, None, None, "fake-sqs").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&signed.region)
        .name(&signed.service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| mismatch(e.to_string()))?
        .into();
    let body = SignableBody::Precomputed(payload.to_owned());
    let signable = SignableRequest::new(parts.method.as_str(), uri, headers.into_iter(), body)
        .map_err(|e| mismatch(e.to_string()))?;
    let output = sign(signable, &params).map_err(|e| mismatch(e.to_string()))?;
    Ok(output.signature().to_owned())
}

/// A query string without its `X-Amz-Signature` pair, the rest as sent.
fn without_signature(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            let key: String = form_urlencoded::parse(key.as_bytes())
                .map(|(k, _)| k.into_owned())
                .next()
                .unwrap_or_default();
            key != "X-Amz-Signature"
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut request = hyper::Request::builder().uri(uri);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn signatures_are_read_from_the_header_or_the_query() {
        let unsigned = parts("/?Action=ListQueues", &[]);
        assert_eq!(read(&unsigned).unwrap(), None);

        let header = parts(
            "/",
            &[
                ("authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"),
                ("x-amz-date", "20250101T000000Z"),
            ],
        );
        let signed = read(&header).unwrap().unwrap();
        assert_eq!(signed.location, Location::Header);
        assert_eq!(signed.access_key, "AKID");
        assert_eq!(signed.region, "eu-west-1");
        assert_eq!(signed.signed_headers, ["host", "x-amz-date"]);

        let presigned = parts(
            "/?Action=ListQueues&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20250101%2Fus-east-1%2Fsqs%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=abc",
            &[],
        );
        let signed = read(&presigned).unwrap().unwrap();
        assert_eq!(signed.location, Location::Query);
        assert_eq!(signed.access_key, "AKID");
        assert_eq!(signed.timestamp, "20250101T000000Z");

        let partial = parts(
            "/?X-Amz-Credential=AKID%2F20250101%2Fus-east-1%2Fsqs%2Faws4_request",
            &[],
        );
        assert_eq!(
            read(&partial).unwrap_err().code,
            ErrorCode::IncompleteSignature
        );
        let bearer = parts("/", &[("authorization", "Bearer x")]);
        assert_eq!(
            read(&bearer).unwrap_err().code,
            ErrorCode::IncompleteSignature
        );
    }

    #[test]
    fn the_signature_pair_alone_leaves_the_query() {
        assert_eq!(
            without_signature("Action=A&X-Amz-Signature=abc&X-Amz-Date=1"),
            "Action=A&X-Amz-Date=1"
        );
        assert_eq!(without_signature("X-Amz-Signature=abc"), "");
    }
}
