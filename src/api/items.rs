//! Agenda items: `/v1/meetings/{id}/items`, `/v1/meetings/{id}/item-order` and `/v1/items/{id}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use super::Authenticated;
use super::extract::{Day, IfMatch, JsonBody, MergePatch, QueryParams, content_etag, merged, not_null, present};
use super::extract::{filled_text, line, refused, text, while_closed};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, etagged, removed};
use crate::db::items::{Decision, Item, ItemFields};
use crate::domain::access::Principal;
use crate::domain::agenda::{AgendaSection, is_case_reference, is_journal_number};
use crate::domain::closing::{Closing, LegalBasis, closing_refusal};
use crate::domain::{CaseType, CommitteeRole, DecisionOutcome};
use crate::error::{ApiError, ApiResult, Problem};
use crate::service::{self};
use crate::views::item::{AgendaEntry, AgendaItemView, entry};

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::Reader)
        .add(create, Access::Secretary)
        .add(reorder, Access::Secretary)
        .add(read, Access::Reader)
        .add(update, Access::Secretary)
        .add(remove, Access::Secretary)
        .add(decide, Access::Secretary)
        .add(undecide, Access::Secretary);
}

fn outcome_or_text(decision: &NewDecision) -> Result<(), ValidationError> {
    if decision.outcome.is_none() && decision.text.is_none() {
        Err(ValidationError::new("outcome").with_message("a decision has an outcome, a text, or both".into()))
    } else {
        Ok(())
    }
}

/// A decision to record, once the meeting has been held: an outcome, its wording, or both (the
/// minutes often word a decision without classifying it).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "outcome_or_text", skip_on_field_errors = true))]
#[schema(examples(json!({"outcome": "approved_with_conditions", "text": "Godkendt inden for de rammer og målgrupper, som blev drøftet på mødet."})))]
pub struct NewDecision {
    pub outcome: Option<DecisionOutcome>,
    /// The decision as written in the minutes, e.g. "Taget til efterretning." (Markdown).
    #[validate(length(min = 1, max = 20000), custom(function = filled_text))]
    #[schema(min_length = 1, max_length = 20000, extensions(("x-text" = json!("filled-text"))))]
    pub text: Option<String>,
    /// The secretary's reason for recording the decision although the committee had no quorum
    /// for the item (more than half its roster taking part, § 11). Without it such a decision is
    /// refused; with it the minutes show the quorum and the reason. Only for an item without a
    /// quorum.
    #[validate(length(min = 1, max = 2000), custom(function = filled_text))]
    #[schema(min_length = 1, max_length = 2000, extensions(("x-text" = json!("filled-text"))))]
    pub quorum_override: Option<String>,
    /// For a closed item: the decision worded as far as confidentiality allows it to be published
    /// (kommunestyrelsesloven § 8, stk. 7). Everyone who reads the published minutes reads it in
    /// place of the closed item's content, instead of only "Lukket punkt".
    #[validate(length(min = 1, max = 20000), custom(function = filled_text))]
    #[schema(min_length = 1, max_length = 20000, extensions(("x-text" = json!("filled-text"))))]
    pub public_text: Option<String>,
    /// Hold the public text back until this day (`YYYY-MM-DD`, Copenhagen), so that the parties are
    /// told before the public is. Members read it at once.
    #[schema(value_type = Option<String>, format = Date, min_length = 10, max_length = 10)]
    pub public_from: Option<Day>,
}

fn valid_journal_number(value: &str) -> Result<(), ValidationError> {
    if is_journal_number(value) {
        Ok(())
    } else {
        Err(ValidationError::new("kle").with_message("must be a KLE number NN.NN.NN, e.g. 81.44.00".into()))
    }
}

fn valid_case_reference(value: &str) -> Result<(), ValidationError> {
    if is_case_reference(value) {
        Ok(())
    } else {
        Err(ValidationError::new("reference")
            .with_message("must be letters, digits, '-', '/' and '.', at most 64, e.g. 326-2021-15058".into()))
    }
}

/// The most items an agenda (and so a reordering of it) has.
const MAX_AGENDA: usize = 1000;

/// The longest text section accepted, in characters (also in the `schema` attributes, which take
/// only literals).
const MAX_SECTION: u64 = 200_000;

/// A new agenda item. Also the shape every change to an item is checked against.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "lawfully_closed", skip_on_field_errors = true))]
#[schema(examples(json!({"title": "Implementering af FirstAgenda", "case_number": "22-003462", "journal_number": "00.22.04", "case_type": "decision", "summary": "Med denne sag skal Direktionen tage stilling til en strategi for implementering af FirstAgenda.", "recommendation": "Sekretariatschefen indstiller, at strategien for implementering af FirstAgenda godkendes.", "handled_by": "Direktionen.", "presentation": "Eftersom FirstAgenda kan implementeres bredt blandt Kalundborg Kommunes enheder og samarbejdspartnere, etableres der såkaldte AD-grupper.", "financial_consequences": "Meromkostningen for ubegrænsede licenser i størrelsesordenen 50.000 kr. bliver fordelt på de enheder, der anvender FirstAgenda."})))]
pub struct NewItem {
    /// Where to insert it (1 = first); at the end when absent. Later items move down.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub position: Option<i32>,
    #[validate(length(min = 1, max = 500), custom(function = line))]
    #[schema(min_length = 1, max_length = 500, extensions(("x-text" = json!("line"))))]
    pub title: String,
    #[serde(default)]
    pub closed: bool,
    #[validate(custom(function = "valid_case_reference"))]
    #[schema(pattern = r"^[0-9A-Za-z](?:[0-9A-Za-z./-]{0,62}[0-9A-Za-z])?$", max_length = 64)]
    pub case_number: Option<String>,
    #[validate(custom(function = "valid_journal_number"))]
    #[schema(pattern = r"^\d{2}\.\d{2}\.\d{2}(?:[A-ZÆØÅ]\d{2})?$", max_length = 11)]
    pub journal_number: Option<String>,
    #[validate(custom(function = "valid_case_reference"))]
    #[schema(pattern = r"^[0-9A-Za-z](?:[0-9A-Za-z./-]{0,62}[0-9A-Za-z])?$", max_length = 64)]
    pub document_number: Option<String>,
    pub case_type: Option<CaseType>,
    #[validate(length(max = MAX_SECTION), custom(function = text))]
    #[schema(max_length = 200000, extensions(("x-text" = json!("text"))))]
    pub summary: Option<String>,
    #[validate(length(max = MAX_SECTION), custom(function = text))]
    #[schema(max_length = 200000, extensions(("x-text" = json!("text"))))]
    pub recommendation: Option<String>,
    #[validate(length(max = 2000), custom(function = text))]
    #[schema(max_length = 2000, extensions(("x-text" = json!("text"))))]
    pub handled_by: Option<String>,
    #[validate(length(max = MAX_SECTION), custom(function = text))]
    #[schema(max_length = 200000, extensions(("x-text" = json!("text"))))]
    pub presentation: Option<String>,
    #[validate(length(max = MAX_SECTION), custom(function = text))]
    #[schema(max_length = 200000, extensions(("x-text" = json!("text"))))]
    pub financial_consequences: Option<String>,
    /// Required for a closed item: the provision that keeps it from the public (kommunestyrelsesloven
    /// § 10: each item on its own grounds). Shown with the closed item to everyone who sees it.
    /// `not_recorded` marks items closed before bases were recorded and cannot be chosen.
    pub legal_basis: Option<LegalBasis>,
    /// The grounds written out (required with `other`). Closed content: only those who read the
    /// item in full see them.
    #[validate(length(min = 1, max = 2000), custom(function = text))]
    #[schema(min_length = 1, max_length = 2000, extensions(("x-text" = json!("text"))))]
    pub closed_grounds: Option<String>,
    /// For a closed item: withhold its title too; those who do not read it in full see "Lukket punkt".
    #[serde(default)]
    pub title_withheld: bool,
    /// The part of the agenda it stands in; by its case type when absent (`information`: for
    /// information, otherwise for decision).
    pub section: Option<AgendaSection>,
    /// The basis the item already had, which a change may keep even where it could not choose it.
    #[serde(skip)]
    pub kept_basis: Option<LegalBasis>,
}

fn lawfully_closed(item: &NewItem) -> Result<(), ValidationError> {
    let closing = Closing {
        closed: item.closed,
        legal_basis: item.legal_basis,
        grounds: item.closed_grounds.as_deref(),
        title_withheld: item.title_withheld,
        kept: item.kept_basis,
    };
    refused(closing_refusal(closing))
}

impl From<NewItem> for ItemFields {
    fn from(i: NewItem) -> Self {
        ItemFields {
            title: i.title,
            closed: i.closed,
            case_number: i.case_number,
            journal_number: i.journal_number,
            document_number: i.document_number,
            case_type: i.case_type,
            summary: i.summary,
            recommendation: i.recommendation,
            handled_by: i.handled_by,
            presentation: i.presentation,
            financial_consequences: i.financial_consequences,
            legal_basis: i.legal_basis,
            closed_grounds: i.closed_grounds,
            title_withheld: i.title_withheld,
            section: i.section,
        }
    }
}

/// Changes to an agenda item (JSON merge patch). Its position changes through the meeting's
/// item order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"recommendation": "Sekretariatschefen indstiller, at strategien for implementering af FirstAgenda godkendes med de drøftede ændringer.", "document_number": "326-2022-97139"})))]
pub struct ItemPatch {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 500, extensions(("x-text" = json!("line"))))]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub closed: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = r"^[0-9A-Za-z](?:[0-9A-Za-z./-]{0,62}[0-9A-Za-z])?$", max_length = 64)]
    pub case_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = r"^\d{2}\.\d{2}\.\d{2}(?:[A-ZÆØÅ]\d{2})?$", max_length = 11)]
    pub journal_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = r"^[0-9A-Za-z](?:[0-9A-Za-z./-]{0,62}[0-9A-Za-z])?$", max_length = 64)]
    pub document_number: Option<Option<String>>,
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
    #[schema(value_type = Option<String>, max_length = 200000, extensions(("x-text" = json!("text"))))]
    pub financial_consequences: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<LegalBasis>)]
    pub legal_basis: Option<Option<LegalBasis>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 2000, extensions(("x-text" = json!("text"))))]
    pub closed_grounds: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub title_withheld: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<AgendaSection>)]
    pub section: Option<Option<AgendaSection>>,
}

impl MergePatch for ItemPatch {
    type Fields = ItemFields;
    type Body = NewItem;

    fn apply(self, current: ItemFields) -> NewItem {
        let closed = self.closed.unwrap_or(current.closed);
        let legal_basis = while_closed(closed, self.legal_basis, current.legal_basis);
        let closed_grounds = while_closed(closed, self.closed_grounds, current.closed_grounds);
        let title_withheld = self.title_withheld.unwrap_or(closed && current.title_withheld);
        NewItem {
            legal_basis,
            closed_grounds,
            title_withheld,
            section: self.section.unwrap_or(current.section),
            kept_basis: current.legal_basis,
            position: None,
            title: self.title.unwrap_or(current.title),
            closed,
            case_number: self.case_number.unwrap_or(current.case_number),
            journal_number: self.journal_number.unwrap_or(current.journal_number),
            document_number: self.document_number.unwrap_or(current.document_number),
            case_type: self.case_type.unwrap_or(current.case_type),
            summary: self.summary.unwrap_or(current.summary),
            recommendation: self.recommendation.unwrap_or(current.recommendation),
            handled_by: self.handled_by.unwrap_or(current.handled_by),
            presentation: self.presentation.unwrap_or(current.presentation),
            financial_consequences: self.financial_consequences.unwrap_or(current.financial_consequences),
        }
    }
}

/// A new order for a meeting's agenda: every item id once, first item first.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"item_ids": [1, 2, 3, 5, 6, 10, 4, 7, 8, 9]})))]
pub struct ItemOrder {
    #[schema(max_items = 1000)]
    pub item_ids: Vec<i64>,
}

/// An item as the caller may see it, with its ETag: its version when seen in full; for the number and
/// title only, a digest of those, so that the tag moves only when they do.
fn entry_response(status: StatusCode, item: Item, role: Option<CommitteeRole>) -> HttpResponse {
    let version = item.version;
    match entry(item, role) {
        AgendaEntry::Full(item) => etagged(status, version, true).json(item),
        AgendaEntry::TitleOnly(closed) => {
            let tag = content_etag("title-only", &closed);
            HttpResponse::build(status).insert_header((actix_web::http::header::ETAG, tag)).json(closed)
        }
    }
}

/// The meeting's agenda in order. With `modified_since`, the open items changed since then and every
/// closed item: when a closed item's hidden content changed is not for everyone to know.
#[utoipa::path(
    tag = "items", operation_id = "listMeetingItems",
    params(("id" = i64, Path, description = "Meeting id"), SinceQuery),
    responses((status = OK, description = "The agenda in order, each item as the caller may see it.", body = Vec<AgendaEntry>))
)]
#[get("/meetings/{id}/items")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<AgendaEntry>>> {
    let id = id.into_inner();
    let since = since.0.since();
    let auditor = state.auditor.clone();
    let agenda = state
        .read(principal, move |conn, principal| service::items::agenda(conn, principal, &auditor, id, since))
        .await?;
    Ok(web::Json(agenda))
}

/// Add an item to the agenda (the committee's secretaries).
#[utoipa::path(
    tag = "items", operation_id = "createItem",
    params(("id" = i64, Path, description = "Meeting id")),
    request_body = NewItem,
    responses(
        (status = CREATED, description = "The new item.", body = AgendaItemView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/meetings/{id}/items")]
async fn create(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<NewItem>,
) -> ApiResult<HttpResponse> {
    let (meeting_id, input) = (id.into_inner(), body.into_inner());
    input.validate()?;
    let position = input.position;
    let fields = ItemFields::from(input);
    let item = state
        .write(principal, move |conn, principal| service::items::create(conn, principal, meeting_id, &fields, position))
        .await?;
    Ok(created(format!("/v1/items/{}", item.id), AgendaItemView::from(item)))
}

/// Put the agenda in a new order (the committee's secretaries). If-Match carries the meeting's ETag.
#[utoipa::path(
    tag = "items", operation_id = "reorderItems",
    params(("id" = i64, Path, description = "Meeting id"), ("If-Match" = String, Header, description = "ETag of the meeting")),
    request_body = ItemOrder,
    responses(
        (status = OK, description = "The agenda in its new order.", body = Vec<AgendaEntry>, headers(("ETag" = String, description = "The meeting's new ETag"))),
    )
)]
#[put("/meetings/{id}/item-order")]
async fn reorder(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<ItemOrder>,
) -> ApiResult<HttpResponse> {
    let (meeting_id, order) = (id.into_inner(), body.into_inner());
    if order.item_ids.len() > MAX_AGENDA {
        return Err(ApiError::validation("item_ids", format!("at most {MAX_AGENDA} items")));
    }
    let auditor = state.auditor.clone();
    let (agenda, version) = state
        .write(principal, move |conn, principal| {
            service::items::reorder(conn, principal, &auditor, meeting_id, &if_match, &order.item_ids)
        })
        .await?;
    Ok(etagged(StatusCode::OK, version, true).json(agenda))
}

/// Read an agenda item. A closed item shows only its number and title to callers below member.
#[utoipa::path(
    tag = "items", operation_id = "getItem",
    params(("id" = i64, Path, description = "Item id")),
    responses((status = OK, description = "The item as the caller may see it.", body = AgendaEntry, headers(("ETag" = String))))
)]
#[get("/items/{id}")]
async fn read(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let auditor = state.auditor.clone();
    let (item, role) =
        state.read(principal, move |conn, principal| service::items::read(conn, principal, &auditor, id)).await?;
    Ok(entry_response(StatusCode::OK, item, role))
}

/// Change an agenda item (the committee's secretaries).
#[utoipa::path(
    tag = "items", operation_id = "updateItem",
    params(("id" = i64, Path, description = "Item id"), ("If-Match" = String, Header, description = "ETag of the version being changed")),
    request_body(content = ItemPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The item as changed.", body = AgendaItemView, headers(("ETag" = String))),
    )
)]
#[patch("/items/{id}")]
async fn update(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<ItemPatch>,
) -> ApiResult<HttpResponse> {
    let (id, patch) = (id.into_inner(), body.into_inner());
    let (item, role) = state
        .write(principal, move |conn, principal| service::items::update(conn, principal, id, &if_match, merged(patch)))
        .await?;
    Ok(entry_response(StatusCode::OK, item, role))
}

/// Remove an item from the agenda (the committee's secretaries); later items move up.
#[utoipa::path(
    tag = "items", operation_id = "deleteItem",
    params(("id" = i64, Path, description = "Item id"), ("If-Match" = String, Header, description = "ETag of the version being deleted")),
    responses(
        (status = NO_CONTENT, description = "Deleted."),
    )
)]
#[delete("/items/{id}")]
async fn remove(state: State, principal: Principal, id: web::Path<i64>, if_match: IfMatch) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .write(principal, move |conn, principal| service::items::remove(conn, principal, id, &if_match))
        .await
        .map(removed)
}

/// Record the item's decision (the committee's secretaries, once the meeting has been held). If-Match
/// carries the item's ETag. When the committee keeps a roster, a decision on an item without a
/// quorum is refused (422) unless `quorum_override` gives the reason.
#[utoipa::path(
    tag = "items", operation_id = "recordDecision",
    params(("id" = i64, Path, description = "Item id"), ("If-Match" = String, Header, description = "ETag of the item")),
    request_body = NewDecision,
    responses(
        (status = OK, description = "The item with its decision.", body = AgendaItemView, headers(("ETag" = String))),
        (status = CONFLICT, description = "The meeting has not been held, or is cancelled.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/items/{id}/decision")]
async fn decide(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<NewDecision>,
) -> ApiResult<HttpResponse> {
    let (id, decision) = (id.into_inner(), body.into_inner());
    decision.validate()?;
    record_decision(state, principal, id, if_match, Some(decision)).await
}

/// Clear the item's decision (the committee's secretaries, once the meeting has been held).
#[utoipa::path(
    tag = "items", operation_id = "clearDecision",
    params(("id" = i64, Path, description = "Item id"), ("If-Match" = String, Header, description = "ETag of the item")),
    responses(
        (status = OK, description = "The item without a decision.", body = AgendaItemView, headers(("ETag" = String))),
        (status = CONFLICT, description = "The meeting has not been held, or is cancelled.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/items/{id}/decision")]
async fn undecide(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    record_decision(state, principal, id.into_inner(), if_match, None).await
}

async fn record_decision(
    state: State,
    principal: Principal,
    id: i64,
    if_match: IfMatch,
    decision: Option<NewDecision>,
) -> ApiResult<HttpResponse> {
    let decision = decision.map_or_else(Decision::default, |d| Decision {
        outcome: d.outcome,
        text: d.text,
        quorum_override: d.quorum_override,
        public_text: d.public_text,
        public_from: d.public_from.map(|day| day.0),
    });
    let (item, role) = state
        .write(principal, move |conn, principal| {
            service::items::decide(conn, principal, id, &if_match, decision.clone())
        })
        .await?;
    Ok(entry_response(StatusCode::OK, item, role))
}
