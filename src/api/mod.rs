//! The HTTP API: handlers grouped by resource, and the OpenAPI document generated from them.
//!
//! Handlers read the request, ask `domain` what the caller may do, and run their queries through
//! `db` off the async workers. Every error leaves through `ApiError` as problem+json.

pub mod access_groups;
pub mod allocations;
pub mod attachments;
pub mod audit;
pub mod calendar;
pub mod cases;
pub mod changes;
pub mod clients;
pub mod committees;
pub mod exclusions;
pub mod extract;
pub mod grants;
pub mod headers;
pub mod health;
pub mod idempotency;
pub mod item_amounts;
pub mod item_attendance;
pub mod items;
pub mod kind_grants;
pub mod lifecycle;
pub mod limits;
pub mod me;
pub mod meetings;
pub mod members;
pub mod metrics;
pub mod openapi;
pub mod pagination;
pub mod participants;
pub mod policy;
pub mod problems;
pub mod public;
pub mod public_versions;
pub mod published;
pub mod referrals;
pub mod request_id;
pub mod roster;
pub mod search;
pub mod sign_offs;
pub mod standing_items;
pub mod token;
pub mod users;
pub mod votes;
pub mod webhooks;

use std::future::{Ready, ready};

use futures_util::future::LocalBoxFuture;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{Next, from_fn};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::Auditor;
use crate::auth::{Authenticator, Caller, bearer_token};
use crate::db::{Database, DbConnection};
use crate::domain::access::Principal;
use crate::error::{ApiError, ApiResult};
use crate::request_context;
use crate::service::identity;
use crate::time;
use crate::views::Versioned;

/// What every handler shares.
pub struct AppState {
    pub db: Database,
    pub auditor: Auditor,
    pub idempotency_ttl: chrono::Duration,
    pub public_versions: public_versions::PublicVersions,
    /// Wakes the webhook worker when a write has committed.
    pub webhooks: crate::webhooks::Wake,
    /// Where webhooks may be delivered besides the public internet (to check new subscriptions).
    pub webhook_networks: Vec<ipnet::IpNet>,
}

impl AppState {
    /// Runs `f` on the caller's behalf, off the async workers. A caller not yet resolved is resolved
    /// first, in the same call: one trip to the blocking pool and one connection for the request.
    pub async fn read<T, F>(&self, caller: impl Into<Authenticated>, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection, &Principal) -> ApiResult<T> + Clone + Send + 'static,
        T: Send + 'static,
    {
        let request = request_context::current();
        let caller = caller.into();
        self.db
            .read(move |conn| {
                request_context::in_blocking(request, || {
                    let principal = caller.principal(conn)?;
                    f(conn, &principal)
                })
            })
            .await
    }

    /// Like [`AppState::read`], for the public API: the visitor may be anonymous.
    pub async fn read_public<T, F>(&self, visitor: Option<Principal>, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection, Option<&Principal>) -> ApiResult<T> + Clone + Send + 'static,
        T: Send + 'static,
    {
        let request = request_context::current();
        self.db.read(move |conn| request_context::in_blocking(request, || f(conn, visitor.as_ref()))).await
    }

    /// Like [`AppState::read`], with `f` in one write transaction (the caller is resolved in it, and
    /// the request's `Idempotency-Key` taken in it).
    pub async fn write<T, F>(&self, caller: impl Into<Authenticated>, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection, &Principal) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let request = request_context::current();
        let reservation = idempotency::current();
        let taken = reservation.clone();
        let caller = caller.into();
        let written = self
            .db
            .write(move |conn| {
                request_context::in_blocking(request, || {
                    let principal = caller.principal(conn)?;
                    // The request's Idempotency-Key is held exactly when its changes are.
                    if let Some(reservation) = &reservation {
                        idempotency::take(conn, reservation)?;
                    }
                    f(conn, &principal)
                })
            })
            .await;
        if written.is_ok() {
            if let Some(reservation) = taken {
                reservation.committed();
            }
            self.webhooks.now();
        }
        written
    }
}

/// Authenticates every request to the protected API before anything else reads it: the token is
/// verified (an invalid one is refused here). Who the caller is, the database decides, before the
/// request reads or changes anything, so that a deactivated user or a disabled client is refused
/// with 401 at once: here for a change, and for a read in the handler's own database call (handlers
/// of reads take [`Authenticated`]), which saves a read its second trip to the blocking pool.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // A read is resolved in its handler's own database call; anything else here, so that a change
    // by a caller who may no longer sign in is refused before its body is even looked at.
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    let known = if read {
        verify(&req).await.map(|caller| {
            req.extensions_mut().insert(caller);
        })
    } else {
        identify(&req).await.map(|principal| {
            req.extensions_mut().insert(principal);
        })
    };
    match known {
        Ok(()) => Ok(next.call(req).await?.map_into_boxed_body()),
        // Answered here rather than raised, so that the audit of denied attempts sees the request.
        Err(refusal) => Ok(limits::refused_by_address(req, refusal)),
    }
}

async fn verify(req: &ServiceRequest) -> Result<Caller, ApiError> {
    let authenticator =
        req.app_data::<web::Data<Authenticator>>().cloned().ok_or_else(|| ApiError::internal("no authenticator"))?;
    let token = bearer_token(req.request())?;
    authenticator.into_inner().verify_refreshing(token).await
}

/// A verified token's caller, resolved by the database.
async fn identify(req: &ServiceRequest) -> Result<Principal, ApiError> {
    let caller = verify(req).await?;
    // Known from here on, also when the database refuses it (a deactivated user).
    req.extensions_mut().insert(caller.clone());
    resolve(req.app_data::<State>(), caller).await
}

async fn resolve(state: Option<&State>, caller: Caller) -> Result<Principal, ApiError> {
    let state = state.cloned().ok_or_else(|| ApiError::internal("no application state"))?;
    let request = request_context::current();
    state
        .db
        .read(move |conn| request_context::in_blocking(request, || identity::resolve(conn, &caller, time::now())))
        .await
}

/// The caller of a request to the protected API, as its handler takes it: verified by its token,
/// and resolved by the database in the handler's own call ([`AppState::read`]), so that the request
/// makes one trip to the blocking pool and takes one connection, not two.
#[derive(Clone)]
pub enum Authenticated {
    Verified(Caller),
    Resolved(Principal),
}

impl Authenticated {
    /// Who the caller is now: 401 for a deactivated user or a disabled client.
    fn principal(self, conn: &mut DbConnection) -> ApiResult<Principal> {
        match self {
            Authenticated::Verified(caller) => identity::resolve(conn, &caller, time::now()),
            Authenticated::Resolved(principal) => Ok(principal),
        }
    }
}

impl From<Principal> for Authenticated {
    fn from(principal: Principal) -> Self {
        Authenticated::Resolved(principal)
    }
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Caller>()
                .cloned()
                .map(Authenticated::Verified)
                .ok_or_else(|| ApiError::internal("route outside the authenticated scope")),
        )
    }
}

/// For the public API: a request without a token is anonymous; one with a token is authenticated
/// as on the rest of the API (an invalid token is refused, not taken as anonymous).
pub async fn authenticate_if_present(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.headers().contains_key(header::AUTHORIZATION) {
        match identify(&req).await {
            Ok(principal) => {
                req.extensions_mut().insert(principal);
            }
            Err(refusal) => return Ok(limits::refused_by_address(req, refusal)),
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Who reads the public API: a signed-in caller, or nobody in particular.
pub struct Visitor(pub Option<Principal>);

impl FromRequest for Visitor {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Visitor(req.extensions_mut().remove::<Principal>())))
    }
}

/// The caller resolved before the handler runs, for handlers that need it before (or without)
/// their database call. The public API has resolved it already, when a token came.
impl FromRequest for Principal {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let resolved = req.extensions_mut().remove::<Principal>();
        let caller = req.extensions().get::<Caller>().cloned();
        let state = req.app_data::<State>().cloned();
        Box::pin(async move {
            match (resolved, caller) {
                (Some(principal), _) => Ok(principal),
                (None, Some(caller)) => resolve(state.as_ref(), caller).await,
                (None, None) => Err(ApiError::internal("route outside the authenticated scope")),
            }
        })
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Caller>()
                .cloned()
                .ok_or_else(|| ApiError::internal("route outside the authenticated scope")),
        )
    }
}

pub use openapi::openapi;

pub type State = web::Data<AppState>;

/// The routes `register` declares, each with its access rule, for a scope's `configure`.
fn declared(register: fn(&mut policy::Routes)) -> impl FnOnce(&mut ServiceConfig) {
    move |cfg| policy::Routes::declare(cfg, register)
}

/// Registers every documented route. The same function serves requests and generates the OpenAPI
/// document, so the two cannot drift.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(declared(health::routes))
        .configure(declared(metrics::routes))
        .service(
            utoipa_actix_web::scope("/problems")
                .wrap(from_fn(limits::per_address))
                .configure(declared(problems::routes)),
        )
        // Before /v1, which would otherwise claim it: the token endpoint authenticates clients itself.
        .service(
            utoipa_actix_web::scope("/v1/auth").wrap(from_fn(limits::per_address)).configure(declared(token::routes)),
        )
        // Also before /v1: no token needed, one that is sent is checked.
        .service(
            utoipa_actix_web::scope("/v1/public")
                .wrap(from_fn(limits::per_visitor))
                .wrap(from_fn(authenticate_if_present))
                .configure(declared(public::routes))
                .configure(declared(calendar::public_routes)),
        )
        .service(
            utoipa_actix_web::scope("/v1")
                // The last wrapped runs first: authenticate, limit by caller, then idempotency.
                .wrap(from_fn(idempotency::middleware))
                .wrap(from_fn(limits::per_caller))
                .wrap(from_fn(authenticate))
                .configure(declared(access_groups::routes))
                .configure(declared(members::routes))
                .configure(declared(committees::routes))
                .configure(declared(grants::routes))
                .configure(declared(kind_grants::routes))
                .configure(declared(meetings::routes))
                .configure(declared(lifecycle::routes))
                .configure(declared(published::routes))
                .configure(declared(sign_offs::routes))
                .configure(declared(standing_items::routes))
                .configure(declared(roster::routes))
                .configure(declared(item_attendance::routes))
                .configure(declared(item_amounts::routes))
                .configure(declared(votes::routes))
                .configure(declared(referrals::routes))
                .configure(declared(allocations::routes))
                .configure(declared(cases::routes))
                .configure(declared(attachments::routes))
                .configure(declared(calendar::routes))
                .configure(declared(participants::routes))
                .configure(declared(items::routes))
                .configure(declared(exclusions::routes))
                .configure(declared(users::routes))
                .configure(declared(me::routes))
                .configure(declared(clients::routes))
                .configure(declared(changes::routes))
                .configure(declared(webhooks::routes))
                .configure(declared(search::routes))
                .configure(declared(audit::routes)),
        );
}

/// A request's path as logs and audit records show it: a personal calendar feed's secret is cut out.
pub fn shown_path(path: &str) -> std::borrow::Cow<'_, str> {
    const FEEDS: &str = "/v1/public/calendar-feeds/";
    match path.strip_prefix(FEEDS) {
        Some(secret) if !secret.is_empty() => format!("{FEEDS}…").into(),
        _ => path.into(),
    }
}

/// A response carrying the ETag of the representation it sends.
pub fn etagged(status: StatusCode, version: i64, full: bool) -> HttpResponseBuilder {
    tagged(status, extract::etag(version, full))
}

/// A response with this entity tag.
pub fn tagged(status: StatusCode, tag: String) -> HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::ETAG, tag));
    builder
}

/// 200 OK with one versioned resource and its ETag: what a read or a change of it answers.
pub fn current(view: impl Versioned) -> HttpResponse {
    etagged(StatusCode::OK, view.version(), true).json(view)
}

/// 201 Created, with where the new resource lives and its ETag.
pub fn created_at(location: String, version: i64) -> HttpResponseBuilder {
    let mut builder = etagged(StatusCode::CREATED, version, true);
    if let Ok(value) = HeaderValue::from_str(&location) {
        builder.insert_header((header::LOCATION, value));
    }
    builder
}

/// 201 Created with the new versioned resource, where it lives and its ETag.
pub fn created(location: String, view: impl Versioned) -> HttpResponse {
    created_at(location, view.version()).json(view)
}

/// 204 No Content: what a removal answers.
pub fn removed(_: ()) -> HttpResponse {
    HttpResponse::NoContent().finish()
}

#[cfg(test)]
mod tests {
    use super::shown_path;

    #[test]
    fn a_calendar_feed_secret_never_reaches_a_log() {
        assert_eq!(shown_path("/v1/public/calendar-feeds/dgsf_c2VjcmV0"), "/v1/public/calendar-feeds/…");
        assert_eq!(shown_path("/v1/meetings/7"), "/v1/meetings/7");
    }
}
