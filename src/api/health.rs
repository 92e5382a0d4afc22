//! Probes for the container platform: `/healthz` (the process answers) and `/readyz` (the database
//! answers too).

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::State;
use super::policy::{Access, Routes};
use crate::error::ApiResult;

pub fn routes(cfg: &mut Routes) {
    cfg.add(healthz, Access::Anyone).add(readyz, Access::Anyone);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"status": "ready"})))]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(tag = "operations", operation_id = "checkHealth", responses((status = OK, description = "The process is up.", body = Health)))]
#[get("/healthz")]
async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// The process is up and its database answers.
#[utoipa::path(tag = "operations", operation_id = "checkReadiness", responses((status = OK, description = "The process and its database answer.", body = Health)))]
#[get("/readyz")]
async fn readyz(state: State) -> ApiResult<web::Json<Health>> {
    state.db.ping().await?;
    Ok(web::Json(Health { status: "ready" }))
}
