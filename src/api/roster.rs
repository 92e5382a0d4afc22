//! `/v1/committees/{id}/roster`: the committee's members for its election term, with party and
//! dates. The roster is the denominator of the quorum (§ 11), and a new meeting's participants
//! start from the members on the roster on the meeting's day.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::{Day, IfMatch, JsonBody, MergePatch, QueryParams, line, merged, not_null, party_letter, present};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::db::roster::RosterFields;
use crate::domain::access::Principal;
use crate::error::ApiResult;
use crate::service::roster;
use crate::views::roster::RosterMemberView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Reader)
        .add(create, Access::Secretary)
        .add(read, Access::Reader)
        .add(update, Access::Secretary)
        .add(remove, Access::Secretary);
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"name": "Martin Damm", "party": "V", "user_subject": "mdamm@kalundborg.dk", "from": "2022-01-01", "to": "2025-12-31"})))]
pub struct NewRosterMember {
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub name: String,
    /// The party's list letter, e.g. `A` or `V`.
    #[validate(custom(function = party_letter))]
    #[schema(min_length = 1, max_length = 3, pattern = r"^[A-ZÆØÅ]{1,3}$")]
    pub party: Option<String>,
    /// The user the member is, so that the meetings' participants can sign and be excluded.
    #[validate(length(min = 1, max = 256), custom(function = line))]
    #[schema(min_length = 1, max_length = 256, extensions(("x-text" = json!("line"))))]
    pub user_subject: Option<String>,
    /// The first day of the seat (`YYYY-MM-DD`).
    #[schema(value_type = String, format = Date, min_length = 10, max_length = 10)]
    pub from: Day,
    /// The last day of the seat; open-ended when absent.
    #[schema(value_type = Option<String>, format = Date, min_length = 10, max_length = 10)]
    pub to: Option<Day>,
}

impl From<NewRosterMember> for RosterFields {
    fn from(m: NewRosterMember) -> Self {
        RosterFields {
            name: m.name,
            party: m.party,
            user_subject: m.user_subject,
            from_date: m.from.0,
            to_date: m.to.map(|day| day.0),
        }
    }
}

/// Changes to a member of the roster (JSON merge patch), e.g. the last day of their seat.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"to": "2023-06-30"})))]
pub struct RosterMemberPatch {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 3, pattern = r"^[A-ZÆØÅ]{1,3}$")]
    pub party: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 256, extensions(("x-text" = json!("line"))))]
    pub user_subject: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(value_type = String, format = Date, nullable = false, min_length = 10, max_length = 10)]
    pub from: Option<Day>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date, min_length = 10, max_length = 10)]
    pub to: Option<Option<Day>>,
}

impl MergePatch for RosterMemberPatch {
    type Fields = RosterFields;
    type Body = NewRosterMember;

    fn apply(self, current: RosterFields) -> NewRosterMember {
        NewRosterMember {
            name: self.name.unwrap_or(current.name),
            party: self.party.unwrap_or(current.party),
            user_subject: self.user_subject.unwrap_or(current.user_subject),
            from: self.from.unwrap_or(Day(current.from_date)),
            to: self.to.unwrap_or(current.to_date.map(Day)),
        }
    }
}

/// The committee's roster, earliest seat first (anyone who reads the committee's meetings).
#[utoipa::path(
    tag = "committees", operation_id = "listRoster",
    params(("id" = i64, Path, description = "Committee id"), SinceQuery),
    responses((status = OK, description = "The committee's roster.", body = Vec<RosterMemberView>))
)]
#[get("/committees/{id}/roster")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<RosterMemberView>>> {
    let (id, since) = (id.into_inner(), since.0.since());
    let rows = state.read(principal, move |conn, principal| roster::list(conn, principal, id, since)).await?;
    Ok(web::Json(rows.into_iter().map(RosterMemberView::from).collect()))
}

/// Add a member to the roster (the committee's secretaries).
#[utoipa::path(
    tag = "committees", operation_id = "createRosterMember",
    params(("id" = i64, Path, description = "Committee id")),
    request_body = NewRosterMember,
    responses(
        (status = CREATED, description = "The new member of the roster.", body = RosterMemberView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/committees/{id}/roster")]
async fn create(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<NewRosterMember>,
) -> ApiResult<HttpResponse> {
    let (committee_id, input) = (id.into_inner(), body.into_inner());
    input.validate()?;
    let fields = RosterFields::from(input);
    let member =
        state.write(principal, move |conn, principal| roster::create(conn, principal, committee_id, &fields)).await?;
    let location = format!("/v1/committees/{committee_id}/roster/{}", member.id);
    Ok(created(location, RosterMemberView::from(member)))
}

/// Read a member of the roster.
#[utoipa::path(
    tag = "committees", operation_id = "getRosterMember",
    params(("id" = i64, Path, description = "Committee id"), ("roster_member_id" = i64, Path, description = "Roster member id")),
    responses((status = OK, description = "The member of the roster.", body = RosterMemberView, headers(("ETag" = String))))
)]
#[get("/committees/{id}/roster/{roster_member_id}")]
async fn read(state: State, principal: Authenticated, path: web::Path<(i64, i64)>) -> ApiResult<HttpResponse> {
    let (committee_id, id) = path.into_inner();
    let member = state.read(principal, move |conn, principal| roster::read(conn, principal, committee_id, id)).await?;
    Ok(current(RosterMemberView::from(member)))
}

/// Change a member of the roster, e.g. end their seat (the committee's secretaries).
#[utoipa::path(
    tag = "committees", operation_id = "updateRosterMember",
    params(
        ("id" = i64, Path, description = "Committee id"),
        ("roster_member_id" = i64, Path, description = "Roster member id"),
        ("If-Match" = String, Header, description = "ETag of the version being changed"),
    ),
    request_body(content = RosterMemberPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The member of the roster as changed.", body = RosterMemberView, headers(("ETag" = String))),
    )
)]
#[patch("/committees/{id}/roster/{roster_member_id}")]
async fn update(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
    body: JsonBody<RosterMemberPatch>,
) -> ApiResult<HttpResponse> {
    let ((committee_id, id), patch) = (path.into_inner(), body.into_inner());
    let member = state
        .write(principal, move |conn, principal| {
            roster::update(conn, principal, committee_id, id, &if_match, merged(patch))
        })
        .await?;
    Ok(current(RosterMemberView::from(member)))
}

/// Remove a member from the roster (the committee's secretaries). A member who left the committee
/// is better given the last day of their seat: past meetings' quorum stays as it was.
#[utoipa::path(
    tag = "committees", operation_id = "deleteRosterMember",
    params(
        ("id" = i64, Path, description = "Committee id"),
        ("roster_member_id" = i64, Path, description = "Roster member id"),
        ("If-Match" = String, Header, description = "ETag of the version being deleted"),
    ),
    responses(
        (status = NO_CONTENT, description = "Removed."),
    )
)]
#[delete("/committees/{id}/roster/{roster_member_id}")]
async fn remove(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (committee_id, id) = path.into_inner();
    state
        .write(principal, move |conn, principal| roster::remove(conn, principal, committee_id, id, &if_match))
        .await
        .map(removed)
}
