//! The public rendering of published versions, kept in memory.
//!
//! A published version never changes, so its public JSON is serialised once and served from here
//! (until a public decision text held back in it is released, when it is rendered again). What can
//! change is whether its committee is published at all: that is read again from the
//! database when an entry is older than [`FRESH`], so a committee taken off the website stops being
//! served within that time on every instance. The cache is bounded by the bytes it holds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::web::Bytes;
use chrono::NaiveDate;
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::extract::client_has;
use crate::domain::access::can_read_published;
use crate::domain::closing::released;
use crate::domain::{DocumentKind, Publication};
use crate::time;

/// How long a cached entry's publication level is trusted before it is read again.
pub const FRESH: Duration = Duration::from_secs(2);

/// Bytes of rendered documents kept (about a thousand typical meetings).
const CAPACITY_BYTES: u64 = 16 * 1024 * 1024;

type Key = (i64, DocumentKind, i32);

/// One published version as the public sees it.
pub struct Entry {
    pub body: Bytes,
    pub etag: String,
    pub publication: Publication,
    pub checked_at: Instant,
    /// The day a public decision text held back in it is released: from then on it is rendered
    /// again.
    pub release: Option<NaiveDate>,
}

impl Entry {
    /// Whether this visitor may read it, as far as the entry knows; `None` when it must be checked
    /// (and, once a held-back text is released, rendered) again.
    pub fn readable(&self, signed_in: bool) -> Option<bool> {
        let released = self.release.is_some_and(|day| released(Some(day), time::local_day(time::now())));
        (self.checked_at.elapsed() < FRESH && !released).then(|| can_read_published(self.publication, None, signed_in))
    }

    /// The answer to a request for it: 304 when the client has this version, the document otherwise.
    pub fn response(&self, req: &HttpRequest) -> actix_web::HttpResponse {
        // Clients revalidate (a committee can be unpublished); the ETag makes that cheap.
        let cache = CacheControl(vec![CacheDirective::NoCache]);
        if client_has(req, &self.etag) {
            return actix_web::HttpResponse::NotModified()
                .insert_header((header::ETAG, self.etag.clone()))
                .insert_header(cache)
                .finish();
        }
        actix_web::HttpResponse::Ok()
            .insert_header((header::ETAG, self.etag.clone()))
            .insert_header(cache)
            .content_type("application/json")
            .body(self.body.clone())
    }
}

#[derive(Clone)]
struct BySize;

impl Weighter<Key, Arc<Entry>> for BySize {
    fn weight(&self, _: &Key, entry: &Arc<Entry>) -> u64 {
        entry.body.len() as u64 + 128
    }
}

pub struct PublicVersions(Cache<Key, Arc<Entry>, BySize>);

impl Default for PublicVersions {
    fn default() -> Self {
        PublicVersions(Cache::with_weighter(4096, CAPACITY_BYTES, BySize))
    }
}

impl PublicVersions {
    pub fn get(&self, meeting: i64, kind: DocumentKind, number: i32) -> Option<Arc<Entry>> {
        self.0.get(&(meeting, kind, number))
    }

    pub fn insert(&self, meeting: i64, kind: DocumentKind, number: i32, entry: Entry) -> Arc<Entry> {
        let entry = Arc::new(entry);
        self.0.insert((meeting, kind, number), entry.clone());
        entry
    }

    pub fn remove(&self, meeting: i64, kind: DocumentKind, number: i32) {
        self.0.remove(&(meeting, kind, number));
    }
}
