//! Around every request: a request id (the client's `X-Request-Id` when it is a
//! sane token, else a new UUID) returned on the response, one log line, and the
//! request's metrics, all by route template.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};

use crate::metrics::Metrics;

/// The request id header, read and written.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, in request extensions.
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub String);

/// Accepts a client id of 1..=128 characters from a safe set (so it cannot forge log
/// lines or headers); anything else is replaced.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| {
            (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=@".contains(&b))
        })
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned)
}

/// The middleware: id, log line, metrics.
pub(crate) async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = request_id(&req);
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let mut res = next.call(req).await?;
    let seconds = started.elapsed().as_secs_f64();
    // The matched route template; requests no route matched share one label.
    let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let status = res.status().as_u16();
    if let Some(metrics) = metrics {
        metrics.observe(&method, &route, status, seconds);
    }
    let millis = seconds * 1000.0;
    log::info!(
        target: "newsdesk::access",
        method = method.as_str(), route = route.as_str(), path = path.as_str(), status = status,
        latency_ms = millis, request_id = id.as_str();
        "{method} {path} ({route}) {status} {millis:.2}ms request_id={id}"
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}
