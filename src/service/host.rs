//! Where a request was sent, as queue URLs in its answer say it.
//!
//! AWS builds a QueueUrl from the host the request was sent to
//! (`<scheme>://<Host>/<account>/<name>`): a client that reaches the fake as
//! `localhost:9324` gets `localhost:9324` URLs, one that reaches it as `sqs:9324` (from
//! another container) gets `sqs:9324` URLs, whatever address the fake is bound to. An
//! advertised URL (`FakeSqsBuilder::advertised_url`), when set, wins; a request that
//! names no host gets the bound address (`fixtures/aws/queue-urls.json`).

use hyper::http::request::Parts;
use hyper::http::uri::Authority;

use crate::engine::Config;

/// The scheme and authority queue URLs in the answer to this request start with.
pub(crate) fn base_url(config: &Config, parts: &Parts) -> String {
    if !config.follow_host {
        return config.base_url.clone();
    }
    match requested_authority(parts) {
        Some(authority) => {
            let authority = authority.as_str();
            let mut url = String::with_capacity("http://".len() + authority.len());
            url.push_str("http://");
            url.push_str(authority);
            url
        }
        None => config.base_url.clone(),
    }
}

/// The authority the request names: the request line's (an absolute URI, or HTTP/2's
/// `:authority`), else the `Host` header. Anything that is not a plain `host[:port]`
/// (user info, spaces, a path) names nothing: a queue URL must stay a URL.
fn requested_authority(parts: &Parts) -> Option<Authority> {
    let authority = match parts.uri.authority() {
        Some(authority) => authority.clone(),
        None => parts
            .headers
            .get(hyper::header::HOST)?
            .to_str()
            .ok()?
            .parse()
            .ok()?,
    };
    let plain = !authority.as_str().is_empty() && !authority.as_str().contains('@');
    plain.then_some(authority)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::engine;

    fn parts(uri: &str, host: Option<&str>) -> Parts {
        let mut request = hyper::Request::builder().uri(uri);
        if let Some(host) = host {
            request = request.header("host", host);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_host_header_names_the_base() {
        let (engine, _) = engine();
        let config = engine.config();
        let base = |uri, host| base_url(config, &parts(uri, host));
        assert_eq!(base("/", Some("localhost:9324")), "http://localhost:9324");
        assert_eq!(base("/", Some("sqs")), "http://sqs");
        assert_eq!(base("/", Some("[::1]:9324")), "http://[::1]:9324");
        // An absolute request line wins over the header, as HTTP says.
        assert_eq!(
            base("http://proxy.test:80/", Some("other")),
            "http://proxy.test:80"
        );
        // No host, or one that is not a host: the bound address.
        assert_eq!(base("/", None), "http://127.0.0.1:9324");
        assert_eq!(base("/", Some("")), "http://127.0.0.1:9324");
        assert_eq!(base("/", Some("a b")), "http://127.0.0.1:9324");
        assert_eq!(base("/", Some("user@evil")), "http://127.0.0.1:9324");
        assert_eq!(base("/", Some("h/x")), "http://127.0.0.1:9324");
    }
}
