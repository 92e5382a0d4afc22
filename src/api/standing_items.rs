//! `/v1/committees/{id}/standing-items`: the committee's standing items (faste punkter), which a new
//! meeting can start its agenda with (`standing_items: true` when creating it).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use super::Authenticated;
use super::extract::QueryParams;
use super::extract::{IfMatch, JsonBody, not_null, present};
use super::extract::{line, refused, text, while_closed};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, current, etagged, removed};
use crate::db::standing_items::StandingItemFields;
use crate::domain::CaseType;
use crate::domain::access::Principal;
use crate::domain::agenda::AgendaSection;
use crate::domain::closing::{Closing, LegalBasis, closing_refusal};
use crate::error::ApiResult;
use crate::service::standing_items;
use crate::views::standing_item::{StandingItemEntry, StandingItemView, entry};

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Reader)
        .add(create, Access::Secretary)
        .add(read, Access::Reader)
        .add(update, Access::Secretary)
        .add(remove, Access::Secretary);
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "lawfully_closed", skip_on_field_errors = true))]
#[schema(examples(json!({"title": "Eventuelt", "case_type": "information"})))]
pub struct NewStandingItem {
    /// Where it goes among the standing items; after the last one when absent.
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub position: Option<i32>,
    #[validate(length(min = 1, max = 500), custom(function = line))]
    #[schema(min_length = 1, max_length = 500, extensions(("x-text" = json!("line"))))]
    pub title: String,
    #[serde(default)]
    pub closed: bool,
    pub case_type: Option<CaseType>,
    #[validate(length(max = 200000), custom(function = text))]
    #[schema(max_length = 200000, extensions(("x-text" = json!("text"))))]
    pub summary: Option<String>,
    #[validate(length(max = 200000), custom(function = text))]
    #[schema(max_length = 200000, extensions(("x-text" = json!("text"))))]
    pub recommendation: Option<String>,
    #[validate(length(max = 2000), custom(function = text))]
    #[schema(max_length = 2000, extensions(("x-text" = json!("text"))))]
    pub handled_by: Option<String>,
    #[validate(length(max = 200000), custom(function = text))]
    #[schema(max_length = 200000, extensions(("x-text" = json!("text"))))]
    pub presentation: Option<String>,
    /// Required for a closed standing item, as for any closed item: the provision that keeps it
    /// from the public. Each meeting's item starts with it; a secretary reviews it item by item.
    pub legal_basis: Option<LegalBasis>,
    /// The grounds written out (required with `other`); closed content.
    #[validate(length(min = 1, max = 2000), custom(function = text))]
    #[schema(min_length = 1, max_length = 2000, extensions(("x-text" = json!("text"))))]
    pub closed_grounds: Option<String>,
    /// The part of the agenda its items stand in; by case type when absent.
    pub section: Option<AgendaSection>,
    #[serde(skip)]
    kept_basis: Option<LegalBasis>,
}

fn lawfully_closed(item: &NewStandingItem) -> Result<(), ValidationError> {
    let closing = Closing {
        closed: item.closed,
        legal_basis: item.legal_basis,
        grounds: item.closed_grounds.as_deref(),
        title_withheld: false,
        kept: item.kept_basis,
    };
    refused(closing_refusal(closing))
}

impl NewStandingItem {
    fn fields(self, position: i32) -> StandingItemFields {
        StandingItemFields {
            position,
            title: self.title,
            closed: self.closed,
            case_type: self.case_type,
            summary: self.summary,
            recommendation: self.recommendation,
            handled_by: self.handled_by,
            presentation: self.presentation,
            legal_basis: self.legal_basis,
            closed_grounds: self.closed_grounds,
            section: self.section,
        }
    }
}

/// Changes to a standing item (JSON merge patch). Meetings already created keep their items.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"title": "Orientering fra Økonomiudvalgsmødet og koordinering af sager til politisk behandling", "position": 1})))]
pub struct StandingItemPatch {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, minimum = 1, maximum = 1000)]
    pub position: Option<i32>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 500, extensions(("x-text" = json!("line"))))]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub closed: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<CaseType>)]
    pub case_type: Option<Option<CaseType>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 200000, extensions(("x-text" = json!("text"))))]
    pub summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 200000, extensions(("x-text" = json!("text"))))]
    pub recommendation: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000, extensions(("x-text" = json!("text"))))]
    pub handled_by: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 200000, extensions(("x-text" = json!("text"))))]
    pub presentation: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<LegalBasis>)]
    pub legal_basis: Option<Option<LegalBasis>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 2000, extensions(("x-text" = json!("text"))))]
    pub closed_grounds: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<AgendaSection>)]
    pub section: Option<Option<AgendaSection>>,
}

impl StandingItemPatch {
    fn apply(self, current: StandingItemFields) -> NewStandingItem {
        let closed = self.closed.unwrap_or(current.closed);
        NewStandingItem {
            legal_basis: while_closed(closed, self.legal_basis, current.legal_basis),
            closed_grounds: while_closed(closed, self.closed_grounds, current.closed_grounds),
            section: self.section.unwrap_or(current.section),
            kept_basis: current.legal_basis,
            position: Some(self.position.unwrap_or(current.position)),
            title: self.title.unwrap_or(current.title),
            closed,
            case_type: self.case_type.unwrap_or(current.case_type),
            summary: self.summary.unwrap_or(current.summary),
            recommendation: self.recommendation.unwrap_or(current.recommendation),
            handled_by: self.handled_by.unwrap_or(current.handled_by),
            presentation: self.presentation.unwrap_or(current.presentation),
        }
    }
}

/// The committee's standing items in agenda order (anyone with a role on the committee; closed ones
/// as title only below member).
#[utoipa::path(
    tag = "committees", operation_id = "listStandingItems",
    params(("id" = i64, Path, description = "Committee id"), SinceQuery),
    responses((status = OK, description = "The committee's standing items.", body = Vec<StandingItemEntry>))
)]
#[get("/committees/{id}/standing-items")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<StandingItemEntry>>> {
    let since = since.0.since();
    let id = id.into_inner();
    let (rows, role) =
        state.read(principal, move |conn, principal| standing_items::list(conn, principal, id, since)).await?;
    Ok(web::Json(rows.into_iter().map(|item| entry(item, role)).collect()))
}

/// Add a standing item (the committee's secretaries).
#[utoipa::path(
    tag = "committees", operation_id = "createStandingItem",
    params(("id" = i64, Path, description = "Committee id")),
    request_body = NewStandingItem,
    responses(
        (status = CREATED, description = "The new standing item.", body = StandingItemView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/committees/{id}/standing-items")]
async fn create(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<NewStandingItem>,
) -> ApiResult<HttpResponse> {
    let (committee_id, input) = (id.into_inner(), body.into_inner());
    input.validate()?;
    let position = input.position;
    let item = state
        .write(principal, move |conn, principal| {
            standing_items::create(conn, principal, committee_id, position, |position| input.fields(position))
        })
        .await?;
    let location = format!("/v1/committees/{committee_id}/standing-items/{}", item.id);
    Ok(created(location, StandingItemView::from(item)))
}

/// Read a standing item.
#[utoipa::path(
    tag = "committees", operation_id = "getStandingItem",
    params(("id" = i64, Path, description = "Committee id"), ("standing_item_id" = i64, Path, description = "Standing item id")),
    responses((status = OK, description = "The standing item.", body = StandingItemEntry, headers(("ETag" = String))))
)]
#[get("/committees/{id}/standing-items/{standing_item_id}")]
async fn read(state: State, principal: Authenticated, path: web::Path<(i64, i64)>) -> ApiResult<HttpResponse> {
    let (committee_id, id) = path.into_inner();
    let (item, role) =
        state.read(principal, move |conn, principal| standing_items::read(conn, principal, committee_id, id)).await?;
    let version = item.version;
    let entry = entry(item, role);
    let full = matches!(entry, StandingItemEntry::Full(_));
    Ok(etagged(StatusCode::OK, version, full).json(entry))
}

/// Change a standing item (the committee's secretaries).
#[utoipa::path(
    tag = "committees", operation_id = "updateStandingItem",
    params(
        ("id" = i64, Path, description = "Committee id"),
        ("standing_item_id" = i64, Path, description = "Standing item id"),
        ("If-Match" = String, Header, description = "ETag of the version being changed"),
    ),
    request_body(content = StandingItemPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The standing item as changed.", body = StandingItemView, headers(("ETag" = String))),
    )
)]
#[patch("/committees/{id}/standing-items/{standing_item_id}")]
async fn update(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
    body: JsonBody<StandingItemPatch>,
) -> ApiResult<HttpResponse> {
    let ((committee_id, id), patch) = (path.into_inner(), body.into_inner());
    let item = state
        .write(principal, move |conn, principal| {
            let change = |current: StandingItemFields| {
                let fallback = current.position;
                let changed = patch.apply(current);
                changed.validate()?;
                let position = changed.position.unwrap_or(fallback);
                Ok(changed.fields(position))
            };
            standing_items::update(conn, principal, committee_id, id, &if_match, change)
        })
        .await?;
    Ok(current(StandingItemView::from(item)))
}

/// Remove a standing item (the committee's secretaries). Meetings already created keep their items.
#[utoipa::path(
    tag = "committees", operation_id = "deleteStandingItem",
    params(
        ("id" = i64, Path, description = "Committee id"),
        ("standing_item_id" = i64, Path, description = "Standing item id"),
        ("If-Match" = String, Header, description = "ETag of the version being deleted"),
    ),
    responses(
        (status = NO_CONTENT, description = "Removed."),
    )
)]
#[delete("/committees/{id}/standing-items/{standing_item_id}")]
async fn remove(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (committee_id, id) = path.into_inner();
    state
        .write(principal, move |conn, principal| standing_items::remove(conn, principal, committee_id, id, &if_match))
        .await
        .map(removed)
}
