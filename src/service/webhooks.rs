//! Webhook subscriptions of admins and service clients, and their deliveries. Who may do what: the
//! owner everything; another admin may see a subscription, turn it on or off and delete it, but not
//! point it elsewhere (it would then receive what the owner may read) nor see its deliveries (which
//! tell when the owner's hidden content changed); anyone else sees none.

use std::net::{IpAddr, ToSocketAddrs};
use std::time::Duration;

use actix_web::web;

use crate::audit::{self, Object};
use crate::db::webhooks::{self as store, Delivery, Status, Subscription, SubscriptionFields};
use crate::db::{DbConnection, IdPage, changes};
use crate::domain::access::Principal;
use crate::domain::webhooks::{check_addresses, check_url, new_secret};
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::time;
use crate::views::webhook::WebhookView;

/// How long a subscription's host may take to resolve.
const RESOLVING: Duration = Duration::from_secs(5);

/// Checks a URL for a subscription: as written, then where its host resolves to now (the delivery
/// checks again each time it connects). 422 naming `url` when it may not be used.
pub async fn checked_url(url: &str, allowed: Vec<ipnet::IpNet>) -> ApiResult<String> {
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
pub fn subscriber(principal: &Principal) -> ApiResult<(&str, bool)> {
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

/// The caller's subscriptions; an admin's list holds every one.
pub fn list(conn: &mut DbConnection, principal: &Principal, page: &IdPage) -> ApiResult<Vec<Subscription>> {
    let owner = subscriber(principal)?;
    let owner = if principal.is_admin() { None } else { Some(owner) };
    Ok(store::list(conn, owner, page)?)
}

/// Subscribes the caller (its URL checked already) to the changes committed from now on; returns
/// the subscription and its signing secret.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    fields: &SubscriptionFields,
) -> ApiResult<(Subscription, String)> {
    let owner = subscriber(principal)?;
    let secret = new_secret();
    let after = changes::newest(conn)?;
    let subscription = store::create(conn, owner, fields, &secret, after, time::now())?;
    audit::created(conn, principal, &object(&subscription), &WebhookView::from(subscription.clone()))?;
    Ok((subscription, secret))
}

pub fn read(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<Subscription> {
    find(conn, principal, id)
}

/// Changes a subscription; one that `redirects` it (another address, events or description) is
/// for its owner only.
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    expected: &impl Expected,
    redirects: bool,
    change: impl FnOnce(SubscriptionFields) -> ApiResult<SubscriptionFields>,
) -> ApiResult<Subscription> {
    let current = if redirects { find_own(conn, principal, id)? } else { find(conn, principal, id)? };
    expected.check(current.version)?;
    let subscription = store::update(conn, &current, &change(current.fields())?, time::now())?;
    let (old, new) = (WebhookView::from(current), WebhookView::from(subscription.clone()));
    audit::updated(conn, principal, &object(&subscription), &old, &new)?;
    Ok(subscription)
}

/// Removes a subscription and its deliveries.
pub fn remove(conn: &mut DbConnection, principal: &Principal, id: i64, expected: &impl Expected) -> ApiResult<()> {
    let current = find(conn, principal, id)?;
    expected.check(current.version)?;
    store::delete(conn, &current)?;
    audit::deleted(conn, principal, &object(&current), &WebhookView::from(current.clone()))
}

/// Gives a subscription a new signing secret (its owner); returns it with the secret.
pub fn rotate_secret(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<(Subscription, String)> {
    let current = find_own(conn, principal, id)?;
    let secret = new_secret();
    let subscription = store::set_secret(conn, &current, &secret, time::now())?;
    // The record says that the secret changed; the secret stays out of it.
    audit::change(conn, principal, "rotate_secret", &object(&subscription), None::<&()>, None::<&()>)?;
    Ok((subscription, secret))
}

/// A subscription's deliveries, newest first, before the `before` id (its owner).
pub fn deliveries(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    status: Option<Status>,
    before: Option<i64>,
    limit: u32,
) -> ApiResult<Vec<Delivery>> {
    let subscription = find_own(conn, principal, id)?;
    Ok(store::list_deliveries(conn, subscription.id, status, before, i64::from(limit) + 1)?)
}

/// Makes a delivery due now (its owner), unless it is being sent this moment.
pub fn retry(conn: &mut DbConnection, principal: &Principal, id: i64, delivery_id: i64) -> ApiResult<Delivery> {
    let subscription = find_own(conn, principal, id)?;
    let delivery = store::find_delivery(conn, subscription.id, delivery_id)?.ok_or(ApiError::NotFound)?;
    if delivery.leased_until.is_some_and(|lease| lease > time::now()) {
        return Err(ApiError::Conflict("The delivery is being sent right now.".into()));
    }
    let delivery = store::retry(conn, &delivery, time::now())?;
    let object = Object::new("webhook_delivery", delivery.id);
    audit::change(conn, principal, "retry", &object, None::<&()>, None::<&()>)?;
    Ok(delivery)
}
