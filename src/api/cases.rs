//! `GET /v1/cases/{case_number}`: one case (sag) as it passes through committees and meetings, e.g.
//! Direktionen, then Økonomiudvalget, then Byrådet.
//!
//! Only items the caller may read in full are listed: that a closed item belongs to a case is part of
//! its closed content, so for a caller below member it is left out, not shown as a title.

use actix_web::{get, web};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use super::Authenticated;
use super::State;
use super::policy::{Access, Routes};
use crate::audit;
use crate::db::{exclusions, items};
use crate::domain::access::{ItemView, item_role, item_view};
use crate::domain::agenda::is_case_reference;
use crate::domain::{CaseType, CommitteeRole, MeetingStatus};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::time;
use crate::views::item::Decision;

pub fn routes(cfg: &mut Routes) {
    cfg.add(read, Access::SignedIn);
}

/// The most items one case lists.
pub const MAX_CASE_ITEMS: i64 = 500;

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseMeeting {
    pub id: i64,
    pub title: String,
    pub starts_at: DateTime<FixedOffset>,
    pub status: MeetingStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseCommittee {
    pub id: i64,
    pub name: String,
}

/// One treatment of the case: an item of a meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseItem {
    pub item_id: i64,
    pub number: i32,
    pub title: String,
    pub closed: bool,
    pub case_type: Option<CaseType>,
    pub decision: Option<Decision>,
    pub meeting: CaseMeeting,
    pub committee: CaseCommittee,
}

/// The case's items. The case number is not repeated: for a caller who may not see a closed item, it
/// is closed content they only typed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"items": [{"item_id": 5, "number": 5, "title": "Orientering fra Økonomiudvalgsmødet og koordinering af sager til politisk behandling", "closed": false, "case_type": "information", "decision": {"outcome": "discussed", "text": "Drøftet.", "decided_at": "2022-04-25T14:30:00+02:00"}, "meeting": {"id": 1, "title": "Direktionsmøde", "starts_at": "2022-04-25T12:30:00+02:00", "status": "minutes_published"}, "committee": {"id": 1, "name": "Direktionen"}}]})))]
pub struct CaseView {
    /// In meeting order. Empty when no item of the case is visible to the caller.
    pub items: Vec<CaseItem>,
}

/// The items of one case across the committees whose meetings the caller may read, in meeting
/// order. An unknown case and a case the caller may not see answer alike: with no items.
#[utoipa::path(
    tag = "items", operation_id = "getCase",
    params(("case_number" = String, Path, description = "Sagsnr., e.g. `22-003462` or `326-2021-15058`",
        pattern = r"^[0-9A-Za-z](?:[0-9A-Za-z./-]{0,62}[0-9A-Za-z])?$", max_length = 64)),
    responses((status = OK, description = "The case's items across committees and meetings, as far as the caller may read them.", body = CaseView))
)]
#[get("/cases/{case_number}")]
async fn read(
    state: State,
    principal: Authenticated,
    case_number: web::Path<String>,
) -> ApiResult<web::Json<CaseView>> {
    let case_number = case_number.into_inner();
    if !is_case_reference(&case_number) {
        let field = FieldError::new("case_number", "must be letters, digits, '-', '/' and '.', at most 64");
        return Err(ApiError::Malformed("The path is invalid.".into(), vec![field]));
    }
    let auditor = state.auditor.clone();
    let items = state
        .read(principal, move |conn, principal| {
            let (ids, kinds) = principal.readable_committees();
            let rows = items::for_case(conn, &case_number, &ids, &kinds, MAX_CASE_ITEMS)?;
            let mut shown = Vec::new();
            for (item, meeting, committee) in rows {
                let role = principal.role_on(committee.id, committee.kind);
                let excluded = item.closed
                    && role > Some(CommitteeRole::Reader)
                    && exclusions::is_excluded(conn, item.id, &principal.subject)?;
                if item_view(item.closed, item_role(role, excluded)) != ItemView::Full {
                    continue;
                }
                if item.closed {
                    audit::closed_reads(&auditor, principal, committee.id, &[item.id]);
                }
                let decision = (item.decision_outcome.is_some() || item.decision_text.is_some()).then(|| Decision {
                    outcome: item.decision_outcome,
                    text: item.decision_text.clone(),
                    decided_at: item.decided_at.map(time::to_api),
                });
                shown.push(CaseItem {
                    item_id: item.id,
                    number: item.position,
                    title: item.title,
                    closed: item.closed,
                    case_type: item.case_type,
                    decision,
                    meeting: CaseMeeting {
                        id: meeting.id,
                        title: meeting.title,
                        starts_at: time::to_api(meeting.starts_at),
                        status: meeting.status,
                    },
                    committee: CaseCommittee { id: committee.id, name: committee.name },
                });
            }
            Ok(shown)
        })
        .await?;
    Ok(web::Json(CaseView { items }))
}
