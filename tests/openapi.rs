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
            let holds_secret = path == "/v1/tokens" || path == "/v1/webhooks" || path.ends_with("/rotate-secret");
            if method == "post" && (holds_secret || path.ends_with("/retry")) {
                // A new token's or webhook's secret is never stored, so these are
                // not idempotent; a delivery's retry needs no key.
                assert!(!names_key(op), "{id} must not offer Idempotency-Key");
            } else if method == "post" {
                assert!(names_key(op), "{id} lacks Idempotency-Key");
                // 201 for a create; 200 for a restore, which makes a revision, not a resource.
                let ok = responses.iter().find(|(status, _)| status.starts_with('2')).unwrap().1;
                assert!(ok["headers"]["Idempotent-Replayed"].is_object(), "{id}");
                assert!(responses.contains_key("409") && responses.contains_key("422"), "{id}");
            }
            if method == "get" && !exempt {
                assert!(responses["200"]["headers"]["Cache-Control"].is_object(), "{id}: no Cache-Control");
            }
        }
    }
}

/// A limit the spec states: where (for messages), under which key it is looked up
/// (`Schema.property`, `Schema` or `parameter name`), which keyword and the value.
struct Stated {
    at: String,
    key: String,
    keyword: &'static str,
    value: u64,
}

/// A field (empty: the schema itself), the keyword that limits it and the domain's
/// value for it.
type Limit = (&'static str, &'static str, u64);

/// The keywords that state an upper limit on input.
const UPPER_LIMITS: [&str; 3] = ["maxLength", "maxItems", "maximum"];

/// Collects every upper limit in `schema`, looking through combinators and
/// conditionals (`oneOf`, `if`/`then`...) but not through examples.
fn stated_limits(key: &str, at: &str, schema: &serde_json::Value, out: &mut Vec<Stated>) {
    if let Some(items) = schema.as_array() {
        items.iter().for_each(|item| stated_limits(key, at, item, out));
        return;
    }
    let Some(object) = schema.as_object() else { return };
    for keyword in UPPER_LIMITS {
        if let Some(value) = object.get(keyword) {
            let value = value.as_u64().unwrap_or_else(|| panic!("{at}: {keyword} {value} is not a whole number"));
            out.push(Stated { at: at.to_owned(), key: key.to_owned(), keyword, value });
        }
    }
    for (member, value) in object {
        match member.as_str() {
            "properties" => {
                for (name, property) in value.as_object().into_iter().flatten() {
                    stated_limits(&format!("{key}.{name}"), &format!("{at}.{name}"), property, out);
                }
            }
            "items" => stated_limits(&format!("{key}[]"), &format!("{at}[]"), value, out),
            "example" | "examples" | "default" | "const" | "enum" | "description" => {}
            _ => stated_limits(key, at, value, out),
        }
    }
}

fn whole<T: TryInto<u64>>(limit: T) -> u64
where
    T::Error: std::fmt::Debug,
{
    limit.try_into().expect("limits are not negative")
}

/// The `#[schema]` and `#[param]` attributes must write their limits out as numbers
/// (utoipa takes no constants there, juhaku/utoipa#1322), so this test is what keeps
/// each limit one decision: every `maxLength`, `maxItems` and `maximum` the spec
/// states for an input equals the domain constant its validator uses, every input
/// field with a constant states it, and a limit with no constant listed here fails.
#[test]
fn every_limit_the_spec_states_is_the_domain_constant_its_validator_uses() {
    use newsdesk::domain::{
        article, article_filter, change_feed, language, lead_image, paging, position, quote, related_link, slug, tags,
        token, webhook,
    };
    let (length, items, maximum) = ("maxLength", "maxItems", "maximum");

    let article_fields = [
        ("slug", length, whole(slug::MAX_LEN)),
        ("title", length, whole(article::MAX_TITLE_LEN)),
        ("summary", length, whole(article::MAX_SUMMARY_LEN)),
        ("body", length, whole(article::MAX_BODY_LEN)),
        ("byline", length, whole(article::MAX_BYLINE_LEN)),
        ("section", length, whole(article::MAX_SECTION_LEN)),
        ("tags", items, whole(tags::MAX_TAGS)),
        ("language", length, whole(language::MAX_LEN)),
        ("source_name", length, whole(article::MAX_SOURCE_NAME_LEN)),
        ("source_url", length, whole(article::MAX_SOURCE_URL_LEN)),
    ];
    let quote_fields = [
        ("text", length, whole(quote::MAX_TEXT_LEN)),
        ("speaker_name", length, whole(quote::MAX_SPEAKER_NAME_LEN)),
        ("speaker_title", length, whole(quote::MAX_SPEAKER_TITLE_LEN)),
        ("context", length, whole(quote::MAX_CONTEXT_LEN)),
        ("position", maximum, whole(position::MAX_POSITION)),
    ];
    let link_fields = [
        ("url", length, whole(related_link::MAX_LINK_URL_LEN)),
        ("title", length, whole(related_link::MAX_TITLE_LEN)),
        ("position", maximum, whole(position::MAX_POSITION)),
    ];
    let webhook_fields = [
        ("url", length, whole(webhook::MAX_WEBHOOK_URL_LEN)),
        ("events", items, whole(webhook::MAX_EVENTS)),
        ("description", length, whole(webhook::MAX_DESCRIPTION_LEN)),
    ];
    let image_fields = [
        ("url", length, whole(lead_image::MAX_IMAGE_URL_LEN)),
        ("alt", length, whole(lead_image::MAX_ALT_LEN)),
        ("caption", length, whole(lead_image::MAX_CAPTION_LEN)),
        ("credit", length, whole(lead_image::MAX_CREDIT_LEN)),
        ("width", maximum, whole(lead_image::MAX_DIMENSION)),
        ("height", maximum, whole(lead_image::MAX_DIMENSION)),
    ];
    let token_fields = [("name", length, whole(token::MAX_NAME_LEN))];
    // An empty field name: the limit is on the schema itself.
    let tag = [("", length, whole(tags::MAX_TAG_LEN))];
    let link_list = [("", items, whole(related_link::MAX_LINKS_PER_PUT))];
    let schemas: [(&[&str], &[Limit]); 8] = [
        (&["ArticleInput", "ArticlePatch", "NewArticleInput"], &article_fields),
        (&["QuoteInput", "QuotePatch"], &quote_fields),
        (
            &["InternalLinkInput", "ExternalLinkInput", "InternalLinkItem", "ExternalLinkItem", "RelatedLinkPatch"],
            &link_fields,
        ),
        (&["LeadImageInput", "LeadImagePatch"], &image_fields),
        (&["TokenInput"], &token_fields),
        (&["WebhookInput", "WebhookPatch"], &webhook_fields),
        (&["Tag"], &tag),
        (&["RelatedLinkList"], &link_list),
    ];
    // Parameters by name, wherever they occur.
    let parameters = [
        ("article", length, whole(slug::MAX_LEN)),
        ("limit", maximum, whole(paging::MAX_LIMIT)),
        ("section", length, whole(article_filter::MAX_FILTER_LEN)),
        ("source_name", length, whole(article_filter::MAX_FILTER_LEN)),
        ("language", length, whole(article_filter::MAX_FILTER_LEN)),
        ("tag", items, whole(tags::MAX_TAGS)),
        ("q", length, whole(article_filter::MAX_SEARCH_LEN)),
        ("speaker", length, whole(quote::MAX_SPEAKER_NAME_LEN)),
        ("Idempotency-Key", length, whole(newsdesk::http::idempotency::MAX_KEY_LEN)),
        // The change feed's own page size and long-poll bound (listed by path, as
        // its `limit` is not the lists' one).
        ("/v1/changes limit", maximum, whole(change_feed::MAX_LIMIT)),
        ("/v1/changes wait", maximum, whole(change_feed::MAX_WAIT_SECS)),
        // Suggestions are few: their own, smaller page size.
        ("/v1/articles/{article}/suggestions limit", maximum, whole(newsdesk::domain::suggestion::MAX_LIMIT)),
        // A name prefix is at most the longest name of its list.
        ("/v1/sections q", length, whole(article::MAX_SECTION_LEN)),
        ("/v1/tags q", length, whole(tags::MAX_TAG_LEN)),
    ];

    let api = newsdesk::openapi::document();
    let components = &api["components"]["schemas"];
    let mut expected = std::collections::BTreeMap::new();
    let mut required = Vec::new();
    for (names, fields) in schemas {
        for name in names {
            let schema = &components[name];
            assert!(schema.is_object(), "the spec has no schema {name}");
            for &(field, keyword, value) in fields {
                let key = if field.is_empty() { (*name).to_owned() } else { format!("{name}.{field}") };
                if field.is_empty() || schema["properties"][field].is_object() {
                    required.push((key.clone(), keyword));
                }
                expected.insert((key, keyword), value);
            }
        }
    }
    for &(name, keyword, value) in &parameters {
        expected.insert((format!("parameter {name}"), keyword), value);
        required.push((format!("parameter {name}"), keyword));
    }

    let mut stated = Vec::new();
    for (name, schema) in components.as_object().unwrap() {
        stated_limits(name, &format!("schema {name}"), schema, &mut stated);
    }
    let parameter = |at: String, p: &serde_json::Value, stated: &mut Vec<Stated>| {
        if let Some(name) = p["name"].as_str() {
            let key = match at.strip_prefix("get ") {
                Some(path @ "/v1/changes") => format!("parameter {path} {name}"),
                Some(path @ "/v1/articles/{article}/suggestions") if name == "limit" => {
                    format!("parameter {path} {name}")
                }
                Some(path @ ("/v1/sections" | "/v1/tags")) if name == "q" => format!("parameter {path} {name}"),
                _ => format!("parameter {name}"),
            };
            stated_limits(&key, &format!("{at} parameter {name}"), &p["schema"], stated);
        }
    };
    for p in api["components"]["parameters"].as_object().into_iter().flatten().map(|(_, p)| p) {
        parameter("components".to_owned(), p, &mut stated);
    }
    for (path, item) in api["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                parameter(format!("{method} {path}"), p, &mut stated);
            }
        }
    }

    let mut wrong = Vec::new();
    for s in &stated {
        match expected.get(&(s.key.clone(), s.keyword)) {
            Some(&value) if value == s.value => {}
            Some(&value) => {
                wrong.push(format!("{}: {} {} but the domain constant is {value}", s.at, s.keyword, s.value))
            }
            None => {
                wrong.push(format!("{}: {} {} has no domain constant listed in this test", s.at, s.keyword, s.value))
            }
        }
    }
    for (key, keyword) in &required {
        if !stated.iter().any(|s| &s.key == key && s.keyword == *keyword) {
            wrong.push(format!("{key}: states no {keyword}, although the domain has a constant for it"));
        }
    }
    assert!(wrong.is_empty(), "the spec's limits and the domain's constants differ:\n{}", wrong.join("\n"));
}
