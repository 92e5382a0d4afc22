//! `/metrics` in the Prometheus text format: requests by route, method and status, their latency,
//! the database pool, and how far the audit trail lags behind.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, get, web};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

use super::State;
use super::policy::{Access, Routes};
use crate::db::StoreError;
use crate::db::audit;
use crate::error::ApiResult;
use crate::time;

pub fn routes(cfg: &mut Routes) {
    cfg.add(scrape, Access::Anyone);
}

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
    audit_queue: IntGauge,
    audit_lag: IntGauge,
}

impl Metrics {
    pub fn new() -> Metrics {
        let requests = IntCounterVec::new(
            Opts::new("dagsorden_http_requests_total", "Requests answered, by route, method and status."),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new("dagsorden_http_request_duration_seconds", "Time to answer, by route and method.")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["route", "method"],
        )
        .expect("valid metric");
        let pool =
            IntGaugeVec::new(Opts::new("dagsorden_db_pool_connections", "Database connections, by state."), &["state"])
                .expect("valid metric");
        let audit_queue = IntGauge::new("dagsorden_audit_queue_length", "Audit records waiting to be written.")
            .expect("valid metric");
        let audit_lag = IntGauge::new(
            "dagsorden_audit_lag_seconds",
            "Age of the oldest audit record not yet sealed into the hash chain (0 when all are).",
        )
        .expect("valid metric");
        let registry = Registry::new();
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(pool.clone()),
            Box::new(audit_queue.clone()),
            Box::new(audit_lag.clone()),
        ] {
            registry.register(collector).expect("unique metric names");
        }
        Metrics { registry, requests, latency, pool, audit_queue, audit_lag }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// Counts and times every request. Routes are their patterns (`/v1/meetings/{id}`), so that the
/// number of series does not grow with the data.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().to_string();
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
        let status = response.status().as_u16().to_string();
        metrics.requests.with_label_values(&[route.as_str(), method.as_str(), status.as_str()]).inc();
        metrics.latency.with_label_values(&[route.as_str(), method.as_str()]).observe(started.elapsed().as_secs_f64());
    }
    Ok(response)
}

/// Metrics for Prometheus. Serve it where only the monitoring system reaches it.
#[utoipa::path(
    tag = "operations", operation_id = "getMetrics",
    responses((status = OK, description = "The Prometheus text exposition format.", content_type = "text/plain", body = String))
)]
#[get("/metrics")]
async fn scrape(state: State, metrics: web::Data<Metrics>) -> ApiResult<HttpResponse> {
    let (connections, idle) = state.db.pool_state();
    metrics.pool.with_label_values(&["idle"]).set(i64::from(idle));
    metrics.pool.with_label_values(&["in_use"]).set(i64::from(connections - idle));
    metrics.audit_queue.set(state.auditor.queued() as i64);
    // The lag needs the database; when it is away, the last value stands.
    if let Ok(oldest) = state.db.read::<_, StoreError, _>(|conn| Ok(audit::oldest_unsealed(conn)?)).await {
        metrics.audit_lag.set(oldest.map_or(0, |at| (time::now() - at).num_seconds().max(0)));
    }
    let mut text = Vec::new();
    TextEncoder::new().encode(&metrics.registry.gather(), &mut text).map_err(crate::error::ApiError::internal)?;
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(text))
}
