//! Rate limits: each caller gets a steady rate with a burst on top, and is told where it stands
//! (`RateLimit-Policy` and `RateLimit`, IETF draft-ietf-httpapi-ratelimit-headers) and, beyond the
//! limit, when to come back (429 with `Retry-After`). Signed-in callers are limited by subject;
//! callers without a valid token (the public API, a missing or bad token on the rest) by address;
//! the token endpoint by address at its own rate. Limits are per instance of the service.
//!
//! Behind a reverse proxy every request comes from the proxy's address, so a request from a proxy
//! named in `DAGSORDEN_TRUSTED_PROXIES` is counted against the client its `X-Forwarded-For` names.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::{Quota, RateLimiter};
use ipnet::IpNet;

use crate::auth::Caller;
use crate::error::ApiError;

type Limiter<K> =
    RateLimiter<K, governor::state::keyed::DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// One kind of limit: its name in the headers, its rate and its burst.
struct Bucket<K: Clone + std::hash::Hash + Eq> {
    name: &'static str,
    limiter: Limiter<K>,
    per_minute: u32,
    burst: u32,
}

impl<K: Clone + std::hash::Hash + Eq> Bucket<K> {
    fn new(name: &'static str, per_minute: u32) -> Option<Bucket<K>> {
        // A burst of a tenth of a minute's worth lets a page load its parts at once.
        let rate = NonZeroU32::new(per_minute)?;
        let burst = NonZeroU32::new((per_minute / 10).max(1)).expect("at least one");
        let limiter = RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst))
            .with_middleware::<StateInformationMiddleware>();
        Some(Bucket { name, limiter, per_minute, burst: burst.get() })
    }

    /// Takes one request from `key`'s allowance.
    fn take(&self, key: &K) -> Result<Standing, Standing> {
        // The quota comes back steadily: a whole burst's worth in `window` seconds.
        let window = (u64::from(self.burst) * 60).div_ceil(u64::from(self.per_minute)).max(1);
        let per_request = 60.0 / f64::from(self.per_minute);
        match self.limiter.check_key(key) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let reset = (f64::from(self.burst - remaining.min(self.burst)) * per_request).ceil() as u64;
                Ok(Standing { name: self.name, quota: self.burst, window, remaining, reset, retry_after: None })
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1);
                let reset = (f64::from(self.burst) * per_request).ceil() as u64;
                Err(Standing {
                    name: self.name,
                    quota: self.burst,
                    window,
                    remaining: 0,
                    reset,
                    retry_after: Some(wait),
                })
            }
        }
    }

    fn forget_quiet(&self) {
        self.limiter.retain_recent();
    }
}

/// Where a caller stands with its limit, as the rate limit header fields tell it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    name: &'static str,
    /// Requests in a window (the burst).
    quota: u32,
    /// Seconds in which the whole quota comes back.
    window: u64,
    remaining: u32,
    /// Seconds until the whole quota is back.
    reset: u64,
    /// For a refused request: seconds until the next one is let through.
    retry_after: Option<u64>,
}

impl Standing {
    fn policy(&self) -> String {
        format!("\"{}\";q={};w={}", self.name, self.quota, self.window)
    }

    fn current(&self) -> String {
        format!("\"{}\";r={};t={}", self.name, self.remaining, self.reset)
    }

    fn write(&self, headers: &mut HeaderMap) {
        for (name, value) in [("ratelimit-policy", self.policy()), ("ratelimit", self.current())] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
    }

    fn refusal(&self) -> ApiError {
        ApiError::TooManyRequests(self.retry_after.unwrap_or(1))
    }
}

/// The limiters of one instance.
pub struct Limits {
    callers: Option<Bucket<String>>,
    token_requests: Option<Bucket<IpAddr>>,
    /// Callers without a valid token, by address, at the callers' rate.
    addresses: Option<Bucket<IpAddr>>,
    /// Proxies whose `X-Forwarded-For` names the client.
    trusted_proxies: Vec<IpNet>,
}

impl Limits {
    pub fn new(per_caller_per_minute: u32, token_requests_per_minute: u32, trusted_proxies: Vec<IpNet>) -> Limits {
        Limits {
            callers: Bucket::new("caller", per_caller_per_minute),
            token_requests: Bucket::new("token", token_requests_per_minute),
            addresses: Bucket::new("address", per_caller_per_minute),
            trusted_proxies,
        }
    }

    /// The address `req` comes from, as far as the trusted proxies tell it.
    pub fn client_of(&self, req: &ServiceRequest) -> Option<IpAddr> {
        let peer = req.peer_addr().map(|a| a.ip());
        if self.trusted_proxies.is_empty() {
            return peer;
        }
        let forwarded: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect();
        client_address(peer, &forwarded, &self.trusted_proxies)
    }

    /// Forgets callers that have been quiet long enough to be back at their full allowance.
    pub fn forget_quiet_callers(&self) {
        if let Some(callers) = &self.callers {
            callers.forget_quiet();
        }
        if let Some(tokens) = &self.token_requests {
            tokens.forget_quiet();
        }
        if let Some(addresses) = &self.addresses {
            addresses.forget_quiet();
        }
    }

    fn caller(&self, subject: &str) -> Option<Result<Standing, Standing>> {
        self.callers.as_ref().map(|bucket| bucket.take(&subject.to_owned()))
    }

    fn address(&self, address: Option<IpAddr>) -> Option<Result<Standing, Standing>> {
        Some(self.addresses.as_ref()?.take(&address?))
    }

    fn token_request(&self, address: Option<IpAddr>) -> Option<Result<Standing, Standing>> {
        Some(self.token_requests.as_ref()?.take(&address?))
    }
}

/// The client's address: the peer's, or where the peer is a trusted proxy, the address that proxy
/// says it received the request from. Each proxy appends the address it received from to
/// `X-Forwarded-For`, so the header is read from its end, past every trusted proxy, and the first
/// address that is not one is the client. What comes before it the client may have written itself.
pub fn client_address(peer: Option<IpAddr>, forwarded_for: &[&str], trusted: &[IpNet]) -> Option<IpAddr> {
    let mut address = peer?;
    let mut hops = forwarded_for.iter().rev();
    while trusted.iter().any(|network| network.contains(&address)) {
        let Some(hop) = hops.next().and_then(|hop| parse_hop(hop.trim())) else { break };
        address = hop;
    }
    Some(address)
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`[2001:db8::1]:443`, `10.0.0.1:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
}

/// The client address of a request, for the log.
pub fn client_for_log(req: &ServiceRequest) -> String {
    let client = match req.app_data::<web::Data<Limits>>() {
        Some(limits) => limits.client_of(req),
        None => req.peer_addr().map(|a| a.ip()),
    };
    client.map_or_else(|| "-".to_owned(), |a| a.to_string())
}

fn limits(req: &ServiceRequest) -> Result<Arc<Limits>, ApiError> {
    req.app_data::<web::Data<Limits>>().map(|l| l.clone().into_inner()).ok_or_else(|| ApiError::internal("no limits"))
}

/// Answers a request as its standing allows: refused with 429, or passed on with the standing in
/// the answer's headers.
async fn answer(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    standing: Option<Result<Standing, Standing>>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    match standing {
        None => Ok(next.call(req).await?.map_into_boxed_body()),
        Some(Err(refused)) => {
            let mut response = req.error_response(refused.refusal());
            refused.write(response.headers_mut());
            Ok(response.map_into_boxed_body())
        }
        Some(Ok(standing)) => {
            let mut response = next.call(req).await?.map_into_boxed_body();
            standing.write(response.headers_mut());
            Ok(response)
        }
    }
}

/// For the authenticated API, after authentication: by the caller's subject.
pub async fn per_caller(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let subject = req.extensions().get::<Caller>().map(|c| c.subject.clone());
    let standing = match subject {
        Some(subject) => limits(&req)?.caller(&subject),
        None => None,
    };
    answer(req, next, standing).await
}

/// For the token endpoint: by the client's address, since it has not proved who it is yet.
pub async fn per_address(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let limits = limits(&req)?;
    let standing = limits.token_request(limits.client_of(&req));
    answer(req, next, standing).await
}

/// For the public API and the problem catalogue: a signed-in caller by subject, anyone else by
/// address.
pub async fn per_visitor(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let limits = limits(&req)?;
    let subject = req.extensions().get::<Caller>().map(|c| c.subject.clone());
    let standing = match subject {
        Some(subject) => limits.caller(&subject),
        None => limits.address(limits.client_of(&req)),
    };
    answer(req, next, standing).await
}

/// A request to the authenticated API that authentication refused (no token, a bad one, a user
/// who may no longer sign in) is limited by address: answered 429 beyond the limit, its refusal
/// otherwise, with the standing in its headers either way.
pub fn refused_by_address(req: ServiceRequest, refusal: ApiError) -> ServiceResponse<BoxBody> {
    let standing = limits(&req).ok().and_then(|limits| limits.address(limits.client_of(&req)));
    let (error, standing) = match standing {
        Some(Err(refused)) => (refused.refusal(), Some(refused)),
        Some(Ok(standing)) => (refusal, Some(standing)),
        None => (refusal, None),
    };
    let mut response = req.error_response(error);
    if let Some(standing) = standing {
        standing.write(response.headers_mut());
    }
    response.map_into_boxed_body()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_beyond_its_burst_is_told_when_to_come_back() {
        let limits = Limits::new(60, 0, Vec::new());
        for expected_left in (0..6).rev() {
            let standing = limits.caller("alice").unwrap().unwrap();
            assert_eq!(standing.remaining, expected_left);
            assert_eq!(standing.policy(), "\"caller\";q=6;w=6");
        }
        let refused = limits.caller("alice").unwrap().unwrap_err();
        assert!((1..=2).contains(&refused.retry_after.unwrap()), "{refused:?}");
        assert_eq!(refused.current(), "\"caller\";r=0;t=6");
        assert!(limits.caller("bob").unwrap().is_ok(), "others are not affected");
        assert!(limits.token_request(Some("127.0.0.1".parse().unwrap())).is_none(), "0 turns a limit off");
    }

    #[test]
    fn the_quota_and_its_window_describe_the_steady_rate() {
        let limits = Limits::new(1200, 60, Vec::new());
        let standing = limits.caller("alice").unwrap().unwrap();
        assert_eq!(standing.policy(), "\"caller\";q=120;w=6");
        assert_eq!(standing.current(), "\"caller\";r=119;t=1");
        let token = limits.token_request(Some("10.0.0.1".parse().unwrap())).unwrap().unwrap();
        assert_eq!(token.policy(), "\"token\";q=6;w=6");
    }

    #[test]
    fn the_client_is_the_first_address_before_the_trusted_proxies() {
        let ip = |text: &str| text.parse::<IpAddr>().unwrap();
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let peer = Some(ip("10.0.0.5"));
        // Without a trusted proxy in between, the peer is the client, whatever the header says.
        assert_eq!(client_address(Some(ip("203.0.113.9")), &["198.51.100.1"], &trusted), Some(ip("203.0.113.9")));
        assert_eq!(client_address(peer, &["198.51.100.1"], &[]), peer);
        // Through one proxy, and through two (the second trusted one appended the first's address).
        assert_eq!(client_address(peer, &["198.51.100.1"], &trusted), Some(ip("198.51.100.1")));
        assert_eq!(client_address(peer, &["198.51.100.1", " 10.0.0.7"], &trusted), Some(ip("198.51.100.1")));
        // What the client wrote at the start of the header is not believed.
        assert_eq!(client_address(peer, &["1.2.3.4", "198.51.100.1"], &trusted), Some(ip("198.51.100.1")));
        // Ports and brackets are allowed; rubbish stops the walk at the last proxy.
        assert_eq!(client_address(peer, &["[2001:db8::1]:443"], &trusted), Some(ip("2001:db8::1")));
        assert_eq!(client_address(peer, &["unknown"], &trusted), peer);
        assert_eq!(client_address(peer, &[], &trusted), peer);
    }
}
