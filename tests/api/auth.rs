//! Bearer tokens: what is accepted and what is refused, as an attacker would try it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dagsorden::auth::Authenticator;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::common::{Request, SECRET, StaticServer, TestApp, token_settings};
use crate::db_tests;
use crate::fixtures;

db_tests!(
    requests_without_a_valid_token_are_refused,
    forged_and_misdirected_tokens_are_refused,
    service_roles_come_from_the_token,
    identity_provider_tokens_are_verified_with_its_keys,
    rotated_provider_keys_are_fetched_once_and_rate_limited,
    urls_in_a_token_header_are_never_followed,
    group_overage_is_refused_not_read_as_no_groups,
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

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

const ENTRA_ISSUER: &str = "https://login.microsoftonline.com/tenant/v2.0";

/// A service whose identity provider publishes its keys at `jwks`.
fn with_provider_at(app: &TestApp, jwks: &StaticServer) -> TestApp {
    let mut settings = token_settings();
    settings.oidc_issuer = Some(ENTRA_ISSUER.into());
    settings.oidc_audience = Some("api://dagsorden".into());
    settings.oidc_jwks_url = Some(jwks.url.clone());
    settings.token_secret = Some(String::from_utf8(SECRET.to_vec()).unwrap());
    TestApp::start_with(app.backend, Authenticator::from_settings(&settings, &app.database_url).unwrap())
}

fn entra_claims(overrides: Value) -> Value {
    let mut c = claims(json!({"iss": ENTRA_ISSUER, "aud": "api://dagsorden", "roles": []}));
    for (k, v) in overrides.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn rsa_key(file: &str) -> EncodingKey {
    EncodingKey::from_rsa_pem(fixture(file).as_bytes()).unwrap()
}

fn signed_with(header: Header, key: &EncodingKey, claims: &Value) -> String {
    encode(&header, claims, key).unwrap()
}

fn kid_header(kid: &str) -> Header {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.into());
    header
}

/// The provider rotates in a new key: the first token signed with it makes the service fetch the key
/// set again, so no restart is needed; unknown key ids after that do not make it fetch again within
/// the refresh interval.
fn rotated_provider_keys_are_fetched_once_and_rate_limited(app: &TestApp) {
    let jwks = StaticServer::start(fixture("idp-jwks.json"));
    let idp = with_provider_at(app, &jwks);
    assert_eq!(jwks.hits(), 1, "fetched at start");
    let old = signed_with(kid_header("test-rsa-1"), &rsa_key("idp-rsa-private.pem"), &entra_claims(json!({})));
    idp.get("/v1/committees", &old).expect(200);
    assert_eq!(jwks.hits(), 1, "a known key needs no fetch");

    jwks.set_body(fixture("idp-jwks-rotated.json"));
    let new = signed_with(kid_header("test-rsa-2"), &rsa_key("idp-rsa2-private.pem"), &entra_claims(json!({})));
    idp.get("/v1/committees", &new).expect(200);
    assert_eq!(jwks.hits(), 2, "one refresh for the new key");
    idp.get("/v1/committees", &new).expect(200);

    for n in 0..5 {
        let forged =
            signed_with(kid_header(&format!("random-{n}")), &rsa_key("idp-rsa2-private.pem"), &entra_claims(json!({})));
        refused(&idp, &forged);
    }
    assert_eq!(jwks.hits(), 2, "unknown key ids within the interval fetch nothing");
    idp.get("/v1/committees", &old).expect(200);
}

/// `jku` and `x5u` name where to get the key: an attacker's server. They are ignored.
fn urls_in_a_token_header_are_never_followed(app: &TestApp) {
    let jwks = StaticServer::start(fixture("idp-jwks.json"));
    let attacker = StaticServer::start(fixture("idp-jwks-rotated.json"));
    let idp = with_provider_at(app, &jwks);
    let attacker_key = rsa_key("idp-rsa2-private.pem");
    for (jku, x5u) in [(Some(attacker.url.clone()), None), (None, Some(attacker.url.clone()))] {
        let mut header = kid_header("test-rsa-2");
        header.jku = jku;
        header.x5u = x5u;
        refused(&idp, &signed_with(header, &attacker_key, &entra_claims(json!({}))));
    }
    assert_eq!(attacker.hits(), 0, "the header's URLs were never fetched");
}

/// Entra ID leaves the groups out of a token when a user has too many, pointing to Graph instead.
/// That must not read as "no groups": the token is refused with a problem that says why.
fn group_overage_is_refused_not_read_as_no_groups(app: &TestApp) {
    let jwks = StaticServer::start(fixture("idp-jwks.json"));
    let idp = with_provider_at(app, &jwks);
    let key = rsa_key("idp-rsa-private.pem");
    let overage = [
        json!({"_claim_names": {"groups": "src1"}, "_claim_sources": {"src1": {"endpoint": "https://graph.microsoft.com/v1.0/users/x/getMemberObjects"}}}),
        json!({"hasgroups": true}),
    ];
    for extra in overage {
        let reply = idp.get("/v1/committees", &signed_with(kid_header("test-rsa-1"), &key, &entra_claims(extra)));
        assert!(reply.body.contains("group overage"), "{}", reply.body);
        reply.problem(401, "unauthorized");
    }
    let listed = signed_with(kid_header("test-rsa-1"), &key, &entra_claims(json!({"groups": ["a", "b"]})));
    idp.get("/v1/committees", &listed).expect(200);
}
