//! Who is calling, decided in one place: the account and region a request acts as, the
//! access key it was signed with and whether the signature holds (strict mode), and the
//! issued credential it uses, where the provider issues credentials.

use hyper::header::HeaderName;
use hyper::http::request::Parts;

use super::scope::scope;
use super::signature;
use crate::actions::Ctx;
use crate::engine::credentials::Permissions;
use crate::engine::{Caller, Engine};
use crate::error::{ErrorCode, SqsError};
use crate::rules::CredentialModel;

/// `X-Amzn-Trace-Id`, as a constant: looking a header up by a string parses the name first.
const X_AMZN_TRACE_ID: HeaderName = HeaderName::from_static("x-amzn-trace-id");

/// The caller a request's credential scope names: its region (else the default), its
/// access key, and as account the one declared for the key, else a 12-digit access key,
/// else the default account. In strict mode a request without credentials is anonymous.
pub(crate) fn identify(engine: &Engine, parts: &Parts, query_pairs: &[(String, String)]) -> Ctx {
    let scope = scope(parts, query_pairs);
    let config = engine.config();
    let account = scope
        .access_key
        .as_ref()
        .and_then(|key| match config.declared.get(key) {
            Some(declared) => Some(declared.account.clone()),
            None => {
                (key.len() == 12 && key.bytes().all(|b| b.is_ascii_digit())).then(|| key.clone())
            }
        })
        .unwrap_or_else(|| config.default_account.clone());
    Ctx {
        anonymous: config.verify_signatures && scope.access_key.is_none(),
        caller: Caller {
            account,
            region: scope
                .region
                .unwrap_or_else(|| config.default_region.clone()),
        },
        access_key: scope.access_key,
        trace_header: parts
            .headers
            .get(X_AMZN_TRACE_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        base_url: super::host::base_url(config, parts),
        chaos: Default::default(),
    }
}

/// Strict mode: checks the signature of a signed request (in its `Authorization` header
/// or its query string). A key the fake does not know is refused where the provider
/// takes any signed request (`InvalidClientTokenId`); where it takes only the keys it
/// issued, requests without a known key are judged when the credential is bound. A
/// request without any signature is anonymous (see [`identify`]).
pub(crate) fn verify_signature(
    engine: &Engine,
    parts: &Parts,
    body: &[u8],
) -> Result<(), SqsError> {
    if !engine.config().verify_signatures {
        return Ok(());
    }
    let Some(signed) = signature::read(parts)? else {
        return Ok(());
    };
    match engine.signing_secret(&signed.access_key) {
        Some((secret, region)) => {
            signature::verify(parts, body, &signed, &secret, &region, engine.clock().now())
        }
        None if engine.rules().credentials == CredentialModel::Scope => Err(SqsError::new(
            ErrorCode::InvalidClientTokenId,
            "The security token included in the request is invalid.",
        )),
        None => Ok(()),
    }
}

/// Binds the caller to the credential its access key names, when the provider only
/// accepts keys it issued: the credential's account (project) and region become the
/// caller's, and the account must have the service activated. Returns the
/// credential's permissions (`None` when the provider has no credentials of its own).
pub(crate) fn bind_issued_credential(
    engine: &Engine,
    ctx: &mut Ctx,
) -> Result<Option<Permissions>, SqsError> {
    if engine.rules().credentials == CredentialModel::Scope {
        return Ok(None);
    }
    let Some(key) = ctx.access_key.as_deref() else {
        return Err(SqsError::new(
            ErrorCode::MissingAuthenticationToken,
            "Request is missing Authentication Token",
        ));
    };
    let state = engine.lock();
    let credential = state.credentials.by_access_key(key).ok_or_else(|| {
        SqsError::new(
            ErrorCode::InvalidClientTokenId,
            "The security token included in the request is invalid.",
        )
    })?;
    ctx.caller.account = credential.project_id.clone();
    ctx.caller.region = credential.region.clone();
    if !state
        .credentials
        .is_enabled(&credential.project_id, &credential.region)
    {
        return Err(SqsError::new(
            ErrorCode::AccessDenied,
            "Queues (SQS) is not activated for this project.",
        ));
    }
    Ok(Some(credential.permissions))
}
