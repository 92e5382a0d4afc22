//! Webhooks: where a delivery may go, how it is signed, and when a failed one is tried again.
//! Plain functions; the sending is in `crate::webhooks`.

use std::net::IpAddr;
use std::sync::LazyLock;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use ipnet::IpNet;
use sha2::Sha256;

/// The networks no delivery goes to, unless the operator allows them: everything that is not the
/// public internet (IANA's special-purpose address registries), with what each is.
const REFUSED: &[(&str, &str)] = &[
    ("0.0.0.0/8", "a reserved address"),
    ("10.0.0.0/8", "a private address"),
    // Shared address space (carrier-grade NAT); one cloud's metadata service answers in it.
    ("100.64.0.0/10", "a private address"),
    ("127.0.0.0/8", "a loopback address"),
    // Link-local: where cloud metadata services answer (169.254.169.254).
    ("169.254.0.0/16", "a link-local address"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "a reserved address"),
    ("192.0.2.0/24", "a documentation address"),
    ("192.88.99.0/24", "a reserved address"),
    ("192.168.0.0/16", "a private address"),
    ("198.18.0.0/15", "a reserved address"),
    ("198.51.100.0/24", "a documentation address"),
    ("203.0.113.0/24", "a documentation address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved address"),
    ("::/128", "a reserved address"),
    ("::1/128", "a loopback address"),
    // IPv4 in IPv6 (the mapped form is checked as the IPv4 address it carries), NAT64, 6to4 and
    // Teredo: each can lead to an IPv4 address that is not public.
    ("::/96", "a reserved address"),
    ("64:ff9b::/96", "a translated address"),
    ("64:ff9b:1::/48", "a translated address"),
    ("100::/64", "a reserved address"),
    ("2001::/23", "a reserved address"),
    ("2001:db8::/32", "a documentation address"),
    ("2002::/16", "a translated address"),
    // Unique-local: private networks, and another cloud's metadata service (fd00:ec2::254).
    ("fc00::/7", "a private address"),
    ("fe80::/10", "a link-local address"),
    ("ff00::/8", "a multicast address"),
];

static REFUSED_NETWORKS: LazyLock<Vec<(IpNet, &'static str)>> =
    LazyLock::new(|| REFUSED.iter().map(|(net, what)| (net.parse().expect("a listed network"), *what)).collect());

/// Why a delivery may not go to `address`: `None` when it is a public address or in one of the
/// networks the operator allows (`DAGSORDEN_WEBHOOK_ALLOWED_NETWORKS`, e.g. the municipality's own).
pub fn refusal(address: IpAddr, allowed: &[IpNet]) -> Option<&'static str> {
    // An IPv4-mapped IPv6 address is the IPv4 address it carries.
    let address = match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    };
    if allowed.iter().any(|net| net.contains(&address)) {
        return None;
    }
    REFUSED_NETWORKS.iter().find(|(net, _)| net.contains(&address)).map(|(_, what)| *what)
}

/// Whether the operator allows `address` explicitly (plain `http` goes only there).
pub fn explicitly_allowed(address: IpAddr, allowed: &[IpNet]) -> bool {
    let address = match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    };
    allowed.iter().any(|net| net.contains(&address))
}

/// The longest subscription URL.
pub const MAX_URL_LENGTH: usize = 2000;

/// Checks a subscription URL as written: `https` (or `http`, to the allowed networks only, which is
/// checked once the host is resolved), no user name or password (deliveries are signed instead), no
/// fragment, and no host that is a refused address or a name for the machine itself. Returns the
/// URL as it will be called.
pub fn check_url(text: &str, allowed: &[IpNet]) -> Result<url::Url, String> {
    if text.len() > MAX_URL_LENGTH {
        return Err(format!("must be at most {MAX_URL_LENGTH} characters"));
    }
    let url = url::Url::parse(text).map_err(|e| format!("is not a URL: {e}"))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err("must be an https:// URL".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password: deliveries are signed instead".into());
    }
    if url.fragment().is_some() {
        return Err("must not have a fragment (#…)".into());
    }
    let refused = |what: &str| Err(format!("is {what}: deliveries go to public addresses only"));
    match url.host() {
        None => return Err("must name a host".into()),
        Some(url::Host::Ipv4(v4)) => {
            if let Some(what) = refusal(IpAddr::V4(v4), allowed) {
                return refused(what);
            }
        }
        Some(url::Host::Ipv6(v6)) => {
            if let Some(what) = refusal(IpAddr::V6(v6), allowed) {
                return refused(what);
            }
        }
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") {
                return refused("the machine itself");
            }
        }
    }
    Ok(url)
}

/// Checks the addresses a subscription's host resolves to: every one must be allowed, and plain
/// `http` is only for networks the operator allows explicitly.
pub fn check_addresses(https: bool, addresses: &[IpAddr], allowed: &[IpNet]) -> Result<(), String> {
    if addresses.is_empty() {
        return Err("names a host that does not resolve".into());
    }
    for address in addresses {
        if let Some(what) = refusal(*address, allowed) {
            return Err(format!("resolves to {address}, {what}: deliveries go to public addresses only"));
        }
    }
    if !https && !addresses.iter().all(|a| explicitly_allowed(*a, allowed)) {
        return Err("must be an https:// URL".into());
    }
    Ok(())
}

/// The prefix of a signing secret (as Standard Webhooks has it).
const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: 32 random bytes, base64, after `whsec_`.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the system's random source works");
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The key a secret signs with: the bytes its base64 stands for.
fn key(secret: &str) -> Vec<u8> {
    STANDARD.decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret)).unwrap_or_else(|_| secret.as_bytes().into())
}

/// The `webhook-signature` of a delivery (Standard Webhooks): `v1,` and the base64 of the
/// HMAC-SHA256, with the secret's key, of `{id}.{timestamp}.{body}`.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key(secret)).expect("HMAC takes a key of any length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// How retries are spaced: the first after `first`, each next four times as long, at most 12 hours.
pub fn retry_delay(failed_attempts: u32, first: Duration) -> Duration {
    const LONGEST: Duration = Duration::from_secs(12 * 3600);
    let factor = 4u32.saturating_pow(failed_attempts.saturating_sub(1));
    first.checked_mul(factor).map_or(LONGEST, |delay| delay.min(LONGEST))
}

/// What happens to a delivery after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterAttempt {
    Delivered,
    /// Try again after this long.
    Retry(Duration),
    /// That was the last attempt.
    Failed,
    /// The receiver answered 410 Gone: the subscription is turned off.
    Gone,
}

/// The outcome of the `attempts`-th attempt (counting it), answered `status` (none when no answer
/// came), with at most `max_attempts` in all.
pub fn after_attempt(status: Option<u16>, attempts: u32, max_attempts: u32, first: Duration) -> AfterAttempt {
    match status {
        Some(200..=299) => AfterAttempt::Delivered,
        Some(410) => AfterAttempt::Gone,
        _ if attempts >= max_attempts => AfterAttempt::Failed,
        _ => AfterAttempt::Retry(retry_delay(attempts, first)),
    }
}

/// The `webhook-id` of a delivery: the same for every attempt at it.
pub fn message_id(delivery: i64) -> String {
    format!("msg_dgs_{delivery}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_public_addresses_are_allowed_unless_the_operator_allows_more() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            assert!(refusal(ip(refused), &[]).is_some(), "{refused}");
        }
        for public in ["93.184.216.34", "8.8.8.8", "2a00:1450:4001:82b::200e", "::ffff:8.8.8.8"] {
            assert_eq!(refusal(ip(public), &[]), None, "{public}");
        }
        assert_eq!(refusal(ip("169.254.169.254"), &[]), Some("a link-local address"));
        let allowed: Vec<IpNet> = vec!["10.20.0.0/16".parse().unwrap(), "127.0.0.1/32".parse().unwrap()];
        assert_eq!(refusal(ip("10.20.3.4"), &allowed), None);
        assert_eq!(refusal(ip("::ffff:127.0.0.1"), &allowed), None);
        assert!(refusal(ip("10.21.0.1"), &allowed).is_some());
        assert!(explicitly_allowed(ip("10.20.3.4"), &allowed) && !explicitly_allowed(ip("8.8.8.8"), &allowed));
    }

    #[test]
    fn subscription_urls_are_checked_as_written() {
        assert!(check_url("https://esdh.kalundborg.dk/hooks/dagsorden", &[]).is_ok());
        for (url, why) in [
            ("ftp://example.com/", "https"),
            ("https://user:pw@example.com/", "user name"),
            ("https://example.com/#x", "fragment"),
            ("https://127.0.0.1/", "loopback"),
            ("https://0x7f000001/", "loopback"),
            ("https://2130706433/", "loopback"),
            ("https://[::ffff:127.0.0.1]/", "loopback"),
            ("https://169.254.169.254/latest/meta-data/", "link-local"),
            ("https://localhost:8080/", "machine itself"),
            ("https://api.localhost./", "machine itself"),
            ("not a url", "not a URL"),
        ] {
            let refused = check_url(url, &[]).unwrap_err();
            assert!(refused.contains(why), "{url}: {refused}");
        }
        assert!(check_url(&format!("https://example.com/{}", "a".repeat(MAX_URL_LENGTH)), &[]).is_err());
    }

    #[test]
    fn resolved_addresses_must_all_be_allowed_and_http_only_where_the_operator_allows() {
        let allowed: Vec<IpNet> = vec!["10.20.0.0/16".parse().unwrap()];
        assert!(check_addresses(true, &[ip("93.184.216.34")], &[]).is_ok());
        let mixed = check_addresses(true, &[ip("93.184.216.34"), ip("10.0.0.1")], &[]).unwrap_err();
        assert!(mixed.contains("10.0.0.1, a private address"), "{mixed}");
        assert!(check_addresses(true, &[], &[]).unwrap_err().contains("does not resolve"));
        assert!(check_addresses(false, &[ip("93.184.216.34")], &[]).unwrap_err().contains("https"));
        assert!(check_addresses(false, &[ip("10.20.1.1")], &allowed).is_ok());
    }

    /// The example of the Standard Webhooks specification.
    #[test]
    fn deliveries_are_signed_as_standard_webhooks_says() {
        let signature = signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let secret = new_secret();
        assert!(secret.starts_with("whsec_") && STANDARD.decode(&secret[6..]).unwrap().len() == 32);
        assert_ne!(new_secret(), secret);
    }

    #[test]
    fn retries_back_off_fourfold_up_to_twelve_hours_and_stop() {
        let first = Duration::from_secs(10);
        let delays: Vec<u64> = (1..=7).map(|n| retry_delay(n, first).as_secs()).collect();
        assert_eq!(delays, [10, 40, 160, 640, 2560, 10240, 40960]);
        assert_eq!(retry_delay(8, first), Duration::from_secs(12 * 3600));
        assert_eq!(retry_delay(40, first), Duration::from_secs(12 * 3600));
        // (status, attempts so far, max) → what next
        let table = [
            (Some(200), 1, 3, AfterAttempt::Delivered),
            (Some(204), 3, 3, AfterAttempt::Delivered),
            (Some(500), 1, 3, AfterAttempt::Retry(first)),
            (None, 2, 3, AfterAttempt::Retry(Duration::from_secs(40))),
            (Some(302), 1, 3, AfterAttempt::Retry(first)),
            (Some(500), 3, 3, AfterAttempt::Failed),
            (Some(410), 1, 3, AfterAttempt::Gone),
        ];
        for (status, attempts, max, next) in table {
            assert_eq!(after_attempt(status, attempts, max, first), next, "{status:?} {attempts}/{max}");
        }
    }
}
