//! A cap on the requests one worker serves at once. Past it, a request is answered
//! 503 with `Retry-After` straight away: queueing it would only make every client
//! wait longer and keep its memory and connection busy.

use std::cell::Cell;
use std::rc::Rc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use super::observe::RequestId;
use super::rate_limit::EXEMPT;
use crate::error::ApiError;

/// The requests in flight on this worker and the most allowed; one per worker
/// (each worker builds its own app), so no locking.
#[derive(Debug, Clone)]
pub(crate) struct InFlight {
    count: Rc<Cell<u32>>,
    max: u32,
}

impl InFlight {
    /// A counter allowing `max` requests at once.
    pub(crate) fn new(max: u32) -> Self {
        Self { count: Rc::new(Cell::new(0)), max }
    }

    /// Takes a slot, or `None` when all are taken.
    fn enter(&self) -> Option<Slot> {
        let count = self.count.get();
        (count < self.max).then(|| {
            self.count.set(count + 1);
            Slot(Rc::clone(&self.count))
        })
    }
}

/// A taken slot, given back when dropped: also when the client goes away and the
/// request's future is dropped half way.
struct Slot(Rc<Cell<u32>>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

/// The middleware. Health, readiness and metrics are exempt: under load is exactly
/// when operators need them.
pub(crate) async fn limit_in_flight(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let in_flight = req.app_data::<InFlight>().cloned();
    let Some(in_flight) = in_flight.filter(|_| !EXEMPT.contains(&req.path())) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let Some(_slot) = in_flight.enter() else {
        log::warn!("worker at its limit of {} requests in flight; answering 503", in_flight.max);
        let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
        let problem = ApiError::Busy.to_response(Some(req.path()), request_id.as_deref());
        return Ok(req.into_response(problem).map_into_right_body());
    };
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_limited_and_given_back_on_drop() {
        let in_flight = InFlight::new(2);
        let first = in_flight.enter();
        let second = in_flight.enter();
        assert!(first.is_some() && second.is_some());
        assert!(in_flight.enter().is_none());
        drop(first);
        assert!(in_flight.enter().is_some());
    }
}
