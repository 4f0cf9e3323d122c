//! Who is calling: the account and region a request acts as, and the issued credential
//! it was signed with, if the provider issues them.

use crate::actions::Ctx;
use crate::engine::credentials::Permissions;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::rules::CredentialModel;

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
