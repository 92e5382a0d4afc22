//! Safe retries: a POST with an `Idempotency-Key` is carried out once. A retry with the same key and
//! the same request gets the first answer again (with `Idempotent-Replayed: true`) and changes
//! nothing; the same key with another request is refused (422); a retry while the first request is
//! still being handled is refused (409). Keys belong to the caller and are forgotten after the
//! configured time.
//!
//! The key is taken in the request's own write transaction (see [`AppState::write`]), so that it is
//! held exactly when the request's changes are: a request that fails, whatever the cause (a 4xx, a
//! 503 because the database went away, a crash), rolls its key back with its changes and can be
//! retried with it. A request that changes nothing holds no key. Its answer is stored for retries
//! once it has committed; if the service stops in between, retries get 409 until the key expires,
//! and the client should check whether the resource was created before trying with a new key.
//!
//! [`AppState::write`]: super::AppState::write

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// The key a request holds, for its write transaction to take.
#[derive(Clone, Debug)]
pub struct Reservation {
    pub subject: String,
    pub key: String,
    pub fingerprint: String,
    pub expires_at: chrono::NaiveDateTime,
    /// Set once the request's write transaction, which took the key, has committed: only then is
    /// its answer the key's to replay (a request refused because another holds the key has none).
    committed: Arc<AtomicBool>,
}

impl Reservation {
    /// Records that the request's write transaction, key and all, has committed.
    pub fn committed(&self) {
        self.committed.store(true, Ordering::Release);
    }

    fn has_committed(&self) -> bool {
        self.committed.load(Ordering::Acquire)
    }
}

tokio::task_local! {
    static RESERVATION: Reservation;
}

/// The key the request being handled holds, if it came with one.
pub fn current() -> Option<Reservation> {
    RESERVATION.try_with(Clone::clone).ok()
}

/// Takes the request's key in its write transaction: refused if another request with the key has
/// committed (or commits while this one waits for the write lock).
pub fn take(conn: &mut crate::db::DbConnection, reservation: &Reservation) -> Result<(), ApiError> {
    let now = time::now();
    let held = idempotency::take(
        conn,
        &reservation.subject,
        &reservation.key,
        &reservation.fingerprint,
        now,
        reservation.expires_at,
    )?;
    match held {
        None => Ok(()),
        Some(stored) if stored.fingerprint != reservation.fingerprint => Err(ApiError::IdempotencyKeyReused),
        Some(_) => Err(ApiError::RequestInProgress),
    }
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
    let (s, k) = (subject.clone(), key.clone());
    let held = state.db.read(move |conn| Ok::<_, ApiError>(idempotency::find(conn, &s, &k, now)?)).await?;
    match held {
        Some(stored) if stored.fingerprint != fingerprint => return Err(ApiError::IdempotencyKeyReused.into()),
        Some(stored) if stored.status.is_none() => return Err(ApiError::RequestInProgress.into()),
        Some(stored) => return Ok(req.into_response(replay(stored))),
        None => {}
    }

    let reservation = Reservation {
        subject: subject.clone(),
        key: key.clone(),
        fingerprint,
        expires_at: now + state.idempotency_ttl,
        committed: Arc::default(),
    };
    let response = RESERVATION.scope(reservation.clone(), next.call(req)).await?;
    // Without a commit the key was never taken (or was rolled back with the request's changes), and
    // after a server error there is no answer worth replaying. A refusal such as 409 because another
    // request holds the key must not become the key's answer.
    if !reservation.has_committed() || response.status().is_server_error() {
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let body = to_bytes(body).await.map_err(|_| ApiError::internal("unreadable response body"))?;
    let headers: Vec<(&str, &str)> = KEPT_HEADERS
        .iter()
        .filter_map(|name| head.headers().get(*name).and_then(|v| v.to_str().ok()).map(|v| (*name, v)))
        .collect();
    let headers = serde_json::to_string(&headers).unwrap_or_else(|_| "[]".into());
    let (status, stored_body) = (i32::from(head.status().as_u16()), body.to_vec());
    // Stored only where the request took the key, that is where it committed changes.
    let stored = state
        .db
        .read(move |conn| {
            Ok::<_, ApiError>(idempotency::complete(conn, &subject, &key, status, &headers, &stored_body)?)
        })
        .await;
    if let Err(e) = stored {
        // The request took effect; only its replay is lost. Say so in the log, answer as usual.
        log::warn!("cannot store the answer for an idempotency key: {e}");
    }
    Ok(ServiceResponse::new(request, head.set_body(BoxBody::new(body))))
}
