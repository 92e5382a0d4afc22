//! The audit trail for auditors (`GET /v1/audit`, redacted as `service::audit_trail` decides), and
//! the recording of denied attempts.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::Authenticated;
use super::State;
use super::extract::Timestamp;
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use crate::audit::{self, Actor, Object};
use crate::auth::Caller;
use crate::db::audit::Filter;
use crate::error::{ApiResult, Denied};
use crate::service::audit_trail;
use crate::views::audit_event::AuditEventView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Auditor);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only what this subject did.
    #[param(max_length = 256, pattern = r"^[^\x00]*$")]
    pub actor: Option<String>,
    #[param(max_length = 256, pattern = r"^[^\x00]*$")]
    pub action: Option<String>,
    #[param(max_length = 256, pattern = r"^[^\x00]*$")]
    pub object_type: Option<String>,
    #[param(max_length = 256, pattern = r"^[^\x00]*$")]
    pub object_id: Option<String>,
    /// Only records at or after this time (RFC 3339; encode `+` as `%2B`).
    pub from: Option<Timestamp>,
    /// Only records before this time.
    pub to: Option<Timestamp>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^id\.[0-9]{1,18}$", max_length = 21)]
    pub cursor: Option<String>,
}

/// The audit trail, oldest first (auditors).
#[utoipa::path(
    tag = "audit", operation_id = "listAuditEvents",
    params(AuditQuery),
    responses(
        (status = OK, description = "A page of audit records, newest first.", body = Page<AuditEventView>),
    )
)]
#[get("/audit")]
async fn list(
    state: State,
    principal: Authenticated,
    query: super::extract::QueryParams<AuditQuery>,
) -> ApiResult<web::Json<Page<AuditEventView>>> {
    let query = query.0;
    let limit = pagination::limit(query.limit)?;
    let filter = Filter {
        actor: query.actor,
        action: query.action,
        object_type: query.object_type,
        object_id: query.object_id,
        from: query.from.map(Timestamp::stored),
        to: query.to.map(Timestamp::stored),
        after: pagination::after_id(query.cursor.as_deref())?,
        limit: i64::from(limit) + 1,
    };
    let rows = state.read(principal, move |conn, principal| audit_trail::list(conn, principal, &filter)).await?;
    let view = |(event, redacted)| AuditEventView::new(event, redacted);
    Ok(web::Json(pagination::page(rows, limit, |(e, _)| pagination::id_cursor(e.id), view)))
}

/// Records requests refused for who made them (401, 403, and 404s for resources the caller may not
/// see), after the answer is made. Queued without waiting: a flood of bad requests costs records,
/// not memory.
pub async fn record_denials(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<State>().cloned();
    let request = format!("{} {}", req.method(), super::shown_path(req.path()));
    let response = next.call(req).await?;
    let status = response.status().as_u16();
    let denied = matches!(status, 401 | 403) || response.response().extensions().get::<Denied>().is_some();
    if let (true, Some(state)) = (denied, state) {
        let caller = response.request().extensions().get::<Caller>().cloned();
        let actor = match &caller {
            Some(caller) => Actor { subject: &caller.subject, kind: if caller.client { "client" } else { "user" } },
            None => Actor { subject: "anonymous", kind: "anonymous" },
        };
        let object = Object { kind: "request", id: Some(request), committee: None, closed: false };
        let answer = serde_json::json!({ "status": status });
        state.auditor.try_later(audit::event(actor, "denied", &object, None::<&()>, Some(&answer)));
    }
    Ok(response)
}
