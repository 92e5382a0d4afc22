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
                assert_eq!(
                    operation["security"],
                    serde_json::json!([{}, {"bearer": []}, {"oauth2": []}]),
                    "{method} {path}"
                );
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

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations.push((method.to_uppercase(), path.clone(), operation));
        }
    }
    operations
}

/// A generated client's method names are the operation ids: each one is unique, and they read as
/// `verbNoun` (`getMeeting`, `publishMeetingAgenda`).
#[test]
fn every_operation_has_a_unique_meaningful_id() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (method, path, operation) in operations(&doc) {
        let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
        assert!(
            id.len() > 4
                && id.chars().next().unwrap().is_ascii_lowercase()
                && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "{method} {path}: `{id}` is not a camelCase verb and noun"
        );
        if let Some(other) = seen.insert(id.to_owned(), format!("{method} {path}")) {
            panic!("`{id}` names both {other} and {method} {path}");
        }
    }
    let webhooks = doc["webhooks"].as_object().unwrap();
    for (event, item) in webhooks {
        let id = item["post"]["operationId"].as_str().unwrap();
        assert!(seen.insert(id.to_owned(), event.clone()).is_none(), "`{id}` is used twice");
    }
    assert!(seen.len() >= 129 + 19, "{} operations", seen.len());
}

/// Every response says what it is, and every operation says who may call it.
#[test]
fn every_response_and_operation_is_described() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    for (method, path, operation) in operations(&doc) {
        let description = operation["description"].as_str().unwrap_or_default();
        assert!(description.contains("**Access:**"), "{method} {path} does not say who may call it");
        assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty() && !s.contains('\n')), "{method} {path}");
        for (status, response) in operation["responses"].as_object().unwrap() {
            let described = response.get("$ref").is_some()
                || response["description"].as_str().is_some_and(|d| !d.trim().is_empty());
            assert!(described, "{method} {path}: response {status} has no description");
        }
    }
    for (name, response) in doc["components"]["responses"].as_object().unwrap() {
        assert!(response["description"].as_str().is_some_and(|d| !d.is_empty()), "{name}");
    }
}

/// Every problem type the service can send is listed on `Problem.type`, and each is described at
/// `/problems/{slug}`.
#[test]
fn every_problem_type_is_listed_and_served() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let listed: Vec<&str> = doc["components"]["schemas"]["Problem"]["properties"]["type"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let app = TestApp::start(Backend::Sqlite);
    for kind in dagsorden::error::PROBLEM_TYPES {
        let uri = format!("/problems/{}", kind.slug);
        assert!(listed.contains(&uri.as_str()), "{uri} is not listed");
        let described = app.call(Request::new("GET", &uri).header("Accept", "application/json")).expect(200).json();
        assert_eq!(described["title"], kind.title);
    }
    app.call(Request::new("GET", "/problems/no-such-problem")).problem(404, "not-found");
}

/// Pages refer to their items' schema; every list that comes whole says how long it can be.
#[test]
fn lists_are_typed_and_bounded() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (name, schema) in schemas.iter().filter(|(name, _)| name.starts_with("Page_")) {
        let item = name.trim_start_matches("Page_");
        assert_eq!(schema["properties"]["data"]["items"]["$ref"], format!("#/components/schemas/{item}"), "{name}");
        assert!(schemas.contains_key(item), "{name}");
    }
    for (method, path, operation) in operations(&doc) {
        let Some(schema) = operation["responses"]["200"]["content"]["application/json"].get("schema") else { continue };
        if schema["type"] == "array" {
            assert!(schema["maxItems"].is_u64(), "{method} {path} answers a list without maxItems");
        }
    }
}
