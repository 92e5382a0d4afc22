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
pub mod pagination;
pub mod participants;
pub mod public;
pub mod public_versions;
pub mod published;
pub mod request_id;
pub mod search;
pub mod sign_offs;
pub mod standing_items;
pub mod token;
pub mod users;
pub mod webhooks;

use std::future::{Ready, ready};

use futures_util::future::LocalBoxFuture;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, FromRequest, HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder, web};
use utoipa::OpenApi;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDocument, Ref, RefOr};
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::Auditor;
use crate::auth::{Authenticator, Caller, bearer_token};
use crate::db::{Database, DbConnection, access, groups};
use crate::domain::access::{Principal, can_manage_group};
use crate::error::{ApiError, ApiResult};
use crate::time;

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
        F: FnOnce(&mut DbConnection, &Principal) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let request = request_id::current();
        let caller = caller.into();
        self.db
            .read(move |conn| {
                request_id::in_blocking(request, || {
                    let principal = caller.principal(conn)?;
                    f(conn, &principal)
                })
            })
            .await
    }

    /// Like [`AppState::read`], for the public API: the visitor may be anonymous.
    pub async fn read_public<T, F>(&self, visitor: Option<Principal>, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection, Option<&Principal>) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let request = request_id::current();
        self.db.read(move |conn| request_id::in_blocking(request, || f(conn, visitor.as_ref()))).await
    }

    /// Like [`AppState::read`], with `f` in one write transaction (the caller is resolved in it).
    pub async fn write<T, F>(&self, caller: impl Into<Authenticated>, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection, &Principal) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let request = request_id::current();
        let caller = caller.into();
        let written = self
            .db
            .write(move |conn| {
                request_id::in_blocking(request, || {
                    let principal = caller.principal(conn)?;
                    f(conn, &principal)
                })
            })
            .await;
        if written.is_ok() {
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
        Err(refusal) => Ok(req.error_response(refusal)),
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
    let request = request_id::current();
    state.db.read(move |conn| request_id::in_blocking(request, || access::resolve(conn, &caller, time::now()))).await
}

/// The caller of a request to the protected API, as its handler takes it: verified by its token,
/// and resolved by the database in the handler's own call ([`AppState::read`]), so that the request
/// makes one trip to the blocking pool and takes one connection, not two.
pub enum Authenticated {
    Verified(Caller),
    Resolved(Principal),
}

impl Authenticated {
    /// Who the caller is now: 401 for a deactivated user or a disabled client.
    fn principal(self, conn: &mut DbConnection) -> ApiResult<Principal> {
        match self {
            Authenticated::Verified(caller) => access::resolve(conn, &caller, time::now()),
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
            Err(refusal) => return Ok(req.error_response(refusal)),
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

pub type State = web::Data<AppState>;

/// Registers every documented route. The same function serves requests and generates the OpenAPI
/// document, so the two cannot drift.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::routes)
        .configure(metrics::routes)
        // Before /v1, which would otherwise claim it: the token endpoint authenticates clients itself.
        .service(utoipa_actix_web::scope("/v1/auth").wrap(from_fn(limits::per_address)).configure(token::routes))
        // Also before /v1: no token needed, one that is sent is checked.
        .service(
            utoipa_actix_web::scope("/v1/public")
                .wrap(from_fn(limits::per_visitor))
                .wrap(from_fn(authenticate_if_present))
                .configure(public::routes)
                .configure(calendar::public_routes),
        )
        .service(
            utoipa_actix_web::scope("/v1")
                // The last wrapped runs first: authenticate, limit by caller, then idempotency.
                .wrap(from_fn(idempotency::middleware))
                .wrap(from_fn(limits::per_caller))
                .wrap(from_fn(authenticate))
                .configure(access_groups::routes)
                .configure(members::routes)
                .configure(committees::routes)
                .configure(grants::routes)
                .configure(kind_grants::routes)
                .configure(meetings::routes)
                .configure(lifecycle::routes)
                .configure(published::routes)
                .configure(sign_offs::routes)
                .configure(standing_items::routes)
                .configure(item_attendance::routes)
                .configure(item_amounts::routes)
                .configure(allocations::routes)
                .configure(cases::routes)
                .configure(attachments::routes)
                .configure(calendar::routes)
                .configure(participants::routes)
                .configure(items::routes)
                .configure(exclusions::routes)
                .configure(users::routes)
                .configure(me::routes)
                .configure(clients::routes)
                .configure(changes::routes)
                .configure(webhooks::routes)
                .configure(search::routes)
                .configure(audit::routes),
        );
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "dagsorden",
        description = "Meetings, agendas and minutes for Danish municipalities.\n\n\
            Authenticate with `Authorization: Bearer <token>`. Errors are `application/problem+json` \
            (RFC 9457); `type` identifies the kind of problem and `GET /problems/{slug}` describes it. \
            Changes and deletions need `If-Match` with the resource's `ETag`. Lists are paginated with \
            `limit` and `cursor`. Times are RFC 3339; they are shown in Europe/Copenhagen.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError, crate::webhooks::WebhookPayload)),
    tags(
        (name = "access-groups", description = "The municipality's access groups (AD groups) in four tiers."),
        (name = "committees", description = "Committees (udvalg): the bodies that meet."),
        (name = "grants", description = "Roles granted to access groups on committees."),
        (name = "meetings", description = "Meetings with their participants and agenda."),
        (name = "lifecycle", description = "A meeting's life: publish the agenda, hold the meeting, publish the minutes, or cancel it."),
        (name = "published", description = "Published agendas and minutes: fixed versions, corrections and their differences."),
        (name = "attachments", description = "Attachments (bilag) of agenda items."),
        (name = "public", description = "The public read API: published agendas and minutes of public committees, without a token (internal committees' too, with one), as JSON, HTML, Markdown and calendars."),
        (name = "allocations", description = "Cost allocations: common costs split exactly across the units that pay them, and the yearly report of what each unit pays."),
        (name = "calendars", description = "Personal calendar feeds at secret, revocable URLs."),
        (name = "participants", description = "Who attends a meeting."),
        (name = "items", description = "Agenda items (punkter) and conflicts of interest (inhabilitet)."),
        (name = "users", description = "The people who have signed in, and who the caller is."),
        (name = "clients", description = "Service clients and the OAuth 2.0 client-credentials grant."),
        (name = "search", description = "Full-text search in Danish over the meetings, items and attachments the caller may read."),
        (name = "changes", description = "The change feed: every change the caller may see, in commit order, from a cursor it keeps."),
        (name = "webhooks", description = "Webhooks: the change feed's events POSTed to a URL as they happen, signed (Standard Webhooks), retried, for admins and service clients. A delivery's body is `WebhookPayload`."),
        (name = "audit", description = "The audit trail: every change, every read of closed content, every denied attempt."),
        (name = "operations", description = "Health and readiness probes."),
    )
)]
struct ApiDoc;

/// The OpenAPI document of this build.
pub fn openapi() -> OpenApiDocument {
    let (_, mut doc) = App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(configure).split_for_parts();
    document_problems_and_security(&mut doc);
    doc
}

/// The problem responses an operation can give by its shape, shared through `components.responses`,
/// and the bearer requirement on every `/v1` operation.
fn document_problems_and_security(doc: &mut OpenApiDocument) {
    const PROBLEMS: [(&str, &str, &str); 13] = [
        ("400", "MalformedRequest", "The request could not be read (malformed JSON, path, query or header)."),
        ("401", "Unauthorized", "No valid bearer token."),
        ("404", "NotFound", "No such resource, or it is not visible to the caller."),
        ("408", "RequestTimeout", "The request did not arrive within the configured time; nothing was changed."),
        (
            "409",
            "Conflict",
            "Conflicts with the current state, or a request with the same Idempotency-Key is under way.",
        ),
        ("412", "PreconditionFailed", "If-Match does not name the current version; nothing was changed."),
        ("413", "PayloadTooLarge", "The body exceeds the configured limit."),
        ("415", "UnsupportedMediaType", "The body is not JSON."),
        ("422", "ValidationFailed", "Fields break a rule; `errors` lists them. Nothing was changed."),
        ("428", "PreconditionRequired", "If-Match is missing."),
        ("429", "TooManyRequests", "The caller's rate limit is used up; retry after Retry-After seconds."),
        ("500", "InternalError", "A fault of the service; logged, and any write was rolled back."),
        ("503", "ServiceUnavailable", "The database is unreachable or busy; retry after Retry-After seconds."),
    ];
    let components = doc.components.get_or_insert_with(Default::default);
    for (_, name, description) in PROBLEMS {
        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
        let response =
            ResponseBuilder::new().description(description).content("application/problem+json", content).build();
        components.responses.insert(name.to_owned(), RefOr::T(response));
    }
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(Http::builder().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
    );
    components.add_security_scheme("client_basic", SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)));

    let idempotency_key = ParameterBuilder::new()
        .name(idempotency::HEADER_NAME)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes a retry safe: the same key and request within the configured time replays the first answer \
             and changes nothing.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(idempotency::KEY_PATTERN))
                .max_length(Some(255)),
        ))
        .build();
    for (path, item) in doc.paths.paths.iter_mut() {
        let secured = path.starts_with("/v1/");
        // The public API takes a token but needs none.
        let public = path.starts_with("/v1/public/");
        let token_endpoint = path == "/v1/auth/token";
        let operations = [
            ("get", &mut item.get),
            ("post", &mut item.post),
            ("put", &mut item.put),
            ("patch", &mut item.patch),
            ("delete", &mut item.delete),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation.as_mut() else { continue };
            let has = |operation: &Operation, place: ParameterIn| {
                operation.parameters.iter().flatten().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
            };
            let mut statuses = vec!["500", "503"];
            if secured {
                statuses.extend(["401", "429"]);
                // Operations that declare their own (the token endpoint, the public API) keep it.
                operation.security.get_or_insert_with(|| {
                    let bearer = SecurityRequirement::new("bearer", Vec::<String>::new());
                    if public { vec![SecurityRequirement::default(), bearer] } else { vec![bearer] }
                });
            }
            if has(operation, ParameterIn::Path) {
                statuses.extend(["400", "404"]);
            }
            if has(operation, ParameterIn::Query) {
                statuses.push("400");
            }
            if operation.request_body.is_some() {
                statuses.extend(["400", "408", "413", "415", "422"]);
            }
            let takes_if_match = operation.parameters.iter().flatten().any(|p| {
                matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Header && p.name.eq_ignore_ascii_case("If-Match"))
            });
            if matches!(method, "put" | "patch" | "delete") || takes_if_match {
                statuses.extend(["409", "412", "428"]);
            }
            if method == "post" && secured && !token_endpoint {
                statuses.extend(["400", "409", "422"]);
                operation.parameters.get_or_insert_with(Vec::new).push(RefOr::T(idempotency_key.clone()));
            }
            for status in statuses {
                let (_, name, _) = PROBLEMS.iter().find(|(code, _, _)| *code == status).expect("listed status");
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
            }
        }
    }
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
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::ETAG, extract::etag(version, full)));
    builder
}

/// 201 Created, with where the new resource lives and its ETag.
pub fn created(location: String, version: i64) -> HttpResponseBuilder {
    let mut builder = etagged(StatusCode::CREATED, version, true);
    if let Ok(value) = HeaderValue::from_str(&location) {
        builder.insert_header((header::LOCATION, value));
    }
    builder
}

pub fn require_admin(principal: &Principal) -> ApiResult<()> {
    if principal.is_admin() { Ok(()) } else { Err(ApiError::Forbidden("This needs the admin role.".into())) }
}

/// Whether the caller manages the group: an admin, or a member of a group managing an ancestor.
pub fn manages(conn: &mut DbConnection, principal: &Principal, group_id: i64) -> ApiResult<bool> {
    if principal.is_admin() {
        return Ok(true);
    }
    if principal.managed_roots.is_empty() {
        return Ok(false);
    }
    Ok(can_manage_group(principal, &groups::ancestors_of(conn, group_id)?))
}

/// Refuses a caller that does not manage the group.
pub fn require_manager(conn: &mut DbConnection, principal: &Principal, group_id: i64) -> ApiResult<()> {
    if manages(conn, principal, group_id)? {
        Ok(())
    } else {
        Err(ApiError::Forbidden("This needs the admin role or management of the group.".into()))
    }
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
