//! The parts of the OpenAPI document that come from middleware rather than from
//! handlers: `Idempotency-Key` on creates, rate limit headers and 429 on every
//! limited operation, the 503 any worker at its cap can give, caching headers, and
//! the `HEAD` every `GET` answers (`http::head`), said in the `GET`'s description.
//! Added after the paths are collected, so that handlers need not repeat them.

use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{OpenApi, Ref, RefOr, Required};

use crate::http::idempotency::MAX_KEY_LEN;
use crate::http::rate_limit::EXEMPT;

/// Names of the reusable headers and parameter.
const RATE_LIMIT: &str = "RateLimit";
const RATE_LIMIT_POLICY: &str = "RateLimit-Policy";
const REPLAYED: &str = "Idempotent-Replayed";
const CACHE_CONTROL: &str = "Cache-Control";
const IDEMPOTENCY_KEY: &str = "IdempotencyKey";

/// What every `GET` says about `HEAD`.
const HEAD_NOTE: &str = "Also answers `HEAD`: the same status and headers, without the body.";

/// Adds everything described in the module comment.
pub(crate) fn document(api: &mut OpenApi) {
    add_components(api);
    for (path, item) in &mut api.paths.paths {
        if let Some(read) = item.get.as_mut() {
            let description = read.description.get_or_insert_with(String::new);
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(HEAD_NOTE);
        }
        let limited = !EXEMPT.contains(&path.as_str());
        if let Some(read) = item.get.as_mut().filter(|_| limited) {
            add_response_headers(read, &[CACHE_CONTROL]);
        }
        let idempotent = !crate::http::idempotency::never_stored(path);
        if let Some(create) = item.post.as_mut().filter(|_| idempotent) {
            make_idempotent(create);
        }
        for operation in crate::openapi::operations_mut(item).filter(|_| limited) {
            add_response_headers(operation, &[RATE_LIMIT, RATE_LIMIT_POLICY]);
            let responses = &mut operation.responses.responses;
            responses.entry("429".to_owned()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("TooManyRequests")));
            responses
                .entry("503".to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name("ServiceUnavailable")));
        }
    }
}

fn string_header(description: &str, example: &str) -> RefOr<Header> {
    RefOr::T(
        HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .description(Some(description))
            .example(Some(example.into()))
            .build(),
    )
}

fn add_components(api: &mut OpenApi) {
    let Some(components) = api.components.as_mut() else { return };
    components.headers.insert(
        RATE_LIMIT.to_owned(),
        string_header(
            "What is left of the client's quota (`r`, requests) and the seconds until it is whole again (`t`), \
             in the syntax of the IETF httpapi RateLimit header draft.",
            "\"default\";r=999;t=1",
        ),
    );
    components.headers.insert(
        RATE_LIMIT_POLICY.to_owned(),
        string_header(
            "The client's quota (`q`, requests) and the seconds it takes to refill from empty (`w`). Each client \
             (its credentials if it sends any, else its IP address) has its own.",
            "\"default\";q=1000;w=10",
        ),
    );
    components.headers.insert(
        REPLAYED.to_owned(),
        string_header(
            "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`; \
             absent otherwise.",
            "true",
        ),
    );
    components.headers.insert(
        CACHE_CONTROL.to_owned(),
        string_header(
            "`public, no-cache` for requests without credentials (caches may keep the answer but must \
             revalidate it with its ETag), `private, no-store` for requests with `Authorization`.",
            "public, no-cache",
        ),
    );
    let key = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(format!(
            "Makes the create safe to retry. A retry with the same key and the same request (method, path and \
             body) is answered with the stored response, marked `Idempotent-Replayed: true`, and creates \
             nothing; the same key with a different request is a 422, and a retry while the first request is \
             still being served is a 409. Responses are stored except 5xx ones (a retry then runs again). Keys \
             are 1 to {MAX_KEY_LEN} visible ASCII characters (a UUID is a good choice), belong to the \
             credentials they were sent with, and expire after 24 hours."
        )))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(MAX_KEY_LEN))
                .pattern(Some("^[!-~]+$")),
        ))
        .example(Some("0f8c2a4e-5b7d-4e61-9a3f-2d1c6b8e7f90".into()))
        .build();
    components.parameters.insert(IDEMPOTENCY_KEY.to_owned(), RefOr::T(key));
}

/// Adds the reusable headers to the operation's own (not referenced) responses.
fn add_response_headers(operation: &mut Operation, names: &[&str]) {
    for response in operation.responses.responses.values_mut() {
        let RefOr::T(response) = response else { continue };
        for name in names {
            response.headers.insert((*name).to_owned(), RefOr::Ref(Ref::new(format!("#/components/headers/{name}"))));
        }
    }
}

/// The `Idempotency-Key` parameter, the replay header on success, and the 409 and
/// 422 the key can give.
fn make_idempotent(operation: &mut Operation) {
    let parameter = RefOr::Ref(Ref::new(format!("#/components/parameters/{IDEMPOTENCY_KEY}")));
    operation.parameters.get_or_insert_with(Vec::new).push(parameter);
    for (status, response) in &mut operation.responses.responses {
        if let RefOr::T(response) = response
            && status.starts_with('2')
        {
            response
                .headers
                .insert(REPLAYED.to_owned(), RefOr::Ref(Ref::new(format!("#/components/headers/{REPLAYED}"))));
        }
    }
    let responses = &mut operation.responses.responses;
    responses.entry("409".to_owned()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("Conflict")));
    responses.entry("422".to_owned()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("ValidationFailed")));
}
