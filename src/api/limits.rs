//! Per-caller rate limits: each caller (by subject once authenticated; by address at the token
//! endpoint, where callers prove who they are) gets a steady rate with a burst on top, and is told
//! when to come back (429 with `Retry-After`). Limits are per instance of the service.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::Caller;
use crate::error::ApiError;

/// The limiters of one instance.
pub struct Limits {
    callers: Option<DefaultKeyedRateLimiter<String>>,
    token_requests: Option<DefaultKeyedRateLimiter<IpAddr>>,
    /// Anonymous readers of the public API, by address, at the callers' rate.
    visitors: Option<DefaultKeyedRateLimiter<IpAddr>>,
}

fn limiter<K: Clone + std::hash::Hash + Eq>(per_minute: u32) -> Option<DefaultKeyedRateLimiter<K>> {
    // A burst of a tenth of a minute's worth lets a page load its parts at once.
    let rate = NonZeroU32::new(per_minute)?;
    let burst = NonZeroU32::new((per_minute / 10).max(1)).expect("at least one");
    Some(RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst)))
}

impl Limits {
    pub fn new(per_caller_per_minute: u32, token_requests_per_minute: u32) -> Limits {
        Limits {
            callers: limiter(per_caller_per_minute),
            token_requests: limiter(token_requests_per_minute),
            visitors: limiter(per_caller_per_minute),
        }
    }

    /// Forgets callers that have been quiet long enough to be back at their full allowance.
    pub fn forget_quiet_callers(&self) {
        if let Some(callers) = &self.callers {
            callers.retain_recent();
        }
        if let Some(tokens) = &self.token_requests {
            tokens.retain_recent();
        }
        if let Some(visitors) = &self.visitors {
            visitors.retain_recent();
        }
    }
}

fn check<K: Clone + std::hash::Hash + Eq>(
    limiter: &Option<DefaultKeyedRateLimiter<K>>,
    key: &K,
) -> Result<(), ApiError> {
    match limiter {
        Some(limiter) => limiter.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests(wait.as_secs().max(1))
        }),
        None => Ok(()),
    }
}

fn limits(req: &ServiceRequest) -> Result<Arc<Limits>, ApiError> {
    req.app_data::<web::Data<Limits>>().map(|l| l.clone().into_inner()).ok_or_else(|| ApiError::internal("no limits"))
}

/// For the authenticated API: by the caller's subject.
pub async fn per_caller(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let subject = req.extensions().get::<Caller>().map(|c| c.subject.clone());
    if let Some(subject) = subject {
        check(&limits(&req)?.callers, &subject)?;
    }
    next.call(req).await
}

/// For the token endpoint: by the client's address, since it has not proved who it is yet.
pub async fn per_address(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(address) = req.peer_addr().map(|a| a.ip()) {
        check(&limits(&req)?.token_requests, &address)?;
    }
    next.call(req).await
}

/// For the public API: a signed-in caller by subject, anyone else by address.
pub async fn per_visitor(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let limits = limits(&req)?;
    let subject = req.extensions().get::<Caller>().map(|c| c.subject.clone());
    match subject {
        Some(subject) => check(&limits.callers, &subject)?,
        None => {
            if let Some(address) = req.peer_addr().map(|a| a.ip()) {
                check(&limits.visitors, &address)?;
            }
        }
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_beyond_its_burst_is_told_when_to_come_back() {
        let limits = Limits::new(60, 0);
        let caller = "alice".to_owned();
        for _ in 0..6 {
            assert!(check(&limits.callers, &caller).is_ok());
        }
        match check(&limits.callers, &caller) {
            Err(ApiError::TooManyRequests(seconds)) => assert!((1..=2).contains(&seconds), "{seconds}"),
            other => panic!("{other:?}"),
        }
        assert!(check(&limits.callers, &"bob".to_owned()).is_ok(), "others are not affected");
        assert!(check(&limits.token_requests, &"127.0.0.1".parse().unwrap()).is_ok(), "0 turns a limit off");
    }
}
