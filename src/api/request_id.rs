//! Request ids: taken from `X-Request-Id` when a client (or a proxy) sends a sensible one, generated
//! otherwise; returned in the response header, in every problem, and in the log lines written while
//! the request is handled (through `request_context`), so that a user's report and the operator's
//! log meet.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

use crate::request_context;

pub const HEADER: &str = "x-request-id";

/// A client's id is kept if it is short and plain (it ends up in logs); otherwise one is made.
fn accept(candidate: &str) -> bool {
    (1..=64).contains(&candidate.len()) && candidate.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

fn generate() -> String {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the system's random source works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| accept(v))
        .map_or_else(generate, str::to_owned);
    let mut response = request_context::scope(id.clone(), next.call(req)).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HeaderName::from_static(HEADER), value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_client_ids_are_kept_and_others_replaced() {
        assert!(accept("b7c1-42.retry_2"));
        assert!(!accept(""));
        assert!(!accept(&"a".repeat(65)));
        assert!(!accept("id with spaces"));
        assert!(!accept("id\nInjected: log line"));
        assert_eq!(generate().len(), 24);
        assert_ne!(generate(), generate());
    }
}
