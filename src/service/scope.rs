//! Who a request says it is: the access key and region of its SigV4 credential scope,
//! from the `Authorization` header or a presigned URL's `X-Amz-Credential`. Reading the
//! scope checks nothing; `caller.rs` decides what it is worth.

use hyper::http::request::Parts;

/// The parts of a credential scope the fake uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scope {
    pub access_key: Option<String>,
    pub region: Option<String>,
}

/// Reads `AKID/20250101/us-east-1/sqs/aws4_request`.
fn parse_scope(scope: &str) -> Scope {
    let mut parts = scope.split('/');
    let access_key = parts.next().filter(|s| !s.is_empty()).map(str::to_owned);
    let region = parts.nth(1).filter(|s| !s.is_empty()).map(str::to_owned);
    Scope { access_key, region }
}

/// The credential scope of a request, from its header or its query string.
pub(crate) fn scope(parts: &Parts, query_pairs: &[(String, String)]) -> Scope {
    if let Some(header) = parts
        .headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(start) = header.find("Credential=") {
            let scope = &header[start + "Credential=".len()..];
            let scope = scope.split([',', ' ']).next().unwrap_or("");
            return parse_scope(scope);
        }
    }
    query_pairs
        .iter()
        .find(|(k, _)| k == "X-Amz-Credential")
        .map(|(_, v)| parse_scope(v))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_gives_key_and_region() {
        let c = parse_scope("123456789012/20250101/eu-west-1/sqs/aws4_request");
        assert_eq!(c.access_key.as_deref(), Some("123456789012"));
        assert_eq!(c.region.as_deref(), Some("eu-west-1"));
    }
}
