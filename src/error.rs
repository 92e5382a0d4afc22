//! The one error type of the HTTP API and its rendering as `application/problem+json` (RFC 9457).
//!
//! Every 4xx/5xx the service sends is built here, including the ones for actix's own extractors and
//! for unknown routes. `type` is a stable URI per kind of problem; `detail` never carries stored
//! content or internal error text (those go to the log, tagged so the two can be matched).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{RunError, StoreError};

/// One invalid field of a request: where it is and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field, as a path into the request (`journal_number`, `decision.outcome`, `item_ids[2]`).
    pub field: String,
    /// What is wrong, for a human.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// A problem details object (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI identifying the kind of problem; stable across versions.
    #[schema(example = "/problems/not-found")]
    pub r#type: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The invalid fields, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The OAuth 2.0 error code (RFC 6749 §5.2), from the token endpoint only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    /// The OAuth 2.0 error description, from the token endpoint only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// The request's id (also in the `X-Request-Id` header and in the service's log).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request could not be read: malformed JSON, query or path.
    #[error("malformed request: {0}")]
    Malformed(String, Vec<FieldError>),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The resource does not exist, or the caller may not know that it does.
    #[error("not found")]
    NotFound,
    /// The resource exists but the caller may not see it. Answers exactly as [`ApiError::NotFound`];
    /// only the audit trail records it as a denied attempt.
    #[error("not visible to the caller")]
    Hidden,
    #[error("conflict: {0}")]
    Conflict(String),
    /// The meeting's place in its lifecycle does not allow this action or change.
    #[error("meeting state: {0}")]
    MeetingState(String),
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("precondition required")]
    PreconditionRequired,
    #[error("payload too large (limit {0} bytes)")]
    PayloadTooLarge(usize),
    /// The request's header fields are larger than the service reads (the limit in bytes).
    #[error("header fields too large (limit {0} bytes)")]
    HeadersTooLarge(usize),
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    /// None of the media types the client accepts can be given; the string lists those that can.
    #[error("not acceptable")]
    NotAcceptable(String),
    /// The client took too long to send its request.
    #[error("request timeout")]
    RequestTimeout,
    /// An `Idempotency-Key` that came with another request before.
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    /// A request with the same `Idempotency-Key` is still being handled.
    #[error("request in progress")]
    RequestInProgress,
    /// The caller has made too many requests; retry after this many seconds.
    #[error("too many requests")]
    TooManyRequests(u64),
    /// The path exists, the method does not; the string is the `Allow` header.
    #[error("method not allowed")]
    MethodNotAllowed(String),
    /// The database cannot be reached or every connection is busy; the client may retry.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A fault of the service. The text is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
    /// A refused token request (RFC 6749 §5.2): `error` is the OAuth error code.
    #[error("token request refused: {error}")]
    OAuth { status: StatusCode, error: &'static str, description: String, basic: bool },
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn internal(context: impl std::fmt::Display) -> Self {
        ApiError::Internal(context.to_string())
    }

    /// The kind of problem this is, from the published list of problem types.
    pub fn problem_type(&self) -> &'static ProblemType {
        let slug = match self {
            ApiError::Malformed(..) => "malformed-request",
            ApiError::Validation(_) => "validation-failed",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound | ApiError::Hidden => "not-found",
            ApiError::Conflict(_) => "conflict",
            ApiError::MeetingState(_) => "meeting-state",
            ApiError::PreconditionFailed => "precondition-failed",
            ApiError::PreconditionRequired => "precondition-required",
            ApiError::PayloadTooLarge(_) => "payload-too-large",
            ApiError::HeadersTooLarge(_) => "headers-too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::NotAcceptable(_) => "not-acceptable",
            ApiError::MethodNotAllowed(_) => "method-not-allowed",
            ApiError::TooManyRequests(_) => "too-many-requests",
            ApiError::IdempotencyKeyReused => "idempotency-key-reused",
            ApiError::RequestTimeout => "request-timeout",
            ApiError::RequestInProgress => "request-in-progress",
            ApiError::Unavailable(_) => "service-unavailable",
            ApiError::Internal(_) => "internal-error",
            ApiError::OAuth { .. } => "token-request-refused",
        };
        ProblemType::find(slug).expect("every ApiError has a published problem type")
    }

    pub fn problem(&self) -> Problem {
        let kind = self.problem_type();
        let (detail, errors) = match self {
            ApiError::Malformed(detail, errors) => (Some(detail.clone()), errors.clone()),
            ApiError::Validation(errors) => {
                (Some("See `errors` for the fields to correct.".to_owned()), errors.clone())
            }
            ApiError::Unauthorized(detail)
            | ApiError::Forbidden(detail)
            | ApiError::Conflict(detail)
            | ApiError::MeetingState(detail) => (Some(detail.clone()), Vec::new()),
            ApiError::NotFound | ApiError::Hidden => {
                (Some("No such resource, or it is not visible to you.".to_owned()), Vec::new())
            }
            ApiError::PreconditionFailed => (
                Some("The resource has changed since the version named in If-Match; read it again.".to_owned()),
                Vec::new(),
            ),
            ApiError::PreconditionRequired => {
                (Some("Send If-Match with the ETag from your last read of this resource.".to_owned()), Vec::new())
            }
            ApiError::PayloadTooLarge(limit) => (Some(format!("The limit is {limit} bytes.")), Vec::new()),
            ApiError::HeadersTooLarge(limit) => {
                (Some(format!("The header fields together may hold at most {limit} bytes.")), Vec::new())
            }
            ApiError::UnsupportedMediaType(detail) => (Some(detail.clone()), Vec::new()),
            ApiError::NotAcceptable(offered) => (Some(format!("This answers as {offered}.")), Vec::new()),
            ApiError::MethodNotAllowed(allow) => (Some(format!("This resource supports {allow}.")), Vec::new()),
            ApiError::TooManyRequests(seconds) => (Some(format!("Retry after {seconds} seconds.")), Vec::new()),
            ApiError::RequestTimeout => (Some("The request was not sent in time.".to_owned()), Vec::new()),
            ApiError::IdempotencyKeyReused => (
                Some("This Idempotency-Key came with another request; use a new key for a new request.".to_owned()),
                Vec::new(),
            ),
            ApiError::RequestInProgress => (
                Some(
                    "A request with this Idempotency-Key is being handled, or did not finish; check the resource \
                      before retrying with a new key."
                        .to_owned(),
                ),
                Vec::new(),
            ),
            ApiError::Unavailable(_) => (Some("Try again shortly.".to_owned()), Vec::new()),
            ApiError::Internal(_) => (Some("The fault has been logged.".to_owned()), Vec::new()),
            ApiError::OAuth { description, .. } => (Some(description.clone()), Vec::new()),
        };
        let (error, error_description) = match self {
            ApiError::OAuth { error, description, .. } => (Some(*error), Some(description.clone())),
            _ => (None, None),
        };
        Problem {
            r#type: format!("{PROBLEM_BASE}{}", kind.slug),
            title: kind.title.to_owned(),
            status: self.status_code().as_u16(),
            detail,
            errors,
            error,
            error_description,
            request_id: crate::request_context::current(),
        }
    }
}

/// Problem types are relative URI references; `GET /problems/{slug}` describes each one.
pub const PROBLEM_BASE: &str = "/problems/";

/// A kind of problem: the last segment of its `type` URI, its title and what a client should do.
pub struct ProblemType {
    pub slug: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}

impl ProblemType {
    pub fn find(slug: &str) -> Option<&'static ProblemType> {
        PROBLEM_TYPES.iter().find(|kind| kind.slug == slug)
    }
}

pub const PROBLEM_TYPES: &[ProblemType] = &[
    ProblemType {
        slug: "malformed-request",
        title: "The request could not be read",
        description: "The body is not valid JSON, a query parameter or path segment has the wrong type, or a \
                      required header is malformed. Nothing was changed.",
    },
    ProblemType {
        slug: "validation-failed",
        title: "The request has invalid fields",
        description: "The request was read but some fields break a rule; `errors` lists each field and what is \
                      wrong with it. Nothing was changed.",
    },
    ProblemType {
        slug: "unauthorized",
        title: "Authentication is required",
        description: "No bearer token was sent, or it is invalid, expired, or not meant for this service.",
    },
    ProblemType { slug: "forbidden", title: "Not allowed", description: "The caller is known but may not do this." },
    ProblemType {
        slug: "not-found",
        title: "Not found",
        description: "The resource does not exist, or the caller may not see it: the two are not told apart.",
    },
    ProblemType {
        slug: "conflict",
        title: "Conflict with the current state",
        description: "The request contradicts what is stored, e.g. a duplicate or a reference still in use. \
                      Nothing was changed.",
    },
    ProblemType {
        slug: "meeting-state",
        title: "Not in the meeting's current state",
        description: "The meeting's state (draft, agenda_published, held, minutes_published, cancelled) does not \
                      allow this action or change; `detail` says why. Nothing was changed.",
    },
    ProblemType {
        slug: "precondition-failed",
        title: "The resource has changed",
        description: "The ETag in If-Match is not the current one: someone else changed the resource. Read it \
                      again, re-apply the change and retry. Nothing was changed.",
    },
    ProblemType {
        slug: "precondition-required",
        title: "If-Match is required",
        description: "Changes and deletions must say which version they apply to: send If-Match with the ETag \
                      of your last read.",
    },
    ProblemType {
        slug: "payload-too-large",
        title: "The request body is too large",
        description: "The body exceeds the configured limit. Nothing was changed.",
    },
    ProblemType {
        slug: "headers-too-large",
        title: "The request's header fields are too large",
        description: "The header fields together (a token, say) are larger than the service reads. Nothing was \
                      read or changed.",
    },
    ProblemType {
        slug: "unsupported-media-type",
        title: "Unsupported media type",
        description: "The body must be sent as `application/json` (or `application/merge-patch+json` for PATCH).",
    },
    ProblemType {
        slug: "not-acceptable",
        title: "Not acceptable",
        description: "None of the media types in Accept can be given; `detail` lists those that can. Ask for one \
                      of them (or send no Accept).",
    },
    ProblemType {
        slug: "method-not-allowed",
        title: "Method not allowed",
        description: "The resource exists but does not support this method; `Allow` lists those it supports.",
    },
    ProblemType {
        slug: "request-timeout",
        title: "The request took too long to arrive",
        description: "The client did not send the whole request within the configured time. Nothing was changed.",
    },
    ProblemType {
        slug: "idempotency-key-reused",
        title: "The idempotency key was used for another request",
        description: "An Idempotency-Key is bound to the first request sent with it (method, path, body). Send a \
                      new request with a new key. Nothing was changed.",
    },
    ProblemType {
        slug: "request-in-progress",
        title: "A request with this idempotency key is in progress",
        description: "The first request with this Idempotency-Key has not finished (or was interrupted). Wait and \
                      retry; if it keeps answering this, check whether the resource exists before using a new key.",
    },
    ProblemType {
        slug: "too-many-requests",
        title: "Too many requests",
        description: "The caller has used up its allowance for now; retry after the number of seconds in \
                      Retry-After. Nothing was changed.",
    },
    ProblemType {
        slug: "token-request-refused",
        title: "The token request was refused",
        description: "The client-credentials request at /v1/auth/token was refused; `error` is the OAuth 2.0 error \
                      code (RFC 6749 §5.2): invalid_request, invalid_client or unsupported_grant_type.",
    },
    ProblemType {
        slug: "service-unavailable",
        title: "The service is temporarily unavailable",
        description: "The database cannot be reached or is busy. Retry after the number of seconds in \
                      Retry-After; nothing was changed.",
    },
    ProblemType {
        slug: "internal-error",
        title: "Internal error",
        description: "A fault in the service, not in the request. It has been logged; a write that failed this \
                      way was rolled back.",
    },
];

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Malformed(..) => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::Hidden => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) | ApiError::MeetingState(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::HeadersTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::RequestInProgress => StatusCode::CONFLICT,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::OAuth { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // The log line carries the request id (see `main`'s log format), the answer only the id.
        match self {
            ApiError::Internal(cause) => log::error!("internal error: {cause}"),
            ApiError::Unavailable(cause) => log::warn!("unavailable: {cause}"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        match self {
            ApiError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("2")));
            }
            ApiError::TooManyRequests(seconds) => {
                response.insert_header((header::RETRY_AFTER, seconds.to_string()));
            }
            ApiError::MethodNotAllowed(allow) => {
                if let Ok(value) = HeaderValue::from_str(allow) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            ApiError::OAuth { basic: true, .. } => {
                response
                    .insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"dagsorden\"")));
            }
            _ => {}
        }
        if matches!(self, ApiError::Hidden) {
            response.extensions_mut().insert(Denied);
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        StoreError::from(error).into()
    }
}

/// What persistence reports, as the answer it makes.
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Stale => ApiError::PreconditionFailed,
            StoreError::Conflict(why) => ApiError::Conflict(why),
            StoreError::Invalid { field, message } => ApiError::validation(field, message),
            StoreError::Unavailable(why) => ApiError::Unavailable(why),
            StoreError::Database(diesel::result::Error::NotFound) => ApiError::NotFound,
            StoreError::Database(other) => ApiError::Internal(format!("database: {other}")),
            StoreError::Internal(why) => ApiError::Internal(why),
        }
    }
}

impl RunError for ApiError {
    fn may_be_lost_connection(&self) -> bool {
        matches!(self, ApiError::Unavailable(_) | ApiError::Internal(_))
    }

    fn lost(self) -> Self {
        match self {
            ApiError::Internal(cause) => ApiError::Unavailable(format!("lost the database connection: {cause}")),
            other => other,
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        collect_field_errors(String::new(), &errors, &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        ApiError::Validation(fields)
    }
}

fn collect_field_errors(prefix: String, errors: &validator::ValidationErrors, out: &mut Vec<FieldError>) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let path = join(&prefix, field);
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    // Struct-level rules (validator reports them under `__all__`) name the field
                    // they are about as their code.
                    let path = if field == "__all__" { join(&prefix, &error.code) } else { path.clone() };
                    let message =
                        error.message.as_deref().map(str::to_owned).unwrap_or_else(|| match error.code.as_ref() {
                            "length" => length_message(error),
                            code => format!("is not valid ({code})"),
                        });
                    out.push(FieldError::new(path, message));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_field_errors(path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect_field_errors(format!("{path}[{index}]"), inner, out);
                }
            }
        }
    }
}

fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() { field.to_owned() } else { format!("{prefix}.{field}") }
}

fn length_message(error: &validator::ValidationError) -> String {
    let bound = |name: &str| error.params.get(name).and_then(|v| v.as_u64());
    match (bound("min"), bound("max")) {
        (Some(min), Some(max)) => format!("must be between {min} and {max} characters"),
        (Some(min), None) => format!("must be at least {min} characters"),
        (None, Some(max)) => format!("must be at most {max} characters"),
        (None, None) => "has an invalid length".to_owned(),
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Marks a response that refused a caller by policy (for the audit trail; never sent).
#[derive(Clone, Copy, Debug)]
pub struct Denied;
