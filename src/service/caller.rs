//! Who is calling, decided in one place: the account and region a request acts as, the
//! access key it was signed with and whether the signature holds (strict mode), and the
//! issued credential it uses, where the provider issues credentials.

use hyper::http::request::Parts;

use super::scope::scope;
use super::signature;
use crate::actions::Ctx;
use crate::engine::credentials::Permissions;
use crate::engine::{Caller, Engine};
use crate::error::{ErrorCode, SqsError};
use crate::rules::CredentialModel;

/// The caller a request's credential scope names: its region (else the default), its
/// access key, and as account a 12-digit access key (else the default account).
pub(crate) fn identify(engine: &Engine, parts: &Parts, query_pairs: &[(String, String)]) -> Ctx {
    let scope = scope(parts, query_pairs);
    let config = engine.config();
    let account = scope
        .access_key
        .as_ref()
        .filter(|k| k.len() == 12 && k.bytes().all(|b| b.is_ascii_digit()))
        .cloned()
        .unwrap_or_else(|| config.default_account.clone());
    Ctx {
        caller: Caller {
            account,
            region: scope
                .region
                .unwrap_or_else(|| config.default_region.clone()),
        },
        access_key: scope.access_key,
        trace_header: parts
            .headers
            .get("x-amzn-trace-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        chaos: Default::default(),
    }
}

/// Strict mode: checks the signature of a request signed in its `Authorization` header
/// with a known credential. Requests without one, or with an unknown key, are judged
/// later, when the credential is bound.
pub(crate) fn verify_signature(
    engine: &Engine,
    parts: &Parts,
    body: &[u8],
) -> Result<(), SqsError> {
    if !engine.config().verify_signatures {
        return Ok(());
    }
    let Some(key) = scope(parts, &[]).access_key else {
        return Ok(());
    };
    match engine.signing_secret(&key) {
        Some((secret, region)) => {
            signature::verify(parts, body, &key, &secret, &region, engine.clock().now())
        }
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
