//! Assembling the service: the application, its middleware and fallbacks, and the HTTP server.

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers, Logger, Next, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, ResponseError, web};
use regex::Regex;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::api::extract::BodyRules;
use crate::api::limits::Limits;
use crate::api::metrics::Metrics;
use crate::api::{self, AppState, extract, headers, request_id};
use crate::audit::Auditor;
use crate::auth::Authenticator;
use crate::config::ServiceOptions;
use crate::db::Database;
use crate::error::ApiError;
use crate::housekeeping::Housekeeping;
use crate::webhooks::Worker;

/// Everything the workers share; cheap to clone into each worker's application.
#[derive(Clone)]
pub struct Service {
    state: web::Data<AppState>,
    authenticator: web::Data<Authenticator>,
    routes: web::Data<Routes>,
    limits: web::Data<Limits>,
    metrics: web::Data<Metrics>,
    /// The OpenAPI document as served: made once and shared by the workers (each holding the
    /// document itself cost several MB apiece).
    openapi: web::Bytes,
    options: ServiceOptions,
    background: Background,
}

/// The service's background threads (housekeeping, webhooks). They end once the service's state is
/// gone, after writing what is queued; [`Background::finish`] waits for that.
#[derive(Clone, Default)]
pub struct Background(std::sync::Arc<std::sync::Mutex<Vec<std::thread::JoinHandle<()>>>>);

impl Background {
    /// Waits, at most `within`, for the background threads to end: after the HTTP server has
    /// stopped, so that the audit records of the last requests are written before the process exits.
    pub fn finish(&self, within: std::time::Duration) {
        let threads = std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()));
        let deadline = std::time::Instant::now() + within;
        for thread in threads {
            while !thread.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            if thread.is_finished() {
                let _ = thread.join();
            } else {
                log::warn!("a background thread did not finish in time");
            }
        }
    }
}

/// The paths the service answers and their methods, from the OpenAPI document: lets the fallback
/// tell a wrong method (405 with `Allow`) from a wrong path (404).
pub struct Routes(Vec<(Regex, String)>);

impl Routes {
    fn from_openapi(doc: &serde_json::Value) -> Routes {
        let parameter = Regex::new(r"\\\{[^/]+?\\\}").expect("valid regex");
        let paths = doc["paths"].as_object().expect("the document has paths");
        let routes = paths
            .iter()
            .map(|(path, item)| {
                let pattern = parameter.replace_all(&regex::escape(path), "[^/]+").into_owned();
                let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
                let allow: Vec<&str> =
                    methods.into_iter().filter(|m| item.get(m.to_ascii_lowercase()).is_some()).collect();
                (Regex::new(&format!("^{pattern}$")).expect("escaped path"), allow.join(", "))
            })
            .collect();
        Routes(routes)
    }

    /// The methods a path supports, if the service knows the path.
    fn allowed(&self, path: &str) -> Option<&str> {
        self.0.iter().find(|(pattern, _)| pattern.is_match(path)).map(|(_, allow)| allow.as_str())
    }

    /// The methods of a path the service knows literally (`/v1/allocations/report`), which a route
    /// with a parameter in its place (`/v1/allocations/{id}`) took for another method.
    fn allowed_literally(&self, path: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(pattern, _)| pattern.as_str() == format!("^{}$", regex::escape(path)))
            .map(|(_, a)| a.as_str())
    }
}

/// Refuses an overlong `If-Match` or `If-None-Match` (400) on the operations the service has; a
/// method the path does not have is still answered 405 by the fallback.
async fn bounded_preconditions(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let served = req
        .app_data::<web::Data<Routes>>()
        .and_then(|routes| routes.allowed(req.path()))
        .is_some_and(|allow| allow.split(", ").any(|method| method == req.method().as_str()));
    match extract::overlong_precondition(req.request()).filter(|_| served) {
        Some(refusal) => Ok(req.error_response(refusal).map_into_boxed_body()),
        None => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}

/// The most bytes of header fields a request may carry: a token from an identity provider is a few
/// kilobytes. (Beyond 128 KiB the HTTP layer answers 431 itself, before the service sees the request.)
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Refuses a request whose header fields are too large, with a problem (431).
async fn bounded_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let size: usize = req.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    if size > MAX_HEADER_BYTES {
        return Ok(req.error_response(ApiError::HeadersTooLarge(MAX_HEADER_BYTES)).map_into_boxed_body());
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// What answers a request no route took.
async fn fallback(req: HttpRequest, routes: web::Data<Routes>) -> HttpResponse {
    match routes.allowed(req.path()) {
        Some(allow) => ApiError::MethodNotAllowed(allow.to_owned()).error_response(),
        None => ApiError::NotFound.error_response(),
    }
}

impl Service {
    /// The service's shared state, and its housekeeping thread (which ends with the state).
    pub fn new(db: Database, authenticator: Authenticator, options: ServiceOptions) -> Self {
        let openapi = api::openapi();
        let limits = web::Data::new(Limits::new(
            options.rate_limit_per_minute,
            options.token_rate_limit_per_minute,
            options.trusted_proxies.clone(),
        ));
        let (auditor, events, queued) = Auditor::new();
        let housekeeping = Housekeeping {
            db: db.clone(),
            events,
            queued,
            forget_quiet_callers: {
                let limits = limits.clone();
                Box::new(move || limits.forget_quiet_callers())
            },
            audit_retention_days: options.audit_retention_days,
        }
        .spawn();
        let (worker, webhooks) = Worker::new(db.clone(), auditor.clone(), options.webhooks.clone());
        let background = Background(std::sync::Arc::new(std::sync::Mutex::new(vec![housekeeping, worker.spawn()])));
        let idempotency_ttl = chrono::Duration::hours(i64::from(options.idempotency_hours));
        let state = AppState {
            db,
            auditor,
            idempotency_ttl,
            public_versions: Default::default(),
            webhooks,
            webhook_networks: options.webhooks.allowed_networks.clone(),
        };
        Service {
            state: web::Data::new(state),
            authenticator: web::Data::new(authenticator),
            routes: web::Data::new(Routes::from_openapi(&openapi)),
            limits,
            metrics: web::Data::new(Metrics::new()),
            openapi: web::Bytes::from(serde_json::to_vec(&openapi).expect("the OpenAPI document serialises")),
            options,
            background,
        }
    }

    /// The background threads, to wait for once the server has stopped.
    pub fn background(&self) -> Background {
        self.background.clone()
    }

    /// Cross-origin requests from browsers: only from the configured origins.
    fn cors(&self) -> Cors {
        let cors = Cors::default()
            .block_on_origin_mismatch(false)
            .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
            .allowed_headers([
                "authorization",
                "content-type",
                "if-match",
                "if-none-match",
                "idempotency-key",
                "x-request-id",
            ])
            .expose_headers(["etag", "location", "retry-after", "x-request-id"])
            .max_age(3600);
        self.options.cors_origins.iter().fold(cors, |cors, origin| cors.allowed_origin(origin))
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
        let cors = self.cors();
        App::new()
            // Before the API: the /v1 scope would otherwise claim /v1/openapi.json.
            .service(SwaggerUi::new("/docs/{_:.*}").config(Config::from("/v1/openapi.json")))
            .route("/v1/openapi.json", web::get().to(move || serve_openapi(self.openapi.clone())))
            .into_utoipa_app()
            .configure(api::configure)
            .into_app()
            .app_data(self.state)
            .app_data(self.authenticator)
            .app_data(self.routes)
            .app_data(self.limits)
            .app_data(self.metrics)
            .app_data(BodyRules {
                limit: self.options.body_limit,
                upload_limit: self.options.upload_limit,
                timeout: self.options.request_timeout,
            })
            .app_data(web::PathConfig::default().error_handler(|error, req| {
                let literal =
                    req.app_data::<web::Data<Routes>>().and_then(|routes| routes.allowed_literally(req.path()));
                match literal {
                    Some(allow) => ApiError::MethodNotAllowed(allow.to_owned()).into(),
                    None => ApiError::Malformed(format!("The path is invalid: {error}"), Vec::new()).into(),
                }
            }))
            .default_service(web::to(fallback))
            .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
            .wrap(from_fn(bounded_preconditions))
            .wrap(from_fn(bounded_headers))
            .wrap(from_fn(headers::middleware))
            .wrap(cors)
            .wrap(from_fn(api::audit::record_denials))
            .wrap(from_fn(request_id::middleware))
            .wrap(from_fn(api::metrics::middleware))
            .wrap(
                // The path only: query strings may carry search terms, which are nobody's business.
                // The client's address, as far as the trusted proxies tell it.
                Logger::new("%{client}xi \"%{method}xi %{path}xi\" %s %b %Dms %{x-request-id}o")
                    .custom_request_replace("client", api::limits::client_for_log)
                    .custom_request_replace("method", |req| req.method().to_string())
                    .custom_request_replace("path", |req| api::shown_path(req.path()).into_owned()),
            )
    }

    /// An HTTP server on `listener`, not yet started.
    pub fn http_server(self, listener: TcpListener, workers: usize) -> std::io::Result<Server> {
        let timeout = self.options.request_timeout;
        let shutdown = self.options.shutdown_timeout;
        Ok(HttpServer::new(move || self.clone().app())
            .workers(workers)
            // On SIGTERM: stop accepting, let in-flight requests finish for this long, then exit.
            .shutdown_timeout(shutdown.as_secs())
            // A client that is slow to send its request is cut off; it holds no worker meanwhile.
            .client_request_timeout(timeout)
            .client_disconnect_timeout(std::time::Duration::from_secs(2))
            .listen(listener)?
            .run())
    }
}

/// `GET /v1/openapi.json`: the OpenAPI document of this build.
async fn serve_openapi(document: web::Bytes) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(document)
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
        "request_id": crate::request_context::current(),
    });
    let (req, mut response) = res.into_parts();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    let response = response.set_body(BoxBody::new(body.to_string()));
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, response).map_into_right_body()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_tell_a_wrong_method_from_a_wrong_path() {
        let routes = Routes::from_openapi(&api::openapi());
        assert_eq!(routes.allowed("/v1/meetings/12"), Some("GET, PATCH, DELETE"));
        assert_eq!(routes.allowed("/v1/meetings/12/item-order"), Some("PUT"));
        assert_eq!(routes.allowed("/v1/meetings"), Some("GET, POST"));
        assert_eq!(routes.allowed("/v1/meetings/12/nothing"), None);
        assert_eq!(routes.allowed("/v1/meetings/"), None);
        assert_eq!(routes.allowed("/healthz"), Some("GET"));
    }
}
