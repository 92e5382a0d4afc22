//! `GET /v1/me`: who the service thinks the caller is, and what it may do where.

use actix_web::{get, web};

use super::Authenticated;
use super::State;
use super::policy::{Access, Routes};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::service;
use crate::views::me::Me;

pub fn routes(cfg: &mut Routes) {
    cfg.add(me, Access::SignedIn);
}

/// Who the caller is: groups (direct and inherited), service roles, and the role on each committee.
#[utoipa::path(tag = "users", operation_id = "getMe", responses((status = OK, description = "Who the service takes the caller to be.", body = Me)))]
#[get("/me")]
async fn me(state: State, caller: Caller, principal: Authenticated) -> ApiResult<web::Json<Me>> {
    let token_groups = caller.groups.clone();
    let (name, email) = (caller.name.clone(), caller.email.clone());
    let me = state
        .read(principal, move |conn, principal| {
            service::me::describe(conn, principal, &token_groups, name.clone(), email.clone())
        })
        .await?;
    Ok(web::Json(me))
}
