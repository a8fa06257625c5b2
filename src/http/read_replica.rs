//! Which requests may read from the read replica: anonymous GETs and HEADs. They
//! change nothing and show only what anyone may see, so a replica a moment behind
//! the primary serves them; a writer's own reads (authenticated, drafts among
//! them) and everything in a write path stay on the primary, which has every
//! commit. A read the replica failed under is answered again from the primary, so
//! a standby that dies mid-request fails no request.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;

use crate::db::replica::on_replica;

/// Runs anonymous reads inside `db::replica::on_replica`, and once more (on the
/// primary) when the replica failed under them.
pub(crate) async fn route_reads(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let anonymous_read =
        matches!(*req.method(), Method::GET | Method::HEAD) && !req.headers().contains_key(header::AUTHORIZATION);
    if !anonymous_read {
        return next.call(req).await;
    }
    let (response, replica_failed) = on_replica(next.call(req)).await;
    let response = response?;
    if !replica_failed {
        return Ok(response);
    }
    // A GET has no body and changes nothing: the same request goes through the
    // routes again. The first answer is dropped with its copy of the request, so
    // the router may rewrite the request's path match as it does for a new one.
    let (req, first_answer) = response.into_parts();
    drop(first_answer);
    let mut req = ServiceRequest::from_request(req);
    req.match_info_mut().reset();
    next.call(req).await
}
