//! Safe retries: a POST with an `Idempotency-Key` is carried out once. A retry with the same key and
//! the same request gets the first answer again (with `Idempotent-Replayed: true`) and changes
//! nothing; the same key with another request is refused (422); a retry while the first request is
//! still being handled is refused (409). Keys belong to the caller and are forgotten after the
//! configured time. An answer of 5xx frees the key, so that the request can be retried.
//!
//! If the service stops between carrying out a request and storing its answer, the key stays
//! reserved until it expires and retries get 409: the client should then check whether the resource
//! was created before trying with a new key.

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse};
use sha2::{Digest, Sha256};

use super::State;
use super::extract::{BodyRules, read_body};
use crate::auth::Caller;
use crate::db::idempotency::{self, Stored};
use crate::error::{ApiError, FieldError};
use crate::time;

pub const HEADER: &str = "idempotency-key";
/// The header as documented.
pub const HEADER_NAME: &str = "Idempotency-Key";
const REPLAYED: &str = "idempotent-replayed";
/// The answer's headers a replay repeats.
const KEPT_HEADERS: [&str; 4] = ["content-type", "location", "etag", "cache-control"];

/// A key is 1 to 255 visible ASCII characters (a UUID, say).
pub const KEY_PATTERN: &str = "^[!-~]{1,255}$";

fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// What identifies "the same request": where it goes, what it carries and the version it applies to.
fn fingerprint(req: &ServiceRequest, body: &[u8]) -> String {
    let content_type = req.headers().get(header::CONTENT_TYPE).map(|v| v.as_bytes()).unwrap_or_default();
    let if_match = req.headers().get(header::IF_MATCH).map(|v| v.as_bytes()).unwrap_or_default();
    let digest = Sha256::new()
        .chain_update(req.path())
        .chain_update(b"?")
        .chain_update(req.query_string())
        .chain_update(b"\n")
        .chain_update(content_type)
        .chain_update(b"\n")
        .chain_update(if_match)
        .chain_update(b"\n")
        .chain_update(body)
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn replay(stored: Stored) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status.unwrap_or(500) as u16).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    let headers: Vec<(String, String)> = stored.headers.and_then(|h| serde_json::from_str(&h).ok()).unwrap_or_default();
    for (name, value) in headers {
        response.insert_header((name, value));
    }
    response.insert_header((HeaderName::from_static(REPLAYED), HeaderValue::from_static("true")));
    response.body(stored.body.unwrap_or_default())
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = req.headers().get(HEADER).map(|v| v.to_str().map(str::to_owned));
    let subject = req.extensions().get::<Caller>().map(|c| c.subject.clone());
    let (key, subject) = match (req.method().as_str(), key, subject) {
        ("POST", Some(Ok(key)), Some(subject)) if valid_key(&key) => (key, subject),
        ("POST", Some(_), _) => {
            let field = FieldError::new("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
            return Err(ApiError::Malformed("The Idempotency-Key header is invalid.".into(), vec![field]).into());
        }
        _ => return Ok(next.call(req).await?.map_into_boxed_body()),
    };
    let state = req.app_data::<State>().cloned().ok_or_else(|| ApiError::internal("no application state"))?;
    let rules = req.app_data::<BodyRules>().copied().ok_or_else(|| ApiError::internal("no body rules"))?;
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let reading = rules.reading(content_type);
    let body = read_body(req.take_payload(), reading).await?;
    let fingerprint = fingerprint(&req, &body);
    req.set_payload(Payload::from(body));

    let now = time::now();
    let expires = now + state.idempotency_ttl;
    let (s, k, f) = (subject.clone(), key.clone(), fingerprint.clone());
    let held = state.db.read(move |conn| Ok(idempotency::reserve(conn, &s, &k, &f, now, expires)?)).await?;
    match held {
        Some(stored) if stored.fingerprint != fingerprint => return Err(ApiError::IdempotencyKeyReused.into()),
        Some(stored) if stored.status.is_none() => return Err(ApiError::RequestInProgress.into()),
        Some(stored) => return Ok(req.into_response(replay(stored))),
        None => {}
    }

    let outcome = next.call(req).await;
    let failed = outcome.as_ref().map_or(true, |response| response.status().is_server_error());
    if failed {
        let (s, k) = (subject.clone(), key.clone());
        if let Err(e) = state.db.read(move |conn| Ok(idempotency::release(conn, &s, &k)?)).await {
            log::warn!("cannot free an idempotency key after a failed request: {e}");
        }
        return outcome.map(ServiceResponse::map_into_boxed_body);
    }
    let response = outcome?;
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let body = to_bytes(body).await.map_err(|_| ApiError::internal("unreadable response body"))?;
    let headers: Vec<(&str, &str)> = KEPT_HEADERS
        .iter()
        .filter_map(|name| head.headers().get(*name).and_then(|v| v.to_str().ok()).map(|v| (*name, v)))
        .collect();
    let headers = serde_json::to_string(&headers).unwrap_or_else(|_| "[]".into());
    let (status, stored_body) = (i32::from(head.status().as_u16()), body.to_vec());
    let stored = state
        .db
        .read(move |conn| Ok(idempotency::complete(conn, &subject, &key, status, &headers, &stored_body)?))
        .await;
    if let Err(e) = stored {
        // The request took effect; only its replay is lost. Say so in the log, answer as usual.
        log::warn!("cannot store the answer for an idempotency key: {e}");
    }
    Ok(ServiceResponse::new(request, head.set_body(BoxBody::new(body))))
}
