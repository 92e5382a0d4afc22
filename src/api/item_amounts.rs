//! `/v1/items/{id}/amounts`: an item's financial consequences as data ("Tilbagebetalingskrav
//! 3.946.058 kr.", "Udgiften udgør årligt 193.746 kr. (2021-priser)") beside the free text. An
//! expense can start a cost allocation. The amounts of a closed item are closed content.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::Authenticated;
use super::extract::QueryParams;
use super::extract::line;
use super::extract::{IfMatch, JsonBody, MergePatch, merged, not_null, present};
use super::pagination::SinceQuery;
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::db::item_amounts::ItemAmountFields;
use crate::domain::access::Principal;
use crate::domain::allocation::{AmountKind, MAX_TOTAL_ORE, Recurrence};
use crate::error::ApiResult;
use crate::service::item_amounts as amounts;
use crate::views::item_amount::ItemAmountView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::InFull)
        .add(create, Access::Secretary)
        .add(read, Access::InFull)
        .add(update, Access::Secretary)
        .add(remove, Access::Secretary);
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"label": "MARS – mellemkommunale betalinger", "kind": "expense", "recurrence": "annual", "amount_ore": 19374600, "price_year": 2021})))]
pub struct NewItemAmount {
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub label: String,
    pub kind: AmountKind,
    pub recurrence: Recurrence,
    /// In øre (1 kr. = 100 øre).
    #[validate(range(min = 0, max = MAX_TOTAL_ORE))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub amount_ore: i64,
    #[validate(range(min = 1900, max = 2200))]
    #[schema(minimum = 1900, maximum = 2200)]
    pub price_year: Option<i32>,
}

impl From<NewItemAmount> for ItemAmountFields {
    fn from(a: NewItemAmount) -> Self {
        ItemAmountFields {
            label: a.label,
            kind: a.kind,
            recurrence: a.recurrence,
            amount_ore: a.amount_ore,
            price_year: a.price_year,
        }
    }
}

/// Changes to an amount (JSON merge patch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"amount_ore": 19400000})))]
pub struct ItemAmountPatch {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200, extensions(("x-text" = json!("line"))))]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub kind: Option<AmountKind>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub recurrence: Option<Recurrence>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub amount_ore: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 1900, maximum = 2200)]
    pub price_year: Option<Option<i32>>,
}

impl MergePatch for ItemAmountPatch {
    type Fields = ItemAmountFields;
    type Body = NewItemAmount;

    fn apply(self, current: ItemAmountFields) -> NewItemAmount {
        NewItemAmount {
            label: self.label.unwrap_or(current.label),
            kind: self.kind.unwrap_or(current.kind),
            recurrence: self.recurrence.unwrap_or(current.recurrence),
            amount_ore: self.amount_ore.unwrap_or(current.amount_ore),
            price_year: self.price_year.unwrap_or(current.price_year),
        }
    }
}

/// The item's amounts, in the order they were recorded (whoever sees the item in full).
#[utoipa::path(
    tag = "items", operation_id = "listItemAmounts",
    params(("id" = i64, Path, description = "Item id"), SinceQuery),
    responses((status = OK, description = "The item's amounts.", body = Vec<ItemAmountView>))
)]
#[get("/items/{id}/amounts")]
async fn list(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    since: QueryParams<SinceQuery>,
) -> ApiResult<web::Json<Vec<ItemAmountView>>> {
    let since = since.0.since();
    let id = id.into_inner();
    let auditor = state.auditor.clone();
    let rows =
        state.read(principal, move |conn, principal| amounts::list(conn, principal, &auditor, id, since)).await?;
    Ok(web::Json(rows.into_iter().map(ItemAmountView::from).collect()))
}

/// Record an amount (the committee's secretaries, while the item's content may change).
#[utoipa::path(
    tag = "items", operation_id = "createItemAmount",
    params(("id" = i64, Path, description = "Item id")),
    request_body = NewItemAmount,
    responses(
        (status = CREATED, description = "The new amount.", body = ItemAmountView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/items/{id}/amounts")]
async fn create(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    body: JsonBody<NewItemAmount>,
) -> ApiResult<HttpResponse> {
    let (item_id, input) = (id.into_inner(), body.into_inner());
    input.validate()?;
    let fields = ItemAmountFields::from(input);
    let amount =
        state.write(principal, move |conn, principal| amounts::create(conn, principal, item_id, &fields)).await?;
    Ok(created(format!("/v1/items/{item_id}/amounts/{}", amount.id), ItemAmountView::from(amount)))
}

/// Read one amount.
#[utoipa::path(
    tag = "items", operation_id = "getItemAmount",
    params(("id" = i64, Path, description = "Item id"), ("amount_id" = i64, Path, description = "Amount id")),
    responses((status = OK, description = "The amount.", body = ItemAmountView, headers(("ETag" = String))))
)]
#[get("/items/{id}/amounts/{amount_id}")]
async fn read(state: State, principal: Authenticated, path: web::Path<(i64, i64)>) -> ApiResult<HttpResponse> {
    let (item_id, id) = path.into_inner();
    let auditor = state.auditor.clone();
    let amount =
        state.read(principal, move |conn, principal| amounts::read(conn, principal, &auditor, item_id, id)).await?;
    Ok(current(ItemAmountView::from(amount)))
}

/// Change an amount (the committee's secretaries). Allocations made from it keep their own total.
#[utoipa::path(
    tag = "items", operation_id = "updateItemAmount",
    params(
        ("id" = i64, Path, description = "Item id"),
        ("amount_id" = i64, Path, description = "Amount id"),
        ("If-Match" = String, Header, description = "ETag of the version being changed"),
    ),
    request_body(content = ItemAmountPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The amount as changed.", body = ItemAmountView, headers(("ETag" = String))),
    )
)]
#[patch("/items/{id}/amounts/{amount_id}")]
async fn update(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
    body: JsonBody<ItemAmountPatch>,
) -> ApiResult<HttpResponse> {
    let ((item_id, id), patch) = (path.into_inner(), body.into_inner());
    let amount = state
        .write(principal, move |conn, principal| {
            amounts::update(conn, principal, item_id, id, &if_match, merged(patch))
        })
        .await?;
    Ok(current(ItemAmountView::from(amount)))
}

/// Remove an amount (the committee's secretaries).
#[utoipa::path(
    tag = "items", operation_id = "deleteItemAmount",
    params(
        ("id" = i64, Path, description = "Item id"),
        ("amount_id" = i64, Path, description = "Amount id"),
        ("If-Match" = String, Header, description = "ETag of the amount"),
    ),
    responses(
        (status = NO_CONTENT, description = "Removed."),
    )
)]
#[delete("/items/{id}/amounts/{amount_id}")]
async fn remove(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (item_id, id) = path.into_inner();
    state
        .write(principal, move |conn, principal| amounts::remove(conn, principal, item_id, id, &if_match))
        .await
        .map(removed)
}
