//! Assembling the service: the application, its middleware and fallbacks, and the HTTP server.

use std::net::TcpListener;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers, Logger};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, ResponseError, web};
use utoipa::openapi::OpenApi as OpenApiDocument;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::api::extract::BodyLimit;
use crate::api::{self, AppState};
use crate::auth::Authenticator;
use crate::db::Database;
use crate::error::{ApiError, PROBLEM_TYPES, ProblemType};

/// Everything the workers share; cheap to clone into each worker's application.
#[derive(Clone)]
pub struct Service {
    state: web::Data<AppState>,
    authenticator: web::Data<Authenticator>,
    openapi: OpenApiDocument,
    body_limit: usize,
}

impl Service {
    pub fn new(db: Database, authenticator: Authenticator, body_limit: usize) -> Self {
        Service {
            state: web::Data::new(AppState { db }),
            authenticator: web::Data::new(authenticator),
            openapi: api::openapi(),
            body_limit,
        }
    }

    /// The application one worker runs.
    pub fn app(
        self,
    ) -> App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        App::new()
            // Before the API: the /v1 scope would otherwise claim /v1/openapi.json.
            .service(SwaggerUi::new("/docs/{_:.*}").url("/v1/openapi.json", self.openapi))
            .into_utoipa_app()
            .configure(api::configure)
            .into_app()
            .app_data(self.state)
            .app_data(self.authenticator)
            .app_data(BodyLimit(self.body_limit))
            .app_data(web::PayloadConfig::new(self.body_limit))
            .app_data(web::PathConfig::default().error_handler(|error, _| {
                ApiError::Malformed(format!("The path is invalid: {error}"), Vec::new()).into()
            }))
            .service(web::resource("/problems/{slug}").route(web::get().to(describe_problem)))
            .default_service(web::to(|| async { ApiError::NotFound.error_response() }))
            .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
            .wrap(
                // The path only: query strings may carry search terms, which are nobody's business.
                Logger::new("%a \"%{method}xi %U\" %s %b %Dms")
                    .custom_request_replace("method", |req| req.method().to_string()),
            )
    }

    /// An HTTP server on `listener`, not yet started.
    pub fn http_server(self, listener: TcpListener, workers: usize) -> std::io::Result<Server> {
        Ok(HttpServer::new(move || self.clone().app()).workers(workers).listen(listener)?.run())
    }
}

/// `GET /problems/{slug}`: what a problem type means, for people following a problem's `type`.
async fn describe_problem(req: HttpRequest, slug: web::Path<String>) -> HttpResponse {
    let Some(kind) = ProblemType::find(&slug) else {
        return ApiError::NotFound.error_response();
    };
    let wants_json =
        req.headers().get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains("json"));
    if wants_json {
        HttpResponse::Ok()
            .json(serde_json::json!({"type": slug.as_str(), "title": kind.title, "description": kind.description}))
    } else {
        let others: String = PROBLEM_TYPES.iter().map(|k| format!("\n  /problems/{}", k.slug)).collect();
        HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(format!("{}\n\n{}\n\nAll problem types:{others}\n", kind.title, kind.description))
    }
}

/// Error responses made outside the service's own error type (actix's fallbacks, the docs page)
/// get a problem body too, so that every 4xx and 5xx a client sees is problem+json.
fn problem_for_bare_errors<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes().starts_with(b"application/problem+json"));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let body = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
    });
    let (req, mut response) = res.into_parts();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    let response = response.set_body(BoxBody::new(body.to_string()));
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, response).map_into_right_body()))
}
