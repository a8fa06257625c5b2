//! The related link's request bodies as the spec shows them, and a page of links
//! (the link itself is `domain::resource::RelatedLink`).

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::related_link::LinkRelation;
use crate::domain::resource::RelatedLink;

/// A merge patch (RFC 7396) of a related link. A link's target is what the link
/// is, so it cannot be patched: to point elsewhere, delete the link and create
/// another (or replace the list).
#[derive(Debug, ToSchema)]
#[schema(example = json!({"title": null, "relation": "more", "position": 0}))]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "documents the PATCH body, which is merged as plain JSON")]
pub(crate) struct RelatedLinkPatch {
    /// New display text, or `null` to show the target's title (internal links).
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    title: Option<String>,
    /// New kind of link; `null` resets it to `related`.
    relation: Option<LinkRelation>,
    /// New place in the list; `null` keeps the current place.
    #[schema(minimum = 0, maximum = 100000)]
    position: Option<i64>,
}

/// One page of related links.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": "0192f0c3-44aa-7b21-8c10-7e9d0f1a2b3c",
        "article_id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
        "target_article_id": "0192f0a0-0000-7000-8000-000000000001",
        "url": null,
        "title": "Seoul and Tokyo hold talks",
        "relation": "related",
        "position": 0,
        "target": {"id": "0192f0a0-0000-7000-8000-000000000001", "slug": "seoul-and-tokyo-hold-talks",
                   "title": "Seoul and Tokyo hold talks", "status": "published"},
        "version": 1,
        "created_at": "2024-03-28T09:12:44.120Z",
        "updated_at": "2024-03-28T09:12:44.120Z"
    }],
    "next_cursor": null
}))]
pub(crate) struct RelatedLinkPage {
    /// The links on this page, in position order.
    pub items: Vec<RelatedLink>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(example = json!(null))]
    pub next_cursor: Option<String>,
}

// ---------------------------------------------------------------------------
// Request schemas. The handlers read `RelatedLinkInput` / `RelatedLinkListItem`
// (one struct with both targets optional, so every broken rule gets its pointer);
// the spec says what a valid request looks like: exactly one target, as a `oneOf`.
// ---------------------------------------------------------------------------

/// A new link to another Newsdesk article.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "documents a request body")]
pub(crate) struct InternalLinkInput {
    /// The article to link to: another one than the link's own article. One that
    /// does not exist is a 409.
    target_article_id: Uuid,
    /// Display text, 1..=300 characters after trimming. Left out (or `null`),
    /// responses show the target's current title.
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    title: Option<String>,
    /// Kind of link; `related` when left out.
    relation: Option<LinkRelation>,
    /// Place in the article's link list (0 is first); after the last when left out.
    /// A place past the current end is a 409.
    #[schema(minimum = 0, maximum = 100000, example = 0)]
    position: Option<i64>,
}

/// A new link to another site.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "documents a request body")]
pub(crate) struct ExternalLinkInput {
    /// An absolute http(s) URL, up to 2,048 characters.
    #[schema(format = "uri", max_length = 2048, example = "https://example.org/analysis/korea-missiles")]
    url: String,
    /// Display text, 1..=300 characters after trimming.
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    title: Option<String>,
    /// Kind of link; `related` when left out.
    relation: Option<LinkRelation>,
    /// Place in the article's link list (0 is first); after the last when left out.
    /// A place past the current end is a 409.
    #[schema(minimum = 0, maximum = 100000, example = 0)]
    position: Option<i64>,
}

/// A new related link: to another article (`target_article_id`) or to another
/// site (`url`), never both.
#[derive(ToSchema)]
#[serde(untagged)]
#[schema(as = RelatedLinkInput, example = json!({
    "url": "https://example.org/analysis/korea-missiles",
    "title": "Analysis: what the launches mean",
    "relation": "more"
}))]
#[expect(dead_code, reason = "describes the OpenAPI document only; never built")]
pub(crate) enum RelatedLinkInputSchema {
    // To another article (no doc comment: it would become a `description` beside the
    // `$ref`, which makes openapi-generator inline the shape and lose its import).
    Internal(InternalLinkInput),
    // To another site.
    External(ExternalLinkInput),
}

/// An item of a list `PUT` linking to another Newsdesk article.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "documents a request body")]
pub(crate) struct InternalLinkItem {
    /// The article to link to (not the list's own article). One that does not
    /// exist is a 409.
    target_article_id: Uuid,
    /// Display text, 1..=300 characters after trimming. Left out (or `null`),
    /// responses show the target's current title.
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    title: Option<String>,
    /// Kind of link; `related` when left out.
    relation: Option<LinkRelation>,
}

/// An item of a list `PUT` linking to another site.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "documents a request body")]
pub(crate) struct ExternalLinkItem {
    /// An absolute http(s) URL, up to 2,048 characters.
    #[schema(format = "uri", max_length = 2048, example = "https://example.org/analysis/korea-missiles")]
    url: String,
    /// Display text, 1..=300 characters after trimming.
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    title: Option<String>,
    /// Kind of link; `related` when left out.
    relation: Option<LinkRelation>,
}

/// One item of a list `PUT`: like a new link, without `position` (the array
/// order is the order).
#[derive(ToSchema)]
#[serde(untagged)]
#[schema(as = RelatedLinkListItem)]
#[expect(dead_code, reason = "describes the OpenAPI document only; never built")]
pub(crate) enum RelatedLinkListItemSchema {
    // To another article (no doc comment: it would become a `description` beside the
    // `$ref`, which makes openapi-generator inline the shape and lose its import).
    Internal(InternalLinkItem),
    // To another site.
    External(ExternalLinkItem),
}

/// An article's complete ordered list of related links (at most 200; the same
/// target may appear only once). Written by hand: utoipa cannot put `maxItems` on a
/// newtype.
pub(crate) struct RelatedLinkList;

impl utoipa::PartialSchema for RelatedLinkList {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::ArrayBuilder;
        ArrayBuilder::new()
            .items(utoipa::openapi::Ref::from_schema_name(RelatedLinkListItemSchema::name()))
            .max_items(Some(crate::domain::related_link::MAX_LINKS_PER_PUT))
            .description(Some("An article's complete ordered list of related links; the same target at most once."))
            .into()
    }
}

impl ToSchema for RelatedLinkList {
    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        use utoipa::PartialSchema;
        schemas.push((RelatedLinkListItemSchema::name().into_owned(), RelatedLinkListItemSchema::schema()));
        RelatedLinkListItemSchema::schemas(schemas);
    }
}
