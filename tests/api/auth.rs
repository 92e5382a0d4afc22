//! Bearer tokens: what is accepted and what is refused, as an attacker would try it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dagsorden::auth::Authenticator;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::common::{Request, SECRET, TestApp, token_settings};
use crate::db_tests;
use crate::fixtures;

db_tests!(
    requests_without_a_valid_token_are_refused,
    forged_and_misdirected_tokens_are_refused,
    service_roles_come_from_the_token,
    identity_provider_tokens_are_verified_with_its_keys,
);

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

fn claims(overrides: Value) -> Value {
    let mut claims =
        json!({"iss": "dagsorden", "aud": "dagsorden", "sub": "mallory", "exp": now() + 600, "roles": ["admin"]});
    for (key, value) in overrides.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(key);
        } else {
            claims[key] = value.clone();
        }
    }
    claims
}

fn hs(alg: Algorithm, secret: &[u8], claims: &Value) -> String {
    encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).unwrap()
}

#[track_caller]
fn refused(app: &TestApp, token: &str) {
    let reply = app.get("/v1/access-groups", token);
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    reply.problem(401, "unauthorized");
}

fn requests_without_a_valid_token_are_refused(app: &TestApp) {
    let reply = app.call(Request::new("GET", "/v1/committees"));
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    reply.problem(401, "unauthorized");
    app.call(Request::new("GET", "/v1/committees").header("Authorization", "Basic YWRtaW46YWRtaW4="))
        .problem(401, "unauthorized");
    app.call(Request::new("POST", "/v1/access-groups").json(json!({"name": "x", "tier": "unit"})))
        .problem(401, "unauthorized");
    refused(app, "not-a-jwt");
    refused(app, "");
    // The probes answer without a token.
    app.call(Request::new("GET", "/healthz")).expect(200);
    app.call(Request::new("GET", "/readyz")).expect(200);
}

fn forged_and_misdirected_tokens_are_refused(app: &TestApp) {
    let good = hs(Algorithm::HS256, SECRET, &claims(json!({})));
    app.get("/v1/access-groups", &good).expect(200);

    refused(app, &hs(Algorithm::HS256, b"another secret that is also long enough", &claims(json!({}))));
    refused(app, &hs(Algorithm::HS384, SECRET, &claims(json!({}))));
    refused(app, &hs(Algorithm::HS512, SECRET, &claims(json!({}))));
    refused(app, &hs(Algorithm::HS256, SECRET, &claims(json!({"exp": now() - 3600}))));
    refused(app, &hs(Algorithm::HS256, SECRET, &claims(json!({"nbf": now() + 3600}))));
    for missing in ["exp", "iss", "aud", "sub"] {
        refused(app, &hs(Algorithm::HS256, SECRET, &claims(json!({missing: null}))));
    }
    refused(app, &hs(Algorithm::HS256, SECRET, &claims(json!({"aud": "another-service"}))));
    refused(app, &hs(Algorithm::HS256, SECRET, &claims(json!({"iss": "https://evil.example"}))));

    // alg "none" in any casing, with and without a signature.
    let payload = URL_SAFE_NO_PAD.encode(claims(json!({})).to_string());
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "typ": "JWT"}).to_string());
        refused(app, &format!("{header}.{payload}."));
        refused(app, &format!("{header}.{payload}"));
    }

    // A valid signature over other claims: swap in a tampered payload.
    let parts: Vec<&str> = good.split('.').collect();
    let tampered = URL_SAFE_NO_PAD.encode(claims(json!({"sub": "root"})).to_string());
    refused(app, &format!("{}.{}.{}", parts[0], tampered, parts[2]));
}

fn service_roles_come_from_the_token(app: &TestApp) {
    let body = json!({"name": "HR", "tier": "staff"});
    let plain = hs(Algorithm::HS256, SECRET, &claims(json!({"roles": ["reader", "superuser"]})));
    app.post("/v1/access-groups", &plain, body.clone()).problem(403, "forbidden");
    let admin = hs(Algorithm::HS256, SECRET, &claims(json!({"roles": ["superuser", "admin"]})));
    app.post("/v1/access-groups", &admin, body).expect(201);
}

/// Tokens from the municipality's identity provider: RS256 and ES256 keys from a JWKS file, chosen
/// by `kid`, with the algorithms the configuration allows and never the one the header asks for.
fn identity_provider_tokens_are_verified_with_its_keys(app: &TestApp) {
    let mut settings = token_settings();
    settings.oidc_issuer = Some("https://login.microsoftonline.com/tenant/v2.0".into());
    settings.oidc_audience = Some("api://dagsorden".into());
    settings.oidc_jwks_file = Some(format!("{FIXTURES}/idp-jwks.json").into());
    settings.oidc_algorithms = vec!["RS256".into(), "ES256".into()];
    settings.token_secret = Some(String::from_utf8(SECRET.to_vec()).unwrap());
    let idp = TestApp::start_with(app.backend, Authenticator::from_settings(&settings, &app.database_url).unwrap());

    let rsa = EncodingKey::from_rsa_pem(&std::fs::read(format!("{FIXTURES}/idp-rsa-private.pem")).unwrap()).unwrap();
    let ec = EncodingKey::from_ec_pem(&std::fs::read(format!("{FIXTURES}/idp-ec-private.pem")).unwrap()).unwrap();
    let entra = |overrides: Value| {
        let mut c = claims(json!({"iss": "https://login.microsoftonline.com/tenant/v2.0", "aud": "api://dagsorden"}));
        for (k, v) in overrides.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };
    let signed = |alg: Algorithm, kid: &str, key: &EncodingKey, claims: &Value| {
        let mut header = Header::new(alg);
        header.kid = Some(kid.into());
        encode(&header, claims, key).unwrap()
    };

    idp.get("/v1/access-groups", &signed(Algorithm::RS256, "test-rsa-1", &rsa, &entra(json!({})))).expect(200);
    idp.get("/v1/access-groups", &signed(Algorithm::ES256, "test-ec-1", &ec, &entra(json!({})))).expect(200);
    // The service's own tokens still work beside them.
    idp.get("/v1/access-groups", &hs(Algorithm::HS256, SECRET, &claims(json!({})))).expect(200);

    refused(&idp, &signed(Algorithm::RS256, "unknown-kid", &rsa, &entra(json!({}))));
    refused(&idp, &signed(Algorithm::RS384, "test-rsa-1", &rsa, &entra(json!({}))));
    refused(&idp, &signed(Algorithm::RS256, "test-rsa-1", &rsa, &entra(json!({"aud": "dagsorden"}))));
    refused(&idp, &signed(Algorithm::RS256, "test-rsa-1", &rsa, &entra(json!({"iss": "dagsorden"}))));
    refused(&idp, &signed(Algorithm::RS256, "test-rsa-1", &rsa, &entra(json!({"exp": now() - 3600}))));
    // Key confusion: HS256 "signed" with the RSA public key, under the RSA key's id.
    let public_pem = std::fs::read(format!("{FIXTURES}/idp-rsa-public.pem")).unwrap();
    refused(&idp, &signed(Algorithm::HS256, "test-rsa-1", &EncodingKey::from_secret(&public_pem), &entra(json!({}))));
    refused(&idp, &hs(Algorithm::HS256, &public_pem, &entra(json!({}))));
    // The EC key cannot vouch for an RSA algorithm, nor the RSA key for an EC one.
    refused(&idp, &signed(Algorithm::RS256, "test-ec-1", &rsa, &entra(json!({}))));

    // Groups in the token are the groups of the caller.
    let committee = fixtures::committee(&idp, "Direktionen", "none");
    let admin = idp.admin();
    let groups = idp.get(&format!("/v1/access-groups/{}", committee.member_group), &admin).json();
    let token =
        signed(Algorithm::RS256, "test-rsa-1", &rsa, &entra(json!({"roles": [], "groups": [groups["external_id"]]})));
    let meeting = fixtures::meeting(&idp, &committee, "2022-04-25T12:30:00+02:00");
    idp.get(&format!("/v1/meetings/{}", meeting["id"]), &token).expect(200);
}
