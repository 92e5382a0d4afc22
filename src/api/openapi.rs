//! The OpenAPI document, as integrators generate their clients from it.
//!
//! It is made from the code: the routes and their `utoipa::path` attributes, the access rule each
//! route declares (`policy`), and the request and response types. What an attribute cannot say
//! once for every operation is added here, from the operation's shape: the problems it can answer,
//! the headers every answer carries (`X-Request-Id`, the rate limit fields), the shared parameters
//! (`If-Match`, `If-None-Match`, `Idempotency-Key`), the security requirement its access rule
//! implies, and the webhooks' events. The committed copy (`openapi/openapi.json`) is this document;
//! a test fails when the two differ.

use actix_web::App;
use serde_json::{Map, Value, json};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use super::policy::{self, Access};
use crate::domain::events::Event;
use crate::domain::limits;
use crate::domain::text::{self, Shape};
use crate::error::{PROBLEM_BASE, PROBLEM_TYPES};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "dagsorden",
        description = include_str!("openapi.md"),
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
        contact(name = "dagsorden maintainers"),
    ),
    components(schemas(
        crate::error::Problem,
        crate::error::FieldError,
        crate::webhooks::WebhookPayload,
        super::extract::Timestamp,
        super::extract::Day,
    )),
    tags(
        (name = "access-groups", description = "The municipality's access groups (AD groups) in four tiers, and the members added to them here."),
        (name = "committees", description = "Committees (udvalg): the bodies that meet, and their standing items (faste punkter)."),
        (name = "grants", description = "Roles granted to access groups on committees, and on every committee of a kind."),
        (name = "meetings", description = "Meetings with their participants and agenda."),
        (name = "lifecycle", description = "A meeting's life: publish the agenda, hold the meeting, sign and publish the minutes, or cancel it."),
        (name = "published", description = "Published agendas and minutes: fixed versions, corrections and their differences."),
        (name = "attachments", description = "Attachments (bilag) of agenda items."),
        (name = "public", description = "The public read API: published agendas and minutes of public committees, without a token (internal committees' too, with one), as JSON, HTML, Markdown and calendars."),
        (name = "allocations", description = "Cost allocations: common costs split exactly across the units that pay them, and the yearly report of what each unit pays."),
        (name = "calendars", description = "Personal calendar feeds at secret, revocable URLs."),
        (name = "participants", description = "Who attends a meeting."),
        (name = "items", description = "Agenda items (punkter), their decisions, amounts, attendance and conflicts of interest (inhabilitet), and cases across meetings."),
        (name = "protocol", description = "The protocol (beslutningsprotokol): the votes taken on an item and the members' dissents (kommunestyrelsesloven § 13)."),
        (name = "users", description = "The people who have signed in, and who the caller is."),
        (name = "clients", description = "Service clients and the OAuth 2.0 client-credentials grant."),
        (name = "search", description = "Full-text search in Danish over the meetings, items and attachments the caller may read."),
        (name = "changes", description = "The change feed: every change the caller may see, in commit order, from a cursor it keeps."),
        (name = "webhooks", description = "Webhooks: the change feed's events POSTed to a URL as they happen, signed (Standard Webhooks), retried, for admins and service clients. The events and their bodies are in this document's `webhooks`."),
        (name = "audit", description = "The audit trail: every change, every read of closed content, every denied attempt."),
        (name = "operations", description = "Health and readiness probes, metrics, and the catalogue of problem types."),
    )
)]
struct ApiDoc;

/// The OpenAPI document of this build.
pub fn openapi() -> Value {
    let (_, doc) =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(super::configure).split_for_parts();
    let mut doc = serde_json::to_value(&doc).expect("the OpenAPI document serialises");
    complete(&mut doc);
    doc
}

/// The problem responses, shared through `components.responses`: status, name, description.
const PROBLEMS: [(&str, &str, &str); 16] = [
    ("400", "MalformedRequest", "The request could not be read (malformed JSON, path, query or header)."),
    ("401", "Unauthorized", "No valid bearer token, or its user is deactivated or its client disabled."),
    ("403", "Forbidden", "The caller is known but may not do this."),
    ("404", "NotFound", "No such resource, or it is not visible to the caller: the two look the same."),
    ("406", "NotAcceptable", "None of the media types in Accept can be given."),
    ("408", "RequestTimeout", "The request did not arrive within the configured time; nothing was changed."),
    ("409", "Conflict", "Conflicts with the current state, or a request with the same Idempotency-Key is under way."),
    ("412", "PreconditionFailed", "If-Match does not name the current version; nothing was changed."),
    ("413", "PayloadTooLarge", "The body exceeds the configured limit; nothing was changed."),
    ("415", "UnsupportedMediaType", "The body is not of the media type the operation takes."),
    ("422", "ValidationFailed", "Fields break a rule; `errors` lists them. Nothing was changed."),
    ("428", "PreconditionRequired", "If-Match is missing."),
    ("429", "TooManyRequests", "The caller's rate limit is used up; retry after Retry-After seconds."),
    ("431", "HeadersTooLarge", "The request's header fields are too large (a token, say); nothing was read."),
    ("500", "InternalError", "A fault of the service; logged, and any write was rolled back."),
    ("503", "ServiceUnavailable", "The database is unreachable or busy; retry after Retry-After seconds."),
];

fn complete(doc: &mut Value) {
    doc["servers"] = json!([{
        "url": "/",
        "description": "production: the instance that serves this document (`/v1/openapi.json`); a local one \
                        runs at http://127.0.0.1:8080",
        "x-internal": false,
    }]);
    let components = doc["components"].as_object_mut().expect("components");
    components.insert("securitySchemes".into(), security_schemes());
    components.insert("headers".into(), headers());
    components.insert("parameters".into(), parameters());
    components.insert("responses".into(), problem_responses());
    let schemas = components.get_mut("schemas").and_then(Value::as_object_mut).expect("schemas");
    type_problems(schemas);
    reference_page_items(schemas);
    bound_embedded_lists(schemas);
    shape_texts(doc);

    let paths = doc["paths"].as_object_mut().expect("paths");
    for (path, item) in paths.iter_mut() {
        for (method, operation) in item.as_object_mut().expect("path item").iter_mut() {
            complete_operation(path, method, operation);
        }
    }
    bound_request_integers(doc);
    bound_whole_lists(doc);
    doc["webhooks"] = webhooks();
}

/// A free-text field is marked with its shape (`x-text`, see `domain::text`); the document states
/// the shape as the `pattern` the service checks.
fn shape_texts(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(shape) = object.remove("x-text") {
                let shape = shape.as_str().and_then(Shape::from_name).expect("a known text shape");
                object.insert("pattern".into(), json!(text::pattern(shape)));
            }
            object.values_mut().for_each(shape_texts);
        }
        Value::Array(values) => values.iter_mut().for_each(shape_texts),
        _ => {}
    }
}

/// Every integer a client sends is bounded as the service reads it: by its type (a 32- or 64-bit
/// integer); and ids (`id`, `…_id`, the items of `…_ids`) in a path or a body from 1, the first a
/// sequence gives (an id below it names nothing: 404 in a path, 422 in a body). A query's id is a
/// filter, which any integer may be.
fn bound_request_integers(doc: &mut Value) {
    let mut names = Vec::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("path item").values() {
            if let Some(body) = operation.get("requestBody") {
                referenced(body, &mut names);
            }
        }
    }
    let mut pending = names.clone();
    while let Some(name) = pending.pop() {
        let mut found = Vec::new();
        referenced(&doc["components"]["schemas"][&name], &mut found);
        for name in found {
            if !names.contains(&name) {
                names.push(name.clone());
                pending.push(name);
            }
        }
    }
    for name in names {
        bound_integers(&mut doc["components"]["schemas"][&name], "", true);
    }
    for item in doc["paths"].as_object_mut().expect("paths").values_mut() {
        for operation in item.as_object_mut().expect("path item").values_mut() {
            for parameter in operation["parameters"].as_array_mut().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap_or("").to_owned();
                let names_a_resource = parameter["in"] == "path";
                if let Some(schema) = parameter.get_mut("schema") {
                    bound_integers(schema, &name, names_a_resource);
                }
            }
        }
    }
}

/// The component schemas `value` refers to.
fn referenced(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(name) =
                object.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
                && !names.iter().any(|n| n == name)
            {
                names.push(name.to_owned());
            }
            object.values().for_each(|v| referenced(v, names));
        }
        Value::Array(values) => values.iter().for_each(|v| referenced(v, names)),
        _ => {}
    }
}

fn bound_integers(schema: &mut Value, name: &str, names_a_resource: bool) {
    let Some(object) = schema.as_object_mut() else { return };
    let integer = match object.get("type") {
        Some(Value::String(kind)) => kind == "integer",
        Some(Value::Array(kinds)) => kinds.iter().any(|k| k == "integer"),
        _ => false,
    };
    if integer {
        let wide = object.get("format").and_then(Value::as_str) != Some("int32");
        let id = names_a_resource && (name == "id" || name.ends_with("_id") || name.ends_with("_ids"));
        let (low, high) = if wide { (i64::MIN, i64::MAX) } else { (i64::from(i32::MIN), i64::from(i32::MAX)) };
        object.entry("minimum").or_insert_with(|| json!(if id { 1 } else { low }));
        object.entry("maximum").or_insert_with(|| json!(high));
    }
    if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
        for (property, schema) in properties.iter_mut() {
            bound_integers(schema, property, names_a_resource);
        }
    }
    if let Some(items) = object.get_mut("items") {
        bound_integers(items, name, names_a_resource);
    }
    for combined in ["oneOf", "anyOf", "allOf"] {
        for schema in object.get_mut(combined).and_then(Value::as_array_mut).into_iter().flatten() {
            bound_integers(schema, name, names_a_resource);
        }
    }
}

/// The schemes a caller authenticates with.
fn security_schemes() -> Value {
    const JWT: &str = "Tokens are JWTs checked as RFC8725 (JSON Web Token Best Current Practices) recommends: \
        the algorithm is fixed by the service's configuration for each issuer and never taken from the token \
        (`none` is refused), the key is chosen by `kid` from configured keys only (`jku` and `x5u` are never \
        followed), and `iss`, `aud`, `exp` and `sub` are checked.";
    json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": format!("A user's token from the municipality's identity provider (or, on a local \
                installation, from `dagsorden token`), or a service client's token from `/v1/auth/token`. {JWT}"),
        },
        "oauth2": {
            "type": "oauth2",
            "description": format!("Service clients (integrating systems) get a bearer token with the OAuth 2.0 \
                client-credentials grant (RFC 6749 §4.4) and send it as `Authorization: Bearer`. {JWT}"),
            "flows": {"clientCredentials": {"tokenUrl": "/v1/auth/token", "scopes": {}}},
        },
        "client_basic": {
            "type": "http",
            "scheme": "basic",
            "description": "At the token endpoint only: the client's id and secret as HTTP Basic authentication \
                (RFC 6749 §2.3.1, `client_secret_basic`). They may come in the form instead.",
        },
    })
}

/// The headers the service sends, described once.
fn headers() -> Value {
    json!({
        "X-Request-Id": {
            "description": "The request's id, also in every problem (`request_id`) and in the service's log. A \
                client's own `X-Request-Id` is kept when it is 1–64 characters of `A–Z a–z 0–9 - _ .`.",
            "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$", "maxLength": 64},
        },
        "ETag": {
            "description": "The strong entity tag of the representation: send it as `If-Match` to change the \
                resource, or as `If-None-Match` to revalidate a copy.",
            "schema": {"type": "string", "pattern": "^\"[0-9a-z-]{1,80}\"$", "maxLength": 82, "example": "\"7\""},
        },
        "Location": {
            "description": "Where the resource just created lives.",
            "schema": {"type": "string", "format": "uri-reference", "maxLength": 200, "example": "/v1/meetings/1"},
        },
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 86400},
        },
        "RateLimit-Policy": {
            "description": "The caller's rate limit (IETF draft-ietf-httpapi-ratelimit-headers): `q` requests in \
                `w` seconds, refilled steadily; a burst of `q` at once is allowed. `caller` for signed-in \
                callers, `address` per client address for callers without a valid token, `token` at the token \
                endpoint. Absent when the operator has turned limits off.",
            "schema": {"type": "string", "maxLength": 100, "example": "\"caller\";q=120;w=6"},
        },
        "RateLimit": {
            "description": "What is left of the caller's rate limit: `r` requests now, and `t` seconds until \
                the full quota is back.",
            "schema": {"type": "string", "maxLength": 100, "example": "\"caller\";r=119;t=1"},
        },
        "Content-Disposition": {
            "description": "A download, with its file name (`filename*` in UTF-8).",
            "schema": {"type": "string", "maxLength": 2000},
        },
        "Idempotent-Replayed": {
            "description": "`true` when this is the stored answer to an earlier request with the same \
                Idempotency-Key.",
            "schema": {"type": "string", "enum": ["true"]},
        },
        "WWW-Authenticate": {
            "description": "How to authenticate: `Bearer` (or `Basic` at the token endpoint).",
            "schema": {"type": "string", "maxLength": 200},
        },
        "Cache-Control": {
            "description": "How the answer may be kept.",
            "schema": {"type": "string", "maxLength": 100},
        },
    })
}

/// Parameters every operation of a kind takes, described once.
fn parameters() -> Value {
    json!({
        "IfMatch": {
            "name": "If-Match",
            "in": "header",
            "required": true,
            "description": "The ETag of your last read of the resource: the change is made only if it is still \
                current (412 otherwise, 428 without it).",
            "schema": {"type": "string", "maxLength": super::extract::MAX_PRECONDITION},
        },
        "IfNoneMatch": {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "The ETag of a copy you hold: 304 if it is still current.",
            "schema": {"type": "string", "maxLength": super::extract::MAX_PRECONDITION},
        },
        "IdempotencyKey": {
            "name": super::idempotency::HEADER_NAME,
            "in": "header",
            "required": false,
            "description": "Makes a retry safe: once a request with the key has changed something, the same key \
                and request within the configured time replays its answer (with `Idempotent-Replayed: true`) \
                and changes nothing, and the key with another request (path, body or If-Match) is refused \
                (422); while it is under way, 409. A request that fails or changes nothing holds no key.",
            "schema": {"type": "string", "pattern": super::idempotency::KEY_PATTERN, "maxLength": 255},
        },
    })
}

fn header_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/headers/{name}")})
}

/// The headers every answer to a rate-limited operation carries.
fn common_headers(limited: bool) -> Map<String, Value> {
    let mut headers = Map::new();
    headers.insert("X-Request-Id".into(), header_ref("X-Request-Id"));
    if limited {
        headers.insert("RateLimit".into(), header_ref("RateLimit"));
        headers.insert("RateLimit-Policy".into(), header_ref("RateLimit-Policy"));
    }
    headers
}

fn problem_responses() -> Value {
    let mut responses = Map::new();
    for (status, name, description) in PROBLEMS {
        let limited = status.starts_with('4');
        let mut headers = common_headers(limited);
        match status {
            "401" => {
                headers.insert("WWW-Authenticate".into(), header_ref("WWW-Authenticate"));
            }
            "429" | "503" => {
                headers.insert("Retry-After".into(), header_ref("Retry-After"));
            }
            _ => {}
        }
        responses.insert(
            name.into(),
            json!({
                "description": description,
                "headers": headers,
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }),
        );
    }
    Value::Object(responses)
}

/// `Problem.type` lists every problem type the service sends.
fn type_problems(schemas: &mut Map<String, Value>) {
    let mut types: Vec<Value> =
        PROBLEM_TYPES.iter().map(|kind| format!("{PROBLEM_BASE}{}", kind.slug).into()).collect();
    // Errors outside the service's own handling (a malformed request line, say) carry no type of ours.
    types.push("about:blank".into());
    let kind = &mut schemas["Problem"]["properties"]["type"];
    kind["enum"] = Value::Array(types);
    kind["description"] = "Identifies the kind of problem; stable across versions. `GET /problems/{slug}` \
        describes each (`about:blank`: an error without a type of its own)."
        .into();
}

/// The lists that come whole, by the operation that answers them, and the most they hold.
const WHOLE_LISTS: [(&str, usize); 19] = [
    ("listMeetingItems", limits::AGENDA_ITEMS),
    ("reorderItems", limits::AGENDA_ITEMS),
    ("listParticipants", limits::PARTICIPANTS),
    ("listItemAttachments", limits::ATTACHMENTS),
    ("listItemAttendance", limits::ITEM_ATTENDANCE),
    ("listExclusions", limits::EXCLUSIONS),
    ("listItemAmounts", limits::AMOUNTS),
    ("listItemVotes", limits::VOTES),
    ("recordAbsenceFromItems", limits::AGENDA_ITEMS),
    ("listItemDissents", limits::DISSENTS),
    ("listItemReferrals", limits::REFERRALS),
    ("listRoster", limits::ROSTER),
    ("getMeetingQuorum", limits::AGENDA_ITEMS),
    ("listStandingItems", limits::STANDING_ITEMS),
    ("listCommitteeGrants", limits::COMMITTEE_GRANTS),
    ("listPublishedVersions", limits::VERSIONS),
    ("listCalendarFeeds", limits::CALENDAR_FEEDS),
    ("listWebhookEvents", 19),
    ("listGroupMembers", limits::GROUP_MEMBERS),
];

/// Lists inside a resource, by schema and property, and the most they hold.
const EMBEDDED_LISTS: [(&str, &str, usize); 13] = [
    ("MeetingView", "items", limits::AGENDA_ITEMS),
    ("MeetingView", "participants", limits::PARTICIPANTS),
    ("MeetingView", "published", limits::VERSIONS),
    ("Document", "items", limits::AGENDA_ITEMS),
    ("Document", "participants", limits::PARTICIPANTS),
    ("DocumentItem", "attachments", limits::ATTACHMENTS),
    ("DocumentItem", "amounts", limits::AMOUNTS),
    ("DocumentItem", "votes", limits::VOTES),
    ("DocumentItem", "dissents", limits::DISSENTS),
    ("DocumentVote", "positions", crate::domain::protocol::MAX_POSITIONS),
    ("VoteView", "positions", crate::domain::protocol::MAX_POSITIONS),
    ("PublicMeeting", "versions", limits::VERSIONS),
    ("CaseView", "items", crate::service::cases::MAX_CASE_ITEMS as usize),
];

fn bound_whole_lists(doc: &mut Value) {
    for item in doc["paths"].as_object_mut().expect("paths").values_mut() {
        for operation in item.as_object_mut().expect("path item").values_mut() {
            let id = operation["operationId"].as_str().unwrap_or("").to_owned();
            let Some((_, max)) = WHOLE_LISTS.iter().find(|(name, _)| *name == id) else { continue };
            let schema = &mut operation["responses"]["200"]["content"]["application/json"]["schema"];
            if schema["type"] == "array" {
                schema["maxItems"] = json!(max);
            }
        }
    }
}

fn bound_embedded_lists(schemas: &mut Map<String, Value>) {
    for (schema, property, max) in EMBEDDED_LISTS {
        let schema = schemas.get_mut(schema).unwrap_or_else(|| panic!("no schema {schema}"));
        // The properties are the schema's own, or in a part of it (a flattened struct is an `allOf`).
        let parts: Vec<&mut Value> = match schema.get_mut("allOf").and_then(Value::as_array_mut) {
            Some(parts) => parts.iter_mut().collect(),
            None => vec![schema],
        };
        let list = parts
            .into_iter()
            .find_map(|part| part.get_mut("properties").and_then(|p| p.get_mut(property)))
            .unwrap_or_else(|| panic!("no list {property}"));
        list["maxItems"] = json!(max);
    }
}

/// A page's `data` refers to the component schema of its items rather than copying it.
fn reference_page_items(schemas: &mut Map<String, Value>) {
    let pages: Vec<String> = schemas.keys().filter(|name| name.starts_with("Page_")).cloned().collect();
    for page in pages {
        let item = page.trim_start_matches("Page_").to_owned();
        let inlined = schemas[&page]["properties"]["data"]["items"].clone();
        schemas.entry(item.clone()).or_insert(inlined);
        let example = schemas[&item]["examples"].get(0).cloned();
        let page = schemas.get_mut(&page).expect("listed");
        let data = &mut page["properties"]["data"];
        data["items"] = json!({"$ref": format!("#/components/schemas/{item}")});
        data["maxItems"] = json!(super::pagination::MAX_LIMIT);
        // A page of one, the last.
        if let Some(example) = example {
            page["examples"] = json!([{"data": [example], "next_cursor": null}]);
        }
    }
}

fn complete_operation(path: &str, method: &str, operation: &mut Value) {
    let access = access_of(operation)
        .unwrap_or_else(|| panic!("{} {path} declares no access rule (register it with Routes::add)", method));
    let op = operation.as_object_mut().expect("operation");

    // The summary is the doc comment's first sentence; the rest of it, and who may call the
    // operation, are its description.
    let summary =
        op.get("summary").and_then(Value::as_str).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
    let (first, rest) = first_sentence(&summary);
    let description = op.get("description").and_then(Value::as_str).unwrap_or("").trim().to_owned();
    let rule = format!("**Access:** {}", access.rule());
    let parts: Vec<&str> = [rest, description.as_str(), rule.as_str()].into_iter().filter(|p| !p.is_empty()).collect();
    let description = parts.join("\n\n");
    op.insert("summary".into(), first.into());
    op.insert("description".into(), description.into());
    op.insert("security".into(), security_for(access));

    let limited = path.starts_with("/v1/") || path.starts_with("/problems/");
    let parameters = op.entry("parameters").or_insert_with(|| json!([])).as_array_mut().expect("parameters");
    let has = |parameters: &Vec<Value>, place: &str| parameters.iter().any(|p| p["in"] == place);
    let (has_path, has_query) = (has(parameters, "path"), has(parameters, "query"));
    let mut takes_if_match = false;
    for parameter in parameters.iter_mut() {
        if parameter["in"] == "header" && parameter["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case("if-match"))
        {
            takes_if_match = true;
            let mut reference = json!({"$ref": "#/components/parameters/IfMatch"});
            if let Some(description) = parameter.get("description") {
                reference["description"] = description.clone();
            }
            *parameter = reference;
        }
    }
    let revalidates = op["responses"].get("304").is_some();
    let parameters = op.get_mut("parameters").and_then(Value::as_array_mut).expect("parameters");
    if revalidates {
        parameters.push(json!({"$ref": "#/components/parameters/IfNoneMatch"}));
    }
    let idempotent = method == "post" && access != Access::ClientCredentials;
    if idempotent {
        parameters.push(json!({"$ref": "#/components/parameters/IdempotencyKey"}));
    }

    let mut statuses = vec!["500", "503"];
    if limited {
        statuses.extend(["429", "431"]);
    }
    // The public routes take no token, but one that is sent must be valid.
    if access.needs_token() || matches!(access, Access::Public | Access::FeedSecret) {
        statuses.push("401");
    }
    if access.forbidden().is_some() {
        statuses.push("403");
    }
    if has_path {
        statuses.extend(["400", "404"]);
    }
    if has_query {
        statuses.push("400");
    }
    let negotiated = op["responses"]["200"]["content"].as_object().is_some_and(|content| content.len() > 1);
    if negotiated {
        statuses.push("406");
    }
    if op.get("requestBody").is_some() {
        statuses.extend(["400", "408", "413", "415", "422"]);
    }
    if matches!(method, "put" | "patch" | "delete") || takes_if_match {
        statuses.extend(["409", "412", "428"]);
    }
    if idempotent {
        statuses.extend(["400", "409", "422"]);
    }
    let responses = op.get_mut("responses").and_then(Value::as_object_mut).expect("responses");
    for status in statuses {
        if responses.contains_key(status) {
            continue;
        }
        let (_, name, _) = PROBLEMS.iter().find(|(code, _, _)| *code == status).expect("listed status");
        let mut reference = json!({"$ref": format!("#/components/responses/{name}")});
        if status == "403" {
            reference["description"] = access.forbidden().into();
        }
        responses.insert(status.to_owned(), reference);
    }
    for (status, response) in responses.iter_mut() {
        complete_response(status, response, limited, idempotent);
    }
    sort_object(responses);
}

/// A text's first sentence (up to a full stop followed by a capital letter), and the rest.
fn first_sentence(text: &str) -> (&str, &str) {
    let ends = text.char_indices().find(|&(at, c)| {
        c == '.' && text[at + 1..].starts_with(' ') && text[at + 2..].starts_with(|c: char| c.is_uppercase())
    });
    match ends {
        Some((at, _)) => (&text[..=at], text[at + 2..].trim()),
        None => (text, ""),
    }
}

fn access_of(operation: &Value) -> Option<Access> {
    use strum::IntoEnumIterator;
    let declared = operation.get(policy::EXTENSION)?.as_str()?;
    Access::iter().find(|access| <&'static str>::from(*access) == declared)
}

fn security_for(access: Access) -> Value {
    match access {
        Access::Anyone | Access::FeedSecret => json!([{}]),
        // A token is optional, and checked when sent.
        Access::Public => json!([{}, {"bearer": []}, {"oauth2": []}]),
        Access::ClientCredentials => json!([{}, {"client_basic": []}]),
        _ => json!([{"bearer": []}, {"oauth2": []}]),
    }
}

/// Headers of an operation's own responses (not the shared problems): the common ones added, the
/// known ones referring to their shared description.
fn complete_response(status: &str, response: &mut Value, limited: bool, idempotent: bool) {
    let Some(response) = response.as_object_mut() else { return };
    if response.contains_key("$ref") {
        return;
    }
    // A handler's `*/*` stands for an attachment's content: one of the types attachments are served as.
    if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut)
        && content.remove("*/*").is_some()
    {
        for media_type in crate::domain::files::media_types() {
            content.insert(media_type.to_owned(), json!({"schema": {"type": "string", "format": "binary"}}));
        }
    }
    let headers = response.entry("headers").or_insert_with(|| json!({})).as_object_mut().expect("headers");
    let known = headers_known();
    for (name, header) in headers.iter_mut() {
        if known.contains(&name.as_str()) {
            let mut reference = header_ref(name);
            if let Some(description) = header.get("description").filter(|d| !d.as_str().unwrap_or("").is_empty()) {
                reference["description"] = description.clone();
            }
            *header = reference;
        }
    }
    if idempotent && status.starts_with('2') {
        headers.insert("Idempotent-Replayed".into(), header_ref("Idempotent-Replayed"));
    }
    let limited = limited && (status.starts_with('2') || status.starts_with('3') || status.starts_with('4'));
    for (name, header) in common_headers(limited) {
        headers.entry(name).or_insert(header);
    }
}

fn headers_known() -> Vec<&'static str> {
    vec!["ETag", "Location", "Retry-After", "Content-Disposition", "Cache-Control", "WWW-Authenticate"]
}

fn sort_object(object: &mut Map<String, Value>) {
    let mut entries: Vec<(String, Value)> = std::mem::take(object).into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    object.extend(entries);
}

/// One entry per event in `webhooks`: what a subscriber's URL is sent, signed.
fn webhooks() -> Value {
    let mut webhooks = Map::new();
    for event in <Event as strum::IntoEnumIterator>::iter() {
        let name: &'static str = event.into();
        let resource = event.resource();
        let payload = json!({
            "allOf": [
                {"$ref": "#/components/schemas/WebhookPayload"},
                {
                    "type": "object",
                    "properties": {
                        "type": {"const": name},
                        "data": {
                            "type": "object",
                            "properties": {
                                "event": {"const": name},
                                "resource": {"const": resource.name()},
                                "data": {"oneOf": [{"$ref": format!("#/components/schemas/{}", resource.schema())}, {"type": "null"}]},
                            },
                        },
                    },
                },
            ],
        });
        let signature_headers = [
            (
                "webhook-id",
                "The delivery's id: the same for every attempt at one delivery, so a receiver that \
                has seen it has it already.",
                json!({"type": "string", "maxLength": 40}),
            ),
            (
                "webhook-timestamp",
                "When this attempt was signed, in Unix seconds: refuse old ones.",
                json!({"type": "string", "pattern": "^[0-9]{1,12}$", "maxLength": 12}),
            ),
            (
                "webhook-signature",
                "`v1,` and the base64 HMAC-SHA256, keyed with the base64-decoded part of the \
                subscription's secret after `whsec_`, of `{webhook-id}.{webhook-timestamp}.{body}` (Standard \
                Webhooks).",
                json!({"type": "string", "pattern": "^v1,[A-Za-z0-9+/=]{44}$", "maxLength": 47}),
            ),
        ];
        let parameters: Vec<Value> = signature_headers
            .into_iter()
            .map(|(header, description, schema)| {
                json!({"name": header, "in": "header", "required": true, "description": description, "schema": schema})
            })
            .collect();
        webhooks.insert(
            name.to_owned(),
            json!({
                "post": {
                    "operationId": format!("on{}", event.pascal_case()),
                    "summary": format!("`{name}`: {}", event.description()),
                    "description": "POSTed to each subscription to this event whose owner may see the change, in \
                        commit order, as `GET /v1/changes` gives it to the owner. Answer 2xx within the configured \
                        time; anything else is retried after 10 s, 40 s, 160 s … (four times longer each time, at \
                        most 12 hours). `410 Gone` turns the subscription off.",
                    "tags": ["webhooks"],
                    "parameters": parameters,
                    "requestBody": {
                        "required": true,
                        "content": {"application/json": {"schema": payload}},
                    },
                    "responses": {
                        "2XX": {"description": "Received; not sent again."},
                        "410": {"description": "The receiver is gone: the subscription is turned off."},
                        "default": {"description": "Not received: the delivery is tried again later."},
                    },
                    "security": [],
                },
            }),
        );
    }
    Value::Object(webhooks)
}
