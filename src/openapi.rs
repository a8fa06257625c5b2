//! The OpenAPI 3.1 document: the fixed parts here, the paths and schemas collected
//! from the route registrations.

use actix_web::App;
use utoipa::OpenApi;
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
use utoipa_actix_web::AppExt;

use crate::domain::FieldError;
use crate::error::{Problem, ProblemKind};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Newsdesk API",
        description = "An open content API for news: articles, the quotes inside them and their related-post links.\n\n\
Every error is an RFC 9457 problem document (`application/problem+json`) whose `type` is one of: {problem_types}.",
        license(name = "MIT", identifier = "MIT"),
    ),
    tags(
        (name = "articles", description = "News articles: create, read by id or slug, replace, patch, delete, list and search."),
        (name = "quotes", description = "Quotations inside articles: who said what, in what role, where; searchable by speaker and text."),
        (name = "related-links", description = "An article's \"More:\" and \"Related posts\" lists, pointing at other articles or external URLs, and the backlinks they make."),
        (name = "service", description = "Liveness and readiness checks."),
    ),
    components(schemas(Problem, FieldError))
)]
struct ApiDoc;

/// Builds the complete document from the route registrations.
pub fn api_doc() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    api.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let types: Vec<String> = ProblemKind::ALL
        .iter()
        .map(|k| format!("`{}` ({})", k.type_uri(), k.status().as_u16()))
        .collect();
    if let Some(description) = api.info.description.as_mut() {
        *description = description.replace("{problem_types}", &types.join(", "));
    }
    add_framework_responses(&mut api);
    api
}

/// Any operation can fail unexpectedly; declare the 500 problem on each.
fn add_framework_responses(api: &mut utoipa::openapi::OpenApi) {
    let problem = || {
        ContentBuilder::new()
            .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                "Problem",
            ))))
            .build()
    };
    for item in api.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            operation
                .responses
                .responses
                .entry("500".to_owned())
                .or_insert_with(|| {
                    RefOr::T(
                        ResponseBuilder::new()
                            .description("Unexpected error")
                            .content("application/problem+json", problem())
                            .build(),
                    )
                });
        }
    }
}
