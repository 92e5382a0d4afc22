//! Who the caller is: a verified token's identity, made a principal with what the database knows,
//! or refused when the database says it may no longer sign in.

use chrono::NaiveDateTime;

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
