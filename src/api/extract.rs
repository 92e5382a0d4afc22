//! Reading requests: JSON bodies and query strings with the failing field named, and If-Match.
//!
//! actix's own extractors report a type error without saying where it is; these report the path of
//! the field (`decision.outcome`) so that the problem can list it.

use std::future::{Ready, ready};

use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest};
use chrono::{DateTime, FixedOffset, NaiveDate};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use validator::{Validate, ValidationError};

use crate::domain::text::{self, Shape};
use crate::error::{ApiError, FieldError};

/// How request bodies are read, as configured: JSON bodies of at most `limit` bytes within
/// `timeout`; uploads (multipart) of at most `upload_limit` bytes of file, with no pause longer than
/// `timeout` and within [`UPLOAD_TIME`] in all.
#[derive(Clone, Copy, Debug)]
pub struct BodyRules {
    pub limit: usize,
    pub upload_limit: usize,
    pub timeout: Duration,
}

/// The longest an upload may take in all (a 50 MB file on a slow line).
pub const UPLOAD_TIME: Duration = Duration::from_secs(600);

/// What a multipart body may carry besides the file: boundaries, part headers, a title.
pub const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// How much of a request body may arrive, and how fast.
#[derive(Clone, Copy, Debug)]
pub struct Reading {
    pub limit: usize,
    /// The longest pause between two chunks.
    pub idle: Duration,
    /// The longest the whole body may take.
    pub total: Duration,
}

impl BodyRules {
    /// How a request with this Content-Type is read: uploads get their own limit and time.
    pub fn reading(&self, content_type: Option<&str>) -> Reading {
        let multipart = content_type.is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("multipart/"));
        if multipart {
            Reading { limit: self.upload_limit + MULTIPART_OVERHEAD, idle: self.timeout, total: UPLOAD_TIME }
        } else {
            Reading { limit: self.limit, idle: self.timeout, total: self.timeout }
        }
    }
}

/// Reads a whole request body. A client that sends more than the limit gets 413; one that trickles
/// its body gets 408 when the time is up, rather than holding the request open.
pub async fn read_body(mut payload: Payload, reading: Reading) -> Result<Bytes, ApiError> {
    let receiving = async {
        let mut body = BytesMut::new();
        loop {
            let next = actix_web::rt::time::timeout(reading.idle, payload.next()).await;
            let Some(chunk) = next.map_err(|_| ApiError::RequestTimeout)? else { break };
            let chunk =
                chunk.map_err(|_| ApiError::Malformed("The request body could not be read.".into(), Vec::new()))?;
            if body.len() + chunk.len() > reading.limit {
                return Err(ApiError::PayloadTooLarge(reading.limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    };
    actix_web::rt::time::timeout(reading.total, receiving).await.map_err(|_| ApiError::RequestTimeout)?
}

/// A JSON request body (`application/json`, or `application/merge-patch+json` for PATCH).
/// Unknown fields are refused by the target types (`deny_unknown_fields`).
pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let is_json = essence == "application/json" || essence == "application/merge-patch+json";
        let rules = req.app_data::<BodyRules>().copied();
        let payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType("Send the body as application/json.".into()));
            }
            let rules = rules.ok_or_else(|| ApiError::internal("no body rules"))?;
            parse_json(&read_body(payload, rules.reading(None)).await?).map(JsonBody)
        })
    }
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut value: Value = serde_json::from_slice(bytes).map_err(|error| {
        ApiError::Malformed(format!("The body is not valid JSON: {}", without_position(&error.to_string())), Vec::new())
    })?;
    normalize(&mut value, "")?;
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        ApiError::Validation(vec![field_error(&path, &error.into_inner().to_string())])
    })
}

/// Prepares a JSON value for the request types: a number with no fraction is an integer, whatever
/// its notation (JSON Schema counts `5.0` as an integer; serde would not), and no text may hold the
/// NUL character, which PostgreSQL cannot store.
fn normalize(value: &mut Value, path: &str) -> Result<(), ApiError> {
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|f| number.is_f64() && f.fract() == 0.0)
                && float >= i64::MIN as f64
                && float <= i64::MAX as f64
            {
                *value = Value::from(float as i64);
            }
        }
        Value::String(text) if text.contains('\0') => {
            let field = if path.is_empty() { "(body)" } else { path };
            return Err(ApiError::validation(field, "must not contain the NUL character"));
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                normalize(item, &format!("{path}[{index}]"))?;
            }
        }
        Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                let path = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
                normalize(field, &path)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// serde's messages end with " at line 1 column 20", which means nothing to the field.
fn without_position(message: &str) -> &str {
    message.find(" at line ").map_or(message, |at| &message[..at])
}

/// Names the field a serde data error is about; for a missing or unknown field, serde names it in
/// its message.
fn field_error(path: &str, message: &str) -> FieldError {
    let message = without_position(message);
    // serde_path_to_error ends the path with an unknown field's name, but not with a missing one's.
    let join = |name: &str| match path {
        "." | "" => name.to_owned(),
        _ if path == name || path.ends_with(&format!(".{name}")) => path.to_owned(),
        _ => format!("{path}.{name}"),
    };
    let quoted = |prefix: &str| message.strip_prefix(prefix).and_then(|rest| rest.split('`').next()).map(str::to_owned);
    if let Some(name) = quoted("missing field `") {
        FieldError::new(join(&name), "is required")
    } else if let Some(name) = quoted("unknown field `") {
        FieldError::new(join(&name), "is not a field of this request")
    } else {
        FieldError::new(if path == "." { "(body)".to_owned() } else { path.to_owned() }, message)
    }
}

/// Query parameters, with the failing parameter named.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pairs = form_urlencoded::parse(req.query_string().as_bytes());
        if let Some((name, _)) = pairs.clone().find(|(_, v)| v.contains('\0')) {
            let field = FieldError::new(name, "must not contain the NUL character");
            return ready(Err(ApiError::Malformed("A query parameter is invalid.".into(), vec![field])));
        }
        let deserializer = serde_urlencoded::Deserializer::new(pairs);
        ready(serde_path_to_error::deserialize(deserializer).map(QueryParams).map_err(|error| {
            let path = error.path().to_string();
            let field = field_error(&path, &error.into_inner().to_string());
            ApiError::Malformed("A query parameter is invalid.".into(), vec![field])
        }))
    }
}

/// A JSON merge patch (RFC 7386) over a resource's stored fields: laid over the current fields it
/// gives the whole new body, which is then held to the rules a new one is.
pub trait MergePatch {
    type Fields;
    type Body: Validate + Into<Self::Fields>;

    fn apply(self, current: Self::Fields) -> Self::Body;
}

/// The change a patch makes, as a use case takes it: the stored fields in, the changed fields out,
/// or the reason they are refused.
pub fn merged<P: MergePatch>(patch: P) -> impl FnOnce(P::Fields) -> Result<P::Fields, ApiError> {
    move |current| {
        let changed = patch.apply(current);
        changed.validate()?;
        Ok(changed.into())
    }
}

/// The `If-Match` header: which version of a resource a change applies to. Required: a request
/// without it is refused (428) before anything else is looked at.
pub struct IfMatch(String);

impl IfMatch {
    /// Succeeds when the header names the current version; 412 otherwise.
    pub fn check(&self, current_version: i64) -> Result<(), ApiError> {
        let current = etag(current_version, true);
        let matches = self.0.split(',').map(str::trim).any(|tag| tag == "*" || tag == current);
        if matches { Ok(()) } else { Err(ApiError::PreconditionFailed) }
    }
}

impl crate::service::Expected for IfMatch {
    fn check(&self, version: i64) -> Result<(), ApiError> {
        IfMatch::check(self, version)
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = req.headers().get(header::IF_MATCH).map(|v| v.to_str().map(str::to_owned));
        ready(match value {
            None => Err(ApiError::PreconditionRequired),
            Some(Ok(text)) => Ok(IfMatch(text)),
            Some(Err(_)) => Err(ApiError::Malformed("If-Match is not valid text.".into(), Vec::new())),
        })
    }
}

/// The longest `If-Match` or `If-None-Match` read: a list of a few dozen entity tags.
pub const MAX_PRECONDITION: usize = 1024;

/// Why a request's `If-Match` or `If-None-Match` is refused before anything reads it: longer than
/// [`MAX_PRECONDITION`] (400).
pub fn overlong_precondition(req: &HttpRequest) -> Option<ApiError> {
    let name = [header::IF_MATCH, header::IF_NONE_MATCH]
        .into_iter()
        .find(|name| req.headers().get(name).is_some_and(|value| value.len() > MAX_PRECONDITION))?;
    Some(ApiError::Malformed(
        format!("{name} is longer than {MAX_PRECONDITION} characters."),
        vec![FieldError::new(name.as_str(), format!("at most {MAX_PRECONDITION} characters"))],
    ))
}

/// Whether the request's `If-None-Match` names `etag` (or `*`): the client's copy is current and
/// the answer is 304.
pub fn client_has(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"))
}

/// The strong entity tag of one version of a resource as one caller sees it. A view that leaves out
/// closed content is another representation and gets another tag; only full views can be written.
pub fn etag(version: i64, full: bool) -> String {
    if full { format!("\"{version}\"") } else { format!("\"{version}-title-only\"") }
}

/// The entity tag of a representation that carries no version (a closed item's number and title):
/// a digest of what it shows, which moves exactly when that does.
pub fn content_etag(label: &str, content: &impl serde::Serialize) -> String {
    use sha2::{Digest, Sha256};
    let bytes = serde_json::to_vec(content).unwrap_or_default();
    let digest: String = Sha256::digest(&bytes).iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("\"{label}-{digest}\"")
}

/// For PATCH bodies, on fields that must have a value: absent is `None`, `null` is refused (in a
/// merge patch `null` removes a field, which a required field cannot be).
pub fn not_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    match Option::<T>::deserialize(deserializer)? {
        Some(value) => Ok(Some(value)),
        None => Err(serde::de::Error::custom("must not be null")),
    }
}

/// For PATCH bodies: tells "absent" (`None`) from "set to null" (`Some(None)`).
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The media type to answer with: of those `offered` (the service's preference first), the one the
/// request's `Accept` rates highest; the first without `Accept`. 406 when `Accept` takes none.
pub fn negotiate(req: &HttpRequest, offered: &[&'static str]) -> Result<&'static str, ApiError> {
    let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(offered[0]);
    };
    let ranges: Vec<(String, f32)> = accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next()?.to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (!media.is_empty()).then_some((media, q))
        })
        .collect();
    // A type's quality is that of the most specific range naming it (`text/csv` before `text/*` before `*/*`).
    let quality = |offer: &str| -> f32 {
        let kind = offer.split('/').next().unwrap_or("");
        let specific = ranges.iter().find(|(range, _)| range == offer);
        let of_kind = ranges.iter().find(|(range, _)| range.strip_suffix("/*") == Some(kind));
        let any = ranges.iter().find(|(range, _)| range == "*/*");
        specific.or(of_kind).or(any).map_or(0.0, |(_, q)| *q)
    };
    let mut best: Option<(&'static str, f32)> = None;
    for offer in offered {
        let q = quality(offer);
        if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((offer, q));
        }
    }
    best.map(|(offer, _)| offer).ok_or_else(|| ApiError::NotAcceptable(offered.join(", ")))
}

/// A time as a client sends it: RFC 3339 with an offset, e.g. `2022-04-25T12:30:00+02:00`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp(pub DateTime<FixedOffset>);

/// The longest RFC 3339 time read: nanoseconds and an offset (`2022-04-25T12:30:00.123456789+02:00`).
const TIMESTAMP_MAX: usize = 35;

impl Timestamp {
    pub fn parse(text: &str) -> Result<Timestamp, String> {
        let refused = || {
            format!(
                "must be an RFC 3339 time with an offset, e.g. 2022-04-25T12:30:00+02:00, at most {TIMESTAMP_MAX} characters"
            )
        };
        if text.len() > TIMESTAMP_MAX {
            return Err(refused());
        }
        DateTime::parse_from_rfc3339(text).map(Timestamp).map_err(|_| refused())
    }
}

impl Timestamp {
    /// As stored: UTC.
    pub fn stored(self) -> chrono::NaiveDateTime {
        crate::time::to_stored(self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Timestamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .min_length(Some(20))
            .max_length(Some(TIMESTAMP_MAX))
            .description(Some("RFC 3339 with an offset (stored in UTC, shown in Europe/Copenhagen time)."))
            .examples(["2022-04-25T12:30:00+02:00"])
            .into()
    }
}

impl utoipa::ToSchema for Timestamp {}

/// A day as a client sends it: `YYYY-MM-DD`, a day in Europe/Copenhagen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day(pub NaiveDate);

impl Day {
    /// When the day begins in Copenhagen, as stored.
    pub fn start(self) -> chrono::NaiveDateTime {
        crate::time::start_of_local_day(self.0)
    }

    /// When the next day begins in Copenhagen, as stored (none after the last day chrono knows).
    pub fn end(self) -> Option<chrono::NaiveDateTime> {
        self.0.succ_opt().map(crate::time::start_of_local_day)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let refused = || serde::de::Error::custom("must be a day as YYYY-MM-DD, e.g. 2022-04-25");
        if text.len() != 10 {
            return Err(refused());
        }
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").map(Day).map_err(|_| refused())
    }
}

impl utoipa::PartialSchema for Day {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .min_length(Some(10))
            .max_length(Some(10))
            .description(Some("A day, `YYYY-MM-DD`, in Europe/Copenhagen."))
            .examples(["2022-04-25"])
            .into()
    }
}

impl utoipa::ToSchema for Day {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        title: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    fn problem_fields(body: &str) -> Vec<FieldError> {
        match parse_json::<Outer>(body.as_bytes()) {
            Err(ApiError::Validation(fields)) => fields,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        assert_eq!(problem_fields(r#"{}"#), vec![FieldError::new("title", "is required")]);
        assert_eq!(
            problem_fields(r#"{"title": "x", "closed": true}"#),
            vec![FieldError::new("closed", "is not a field of this request")]
        );
        assert_eq!(problem_fields(r#"{"title": "x", "inner": {"count": "5"}}"#)[0].field, "inner.count");
        assert_eq!(
            problem_fields(r#"{"title": "x", "inner": {}}"#),
            vec![FieldError::new("inner.count", "is required")]
        );
    }

    #[test]
    fn broken_json_is_malformed() {
        assert!(matches!(parse_json::<Outer>(b"{\"title\": "), Err(ApiError::Malformed(..))));
        assert!(matches!(parse_json::<Outer>(b"{\"title\": \"x\"} trailing"), Err(ApiError::Malformed(..))));
    }

    #[test]
    fn if_match_needs_the_current_strong_tag() {
        assert!(IfMatch("\"3\"".into()).check(3).is_ok());
        assert!(IfMatch("\"2\", \"3\"".into()).check(3).is_ok());
        assert!(IfMatch("*".into()).check(3).is_ok());
        assert!(matches!(IfMatch("\"2\"".into()).check(3), Err(ApiError::PreconditionFailed)));
        assert!(matches!(IfMatch("W/\"3\"".into()).check(3), Err(ApiError::PreconditionFailed)));
        assert!(matches!(IfMatch("\"3-title-only\"".into()).check(3), Err(ApiError::PreconditionFailed)));
    }
}

#[cfg(test)]
mod negotiation_tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn answer(accept: Option<&str>) -> Result<&'static str, ApiError> {
        let mut req = TestRequest::default();
        if let Some(accept) = accept {
            req = req.insert_header(("Accept", accept));
        }
        negotiate(&req.to_http_request(), &["application/json", "text/csv"])
    }

    #[test]
    fn the_accepted_type_rated_highest_is_given() {
        assert_eq!(answer(None).unwrap(), "application/json");
        assert_eq!(answer(Some("*/*")).unwrap(), "application/json");
        assert_eq!(answer(Some("text/csv")).unwrap(), "text/csv");
        assert_eq!(answer(Some("text/*, application/json;q=0.5")).unwrap(), "text/csv");
        assert_eq!(answer(Some("application/json, text/csv")).unwrap(), "application/json");
        assert_eq!(answer(Some("text/csv;q=0, */*")).unwrap(), "application/json");
        assert!(matches!(answer(Some("application/xml")), Err(ApiError::NotAcceptable(_))));
        assert!(matches!(answer(Some("*/*;q=0")), Err(ApiError::NotAcceptable(_))));
    }
}

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_with_an_offset_and_bounded() {
        assert!(Timestamp::parse("2022-04-25T12:30:00+02:00").is_ok());
        assert!(Timestamp::parse("2022-04-25T10:30:00.123456789Z").is_ok());
        assert!(Timestamp::parse("2022-04-25T12:30:00").is_err(), "an offset is required");
        assert!(Timestamp::parse(&format!("2022-04-25T12:30:00.{}Z", "1".repeat(40))).is_err());
        let day: Result<Day, _> = serde_json::from_str("\"2022-04-25\"");
        assert_eq!(day.unwrap().0, NaiveDate::from_ymd_opt(2022, 4, 25).unwrap());
        assert!(serde_json::from_str::<Day>("\"+02022-04-25\"").is_err());
    }
}

/// The field rules for free text (see `domain::text`), for `#[validate(custom(function = …))]`; the
/// field's schema carries the matching `x-text` mark, which the document turns into a `pattern`.
pub fn line(value: &str) -> Result<(), ValidationError> {
    shaped(value, Shape::Line)
}

pub fn text(value: &str) -> Result<(), ValidationError> {
    shaped(value, Shape::Text)
}

pub fn filled_text(value: &str) -> Result<(), ValidationError> {
    shaped(value, Shape::FilledText)
}

/// A party's list letter (see `domain::protocol::is_party_letter`).
pub fn party_letter(party: &str) -> Result<(), ValidationError> {
    if crate::domain::protocol::is_party_letter(party) {
        Ok(())
    } else {
        Err(ValidationError::new("party").with_message("must be a party's list letter: 1 to 3 capital letters".into()))
    }
}

fn shaped(value: &str, shape: Shape) -> Result<(), ValidationError> {
    if value.is_empty() {
        return Ok(()); // the field's length rule says what an empty value lacks, once
    }
    match text::refusal(value, shape) {
        None => Ok(()),
        Some(reason) => Err(ValidationError::new(shape.name()).with_message(reason.into())),
    }
}

/// A patched field of an item's closing: what the patch names, else what the item had while it
/// stays closed. Opening an item ends its closing, so what the patch does not name goes with it.
pub fn while_closed<T>(closed: bool, named: Option<Option<T>>, kept: Option<T>) -> Option<T> {
    named.unwrap_or(if closed { kept } else { None })
}

/// A domain rule's refusal (the field at fault and the reason) as a validation error.
pub fn refused(refusal: Option<(&'static str, &'static str)>) -> Result<(), ValidationError> {
    match refusal {
        Some((field, reason)) => Err(ValidationError::new(field).with_message(reason.into())),
        None => Ok(()),
    }
}
