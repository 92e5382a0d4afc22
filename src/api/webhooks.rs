//! `/v1/webhooks`: subscriptions of URLs to the change feed's events, for admins and service
//! clients, and their deliveries. A subscription is sent what its owner may see (see
//! `crate::webhooks` for how deliveries are made).
//!
//! Who may do what: the owner everything; another admin may see a subscription, turn it on or off and
//! delete it, but not point it elsewhere (it would then receive what the owner may read) nor see its
//! deliveries (which tell when the owner's hidden content changed); anyone else sees none.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::Authenticated;
use super::extract::text;
use super::extract::{IfMatch, JsonBody, MergePatch, QueryParams, merged, not_null, present};
use super::pagination::ListQuery;
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use super::{State, created_at, current, etagged, removed};
use crate::db::webhooks::SubscriptionFields;
use crate::domain::access::Principal;
use crate::domain::events::Event;
use crate::error::ApiResult;
use crate::service::webhooks;
use crate::views::webhook::{DeliveryStatus, DeliveryView, WebhookView, WebhookWithSecret};

pub fn routes(cfg: &mut Routes) {
    cfg.add(event_names, Access::SignedIn)
        .add(list, Access::Subscriber)
        .add(create, Access::Subscriber)
        .add(read, Access::WebhookViewer)
        .add(update, Access::WebhookChange)
        .add(remove, Access::WebhookViewer)
        .add(rotate, Access::WebhookOwner)
        .add(deliveries, Access::WebhookOwner)
        .add(retry, Access::WebhookOwner);
}

fn enabled_by_default() -> bool {
    true
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"url": "https://esdh.kalundborg.dk/hooks/dagsorden", "events": ["agenda.published", "minutes.published"], "description": "Referater til journalisering"})))]
pub struct NewWebhook {
    /// Where deliveries are POSTed: `https://`, to a public address (or to a network the operator
    /// allows, where `http://` may do).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub url: String,
    /// The events to send (see `GET /v1/webhooks/events`); none or empty for every event.
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub events: Vec<Event>,
    #[validate(length(max = 500), custom(function = text))]
    #[schema(max_length = 500, extensions(("x-text" = json!("text"))))]
    pub description: Option<String>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

/// Changes to a subscription (JSON merge patch). Another admin than the owner may change `enabled`
/// only.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"enabled": false})))]
pub struct WebhookPatch {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 2000)]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, max_items = 50)]
    pub events: Option<Vec<Event>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 500, extensions(("x-text" = json!("text"))))]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub enabled: Option<bool>,
}

impl From<NewWebhook> for SubscriptionFields {
    fn from(input: NewWebhook) -> Self {
        let events = events_of(&input.events);
        SubscriptionFields { url: input.url, events, description: input.description, enabled: input.enabled }
    }
}

impl MergePatch for WebhookPatch {
    type Fields = SubscriptionFields;
    type Body = NewWebhook;

    fn apply(self, current: SubscriptionFields) -> NewWebhook {
        NewWebhook {
            url: self.url.unwrap_or(current.url),
            events: self.events.unwrap_or(current.events),
            description: self.description.unwrap_or(current.description),
            enabled: self.enabled.unwrap_or(current.enabled),
        }
    }
}

impl WebhookPatch {
    /// Whether it changes more than whether the subscription is on.
    fn redirects(&self) -> bool {
        self.url.is_some() || self.events.is_some() || self.description.is_some()
    }
}

/// The events named, each once, in the order given.
fn events_of(events: &[Event]) -> Vec<Event> {
    let mut once = Vec::with_capacity(events.len());
    for event in events {
        if !once.contains(event) {
            once.push(*event);
        }
    }
    once
}

/// The events a subscription can name: every change the feed reports.
#[utoipa::path(tag = "webhooks", operation_id = "listWebhookEvents", responses((status = OK, description = "Every event name.", body = Vec<Event>)))]
#[get("/webhooks/events")]
async fn event_names(_principal: Principal) -> web::Json<Vec<Event>> {
    web::Json(<Event as strum::IntoEnumIterator>::iter().collect())
}

/// List subscriptions: the caller's own (admins: every one).
#[utoipa::path(
    tag = "webhooks", operation_id = "listWebhooks",
    params(ListQuery),
    responses(
        (status = OK, description = "A page of subscriptions.", body = Page<WebhookView>),
    )
)]
#[get("/webhooks")]
async fn list(
    state: State,
    principal: Authenticated,
    query: QueryParams<ListQuery>,
) -> ApiResult<web::Json<Page<WebhookView>>> {
    let (limit, page) = query.0.page()?;
    let rows = state.read(principal, move |conn, principal| webhooks::list(conn, principal, &page)).await?;
    Ok(web::Json(pagination::page(rows, limit, |s| pagination::id_cursor(s.id), WebhookView::from)))
}

/// Subscribe a URL to events (admins and service clients). It is sent the changes committed from
/// now on that the caller may see, each as the change feed gives it to the caller, signed with the
/// secret in the answer (shown this once).
#[utoipa::path(
    tag = "webhooks", operation_id = "createWebhook",
    request_body = NewWebhook,
    responses(
        (status = CREATED, description = "The new subscription with its signing secret, shown this once.", body = WebhookWithSecret, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/webhooks")]
async fn create(state: State, principal: Principal, body: JsonBody<NewWebhook>) -> ApiResult<HttpResponse> {
    let mut input = body.into_inner();
    webhooks::subscriber(&principal)?;
    input.validate()?;
    input.url = webhooks::checked_url(&input.url, state.webhook_networks.clone()).await?;
    let fields = SubscriptionFields::from(input);
    let (subscription, secret) =
        state.write(principal, move |conn, principal| webhooks::create(conn, principal, &fields)).await?;
    let location = format!("/v1/webhooks/{}", subscription.id);
    Ok(created_at(location, subscription.version)
        .insert_header(("Cache-Control", "no-store"))
        .json(WebhookWithSecret { webhook: subscription.into(), secret }))
}

/// Read a subscription (its owner; admins).
#[utoipa::path(
    tag = "webhooks", operation_id = "getWebhook",
    params(("id" = i64, Path, description = "Subscription id")),
    responses((status = OK, description = "The subscription.", body = WebhookView, headers(("ETag" = String))))
)]
#[get("/webhooks/{id}")]
async fn read(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let subscription = state.read(principal, move |conn, principal| webhooks::read(conn, principal, id)).await?;
    Ok(current(WebhookView::from(subscription)))
}

/// Change a subscription (its owner; another admin may only turn it on or off). Turned on again, it
/// is sent what changed while it was off.
#[utoipa::path(
    tag = "webhooks", operation_id = "updateWebhook",
    params(("id" = i64, Path, description = "Subscription id"), ("If-Match" = String, Header, description = "ETag of the version being changed")),
    request_body(content = WebhookPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The subscription as changed.", body = WebhookView, headers(("ETag" = String))),
    )
)]
#[patch("/webhooks/{id}")]
async fn update(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<WebhookPatch>,
) -> ApiResult<HttpResponse> {
    let (id, mut patch) = (id.into_inner(), body.into_inner());
    if let Some(url) = &patch.url {
        patch.url = Some(webhooks::checked_url(url, state.webhook_networks.clone()).await?);
    }
    let redirects = patch.redirects();
    let subscription = state
        .write(principal, move |conn, principal| {
            webhooks::update(conn, principal, id, &if_match, redirects, merged(patch))
        })
        .await?;
    Ok(current(WebhookView::from(subscription)))
}

/// Remove a subscription and its deliveries (its owner; admins).
#[utoipa::path(
    tag = "webhooks", operation_id = "deleteWebhook",
    params(("id" = i64, Path, description = "Subscription id"), ("If-Match" = String, Header, description = "ETag of the version being deleted")),
    responses((status = NO_CONTENT, description = "Removed."))
)]
#[delete("/webhooks/{id}")]
async fn remove(state: State, principal: Principal, id: web::Path<i64>, if_match: IfMatch) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.write(principal, move |conn, principal| webhooks::remove(conn, principal, id, &if_match)).await.map(removed)
}

/// Give a subscription a new signing secret (its owner); deliveries are signed with it from now
/// on. The answer carries it, this once.
#[utoipa::path(
    tag = "webhooks", operation_id = "rotateWebhookSecret",
    params(("id" = i64, Path, description = "Subscription id")),
    responses(
        (status = OK, description = "The subscription with its new secret, shown this once.", body = WebhookWithSecret, headers(("ETag" = String))),
    )
)]
#[post("/webhooks/{id}/secret")]
async fn rotate(state: State, principal: Principal, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (subscription, secret) =
        state.write(principal, move |conn, principal| webhooks::rotate_secret(conn, principal, id)).await?;
    Ok(etagged(StatusCode::OK, subscription.version, true)
        .insert_header(("Cache-Control", "no-store"))
        .json(WebhookWithSecret { webhook: subscription.into(), secret }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    pub status: Option<DeliveryStatus>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^id\.[0-9]{1,18}$", max_length = 21)]
    pub cursor: Option<String>,
}

/// A subscription's deliveries, newest first (its owner).
#[utoipa::path(
    tag = "webhooks", operation_id = "listWebhookDeliveries",
    params(("id" = i64, Path, description = "Subscription id"), DeliveryQuery),
    responses(
        (status = OK, description = "A page of deliveries, newest first.", body = Page<DeliveryView>),
    )
)]
#[get("/webhooks/{id}/deliveries")]
async fn deliveries(
    state: State,
    principal: Authenticated,
    id: web::Path<i64>,
    query: QueryParams<DeliveryQuery>,
) -> ApiResult<web::Json<Page<DeliveryView>>> {
    let (id, query) = (id.into_inner(), query.0);
    let limit = pagination::limit(query.limit)?;
    let before = pagination::after_id(query.cursor.as_deref())?;
    let status = query.status.map(DeliveryStatus::stored);
    let rows = state
        .read(principal, move |conn, principal| webhooks::deliveries(conn, principal, id, status, before, limit))
        .await?;
    Ok(web::Json(pagination::page(rows, limit, |d| pagination::id_cursor(d.id), DeliveryView::from)))
}

/// Send a delivery again now (its owner): one that failed, was skipped or went through. It keeps
/// its `message_id`.
#[utoipa::path(
    tag = "webhooks", operation_id = "retryWebhookDelivery",
    params(("id" = i64, Path, description = "Subscription id"), ("delivery_id" = i64, Path, description = "Delivery id")),
    responses(
        (status = OK, description = "The delivery, due now.", body = DeliveryView),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/retry")]
async fn retry(state: State, principal: Principal, path: web::Path<(i64, i64)>) -> ApiResult<web::Json<DeliveryView>> {
    let (id, delivery_id) = path.into_inner();
    let delivery =
        state.write(principal, move |conn, principal| webhooks::retry(conn, principal, id, delivery_id)).await?;
    Ok(web::Json(delivery.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_kept_once_in_the_order_given() {
        let named = [Event::ItemUpdated, Event::AgendaPublished, Event::ItemUpdated];
        assert_eq!(events_of(&named), [Event::ItemUpdated, Event::AgendaPublished]);
    }
}
