//! The committed `openapi/openapi.json` is what the code generates. Regenerate it
//! with `UPDATE_OPENAPI=1 cargo test --test openapi` (or `cargo run -- openapi`).

use std::path::Path;

#[test]
fn committed_openapi_json_matches_the_code() {
    let generated = format!("{}\n", serde_json::to_string_pretty(&newsdesk::openapi::api_doc()).unwrap());
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
    let api = serde_json::to_value(newsdesk::openapi::api_doc()).unwrap();
    let mut ids = Vec::new();
    for (path, item) in api["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{id} has no summary");
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
