//! `Idempotency-Key` on POST: a retry of a create whose answer was lost gets the
//! stored answer (marked `Idempotent-Replayed: true`) instead of creating a second
//! resource. The same key with another request is a 422; a retry while the first
//! is still being served is a 409. Keys expire after 24 hours.
//!
//! Not atomic with the handler's own write: if the process dies after the create
//! commits but before the answer is stored, the claim is left unanswered and the
//! key becomes free again once `ABANDONED_AFTER` has passed, so a late retry would
//! create a second resource.

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpResponse, web};
use chrono::TimeDelta;

use super::json::BodyLimit;
use super::observe::RequestId;
use crate::db::idempotency::{self as store, Claim, KeyRef, StoredResponse};
use crate::db::{Database, DbError};
use crate::domain::FieldError;
use crate::domain::digest::sha256_hex;
use crate::domain::time::now;
use crate::error::ApiError;

/// The request header naming the key.
pub(crate) const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// The response header marking a replayed answer.
pub(crate) const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// Longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// How long a key and its answer are kept.
pub(crate) const KEY_LIFETIME: TimeDelta = TimeDelta::hours(24);
/// After this long without an answer, a claim is taken to belong to a request whose
/// server went away (no request runs this long: database calls time out in
/// seconds), and the key may be claimed again.
pub(crate) const ABANDONED_AFTER: TimeDelta = TimeDelta::minutes(2);

/// The response headers that are part of the answer and are stored with it.
const STORED_HEADERS: [HeaderName; 4] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG, header::LINK];

/// Checks a key: 1..=255 visible ASCII characters.
pub(crate) fn parse_key(value: &HeaderValue) -> Result<String, ApiError> {
    let key = value.to_str().unwrap_or_default();
    if (1..=MAX_KEY_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(key.to_owned())
    } else {
        Err(ApiError::BadRequest(format!(
            "Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters (no spaces)"
        )))
    }
}

/// The client a key belongs to: a digest of its credentials, so that keys of
/// different clients never meet and no credential is stored.
fn client_of(req: &ServiceRequest) -> String {
    let credentials = req.headers().get(header::AUTHORIZATION).map_or(&b""[..], HeaderValue::as_bytes);
    sha256_hex(&[credentials])
}

/// What makes two requests "the same": method, path with query, and body.
fn fingerprint(method: &Method, path: &str, body: &[u8]) -> String {
    sha256_hex(&[method.as_str().as_bytes(), b"\n", path.as_bytes(), b"\n", body])
}

/// Creates whose answer must never be stored: a new token's secret is shown once
/// and kept nowhere, so its create is not idempotent; nor are a webhook's create
/// and secret rotation (their answers hold its signing secret). A delivery's retry
/// needs no key: a second one while the first is queued is a 409.
pub(crate) fn never_stored(path: &str) -> bool {
    path == "/v1/tokens"
        || path == "/v1/webhooks"
        || (path.starts_with("/v1/webhooks/") && (path.ends_with("/rotate-secret") || path.ends_with("/retry")))
}

/// The middleware: POST requests carrying the header go through `serve_once`, the
/// rest straight on.
pub(crate) async fn idempotency(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let header = req.headers().get(&IDEMPOTENCY_KEY).cloned();
    let storable = req.method() == Method::POST && !never_stored(req.path());
    let Some(header) = header.filter(|_| storable) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    let instance = req.path().to_owned();
    let fail = |req: ServiceRequest, error: ApiError| {
        // This layer sits outside `render_problem`, which logs the cause of every
        // 500 it renders, so it logs the causes of its own.
        if let ApiError::Internal(cause) = &error {
            log::error!("{} {instance} failed: {cause:#}", req.method());
        }
        let response = error.to_response(Some(&instance), request_id.as_deref());
        Ok(req.into_response(response).map_into_boxed_body())
    };
    let key = match parse_key(&header) {
        Ok(key) => key,
        Err(error) => return fail(req, error),
    };
    let Some(db) = req.app_data::<web::Data<Database>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = KeyRef { client: client_of(&req), key };
    let method = req.method().clone();
    let path = req.uri().path_and_query().map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned());

    let claim = claim(&db, &key, &method, &path).await;
    let claim = match claim {
        Ok(claim) => claim,
        Err(error) => return fail(req, error.into()),
    };
    if matches!(claim, Claim::InFlight) {
        return fail(
            req,
            ApiError::Conflict("a request with this Idempotency-Key is still being processed; retry later".into()),
        );
    }
    let mut req = req;
    let body = match read_body(&mut req).await {
        Ok(body) => body,
        Err(error) => {
            if matches!(claim, Claim::Claimed) {
                release(&db, key).await;
            }
            return fail(req, error);
        }
    };
    let print = fingerprint(&method, &path, &body);
    if let Claim::Done { fingerprint: stored, response } = claim {
        if stored != print {
            return fail(
                req,
                ApiError::Invalid(vec![FieldError::parameter(
                    "Idempotency-Key",
                    "was already used for a different request (method, path or body); use a new key",
                )]),
            );
        }
        return Ok(req.into_response(replay(&response)).map_into_boxed_body());
    }

    req.set_payload(Payload::from(body));
    let res = match next.call(req).await {
        Ok(res) => res,
        Err(error) => {
            release(&db, key).await;
            return Err(error);
        }
    };
    store_answer(&db, key, print, res).await
}

/// Claims the key for this request (after purging expired keys): free, in flight,
/// or done with a stored answer.
async fn claim(db: &Database, key: &KeyRef, method: &Method, path: &str) -> Result<Claim, DbError> {
    let (key, method, path) = (key.clone(), method.to_string(), path.to_owned());
    db.run(move |conn| {
        let now = now().naive_utc();
        store::purge(conn, store::before(now, KEY_LIFETIME))?;
        store::claim(
            conn,
            &key,
            &method,
            &path,
            now,
            store::before(now, KEY_LIFETIME),
            store::before(now, ABANDONED_AFTER),
        )
    })
    .await
}

/// Stores the answer to a claimed key for replay and passes it on; answers that
/// must not be replayed release the key instead.
async fn store_answer(
    db: &Database,
    key: KeyRef,
    print: String,
    res: ServiceResponse<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let status = res.status();
    // A server failure may be passing (the database was away): let a retry run. An
    // unauthenticated or unauthorized request did nothing, and storing its answer
    // would let anyone without a valid token fill the table.
    if status.is_server_error() || status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        release(db, key).await;
        return Ok(res.map_into_boxed_body());
    }
    let (http_req, response) = res.into_parts();
    let status = response.status();
    let headers = stored_headers(&response);
    let (head, payload) = response.into_parts();
    let bytes = match body::to_bytes(payload).await {
        Ok(bytes) => bytes,
        Err(e) => {
            release(db, key).await;
            let e: Box<dyn std::error::Error> = e.into();
            let cause = anyhow::anyhow!("reading the response to store it: {e}");
            log::error!("{} {} failed: {cause:#}", http_req.method(), http_req.path());
            return Err(ApiError::Internal(cause).into());
        }
    };
    let stored = StoredResponse { status: status.as_u16(), headers, body: bytes.to_vec() };
    let saved = db.run(move |conn| store::complete(conn, &key, &print, &stored)).await;
    if let Err(e) = saved {
        // The resource exists; only the replay is lost. A retry will see the claim
        // as in flight until it is abandoned.
        log::error!("could not store the answer for an Idempotency-Key: {e}");
    }
    Ok(ServiceResponse::new(http_req, head.set_body(bytes).map_into_boxed_body()))
}

/// Reads the whole request body, within the configured limit.
async fn read_body(req: &mut ServiceRequest) -> Result<web::Bytes, ApiError> {
    let limit = req.app_data::<BodyLimit>().map_or(crate::config::DEFAULT_BODY_LIMIT, |l| l.0);
    let (http_req, payload) = req.parts_mut();
    web::Bytes::from_request(http_req, payload).await.map_err(|e| match e.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::PayloadTooLarge { limit },
        _ => ApiError::BadRequest(format!("the request body could not be read: {e}")),
    })
}

fn stored_headers<B>(response: &HttpResponse<B>) -> Vec<(String, String)> {
    STORED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.to_owned()))
        })
        .collect()
}

/// The stored answer again, marked as a replay.
fn replay(stored: &StoredResponse) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    for (name, value) in &stored.headers {
        response.insert_header((name.as_str(), value.as_str()));
    }
    response.insert_header((IDEMPOTENT_REPLAYED, HeaderValue::from_static("true")));
    response.body(stored.body.clone())
}

/// Gives the key back; failing that, the claim is freed once abandoned.
async fn release(db: &Database, key: KeyRef) {
    if let Err(e) = db.run(move |conn| store::release(conn, &key)).await {
        log::warn!("could not release an Idempotency-Key: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_up_to_255_characters() {
        for good in ["a", "8e03978e-40d5-43e8-bc93-6894a57f9324", "\"quoted\"", &"k".repeat(255)] {
            assert!(parse_key(&HeaderValue::from_str(good).unwrap()).is_ok(), "{good}");
        }
        for bad in ["", "with space", &"k".repeat(256)] {
            assert!(parse_key(&HeaderValue::from_str(bad).unwrap()).is_err(), "{bad}");
        }
        assert!(parse_key(&HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap()).is_err());
    }

    #[test]
    fn fingerprints_cover_method_path_and_body() {
        let base = fingerprint(&Method::POST, "/v1/articles", b"{}");
        assert_eq!(base, fingerprint(&Method::POST, "/v1/articles", b"{}"));
        assert_ne!(base, fingerprint(&Method::POST, "/v1/articles?x=1", b"{}"));
        assert_ne!(base, fingerprint(&Method::POST, "/v1/articles", b"{ }"));
    }
}
