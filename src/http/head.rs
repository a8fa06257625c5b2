//! `HEAD` on every `GET` route (RFC 9110 9.3.2): the same status and headers as
//! the `GET` would have, and no body.
//!
//! The one rule, in two halves that `app::build_app` places around everything
//! else: [`route_as_get`], the innermost middleware, hands a `HEAD` to the router as
//! a `GET`, so that every `GET` route (the API, feeds, sitemaps, the change feed,
//! `/openapi.json`, `/docs`) answers it with the very handler that answers the `GET`,
//! and a path without a `GET` answers 405 as the `GET` would; [`drop_body`], the
//! outermost, sees to it that no body is produced once every other middleware
//! (problems, compression, headers) has shaped the response. Every middleware in between
//! sees the request as it came (`HEAD`): none of them treats it differently from
//! a `GET` (authentication, rate limits, the read replica and caching headers
//! treat both alike), so a `HEAD` costs what a `GET` costs, minus sending the body.
//!
//! A body of known size (compressed ones included) keeps its `Content-Length`
//! (what the `GET` would send); a streamed one (a sitemap file) is never started,
//! so it costs no queries or compression beyond what the handler did before
//! streaming, and the `HEAD` has neither `Content-Length` nor `Transfer-Encoding`
//! (a `GET` of it is chunked).

use actix_web::Error;
use actix_web::body::{self, BodySize, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

/// Innermost: a `HEAD` is routed as the `GET` of the same URL.
pub(crate) async fn route_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.method() == Method::HEAD {
        // Only the router and the handler see the `GET`: every outer middleware
        // read the method before this point.
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// Outermost: the answer to a `HEAD` loses its body and keeps its headers.
pub(crate) async fn drop_body<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B, body::None>>, Error> {
    // Read before the inner half rewrites the method.
    let head = req.method() == Method::HEAD;
    let res = next.call(req).await?;
    if !head {
        return Ok(res.map_into_left_body());
    }
    Ok(res.map_body(|_, body| match body.size() {
        // A body in memory stays: the HTTP/1 and HTTP/2 layers of actix-http send
        // a HEAD's headers, its `Content-Length` from this size among them, and
        // never the body.
        BodySize::Sized(_) => EitherBody::left(body),
        // A stream is never started.
        BodySize::None | BodySize::Stream => EitherBody::right(body::None::new()),
    }))
}
