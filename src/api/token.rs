//! `POST /v1/auth/token`: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for registered
//! service clients. Credentials come in the form body (`client_id`, `client_secret`) or in HTTP Basic
//! authentication (§2.3.1); the answer is a short-lived bearer token signed by the service.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::State;
use super::extract::{BodyRules, read_body};
use super::policy::{Access, Routes};
use crate::auth::Authenticator;
use crate::error::{ApiError, ApiResult, Problem};
use crate::service::identity;

pub fn routes(cfg: &mut Routes) {
    cfg.add(token, Access::ClientCredentials);
}

/// The only grant the service offers.
#[derive(Debug, Deserialize, ToSchema)]
pub enum GrantType {
    #[serde(rename = "client_credentials")]
    ClientCredentials,
}

/// The form fields of a token request (`application/x-www-form-urlencoded`).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(examples(json!({"grant_type": "client_credentials", "client_id": "dgs_5b1f0c2e9d8a7b6c5d4e3f2a", "client_secret": "dgss_4pX0s8Jq3lV7mB2nR6tY1wZ9cF5hK0dG8eA3uI7oP2s"})))]
pub struct TokenRequest {
    pub grant_type: GrantType,
    /// Unless sent with HTTP Basic authentication.
    #[schema(max_length = 200, example = "dgs_5b1f0c2e9d8a7b6c5d4e3f2a")]
    pub client_id: Option<String>,
    /// Unless sent with HTTP Basic authentication.
    #[schema(max_length = 200)]
    pub client_secret: Option<String>,
    /// Ignored: a client's access is what it is registered with.
    #[schema(max_length = 1000)]
    pub scope: Option<String>,
}

/// A token (RFC 6749 §5.1).
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJkZ3NfNWIxZjBjMmU5ZDhhN2I2YzVkNGUzZjJhIn0.c2lnbmF0dXJl", "token_type": "Bearer", "expires_in": 900})))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: u64,
}

/// The longest client id or secret looked at (the service's own are 28 and 48 characters).
const MAX_CREDENTIAL: usize = 200;
/// The longest `scope` read (it is ignored).
const MAX_SCOPE: usize = 1000;

fn refused(status: StatusCode, error: &'static str, description: &str, basic: bool) -> ApiError {
    ApiError::OAuth { status, error, description: description.to_owned(), basic }
}

fn invalid_request(description: &str) -> ApiError {
    refused(StatusCode::BAD_REQUEST, "invalid_request", description, false)
}

/// The parameters this endpoint reads; others are ignored (RFC 6749 §3.2).
const PARAMETERS: [&str; 4] = ["grant_type", "client_id", "client_secret", "scope"];

/// The form's parameters; each of ours may appear once (RFC 6749 §3.2).
fn form(body: &[u8]) -> ApiResult<Vec<(String, String)>> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in form_urlencoded::parse(body).filter(|(name, _)| PARAMETERS.contains(&name.as_ref())) {
        if pairs.iter().any(|(seen, _)| *seen == name) {
            return Err(invalid_request(&format!("the parameter {name} appears more than once")));
        }
        pairs.push((name.into_owned(), value.into_owned()));
    }
    Ok(pairs)
}

/// Client credentials from `Authorization: Basic`, whose parts are form-encoded (RFC 6749 §2.3.1).
fn basic_credentials(req: &HttpRequest) -> ApiResult<Option<(String, String)>> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else { return Ok(None) };
    let malformed = || refused(StatusCode::UNAUTHORIZED, "invalid_client", "malformed Basic authentication", true);
    // The scheme's name is case-insensitive (RFC 9110 §11.1).
    let encoded = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, credentials)| credentials)
        .ok_or_else(malformed)?;
    let decoded = STANDARD.decode(encoded.trim()).ok().and_then(|b| String::from_utf8(b).ok()).ok_or_else(malformed)?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    let unescape =
        |part: &str| form_urlencoded::parse(format!("x={part}").as_bytes()).next().map(|(_, v)| v.into_owned());
    Ok(Some((unescape(id).ok_or_else(malformed)?, unescape(secret).ok_or_else(malformed)?)))
}

/// Exchange client credentials for a bearer token (RFC 6749 §4.4).
#[utoipa::path(
    tag = "clients", operation_id = "requestToken",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    security((), ("client_basic" = [])),
    responses(
        (status = OK, description = "A bearer token for the client.", body = TokenResponse, headers(("Cache-Control" = String, description = "no-store"))),
        (status = BAD_REQUEST, description = "invalid_request or unsupported_grant_type.", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "invalid_client: unknown or disabled client, or a wrong secret.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/token")]
async fn token(
    state: State,
    authenticator: web::Data<Authenticator>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return Err(invalid_request("send the request as application/x-www-form-urlencoded"));
    }
    let rules = req.app_data::<BodyRules>().copied().ok_or_else(|| ApiError::internal("no body rules"))?;
    let body = read_body(body.into_inner(), rules.reading(None)).await?;
    let params = form(&body)?;
    let param = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    match param("grant_type").as_deref() {
        Some("client_credentials") => {}
        Some(_) => {
            return Err(refused(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only client_credentials is supported",
                false,
            ));
        }
        None => return Err(invalid_request("grant_type is required")),
    }
    if param("scope").is_some_and(|scope| scope.len() > MAX_SCOPE) {
        return Err(invalid_request("scope is too long"));
    }
    let basic = basic_credentials(&req)?;
    let (client_id, secret, by_basic) = match (basic, param("client_id"), param("client_secret")) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(invalid_request("send the client's credentials in one way: the form or Basic authentication"));
        }
        (Some((id, secret)), None, None) => (id, secret, true),
        (None, Some(id), Some(secret)) => (id, secret, false),
        (None, ..) => {
            return Err(refused(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "client_id and client_secret are required",
                false,
            ));
        }
    };
    if client_id.len() > MAX_CREDENTIAL || secret.len() > MAX_CREDENTIAL {
        return Err(refused(StatusCode::UNAUTHORIZED, "invalid_client", "no client has such credentials", by_basic));
    }
    let auditor = state.auditor.clone();
    let found = state.db.read(move |conn| identity::authenticate_client(conn, &auditor, &client_id, &secret)).await?;
    let Some((client_id, generation)) = found else {
        let reason = "the client is unknown, disabled, or the secret is wrong";
        return Err(refused(StatusCode::UNAUTHORIZED, "invalid_client", reason, by_basic));
    };
    let access_token = authenticator.mint_client_token(&client_id, generation).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: authenticator.client_token_lifetime().as_secs(),
        }))
}
