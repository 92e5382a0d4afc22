//! The audit trail for auditors (`GET /v1/audit`), and the recording of denied attempts.
//!
//! A record's values can hold closed content (an item's old and new fields). An auditor who is not a
//! member of the record's committee sees such values cut down to the keys anyone may see of a closed
//! item, and `redacted: true`: the audit trail is no way around the access rules.

use std::collections::HashMap;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, get, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::Authenticated;
use super::State;
use super::extract::Timestamp;
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use crate::audit::{self, Actor, Object};
use crate::auth::Caller;
use crate::db::audit::{Event, Filter};
use crate::db::{audit as store, committees};
use crate::domain::{CommitteeRole, ServiceRole};
use crate::error::{ApiError, ApiResult, Denied};
use crate::time;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Auditor);
}

/// The keys of a closed item's values an auditor outside the committee sees: what a reader sees of it.
const OPEN_ITEM_KEYS: &[&str] = &["id", "meeting_id", "number", "position", "title", "closed", "version"];
/// The keys of the values of anything else that belongs to a closed item (its attachments,
/// attendance, exclusions) an auditor outside the committee sees.
const OPEN_KEYS: &[&str] = &["id", "version"];

fn open_keys(object_type: &str) -> &'static [&'static str] {
    if matches!(object_type, "item" | "standing_item") { OPEN_ITEM_KEYS } else { OPEN_KEYS }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 912, "occurred_at": "2022-04-25T13:02:11+02:00", "actor": "mvdl@kalundborg.dk", "actor_kind": "user", "action": "read", "object_type": "item", "object_id": "4", "committee_id": 1, "old_value": null, "new_value": null, "redacted": false, "request_id": "3f9a1c0b7d2e4a6f8b1c2d3e", "seq": 905})))]
pub struct AuditEventView {
    pub id: i64,
    pub occurred_at: DateTime<FixedOffset>,
    /// Who: a user's or a client's subject, or `anonymous`.
    pub actor: String,
    /// `user`, `client`, `anonymous`, or `service` (the service itself: its retention records).
    pub actor_kind: String,
    /// What: `create`, `update`, `delete`, `read` (of closed content), `denied`, `deactivate`, …
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub committee_id: Option<i64>,
    /// The values before and after the change (JSON), where there are any.
    pub old_value: Option<Value>,
    pub new_value: Option<Value>,
    /// Closed content was cut from the values for this caller.
    pub redacted: bool,
    pub request_id: Option<String>,
    /// The record's place in the hash chain; `null` for the second or so until it is sealed.
    pub seq: Option<i64>,
}

fn redact(value: Value, open: &[&str]) -> Value {
    match value {
        Value::Object(fields) => {
            Value::Object(fields.into_iter().filter(|(k, _)| open.contains(&k.as_str())).collect())
        }
        _ => Value::Null,
    }
}

fn view(event: Event, redacted: bool) -> AuditEventView {
    let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str::<Value>(&t).ok());
    let open = open_keys(&event.object_type);
    let shown = |value: Option<Value>| if redacted { value.map(|v| redact(v, open)) } else { value };
    AuditEventView {
        id: event.id,
        occurred_at: time::to_api(event.occurred_at),
        actor: event.actor,
        actor_kind: event.actor_kind,
        action: event.action,
        object_type: event.object_type,
        object_id: event.object_id,
        committee_id: event.committee_id,
        old_value: shown(parse(event.old_value)),
        new_value: shown(parse(event.new_value)),
        redacted,
        request_id: event.request_id,
        seq: event.seq,
    }
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
    let page = state
        .read(principal, move |conn, principal| {
            if !principal.has_role(ServiceRole::Auditor) {
                return Err(ApiError::Forbidden("The audit trail is for auditors.".into()));
            }
            let rows = store::list(conn, &filter)?;
            let mut committees: Vec<i64> = rows.iter().filter(|e| e.closed).filter_map(|e| e.committee_id).collect();
            committees.sort_unstable();
            committees.dedup();
            let kinds: HashMap<i64, _> = committees::kinds(conn, &committees)?.into_iter().collect();
            let member_of = |committee: Option<i64>| {
                committee.and_then(|c| kinds.get(&c).map(|kind| principal.role_on(c, *kind))).flatten()
                    >= Some(CommitteeRole::Member)
            };
            Ok(pagination::page(
                rows,
                limit,
                |e| pagination::id_cursor(e.id),
                |e| {
                    let redacted = e.closed && !member_of(e.committee_id);
                    view(e, redacted)
                },
            ))
        })
        .await?;
    Ok(web::Json(page))
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
