//! The service layer: the one place every SQS request passes, exactly once, between the
//! codecs and the actions.
//!
//! [`handle`] takes a decoded request and
//! 1. resolves the caller (`caller.rs`): account and region from the credential scope,
//!    the signature in strict mode, the issued credential where the provider issues
//!    them;
//! 2. admits or refuses it under the provider's rules (`admission.rs`): protocol,
//!    action, permission, parameters;
//! 3. parses the action and dispatches it (`actions`), which runs one engine operation;
//! 4. hands back the outcome, for the codec to write.
//!
//! It is the seam for what concerns every request alike: access control by queue
//! policy belongs after step 2, injected faults just before step 3 (a fault answers
//! instead of the action), and a request journal or expectations after step 4.

pub(crate) mod admission;
pub(crate) mod caller;
mod host;
mod scope;
mod signature;

use hyper::http::request::Parts;

use crate::actions::Action;
use crate::api::ActionName;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::request::Decoded;
use crate::protocol::{Outcome, Protocol};

/// One request as the server read and the codec decoded it.
pub(crate) struct Request<'a> {
    pub protocol: Protocol,
    /// The HTTP head: the credential scope and the signature are read from it.
    pub http: &'a Parts,
    /// The body as received, for the signature.
    pub body: &'a [u8],
    /// The action and members, or the codec's error (with the action as far as it was
    /// read): answered after the signature check, as the providers do.
    pub decoded: Result<Decoded, (String, SqsError)>,
}

/// What the service answers: the action as named on the wire, and its outcome.
pub(crate) struct Answer {
    pub action: String,
    pub outcome: Result<Outcome, SqsError>,
}

/// Runs one request through the service: caller, admission, dispatch.
pub(crate) async fn handle(engine: &Engine, request: Request<'_>) -> Answer {
    // A request that names no action at all is answered before its credentials are
    // looked at: AWS answers an unsigned `GET /` with its 404 too.
    if let Err((action, err)) = &request.decoded {
        if err.code == ErrorCode::UnknownOperation {
            return Answer {
                action: action.clone(),
                outcome: Err(err.clone()),
            };
        }
    }
    if let Err(err) = caller::verify_signature(engine, request.http, request.body) {
        return Answer {
            action: String::new(),
            outcome: Err(err),
        };
    }
    let Decoded {
        action,
        params,
        query_pairs,
    } = match request.decoded {
        Ok(decoded) => decoded,
        Err((action, err)) => {
            return Answer {
                action,
                outcome: Err(err),
            }
        }
    };
    let mut ctx = caller::identify(engine, request.http, &query_pairs);
    let permissions = caller::bind_issued_credential(engine, &mut ctx);
    // Refusals name the URL the request was sent to, as AWS's do.
    let resource = SentTo {
        base_url: &ctx.base_url,
        path: request.http.uri.path(),
    };
    let admitted = permissions.and_then(|permissions| {
        admission::admit(
            engine.rules(),
            request.protocol,
            &action,
            &params,
            permissions,
            &resource,
        )
    });
    let parsed = admitted
        .and_then(|()| ActionName::parse(&action).ok_or_else(|| SqsError::invalid_action(&action)))
        .and_then(|name| {
            admission::admit_to_queue(engine, &ctx, name, &params, &resource)?;
            Action::parse(name, &params)
        });
    let outcome = match parsed {
        Ok(parsed) => parsed.apply(engine, &ctx).await,
        Err(err) => Err(err),
    };
    Answer { action, outcome }
}

/// The URL a request was sent to, written out only when a refusal names it (most
/// requests are admitted, and need not pay for the string).
struct SentTo<'a> {
    base_url: &'a str,
    path: &'a str,
}

impl std::fmt::Display for SentTo<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.base_url, self.path)
    }
}
