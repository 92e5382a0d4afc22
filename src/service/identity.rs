//! Who the caller is: a verified token's identity, made a principal with what the database knows,
//! or refused when the database says it may no longer sign in.

use chrono::NaiveDateTime;

use crate::audit::{self, Auditor, Object};
use crate::auth::secrets;
use crate::db::{DbConnection, access, clients, users};
use crate::domain::access::Principal;
use crate::domain::identity::{Caller, secret_generation};
use crate::error::{ApiError, ApiResult};

/// Resolves the caller; 401 for a deactivated user or an unknown or disabled client.
pub fn resolve(conn: &mut DbConnection, caller: &Caller, now: NaiveDateTime) -> ApiResult<Principal> {
    if caller.client {
        let client = clients::find_by_client_id(conn, &caller.subject)?
            .filter(|c| c.enabled)
            .ok_or_else(|| ApiError::Unauthorized("The client is not registered or has been disabled.".into()))?;
        if caller.secret_generation != Some(secret_generation(client.secret_rotated_at)) {
            return Err(ApiError::Unauthorized(
                "The client's secret has been replaced since this token was issued; request a new token.".into(),
            ));
        }
        return Ok(access::client_principal(conn, client)?);
    }
    let user = users::record_seen(conn, caller, now)?;
    if !user.active {
        return Err(ApiError::Unauthorized("The user has been deactivated.".into()));
    }
    let direct = access::direct_groups(conn, caller)?;
    Ok(access::principal(conn, caller.subject.clone(), false, caller.roles.clone(), direct)?)
}

/// A service client that proves itself with `secret`: its `client_id` and the generation of its
/// secret (which tokens carry), or `None` for an unknown or disabled client or a wrong secret. The
/// secret is checked even for an unknown client, so that the time taken does not tell which ids
/// exist. A token issued is recorded.
pub fn authenticate_client(
    conn: &mut DbConnection,
    auditor: &Auditor,
    client_id: &str,
    secret: &str,
) -> ApiResult<Option<(String, i64)>> {
    let client = clients::find_by_client_id(conn, client_id)?;
    let valid = match &client {
        Some(client) => secrets::verify(secret, &client.secret_hash) && client.enabled,
        None => {
            secrets::verify_nothing(secret);
            false
        }
    };
    Ok(match client {
        Some(client) if valid => {
            let actor = audit::Actor { subject: &client.client_id, kind: "client" };
            let object = Object::new("client", client.id);
            auditor.later(audit::event(actor, "issue_token", &object, None::<&()>, None::<&()>));
            Some((client.client_id, secret_generation(client.secret_rotated_at)))
        }
        _ => None,
    })
}
