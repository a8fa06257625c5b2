//! Assembles the actix application (shared by the binary and the tests) and runs
//! the server.

use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpResponse, HttpServer, http::header, web};
use utoipa_swagger_ui::SwaggerUi;

use crate::config::HttpSettings;
use crate::db::Database;
use crate::http::fallback::{RouteTable, not_matched, render_problem};
use crate::http::json::BodyLimit;
use crate::http::observe::observe;
use crate::metrics::Metrics;

/// The application with every route, middleware and fallback.
pub fn build_app(
    db: Database,
    api: utoipa::openapi::OpenApi,
    body_limit: usize,
    metrics: web::Data<Metrics>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let route_table = web::Data::new(RouteTable::from_openapi(&api));
    App::new()
        .app_data(web::Data::new(db))
        .app_data(route_table)
        .app_data(BodyLimit(body_limit))
        .app_data(web::PayloadConfig::new(body_limit))
        .app_data(metrics)
        // Innermost first: problems are rendered inside `observe`, which sees (and
        // logs, counts and tags with the request id) the final response.
        .wrap(ErrorHandlers::new().default_handler(render_problem))
        .wrap(from_fn(observe))
        .configure(|cfg| crate::routes::configure(&mut utoipa_actix_web::service_config::ServiceConfig::new(cfg)))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", api))
        .service(web::resource("/docs").route(web::get().to(docs_redirect)))
        .default_service(web::to(not_matched))
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/docs/")).finish()
}

/// Starts serving on an already bound listener; the database may still be
/// migrating (requests get 503 until it is ready).
pub fn start(db: Database, http: &HttpSettings, listener: TcpListener) -> std::io::Result<Server> {
    if let Some(secret) = &http.cursor_secret {
        crate::domain::cursor::set_secret(secret.as_bytes());
    }
    let api = crate::openapi::api_doc();
    let limit = http.body_limit;
    let metrics = web::Data::new(Metrics::new());
    let mut server = HttpServer::new(move || build_app(db.clone(), api.clone(), limit, metrics.clone()))
        // On SIGTERM or SIGINT: stop accepting, let in-flight requests finish.
        .shutdown_timeout(http.shutdown_timeout_secs)
        .listen(listener)?;
    if let Some(workers) = http.workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}
