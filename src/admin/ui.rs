//! `/_fake-sqs/ui`: the dashboard, one page for people that shows what the admin API
//! shows (queues, dead-letter links, messages, move tasks, the clock, the journal) and
//! refreshes itself. Plain HTML, CSS and JavaScript from `ui/`, put together into one
//! document when first served: no external asset and no build step, so it works offline.
//! Its script reads and drives the admin API with `fetch`, like any other client.
//!
//! Everything it shows is user data (queue names, bodies, attributes): the script only
//! ever writes it as text. The answer's Content-Security-Policy lets the page run its
//! own script and style, by hash, and talk to this server only, so that even a mistake
//! there could not run anything else or load anything from elsewhere.

use std::sync::LazyLock;

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::Full;
use hyper::{Method, Response};
use sha2::{Digest, Sha256};

use super::{Handler, Route};

pub(super) const ROUTES: &[Route] = &[Route {
    method: Method::GET,
    path: "ui",
    summary: "the dashboard: a page for a browser, over this API",
    handler: Handler::Page(page),
}];

const HTML: &str = include_str!("ui/dashboard.html");
const CSS: &str = include_str!("ui/dashboard.css");
const SCRIPT: &str = include_str!("ui/dashboard.js");

/// Where the style and the script go in `HTML`.
const CSS_SLOT: &str = "<style></style>";
const SCRIPT_SLOT: &str = "<script></script>";

/// The page and its Content-Security-Policy, made once.
static PAGE: LazyLock<(Bytes, String)> = LazyLock::new(|| {
    let html = HTML
        .replacen(CSS_SLOT, &format!("<style>{CSS}</style>"), 1)
        .replacen(SCRIPT_SLOT, &format!("<script>{SCRIPT}</script>"), 1);
    let policy = format!(
        "default-src 'none'; script-src '{}'; style-src '{}'; connect-src 'self'; \
         img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        hash(SCRIPT),
        hash(CSS),
    );
    (Bytes::from(html), policy)
});

/// A CSP source for an inline element with this text.
fn hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn page() -> Response<Full<Bytes>> {
    let (html, policy) = &*PAGE;
    Response::builder()
        .header("content-type", "text/html; charset=utf-8")
        .header("content-security-policy", policy.as_str())
        // What it shows changes with every request: never from a cache.
        .header("cache-control", "no-store")
        .header("x-content-type-options", "nosniff")
        .body(Full::new(html.clone()))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slots are there once each, so the page gets its style and script.
    #[test]
    fn the_page_has_one_slot_for_the_style_and_one_for_the_script() {
        assert_eq!(HTML.matches(CSS_SLOT).count(), 1);
        assert_eq!(HTML.matches(SCRIPT_SLOT).count(), 1);
        assert_eq!(PAGE.0.len(), HTML.len() + CSS.len() + SCRIPT.len());
        // Either would end its element early, and the rest would not match the hash.
        assert!(!CSS.contains("</style") && !SCRIPT.contains("</script"));
    }
}
