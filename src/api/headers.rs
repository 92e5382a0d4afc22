//! Response headers every answer gets unless its handler set them: no sniffing, no framing, no
//! referrer, a content security policy, and no caching by shared caches of what is private.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;

/// The API answers data, never pages: nothing may load or frame it.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";
/// The interactive docs are a page with their own scripts and styles.
const DOCS_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let docs = req.path().starts_with("/docs");
    let private = req.path().starts_with("/v1/") && req.headers().contains_key(header::AUTHORIZATION);
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::CONTENT_SECURITY_POLICY, if docs { DOCS_POLICY } else { API_POLICY });
    if private {
        // What a caller reads depends on who it is: a browser may keep it and revalidate it with the
        // ETag, a shared cache may not keep it at all.
        set(header::CACHE_CONTROL, "private, no-cache");
    }
    Ok(response)
}
