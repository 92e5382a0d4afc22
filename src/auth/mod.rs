//! Who is calling: bearer tokens verified with keys and algorithms fixed by configuration.
//!
//! Two kinds of token are accepted. Tokens the service signs itself (HS256 with its own secret: the
//! `token` command's user tokens, and the client-credentials grant's client tokens) and tokens from
//! the municipality's identity provider (RS/PS/ES keys from a JWKS). Which key verifies a token is
//! chosen by its `kid`: a key id from the identity provider's key set selects that key, anything else
//! is checked against the service's own secret. The token header's `alg` never chooses the
//! algorithm, and `jku`/`x5u` in a header are never followed: keys come from configuration only.
//!
//! A verified token is not yet a principal: the database decides whether the user is active or the
//! client enabled (see `db::access` and the authentication middleware in `api`).

mod jwks;
mod local_key;
pub mod secrets;

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, web};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::TokenSettings;
use crate::db::DatabaseUrl;
use crate::error::ApiError;

use jwks::Jwks;
pub use jwks::JwksSource;
pub use local_key::local_secret;
// Who a verified token names is plain data the persistence and domain floors read too.
pub use crate::domain::identity::{Caller, secret_generation};

/// `token_use` of the tokens the client-credentials grant issues.
const CLIENT_TOKEN_USE: &str = "client";

/// The claims the service reads. `exp`, `iss`, `aud` and `sub` are checked by the validation.
#[derive(Debug, Deserialize)]
struct IncomingClaims {
    sub: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    token_use: Option<String>,
    /// The service's client tokens: the client's secret generation.
    #[serde(default)]
    sgen: Option<i64>,
    /// Entra ID's group overage: the groups are not in the token but behind a Graph call.
    #[serde(default, rename = "_claim_names")]
    claim_names: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    hasgroups: Option<bool>,
}

/// The claims of a token the service signs.
#[derive(Debug, Serialize)]
struct LocalClaims {
    iss: String,
    aud: String,
    sub: String,
    iat: u64,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    groups: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    roles: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_use: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sgen: Option<i64>,
}

/// What the `token` command (and tests) put into a user token.
#[derive(Clone, Debug, Default)]
pub struct UserClaims {
    pub sub: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub groups: Vec<String>,
    pub roles: Vec<String>,
}

/// Claims longer than this are refused rather than stored or logged.
const MAX_CLAIM_CHARS: usize = 256;
const MAX_GROUPS: usize = 1000;

struct LocalIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    /// Whether user tokens signed with this key are accepted (the `token` command's tokens).
    /// Client tokens always are: the client they name is checked in the database.
    accept_user_tokens: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthSetupError {
    #[error("DAGSORDEN_TOKEN_SECRET must be at least 32 bytes")]
    ShortSecret,
    #[error("cannot read or create the local token key {0}: {1}")]
    LocalKey(String, std::io::Error),
    #[error("cannot load the identity provider's keys from {0}: {1}")]
    Jwks(String, String),
    #[error(
        "the identity provider needs DAGSORDEN_OIDC_ISSUER, DAGSORDEN_OIDC_AUDIENCE and one of \
         DAGSORDEN_OIDC_JWKS_FILE or DAGSORDEN_OIDC_JWKS_URL"
    )]
    IncompleteIdentityProvider,
    #[error(
        "unsupported identity-provider algorithm {0:?}: use RS256, RS384, RS512, PS256, PS384, PS512, ES256 or ES384"
    )]
    Algorithm(String),
}

/// Why a token was refused. The message is safe to show to the caller.
#[derive(Debug)]
pub struct Refusal {
    pub message: String,
    /// The token names a key id the identity provider's key set does not have (yet).
    pub unknown_key: bool,
}

impl Refusal {
    fn new(message: impl Into<String>) -> Self {
        Refusal { message: message.into(), unknown_key: false }
    }
}

/// Verifies bearer tokens; mints the service's own.
pub struct Authenticator {
    local: Option<LocalIssuer>,
    idp: Option<Jwks>,
    client_token_lifetime: Duration,
}

impl Authenticator {
    /// Builds the verifier from configuration. On the embedded SQLite default with no secret
    /// configured, the service's key is created beside the database file on first use.
    pub fn from_settings(settings: &TokenSettings, database: &DatabaseUrl) -> Result<Self, AuthSetupError> {
        let secret = match (&settings.token_secret, database) {
            (Some(secret), _) => Some(secret.as_bytes().to_vec()),
            (None, DatabaseUrl::Sqlite(path)) => Some(local_secret(path)?),
            (None, DatabaseUrl::Postgres(_)) => None,
        };
        if secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err(AuthSetupError::ShortSecret);
        }
        Ok(Authenticator {
            local: secret.map(|secret| LocalIssuer::new(&secret, settings)),
            idp: identity_provider(settings)?,
            client_token_lifetime: Duration::from_secs(settings.client_token_seconds),
        })
    }

    /// A verifier with only the service's own key, for tests and tools.
    pub fn with_secret(secret: &[u8], settings: &TokenSettings) -> Self {
        Authenticator {
            local: Some(LocalIssuer::new(secret, settings)),
            idp: None,
            client_token_lifetime: Duration::from_secs(settings.client_token_seconds),
        }
    }

    pub fn accepts_local_user_tokens(&self) -> bool {
        self.local.as_ref().is_some_and(|l| l.accept_user_tokens)
    }

    pub fn has_identity_provider(&self) -> bool {
        self.idp.is_some()
    }

    pub fn client_token_lifetime(&self) -> Duration {
        self.client_token_lifetime
    }

    /// Signs a user token with the service's key, valid for `seconds`.
    pub fn mint(&self, user: UserClaims, seconds: u64) -> Result<String, String> {
        let local = self.local.as_ref().ok_or("the service has no signing key: set DAGSORDEN_TOKEN_SECRET")?;
        if !local.accept_user_tokens {
            return Err("local user tokens are turned off (DAGSORDEN_LOCAL_TOKENS=false)".into());
        }
        local.sign(user, seconds, None, None)
    }

    /// Signs a short-lived token for a registered service client (the client-credentials grant),
    /// under the generation of its secret.
    pub fn mint_client_token(&self, client_id: &str, secret_generation: i64) -> Result<String, String> {
        let local = self.local.as_ref().ok_or("the service has no signing key: set DAGSORDEN_TOKEN_SECRET")?;
        let claims = UserClaims { sub: client_id.to_owned(), ..UserClaims::default() };
        local.sign(claims, self.client_token_lifetime.as_secs(), Some(CLIENT_TOKEN_USE), Some(secret_generation))
    }

    /// Verifies a bearer token.
    pub fn verify(&self, token: &str) -> Result<Caller, Refusal> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| Refusal::new("the token is malformed"))?;
        if let (Some(kid), Some(idp)) = (&header.kid, &self.idp) {
            match idp.get(kid) {
                Some(key) => return caller_from_claims(decode(token, &key.key, &key.validation)?, false),
                None if self.local.is_none() => {
                    return Err(Refusal { message: "the token's signing key is unknown".into(), unknown_key: true });
                }
                None => {}
            }
        }
        let Some(local) = &self.local else {
            return Err(Refusal::new("the token is not signed by a trusted issuer"));
        };
        let claims = decode(token, &local.decoding, &local.validation).map_err(|refusal| Refusal {
            // A token with a key id the service does not sign with may be the identity provider's,
            // with a key it has rotated in since the keys were loaded.
            unknown_key: header.kid.is_some() && self.idp.is_some(),
            ..refusal
        })?;
        let client = claims.token_use.as_deref() == Some(CLIENT_TOKEN_USE);
        if !client && !local.accept_user_tokens {
            return Err(Refusal::new("the service does not accept user tokens it signed itself"));
        }
        caller_from_claims(claims, client)
    }

    /// Verifies a token; if it names a key the identity provider may have rotated in, fetches the
    /// provider's keys once (rate-limited) and tries again.
    pub async fn verify_refreshing(self: Arc<Self>, token: String) -> Result<Caller, ApiError> {
        match self.verify(&token) {
            Ok(caller) => Ok(caller),
            Err(refusal) if refusal.unknown_key => {
                let this = Arc::clone(&self);
                let refreshed = web::block(move || this.idp.as_ref().is_some_and(Jwks::refresh)).await.unwrap_or(false);
                if refreshed {
                    self.verify(&token).map_err(|r| ApiError::Unauthorized(r.message))
                } else {
                    Err(ApiError::Unauthorized(refusal.message))
                }
            }
            Err(refusal) => Err(ApiError::Unauthorized(refusal.message)),
        }
    }
}

fn decode(token: &str, key: &DecodingKey, validation: &Validation) -> Result<IncomingClaims, Refusal> {
    jsonwebtoken::decode::<IncomingClaims>(token, key, validation).map(|data| data.claims).map_err(|e| {
        Refusal::new(match e.kind() {
            ErrorKind::ExpiredSignature => "the token has expired",
            ErrorKind::ImmatureSignature => "the token is not valid yet",
            ErrorKind::InvalidAudience => "the token is meant for another audience",
            ErrorKind::InvalidIssuer => "the token is from an untrusted issuer",
            ErrorKind::MissingRequiredClaim(_) => "the token lacks a required claim (exp, iss, aud, sub)",
            ErrorKind::InvalidAlgorithm => "the token's algorithm is not accepted",
            ErrorKind::InvalidSignature => "the token's signature is invalid",
            _ => "the token is invalid",
        })
    })
}

fn caller_from_claims(claims: IncomingClaims, client: bool) -> Result<Caller, Refusal> {
    // Entra ID leaves out `groups` when a user is in too many (group overage) and points to Graph
    // instead. Treating that as "no groups" would quietly take the user's access away; refuse
    // instead, so that the operator fixes the app registration.
    let overage =
        claims.hasgroups == Some(true) || claims.claim_names.as_ref().is_some_and(|n| n.contains_key("groups"));
    if overage {
        return Err(Refusal::new(
            "the token does not list the user's groups (group overage): configure the identity provider \
             to emit the groups assigned to the application",
        ));
    }
    // Claims are stored and logged: no control characters (PostgreSQL cannot store NUL at all).
    let too_long = |s: &str| s.chars().count() > MAX_CLAIM_CHARS || s.chars().any(char::is_control);
    if claims.sub.is_empty() || too_long(&claims.sub) {
        return Err(Refusal::new("the token's subject is empty or too long"));
    }
    if claims.groups.len() > MAX_GROUPS || claims.groups.iter().any(|g| too_long(g)) {
        return Err(Refusal::new("the token's groups claim is too large"));
    }
    let clip = |value: Option<String>| value.filter(|v| !too_long(v));
    Ok(Caller {
        subject: claims.sub,
        client,
        name: clip(claims.name),
        email: clip(claims.email),
        groups: if client { Vec::new() } else { claims.groups },
        // Roles this service does not know are someone else's business, not an error.
        roles: if client { Vec::new() } else { claims.roles.iter().filter_map(|r| r.parse().ok()).collect() },
        secret_generation: if client { claims.sgen } else { None },
    })
}

impl LocalIssuer {
    fn new(secret: &[u8], settings: &TokenSettings) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&[&settings.token_issuer]);
        validation.set_audience(&[&settings.token_audience]);
        validation.validate_nbf = true;
        LocalIssuer {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.token_issuer.clone(),
            audience: settings.token_audience.clone(),
            accept_user_tokens: settings.local_tokens,
        }
    }

    fn sign(
        &self,
        user: UserClaims,
        seconds: u64,
        token_use: Option<&'static str>,
        sgen: Option<i64>,
    ) -> Result<String, String> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = LocalClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user.sub,
            iat: now,
            exp: now + seconds,
            name: user.name,
            email: user.email,
            groups: user.groups,
            roles: user.roles,
            token_use,
            sgen,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| e.to_string())
    }
}

fn identity_provider(settings: &TokenSettings) -> Result<Option<Jwks>, AuthSetupError> {
    let source = match (&settings.oidc_jwks_file, &settings.oidc_jwks_url) {
        (Some(file), None) => Some(JwksSource::File(file.clone())),
        (None, Some(url)) => Some(JwksSource::Url(url.clone())),
        (None, None) => None,
        (Some(_), Some(_)) => return Err(AuthSetupError::IncompleteIdentityProvider),
    };
    let (issuer, audience, source) = match (&settings.oidc_issuer, &settings.oidc_audience, source) {
        (None, None, None) => return Ok(None),
        (Some(issuer), Some(audience), Some(source)) => (issuer, audience, source),
        _ => return Err(AuthSetupError::IncompleteIdentityProvider),
    };
    let algorithms = settings
        .oidc_algorithms
        .iter()
        .map(|name| match name.trim().parse::<Algorithm>() {
            Ok(alg @ (Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512)) => Ok(alg),
            Ok(alg @ (Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512)) => Ok(alg),
            Ok(alg @ (Algorithm::ES256 | Algorithm::ES384)) => Ok(alg),
            _ => Err(AuthSetupError::Algorithm(name.clone())),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut template = Validation::new(Algorithm::RS256);
    template.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    template.set_issuer(&[issuer]);
    template.set_audience(&[audience]);
    template.validate_nbf = true;
    let min_refresh = Duration::from_secs(settings.oidc_jwks_min_refresh_seconds);
    Jwks::load(source, template, algorithms, min_refresh).map(Some)
}

/// The bearer token of a request; 401 without one.
pub fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("Send a bearer token in the Authorization header.".into()))?;
    value
        .to_str()
        .ok()
        .and_then(bearer_credentials)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::Unauthorized("The Authorization header must be `Bearer <token>`.".into()))
}

/// The token of an `Authorization` value of the Bearer scheme, whose name is case-insensitive
/// (RFC 9110 §11.1): `Bearer`, `bearer`, `BEARER` …, then one or more spaces.
fn bearer_credentials(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.split_once(' ')?;
    let token = credentials.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::bearer_credentials;

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for value in ["Bearer abc", "bearer abc", "BEARER abc", "bEaReR   abc"] {
            assert_eq!(bearer_credentials(value), Some("abc"), "{value}");
        }
        assert_eq!(bearer_credentials("Basic abc"), None);
        assert_eq!(bearer_credentials("Bearer "), None);
        assert_eq!(bearer_credentials("Bearerabc"), None);
    }
}
