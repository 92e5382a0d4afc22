//! Who is calling: bearer tokens verified with keys and algorithms fixed by configuration.
//!
//! Two kinds of token are accepted. Tokens the service signs itself (HS256 with its own secret: the
//! `token` command, later the client-credentials grant) and tokens from the municipality's identity
//! provider (RS256/ES256 keys from a JWKS). Which key verifies a token is chosen by its `kid`: a key
//! id from the identity provider's key set selects that key, anything else is checked against the
//! service's own secret. The token header's `alg` never chooses the algorithm; it must be one of the
//! algorithms configured for the chosen key, or the token is refused.

mod local_key;

use std::collections::HashMap;
use std::future::{Ready, ready};
use std::path::Path;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::TokenSettings;
use crate::db::DatabaseUrl;
use crate::domain::ServiceRole;
use crate::error::ApiError;

pub use local_key::local_secret;

/// The verified caller of a request.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The token's `sub`.
    pub subject: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// External ids of the access groups the token says the caller belongs to.
    pub groups: Vec<String>,
    pub roles: Vec<ServiceRole>,
}

impl Caller {
    pub fn has_role(&self, role: ServiceRole) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.has_role(ServiceRole::Admin)
    }
}

/// The claims the service reads. `exp`, `iss` and `aud` are checked by the validation.
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
}

/// The claims of a token the service signs.
#[derive(Debug, Serialize)]
pub struct LocalClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub iat: u64,
    pub exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
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
    accept_user_tokens: bool,
}

/// The identity provider's keys by key id, each with the validation it is used with: the configured
/// algorithms of the key's own family (jsonwebtoken refuses a validation that mixes families).
struct IdentityProvider {
    keys: HashMap<String, (DecodingKey, Validation)>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthSetupError {
    #[error("DAGSORDEN_TOKEN_SECRET must be at least 32 bytes")]
    ShortSecret,
    #[error("cannot read or create the local token key {0}: {1}")]
    LocalKey(String, std::io::Error),
    #[error("cannot read the JWKS file {0}: {1}")]
    JwksFile(String, String),
    #[error(
        "the identity provider needs DAGSORDEN_OIDC_ISSUER, DAGSORDEN_OIDC_AUDIENCE and DAGSORDEN_OIDC_JWKS_FILE together"
    )]
    IncompleteIdentityProvider,
    #[error(
        "unsupported identity-provider algorithm {0:?}: use RS256, RS384, RS512, PS256, PS384, PS512, ES256 or ES384"
    )]
    Algorithm(String),
}

/// Verifies bearer tokens; mints the service's own.
pub struct Authenticator {
    local: Option<LocalIssuer>,
    idp: Option<IdentityProvider>,
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
        let local = secret.map(|secret| LocalIssuer::new(&secret, settings));
        let idp = IdentityProvider::from_settings(settings)?;
        Ok(Authenticator { local, idp })
    }

    /// A verifier with only the service's own key, for tests and tools.
    pub fn with_secret(secret: &[u8], settings: &TokenSettings) -> Self {
        Authenticator { local: Some(LocalIssuer::new(secret, settings)), idp: None }
    }

    pub fn accepts_local_user_tokens(&self) -> bool {
        self.local.as_ref().is_some_and(|l| l.accept_user_tokens)
    }

    pub fn has_identity_provider(&self) -> bool {
        self.idp.is_some()
    }

    /// Signs a user token with the service's key, valid for `seconds`.
    pub fn mint(&self, user: UserClaims, seconds: u64) -> Result<String, String> {
        let local = self.local.as_ref().ok_or("the service has no signing key: set DAGSORDEN_TOKEN_SECRET")?;
        if !local.accept_user_tokens {
            return Err("local user tokens are turned off (DAGSORDEN_LOCAL_TOKENS=false)".into());
        }
        let now = jsonwebtoken::get_current_timestamp();
        let claims = LocalClaims {
            iss: local.issuer.clone(),
            aud: local.audience.clone(),
            sub: user.sub,
            iat: now,
            exp: now + seconds,
            name: user.name,
            email: user.email,
            groups: user.groups,
            roles: user.roles,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &local.encoding).map_err(|e| e.to_string())
    }

    /// Verifies a bearer token. The error text is safe to show to the caller.
    pub fn verify(&self, token: &str) -> Result<Caller, String> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| "the token is malformed".to_owned())?;
        let idp_key = header.kid.as_ref().and_then(|kid| self.idp.as_ref().and_then(|idp| idp.keys.get(kid)));
        let claims = match (idp_key, &self.idp, &self.local) {
            (Some((key, validation)), _, _) => decode(token, key, validation)?,
            (None, _, Some(local)) if local.accept_user_tokens => decode(token, &local.decoding, &local.validation)?,
            (None, Some(_), _) if header.kid.is_some() => return Err("the token's signing key is unknown".into()),
            _ => return Err("the token is not signed by a trusted issuer".into()),
        };
        caller_from_claims(claims)
    }
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

fn decode(token: &str, key: &DecodingKey, validation: &Validation) -> Result<IncomingClaims, String> {
    jsonwebtoken::decode::<IncomingClaims>(token, key, validation).map(|data| data.claims).map_err(|e| {
        match e.kind() {
            ErrorKind::ExpiredSignature => "the token has expired",
            ErrorKind::ImmatureSignature => "the token is not valid yet",
            ErrorKind::InvalidAudience => "the token is meant for another audience",
            ErrorKind::InvalidIssuer => "the token is from an untrusted issuer",
            ErrorKind::MissingRequiredClaim(_) => "the token lacks a required claim (exp, iss, aud, sub)",
            ErrorKind::InvalidAlgorithm => "the token's algorithm is not accepted",
            ErrorKind::InvalidSignature => "the token's signature is invalid",
            _ => "the token is invalid",
        }
        .to_owned()
    })
}

fn caller_from_claims(claims: IncomingClaims) -> Result<Caller, String> {
    let too_long = |s: &str| s.chars().count() > MAX_CLAIM_CHARS;
    if claims.sub.is_empty() || too_long(&claims.sub) {
        return Err("the token's subject is empty or too long".into());
    }
    if claims.groups.len() > MAX_GROUPS || claims.groups.iter().any(|g| too_long(g)) {
        return Err("the token's groups claim is too large".into());
    }
    let clip = |value: Option<String>| value.filter(|v| !too_long(v));
    Ok(Caller {
        subject: claims.sub,
        name: clip(claims.name),
        email: clip(claims.email),
        groups: claims.groups,
        // Roles this service does not know are someone else's business, not an error.
        roles: claims.roles.iter().filter_map(|r| r.parse().ok()).collect(),
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
}

impl IdentityProvider {
    fn from_settings(settings: &TokenSettings) -> Result<Option<Self>, AuthSetupError> {
        let (issuer, audience, jwks) = match (&settings.oidc_issuer, &settings.oidc_audience, &settings.oidc_jwks_file)
        {
            (None, None, None) => return Ok(None),
            (Some(issuer), Some(audience), Some(jwks)) => (issuer, audience, jwks),
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
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.validate_nbf = true;
        let mut keys = HashMap::new();
        for (kid, (key, pinned)) in read_jwks(jwks)? {
            // A key is used only with the configured algorithms of its own family, and only with the
            // one it names if its JWK names one.
            let usable: Vec<Algorithm> = algorithms
                .iter()
                .copied()
                .filter(|alg| alg.family() == key.family() && pinned.is_none_or(|pinned| pinned == *alg))
                .collect();
            if usable.is_empty() {
                log::warn!("JWKS key {kid:?} fits none of the configured algorithms {algorithms:?}; it is not used");
                continue;
            }
            let mut key_validation = validation.clone();
            key_validation.algorithms = usable;
            keys.insert(kid, (key, key_validation));
        }
        if keys.is_empty() {
            return Err(AuthSetupError::JwksFile(
                jwks.display().to_string(),
                "no key fits the configured algorithms".into(),
            ));
        }
        Ok(Some(IdentityProvider { keys }))
    }
}

/// Reads the identity provider's public keys by key id, with the algorithm a key names, if any.
/// Keys without an id cannot be selected and are skipped, as are keys of types jsonwebtoken cannot use.
fn read_jwks(path: &Path) -> Result<HashMap<String, (DecodingKey, Option<Algorithm>)>, AuthSetupError> {
    let fail = |e: String| AuthSetupError::JwksFile(path.display().to_string(), e);
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let set: JwkSet = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let (Some(kid), Ok(key)) = (jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk)) else {
            log::warn!("skipping a JWKS key without a usable id or type");
            continue;
        };
        let pinned = jwk.common.key_algorithm.and_then(|alg| alg.to_string().parse::<Algorithm>().ok());
        keys.insert(kid, (key, pinned));
    }
    if keys.is_empty() {
        return Err(fail("no usable keys".into()));
    }
    Ok(keys)
}

/// Extracts and verifies the bearer token; answers 401 without one.
impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Caller, ApiError> {
    let authenticator =
        req.app_data::<web::Data<Authenticator>>().ok_or_else(|| ApiError::internal("no authenticator configured"))?;
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("Send a bearer token in the Authorization header.".into()))?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .ok_or_else(|| ApiError::Unauthorized("The Authorization header must be `Bearer <token>`.".into()))?;
    authenticator.verify(token).map_err(ApiError::Unauthorized)
}
