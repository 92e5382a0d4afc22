//! Outbound HTTP: fetching the identity provider's keys and delivering webhooks.
//!
//! TLS is the system's (native-tls with the platform's trust store), so that an on-premises server
//! with the municipality's own CA works as well as a public one. The build leaves out ureq's default
//! provider (rustls), and ureq panics when a request needs a provider that is not built in: every
//! agent that may reach an `https://` URL is made here.

use std::time::Duration;

use ureq::config::Config;
use ureq::tls::{RootCerts, TlsConfig, TlsProvider};

/// What an outbound agent is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Fetching the identity provider's keys: a configured, trusted URL, through the proxy the
    /// environment names (if any); an answer other than 2xx is an error.
    IdentityProvider,
    /// Delivering webhooks to URLs that callers chose: never through a proxy (which would resolve
    /// the host itself, past the address check); the caller judges the status.
    Webhook,
}

/// The configuration of every outbound agent: the system's TLS, no redirects followed (a 3xx is
/// answered as it is), everything done within `timeout`.
pub fn config(timeout: Duration, purpose: Purpose) -> Config {
    let tls = TlsConfig::builder().provider(TlsProvider::NativeTls).root_certs(RootCerts::PlatformVerifier).build();
    let builder = ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .user_agent(concat!("dagsorden/", env!("CARGO_PKG_VERSION")));
    match purpose {
        Purpose::IdentityProvider => builder.http_status_as_error(true).build(),
        Purpose::Webhook => builder.http_status_as_error(false).proxy(None).build(),
    }
}

/// Resolves a host as ureq would, then refuses it unless every address it resolves to may be sent
/// webhooks (see `domain::webhooks::check_addresses`). The connection is made to the addresses
/// checked here, so a name that resolves to a public address when the subscription is made and to
/// a private one later (DNS rebinding) is refused then.
#[derive(Debug)]
struct CheckedResolver {
    allowed: Vec<ipnet::IpNet>,
    inner: ureq::unversioned::resolver::DefaultResolver,
}

impl ureq::unversioned::resolver::Resolver for CheckedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let found = self.inner.resolve(uri, config, timeout)?;
        let addresses: Vec<std::net::IpAddr> = found.iter().map(|a| a.ip()).collect();
        let https = uri.scheme_str() == Some("https");
        crate::domain::webhooks::check_addresses(https, &addresses, &self.allowed).map_err(|why| {
            ureq::Error::Io(std::io::Error::new(std::io::ErrorKind::PermissionDenied, format!("the URL {why}")))
        })?;
        Ok(found)
    }
}

/// The agent that delivers webhooks ([`Purpose::Webhook`]): only to the addresses the webhook rules
/// allow (public ones, and the operator's `allowed` networks).
pub fn webhook_agent(timeout: Duration, allowed: Vec<ipnet::IpNet>) -> ureq::Agent {
    let resolver = CheckedResolver { allowed, inner: Default::default() };
    let connector = ureq::unversioned::transport::DefaultConnector::new();
    ureq::Agent::with_parts(config(timeout, Purpose::Webhook), connector, resolver)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::net::TcpListener;

    use super::*;

    /// An `https://` request gets as far as the TLS handshake (here with a server that answers it
    /// with garbage) and fails as a request, rather than panicking for want of a TLS provider.
    #[test]
    fn https_requests_use_the_systems_tls() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("https://{}/keys", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\n\r\nthis is not TLS");
            }
        });
        let agent = ureq::Agent::new_with_config(config(Duration::from_secs(5), Purpose::IdentityProvider));
        let error = agent.get(&url).call().expect_err("not a TLS server");
        assert!(matches!(error, ureq::Error::NativeTls(_)), "{error:?}");
    }

    /// Every delivery checks where the host resolves to as it connects: to a loopback receiver, an
    /// agent whose operator allows no such network does not even connect.
    #[test]
    fn webhooks_are_refused_at_the_connection_to_an_address_not_allowed() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        for url in [format!("http://{address}/hook"), format!("http://localhost:{}/hook", address.port())] {
            let error = webhook_agent(Duration::from_secs(2), Vec::new()).post(&url).send("{}").unwrap_err();
            assert!(error.to_string().contains("a loopback address"), "{url}: {error}");
        }
        assert!(listener.accept().is_err(), "no connection was made");
        // Allowed, the same request goes through.
        let allowed = webhook_agent(Duration::from_secs(2), vec!["127.0.0.1/32".parse().unwrap()]);
        listener.set_nonblocking(false).unwrap();
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut buffer = [0u8; 4096];
                let _ = std::io::Read::read(&mut stream, &mut buffer);
                let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\n\r\n");
            }
        });
        let answer = allowed.post(&format!("http://{address}/hook")).send("{}").unwrap();
        assert_eq!(answer.status().as_u16(), 204);
    }
}
