//! Service endpoints: liveness and readiness for orchestrators.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::db::Database;
use crate::drain::Draining;
use crate::error::ApiError;
use crate::http::problems::ServiceUnavailable;
use crate::metrics::Metrics;

/// Registers the service routes.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}

/// Health report.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub(crate) struct Health {
    /// `ok` when the check passed.
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness
///
/// 200 while the process runs, whatever the database does.
#[utoipa::path(operation_id = "healthz", tag = "service",
    security(()),
    responses((status = 200, description = "The process is running", body = Health)))]
#[get("/healthz")]
pub(crate) async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok".into() })
}

/// Readiness
///
/// 200 when the database answers and migrations are applied, else 503 with
/// `Retry-After`; 503 too while the process drains before a shutdown (after
/// SIGTERM, with `NEWSDESK_SHUTDOWN_DRAIN_SECS` set), so that load balancers stop
/// sending it requests.
#[utoipa::path(operation_id = "readyz", tag = "service",
    security(()),
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, response = ServiceUnavailable),
    ))]
#[get("/readyz")]
pub(crate) async fn readyz(db: web::Data<Database>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if req.app_data::<web::Data<Draining>>().is_some_and(|d| d.is_draining()) {
        return Err(ApiError::Unavailable);
    }
    db.ping().await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok".into() }))
}

/// Metrics
///
/// Prometheus text format: requests and latency histograms by route template and
/// status, connection pool use, SQL statements run, and the service version.
#[utoipa::path(operation_id = "metrics", tag = "service",
    security(()),
    responses((status = 200, description = "Metrics in the Prometheus text exposition format", body = String,
               content_type = "text/plain; version=0.0.4",
               example = "# HELP newsdesk_http_requests_total HTTP requests answered\n# TYPE newsdesk_http_requests_total counter\nnewsdesk_http_requests_total{method=\"GET\",route=\"/v1/articles\",status=\"200\"} 1\n")))]
#[get("/metrics")]
pub(crate) async fn metrics(db: web::Data<Database>, metrics: web::Data<Metrics>) -> Result<HttpResponse, ApiError> {
    let text = metrics.render(&db).map_err(|e| ApiError::Internal(anyhow::anyhow!("rendering metrics: {e}")))?;
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(text))
}
