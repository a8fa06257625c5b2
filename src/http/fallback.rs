//! The last line of defence: unknown routes (404), known routes with the wrong
//! method (405 with `Allow`, worked out from the OpenAPI paths, the one list of
//! routes), and any error response not already a problem document.

use actix_web::dev::{ResourceDef, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

use super::observe::RequestId;
use crate::error::{ApiError, PROBLEM_JSON, ProblemKind};

/// Every route template and the methods it accepts.
pub(crate) struct RouteTable(Vec<(ResourceDef, Vec<String>)>);

impl RouteTable {
    /// Builds the table from the OpenAPI document plus routes the document does not
    /// describe (the docs pages and the document itself).
    pub(crate) fn from_openapi(api: &utoipa::openapi::OpenApi) -> Self {
        let mut routes: Vec<(ResourceDef, Vec<String>)> = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ];
                let mut allow: Vec<String> =
                    methods.iter().filter(|(_, on)| *on).map(|(m, _)| (*m).to_owned()).collect();
                // Every GET route answers HEAD too (`http::head`).
                if item.get.is_some() {
                    allow.insert(1, "HEAD".to_owned());
                }
                (ResourceDef::new(path.as_str()), allow)
            })
            .collect();
        for extra in ["/openapi.json", "/docs", "/docs/{tail:.*}"] {
            routes.push((ResourceDef::new(extra), vec!["GET".to_owned(), "HEAD".to_owned()]));
        }
        Self(routes)
    }

    fn allowed(&self, path: &str) -> Option<&[String]> {
        self.0.iter().find(|(def, _)| def.is_match(path)).map(|(_, allow)| allow.as_slice())
    }
}

/// The default service: 405 for a known path, 404 otherwise.
pub(crate) async fn not_matched(req: HttpRequest, routes: web::Data<RouteTable>) -> Result<HttpResponse, ApiError> {
    Err(match routes.allowed(req.path()) {
        Some(allow) => ApiError::MethodNotAllowed { allow: allow.to_vec() },
        None => ApiError::NotFound(format!("no route matches {}", req.path())),
    })
}

/// Rewrites every 4xx/5xx response as a problem document carrying `instance`,
/// whatever produced it: our handlers, actix's extractors or the router.
pub(crate) fn render_problem<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, res) = res.into_parts();
    let path = req.path().to_owned();
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    let status = res.status();
    let api_error = res.error().and_then(|e| e.as_error::<ApiError>());
    let new_response = match api_error {
        Some(error) => {
            if let ApiError::Internal(cause) = error {
                log::error!("{} {path} failed: {cause:#}", req.method());
            }
            error.to_response(Some(&path), request_id.as_deref())
        }
        None => {
            let detail = match res.error() {
                Some(e) if status.is_client_error() => e.to_string(),
                Some(e) => {
                    log::error!("{} {path} failed: {e}", req.method());
                    "an unexpected error occurred; it has been logged".to_owned()
                }
                None => ProblemKind::for_status(status).title().to_owned(),
            };
            framework_problem(status, &path, request_id.as_deref(), detail)
        }
    };
    let res = ServiceResponse::new(req, new_response).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}

fn framework_problem(
    status: actix_web::http::StatusCode,
    path: &str,
    request_id: Option<&str>,
    detail: String,
) -> HttpResponse {
    let kind = ProblemKind::for_status(status);
    let mut body = serde_json::json!({
        "type": kind.type_uri(),
        "title": kind.title(),
        "status": status.as_u16(),
        "detail": detail,
        "instance": path,
    });
    if let Some(id) = request_id {
        body["request_id"] = id.into();
    }
    HttpResponse::build(status).insert_header((header::CONTENT_TYPE, PROBLEM_JSON)).body(body.to_string())
}
