//! Draining before a stop: on SIGTERM, with a drain delay set, the process first
//! answers `/readyz` with 503 while still serving every request, so that a load
//! balancer's health check takes it out of rotation; only then does the server stop
//! accepting connections and let in-flight requests finish. Without the delay the
//! balancer would learn of the stop from refused connections and failed requests.

use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::rt::signal::unix::{SignalKind, signal};

/// Whether the process is draining (shared by every worker).
#[derive(Debug, Default)]
pub(crate) struct Draining(AtomicBool);

impl Draining {
    /// True from SIGTERM on.
    pub(crate) fn is_draining(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Takes over actix's signal handling: SIGTERM drains for `delay`, then stops
/// gracefully (in-flight requests get the shutdown timeout); SIGINT and SIGQUIT
/// stop at once, as actix does.
pub(crate) async fn stop_on_signal(server: ServerHandle, draining: actix_web::web::Data<Draining>, delay: Duration) {
    let signals = [SignalKind::terminate(), SignalKind::interrupt(), SignalKind::quit()].map(signal);
    let mut signals = match signals {
        [Ok(term), Ok(int), Ok(quit)] => [term, int, quit],
        _ => {
            log::warn!("cannot listen for signals: the drain delay is not applied");
            return;
        }
    };
    let which = std::future::poll_fn(|cx| {
        for (n, signal) in signals.iter_mut().enumerate() {
            if signal.poll_recv(cx).is_ready() {
                return Poll::Ready(n);
            }
        }
        Poll::Pending
    })
    .await;
    if which == 0 {
        draining.0.store(true, Ordering::Release);
        log::info!(
            "SIGTERM received; /readyz answers 503 for {delay:?} while requests are still served, then a graceful shutdown"
        );
        actix_web::rt::time::sleep(delay).await;
        server.stop(true).await;
    } else {
        log::info!("SIGINT or SIGQUIT received; starting forced shutdown");
        server.stop(false).await;
    }
}
