//! `/v1/webhooks`: subscriptions of URLs to the change feed's events, for admins and service
//! clients, and their deliveries. A subscription is sent what its owner may see (see
//! `crate::webhooks` for how deliveries are made).
//!
//! Who may do what: the owner everything; another admin may see a subscription, turn it on or off and
//! delete it, but not point it elsewhere (it would then receive what the owner may read) nor see its
//! deliveries (which tell when the owner's hidden content changed); anyone else sees none.

use std::net::{IpAddr, ToSocketAddrs};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::Authenticated;
use super::extract::text;
use super::extract::{IfMatch, JsonBody, QueryParams, not_null, present};
use super::pagination::ListQuery;
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use super::{State, created, etagged};
use crate::audit::{self, Object};
use crate::db::webhooks::{self as store, Delivery, Status, Subscription, SubscriptionFields};
use crate::db::{DbConnection, changes};
use crate::domain::access::Principal;
use crate::domain::events::Event;
use crate::domain::webhooks::{check_addresses, check_url, new_secret};
use crate::error::{ApiError, ApiResult};
use crate::time;

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

/// Who owns a subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOwner {
    /// `user` (an admin) or `client` (a service client).
    pub kind: String,
    /// The user's subject or the client's `client_id`.
    pub subject: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "url": "https://esdh.kalundborg.dk/hooks/dagsorden", "events": ["agenda.published", "minutes.published"], "description": "Referater til journalisering", "enabled": true, "disabled_reason": null, "owner": {"kind": "client", "subject": "dgs_5b1f0c2e9d8a7b6c5d4e3f2a"}, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00"})))]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    /// The events sent; empty for every event.
    #[schema(max_items = 50)]
    pub events: Vec<Event>,
    pub description: Option<String>,
    /// A turned-off subscription is sent nothing until it is turned on again; what changes meanwhile
    /// waits for it.
    pub enabled: bool,
    /// Why the service turned it off (the receiver answered 410 Gone).
    pub disabled_reason: Option<String>,
    pub owner: WebhookOwner,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<Subscription> for WebhookView {
    fn from(s: Subscription) -> Self {
        WebhookView {
            id: s.id,
            events: s.events(),
            url: s.url,
            description: s.description,
            enabled: s.enabled,
            disabled_reason: s.disabled_reason,
            owner: WebhookOwner {
                kind: if s.owner_is_client { "client" } else { "user" }.to_owned(),
                subject: s.owner_subject,
            },
            version: s.version,
            created_at: time::to_api(s.created_at),
            updated_at: time::to_api(s.updated_at),
        }
    }
}

/// A subscription with its signing secret: only in the answer to its creation and to rotation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "url": "https://esdh.kalundborg.dk/hooks/dagsorden", "events": ["agenda.published", "minutes.published"], "description": "Referater til journalisering", "enabled": true, "disabled_reason": null, "owner": {"kind": "client", "subject": "dgs_5b1f0c2e9d8a7b6c5d4e3f2a"}, "version": 1, "created_at": "2022-04-19T09:15:00+02:00", "updated_at": "2022-04-19T09:15:00+02:00", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})))]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// Shown this once. Deliveries are signed with it as Standard Webhooks describes:
    /// `webhook-signature` is `v1,` and the base64 HMAC-SHA256, keyed with the base64-decoded part
    /// after `whsec_`, of `{webhook-id}.{webhook-timestamp}.{body}`.
    #[schema(pattern = "^whsec_[A-Za-z0-9+/=]+$")]
    pub secret: String,
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

impl WebhookPatch {
    fn apply(self, current: &Subscription) -> NewWebhook {
        NewWebhook {
            url: self.url.unwrap_or_else(|| current.url.clone()),
            events: self.events.unwrap_or_else(|| current.events()),
            description: self.description.unwrap_or_else(|| current.description.clone()),
            enabled: self.enabled.unwrap_or(current.enabled),
        }
    }

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

/// How long a subscription's host may take to resolve.
const RESOLVING: Duration = Duration::from_secs(5);

/// Checks a URL for a subscription: as written, then where its host resolves to now (the delivery
/// checks again each time it connects). 422 naming `url` when it may not be used.
async fn checked_url(url: &str, allowed: Vec<ipnet::IpNet>) -> ApiResult<String> {
    let refused = |message: String| ApiError::validation("url", message);
    let parsed = check_url(url, &allowed).map_err(refused)?;
    let host = parsed.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let lookup = web::block(move || {
        (host.as_str(), port).to_socket_addrs().map(|found| found.map(|a| a.ip()).collect::<Vec<IpAddr>>())
    });
    let addresses = match actix_web::rt::time::timeout(RESOLVING, lookup).await {
        Ok(Ok(Ok(addresses))) => addresses,
        Ok(Ok(Err(_))) => Vec::new(),
        Ok(Err(e)) => return Err(ApiError::internal(format!("blocking task: {e}"))),
        Err(_) => return Err(refused("names a host that did not resolve in time".into())),
    };
    check_addresses(parsed.scheme() == "https", &addresses, &allowed).map_err(refused)?;
    Ok(parsed.to_string())
}

fn object(subscription: &Subscription) -> Object {
    Object::new("webhook", subscription.id)
}

/// The caller as an owner of subscriptions: admins and service clients; 403 for anyone else.
fn subscriber(principal: &Principal) -> ApiResult<(&str, bool)> {
    if principal.client || principal.is_admin() {
        Ok((&principal.subject, principal.client))
    } else {
        Err(ApiError::Forbidden("Webhooks are for admins and service clients.".into()))
    }
}

/// A subscription the caller may see: its own, or any for an admin; not found otherwise.
fn find(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<Subscription> {
    let subscription = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if subscription.owned_by(&principal.subject, principal.client) || principal.is_admin() {
        Ok(subscription)
    } else {
        Err(ApiError::Hidden)
    }
}

/// A subscription of the caller's own: 403 for another admin (who sees it).
fn find_own(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<Subscription> {
    let subscription = find(conn, principal, id)?;
    if subscription.owned_by(&principal.subject, principal.client) {
        Ok(subscription)
    } else {
        Err(ApiError::Forbidden("Only the subscription's owner may do this.".into()))
    }
}

fn fields(input: NewWebhook, events: Vec<Event>) -> SubscriptionFields {
    SubscriptionFields { url: input.url, events, description: input.description, enabled: input.enabled }
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
    let rows = state
        .read(principal, move |conn, principal| {
            let owner = subscriber(principal)?;
            let owner = if principal.is_admin() { None } else { Some(owner) };
            Ok(store::list(conn, owner, &page)?)
        })
        .await?;
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
    subscriber(&principal)?;
    input.validate()?;
    let events = events_of(&input.events);
    input.url = checked_url(&input.url, state.webhook_networks.clone()).await?;
    let (subscription, secret) = state
        .write(principal, move |conn, principal| {
            let owner = subscriber(principal)?;
            let secret = new_secret();
            let after = changes::newest(conn)?;
            let subscription = store::create(conn, owner, &fields(input, events), &secret, after, time::now())?;
            audit::created(conn, principal, &object(&subscription), &WebhookView::from(subscription.clone()))?;
            Ok((subscription, secret))
        })
        .await?;
    let location = format!("/v1/webhooks/{}", subscription.id);
    Ok(created(location, subscription.version)
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
    let subscription = state.read(principal, move |conn, principal| find(conn, principal, id)).await?;
    Ok(etagged(StatusCode::OK, subscription.version, true).json(WebhookView::from(subscription)))
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
    let (id, patch) = (id.into_inner(), body.into_inner());
    let url = match &patch.url {
        Some(url) => Some(checked_url(url, state.webhook_networks.clone()).await?),
        None => None,
    };
    let subscription = state
        .write(principal, move |conn, principal| {
            let current = if patch.redirects() { find_own(conn, principal, id)? } else { find(conn, principal, id)? };
            if_match.check(current.version)?;
            let mut changed = patch.apply(&current);
            if let Some(url) = url {
                changed.url = url;
            }
            changed.validate()?;
            let events = events_of(&changed.events);
            let subscription = store::update(conn, &current, &fields(changed, events), time::now())?;
            let (old, new) = (WebhookView::from(current), WebhookView::from(subscription.clone()));
            audit::updated(conn, principal, &object(&subscription), &old, &new)?;
            Ok(subscription)
        })
        .await?;
    Ok(etagged(StatusCode::OK, subscription.version, true).json(WebhookView::from(subscription)))
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
    state
        .write(principal, move |conn, principal| {
            let current = find(conn, principal, id)?;
            if_match.check(current.version)?;
            store::delete(conn, &current)?;
            audit::deleted(conn, principal, &object(&current), &WebhookView::from(current.clone()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
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
    let (subscription, secret) = state
        .write(principal, move |conn, principal| {
            let current = find_own(conn, principal, id)?;
            let secret = new_secret();
            let subscription = store::set_secret(conn, &current, &secret, time::now())?;
            // The record says that the secret changed; the secret stays out of it.
            audit::change(conn, principal, "rotate_secret", &object(&subscription), None::<&()>, None::<&()>)?;
            Ok((subscription, secret))
        })
        .await?;
    Ok(etagged(StatusCode::OK, subscription.version, true)
        .insert_header(("Cache-Control", "no-store"))
        .json(WebhookWithSecret { webhook: subscription.into(), secret }))
}

/// Where a delivery is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt (`next_attempt_at`).
    Pending,
    Delivered,
    /// Every attempt failed (or the receiver answered 410 Gone).
    Failed,
    /// Not sent: its owner could no longer sign in, or no longer saw the change.
    Skipped,
}

impl DeliveryStatus {
    fn stored(self) -> Status {
        match self {
            DeliveryStatus::Pending => Status::Pending,
            DeliveryStatus::Delivered => Status::Delivered,
            DeliveryStatus::Failed => Status::Failed,
            DeliveryStatus::Skipped => Status::Skipped,
        }
    }

    fn of(stored: &str) -> DeliveryStatus {
        match stored {
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            "skipped" => DeliveryStatus::Skipped,
            _ => DeliveryStatus::Pending,
        }
    }
}

/// One change sent to a subscription, with its attempts.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 7, "webhook_id": 1, "message_id": "msg_dgs_7", "change_cursor": "id.4711", "event": "minutes.published", "status": "delivered", "attempts": 1, "last_status": 204, "last_error": null, "last_attempt_at": "2022-04-27T09:00:01+02:00", "next_attempt_at": null, "delivered_at": "2022-04-27T09:00:01+02:00", "created_at": "2022-04-27T09:00:00+02:00"})))]
pub struct DeliveryView {
    pub id: i64,
    pub webhook_id: i64,
    /// The `webhook-id` header of every attempt at it: a receiver that has seen it has it already.
    pub message_id: String,
    /// The change's `cursor` in the feed (`data.cursor` of the body): `GET /v1/changes?since=` it
    /// gives what changed after it.
    pub change_cursor: String,
    pub event: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<FixedOffset>>,
    pub last_attempt_at: Option<DateTime<FixedOffset>>,
    /// The receiver's status at the last attempt, if it answered.
    pub last_status: Option<i32>,
    /// What went wrong at the last attempt (or why it was skipped).
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        DeliveryView {
            id: d.id,
            webhook_id: d.subscription_id,
            message_id: crate::webhooks::message_id(d.id),
            change_cursor: pagination::id_cursor(d.change_id),
            event: d.event,
            status: DeliveryStatus::of(&d.status),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at.map(time::to_api),
            last_attempt_at: d.last_attempt_at.map(time::to_api),
            last_status: d.last_status,
            last_error: d.last_error,
            delivered_at: d.delivered_at.map(time::to_api),
            created_at: time::to_api(d.created_at),
        }
    }
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
        .read(principal, move |conn, principal| {
            let subscription = find_own(conn, principal, id)?;
            Ok(store::list_deliveries(conn, subscription.id, status, before, i64::from(limit) + 1)?)
        })
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
    let delivery = state
        .write(principal, move |conn, principal| {
            let subscription = find_own(conn, principal, id)?;
            let delivery = store::find_delivery(conn, subscription.id, delivery_id)?.ok_or(ApiError::NotFound)?;
            if delivery.leased_until.is_some_and(|lease| lease > time::now()) {
                return Err(ApiError::Conflict("The delivery is being sent right now.".into()));
            }
            let delivery = store::retry(conn, &delivery, time::now())?;
            audit::change(
                conn,
                principal,
                "retry",
                &Object::new("webhook_delivery", delivery.id),
                None::<&()>,
                None::<&()>,
            )?;
            Ok(delivery)
        })
        .await?;
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
