//! The OpenAPI document is generated from the code; the committed copy must be that document.

use std::path::PathBuf;

use serde_json::Value;

use crate::common::{Backend, Request, TestApp};

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json")
}

fn generated() -> String {
    serde_json::to_string_pretty(&dagsorden::api::openapi()).unwrap() + "\n"
}

#[test]
fn committed_openapi_matches_the_code() {
    let path = committed_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, generated()).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated(),
        "openapi/openapi.json differs from the code; regenerate it with\n  \
         cargo run -- openapi > openapi/openapi.json\n(or UPDATE_OPENAPI=1 cargo test openapi) and commit it"
    );
}

#[test]
fn the_service_serves_the_committed_document() {
    let app = TestApp::start(Backend::Sqlite);
    let served = app.call(Request::new("GET", "/v1/openapi.json")).expect(200).json();
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(committed_path()).unwrap()).unwrap();
    assert_eq!(served, committed);
    assert_eq!(served["openapi"], "3.1.0");
    let docs = app.call(Request::new("GET", "/docs/")).expect(200);
    assert!(docs.body.contains("swagger"), "the interactive docs are served");
}

/// Every operation documents its error responses as problem+json, and every `/v1` operation outside
/// the public API needs the bearer token.
#[test]
fn every_operation_documents_its_problems() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 14, "{}", paths.len());
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            for status in ["500", "503"] {
                assert!(responses.contains_key(status), "{method} {path} lacks {status}");
            }
            if path == "/v1/auth/token" {
                // The OAuth token endpoint takes client credentials, not a bearer token.
                assert_eq!(operation["security"][1]["client_basic"], serde_json::json!([]), "{method} {path}");
            } else if path.starts_with("/v1/public/calendar-feeds/") {
                // A calendar client sends the secret in the URL, no token at all.
                assert_eq!(operation["security"], serde_json::json!([{}]), "{method} {path}");
            } else if path.starts_with("/v1/public/") {
                // The public API needs no token; one that is sent is checked.
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
                assert_eq!(operation["security"], serde_json::json!([{}, {"bearer": []}]), "{method} {path}");
            } else if path.starts_with("/v1/") {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
                assert_eq!(operation["security"][0]["bearer"], serde_json::json!([]), "{method} {path}");
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{method} {path} lacks 404");
            }
            if matches!(method.as_str(), "patch" | "delete" | "put") {
                assert!(responses.contains_key("412") && responses.contains_key("428"), "{method} {path}");
            }
        }
    }
}
