//! Outbound HTTP: fetching the identity provider's keys and delivering webhooks.
//!
//! TLS is the system's (native-tls with the platform's trust store), so that an on-premises server
//! with the municipality's own CA works as well as a public one. The build leaves out ureq's default
//! provider (rustls), and ureq panics when a request needs a provider that is not built in: every
//! agent that may reach an `https://` URL is made here.

use std::time::Duration;

use ureq::config::Config;
use ureq::tls::{RootCerts, TlsConfig, TlsProvider};

/// The configuration of every outbound agent: the system's TLS, no redirects followed (a 3xx is
/// answered as it is), everything done within `timeout`. With `statuses_as_errors`, an answer other
/// than 2xx is an error; without, the caller looks at the status.
pub fn config(timeout: Duration, statuses_as_errors: bool) -> Config {
    ureq::Agent::config_builder()
        .tls_config(
            TlsConfig::builder().provider(TlsProvider::NativeTls).root_certs(RootCerts::PlatformVerifier).build(),
        )
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .http_status_as_error(statuses_as_errors)
        .user_agent(concat!("dagsorden/", env!("CARGO_PKG_VERSION")))
        .build()
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
        let agent = ureq::Agent::new_with_config(config(Duration::from_secs(5), true));
        let error = agent.get(&url).call().expect_err("not a TLS server");
        assert!(matches!(error, ureq::Error::NativeTls(_)), "{error:?}");
    }
}
