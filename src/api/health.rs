//! Probes for the container platform: `/healthz` (the process answers) and `/readyz` (the database
//! answers too).

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::State;
use crate::error::ApiResult;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(healthz).service(readyz);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(tag = "operations", responses((status = OK, body = Health)))]
#[get("/healthz")]
async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// The process is up and its database answers.
#[utoipa::path(tag = "operations", responses((status = OK, body = Health)))]
#[get("/readyz")]
async fn readyz(state: State) -> ApiResult<web::Json<Health>> {
    state.db.ping().await?;
    Ok(web::Json(Health { status: "ready" }))
}
