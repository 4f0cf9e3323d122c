//! Admission: whether the provider takes this request at all, under its [`Rules`]:
//! the protocol, the action, the caller's permission for it, and the parameters. It
//! runs before the request is parsed, as the providers check.

use crate::api::ActionName;
use crate::engine::credentials::Permissions;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;
use crate::protocol::Protocol;
use crate::rules::{Need, Rules, Unsupported};

/// Admits or refuses a request for `action` (as named on the wire) with `params`, from a
/// caller holding `permissions` (an issued credential's; `None` when the provider has
/// no permission model). `resource` is what an access-denied answer names.
pub(crate) fn admit(
    rules: &Rules,
    protocol: Protocol,
    action: &str,
    params: &Params,
    permissions: Option<Permissions>,
    resource: &str,
) -> Result<(), SqsError> {
    let admission = &rules.admission;
    if protocol == Protocol::Json && !admission.json {
        return Err(SqsError::new(
            ErrorCode::MissingAction,
            "The request must contain the parameter Action.",
        ));
    }
    let named = ActionName::parse(action);
    if let Some(served) = admission.actions {
        let need = named.and_then(|a| served.iter().find(|(n, _)| *n == a).map(|(_, need)| *need));
        let Some(need) = need else {
            return Err(match admission.unsupported_action {
                Unsupported::AsUnknown => SqsError::new(
                    ErrorCode::InvalidAction,
                    format!("The action {action} is not valid for this endpoint."),
                ),
                Unsupported::AsUnsupported => unsupported(rules, format!("The action {action}")),
            });
        };
        if permissions.is_some_and(|p| !allows(need, p)) {
            return Err(SqsError::new(
                ErrorCode::AccessDenied,
                format!("Access to the resource {resource} is denied."),
            ));
        }
    }
    let Some(refused) = named.and_then(|a| {
        admission
            .unsupported_parameters
            .iter()
            .find(|u| u.action == a)
    }) else {
        return Ok(());
    };
    if let Some(name) = refused.request.iter().find(|n| params.has(n)) {
        return Err(unsupported(rules, format!("The parameter {name}")));
    }
    if !refused.entry.is_empty() {
        for entry in params.entries("Entries")?.unwrap_or_default() {
            if let Some(name) = refused.entry.iter().find(|n| entry.has(n)) {
                return Err(unsupported(rules, format!("The parameter {name}")));
            }
        }
    }
    Ok(())
}

/// Whether `permissions` grant what `need` asks for.
fn allows(need: Need, p: Permissions) -> bool {
    match need {
        Need::Manage => p.can_manage,
        Need::Publish => p.can_publish,
        Need::Receive => p.can_receive,
        Need::ReceiveOrManage => p.can_receive || p.can_manage,
        Need::Any => p.can_manage || p.can_publish || p.can_receive,
    }
}

fn unsupported(rules: &Rules, what: String) -> SqsError {
    SqsError::new(
        ErrorCode::UnsupportedOperation,
        format!("{what} is not supported by {}.", rules.provider),
    )
}
