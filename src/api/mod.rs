//! The HTTP API: handlers grouped by resource, and the OpenAPI document generated from them.
//!
//! Handlers read the request, ask `domain` what the caller may do, and run their queries through
//! `db` off the async workers. Every error leaves through `ApiError` as problem+json.

pub mod access_groups;
pub mod committees;
pub mod extract;
pub mod grants;
pub mod health;
pub mod items;
pub mod meetings;
pub mod pagination;
pub mod participants;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{App, HttpResponse, HttpResponseBuilder, web};
use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDocument, Ref, RefOr};
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::db::Database;
use crate::error::{ApiError, ApiResult};

/// What every handler shares.
pub struct AppState {
    pub db: Database,
}

pub type State = web::Data<AppState>;

/// Registers every documented route. The same function serves requests and generates the OpenAPI
/// document, so the two cannot drift.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::routes).service(
        utoipa_actix_web::scope("/v1")
            .configure(access_groups::routes)
            .configure(committees::routes)
            .configure(grants::routes)
            .configure(meetings::routes)
            .configure(participants::routes)
            .configure(items::routes),
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
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    tags(
        (name = "access-groups", description = "The municipality's access groups (AD groups) in four tiers."),
        (name = "committees", description = "Committees (udvalg): the bodies that meet."),
        (name = "grants", description = "Roles granted to access groups on committees."),
        (name = "meetings", description = "Meetings with their participants and agenda."),
        (name = "participants", description = "Who attends a meeting."),
        (name = "items", description = "Agenda items (punkter)."),
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
    const PROBLEMS: [(&str, &str, &str); 10] = [
        ("400", "MalformedRequest", "The request could not be read (malformed JSON, path or query)."),
        ("401", "Unauthorized", "No valid bearer token."),
        ("404", "NotFound", "No such resource, or it is not visible to the caller."),
        ("412", "PreconditionFailed", "If-Match does not name the current version; nothing was changed."),
        ("413", "PayloadTooLarge", "The body exceeds the configured limit."),
        ("415", "UnsupportedMediaType", "The body is not JSON."),
        ("422", "ValidationFailed", "Fields break a rule; `errors` lists them. Nothing was changed."),
        ("428", "PreconditionRequired", "If-Match is missing."),
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

    for (path, item) in doc.paths.paths.iter_mut() {
        let secured = path.starts_with("/v1/");
        let operations = [
            (&mut item.get, false),
            (&mut item.post, false),
            (&mut item.put, true),
            (&mut item.patch, true),
            (&mut item.delete, true),
        ];
        for (operation, conditional) in operations {
            let Some(operation) = operation.as_mut() else { continue };
            let has = |operation: &Operation, place: ParameterIn| {
                operation.parameters.iter().flatten().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
            };
            let mut statuses = vec!["500", "503"];
            if secured {
                statuses.push("401");
                operation.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
            }
            if has(operation, ParameterIn::Path) {
                statuses.extend(["400", "404"]);
            }
            if has(operation, ParameterIn::Query) {
                statuses.push("400");
            }
            if operation.request_body.is_some() {
                statuses.extend(["400", "413", "415", "422"]);
            }
            if conditional {
                statuses.extend(["412", "428"]);
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

pub fn require_admin(caller: &Caller) -> ApiResult<()> {
    if caller.is_admin() { Ok(()) } else { Err(ApiError::Forbidden("This needs the admin role.".into())) }
}
