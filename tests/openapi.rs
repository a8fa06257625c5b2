//! The committed `openapi/openapi.json` is what the code generates. Regenerate it
//! with `UPDATE_OPENAPI=1 cargo test --test openapi` (or `cargo run -- openapi`).

use std::path::Path;

#[test]
fn committed_openapi_json_matches_the_code() {
    let generated = format!("{}\n", serde_json::to_string_pretty(&newsdesk::openapi::document()).unwrap());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test --test openapi` and commit it"
    );
}

#[test]
fn every_operation_has_a_stable_operation_id_summary_and_tag() {
    let api = newsdesk::openapi::document();
    let mut ids = Vec::new();
    for (path, item) in api["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{id} has no summary");
            assert!(op["description"].as_str().is_some_and(|s| !s.is_empty()), "{id} has no description");
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{id} has no tag");
            assert!(op["responses"]["500"].is_object(), "{id} does not declare 500");
            ids.push(id.to_owned());
        }
    }
    for expected in ["listArticles", "getArticle", "createArticle", "replaceArticle", "updateArticle", "deleteArticle"]
    {
        assert!(ids.iter().any(|id| id == expected), "{expected} missing from {ids:?}");
    }
}

#[test]
fn creates_link_to_reading_updating_and_deleting_what_they_created() {
    let api = newsdesk::openapi::document();
    for (path, create, parameter, targets) in [
        ("/v1/articles", "createArticle", "article", ["getArticle", "updateArticle", "deleteArticle"]),
        ("/v1/articles/{article}/quotes", "createQuote", "id", ["getQuote", "updateQuote", "deleteQuote"]),
        (
            "/v1/articles/{article}/related-links",
            "createRelatedLink",
            "id",
            ["getRelatedLink", "updateRelatedLink", "deleteRelatedLink"],
        ),
    ] {
        let op = &api["paths"][path]["post"];
        assert_eq!(op["operationId"], create);
        let links: Vec<&serde_json::Value> = op["responses"]["201"]["links"].as_object().unwrap().values().collect();
        for target in targets {
            let link =
                links.iter().find(|l| l["operationId"] == target).unwrap_or_else(|| panic!("{create} -> {target}"));
            assert_eq!(link["parameters"][parameter], "$response.body#/id", "{create} -> {target}");
        }
    }
}

#[test]
fn limits_idempotency_and_caching_are_documented_on_every_operation_they_apply_to() {
    let api = serde_json::to_value(newsdesk::openapi::api_doc()).unwrap();
    let key = &api["components"]["parameters"]["IdempotencyKey"];
    assert_eq!(key["name"], "Idempotency-Key");
    assert_eq!(key["in"], "header");
    assert_eq!(key["schema"]["maxLength"], 255);
    let problem = &api["components"]["responses"]["TooManyRequests"];
    for header in ["Retry-After", "RateLimit", "RateLimit-Policy"] {
        assert!(problem["headers"][header].is_object(), "429 lacks {header}");
    }
    assert!(problem["content"]["application/problem+json"].is_object());
    for (path, item) in api["paths"].as_object().unwrap() {
        let exempt = ["/healthz", "/readyz", "/metrics"].contains(&path.as_str());
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            let responses = op["responses"].as_object().unwrap();
            assert_eq!(responses.contains_key("429"), !exempt, "{id}: 429");
            if !exempt {
                assert!(responses.contains_key("503"), "{id} lacks 503");
                let ok = responses.iter().find(|(status, _)| status.starts_with('2')).unwrap().1;
                assert!(ok["headers"]["RateLimit"].is_object(), "{id}: no RateLimit header on success");
            }
            let names_key = |op: &serde_json::Value| {
                op["parameters"]
                    .as_array()
                    .is_some_and(|params| params.iter().any(|p| p["$ref"] == "#/components/parameters/IdempotencyKey"))
            };
            if method == "post" && path == "/v1/tokens" {
                // A new token's secret is never stored, so its create is not idempotent.
                assert!(!names_key(op), "{id} must not offer Idempotency-Key");
            } else if method == "post" {
                assert!(names_key(op), "{id} lacks Idempotency-Key");
                assert!(responses["201"]["headers"]["Idempotent-Replayed"].is_object(), "{id}");
                assert!(responses.contains_key("409") && responses.contains_key("422"), "{id}");
            }
            if method == "get" && !exempt {
                assert!(responses["200"]["headers"]["Cache-Control"].is_object(), "{id}: no Cache-Control");
            }
        }
    }
}
