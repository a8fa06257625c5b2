//! Typed request inputs: the path keys (`{article}`, `{id}`), the conditional
//! headers and the page of a list. Each one reads and checks its input as an
//! extractor (a malformed one is a 400 with the text written here) and describes
//! itself to the OpenAPI document, so that its pattern, description and length
//! limit are written once. The responses an input can cause (400 and 404 for a
//! path key, 412 for `If-Match`, …) are added to the document by rule
//! (`openapi::add_input_responses`), from the parameters an operation declares.

use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};

use super::conditional::{self, NoneMatch};
use super::query;
use crate::domain::article_ref::ArticleKey;
use crate::domain::cursor::{Cursor, CursorSecret};
use crate::domain::paging::{ListError, Paging};
use crate::domain::slug;
use crate::domain::version::Expected;
use crate::error::ApiError;

/// An article id (a hyphenated UUID) or a slug, as the spec states it.
pub(crate) const ARTICLE_REF_PATTERN: &str =
    r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[a-z0-9]+(-[a-z0-9]+)*)$";

/// `*` or a list of entity tags, with the blanks and empty elements RFC 9110 lets
/// through (see `conditional`): exactly what `conditional` reads.
pub(crate) const ETAG_LIST_PATTERN: &str =
    r#"^[ \t]*(\*|((W/)?"[!#-+\--~]*")?([ \t]*,[ \t]*((W/)?"[!#-+\--~]*")?)*)[ \t]*$"#;

/// The header names, as the document's rules look them up.
pub(crate) const IF_MATCH: &str = "If-Match";
pub(crate) const IF_NONE_MATCH: &str = "If-None-Match";
pub(crate) const IF_MODIFIED_SINCE: &str = "If-Modified-Since";

/// The segments of the matched path, by name, percent-decoded as `web::Path`
/// decodes them (its deserializer reads a map whose keys are identifiers).
struct Segments(Vec<(String, String)>);

/// A segment's name, as the path deserializer hands it over.
struct Name(String);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Name;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a path segment's name")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Name, E> {
                Ok(Name(name.to_owned()))
            }
        }
        deserializer.deserialize_identifier(Visitor)
    }
}

impl<'de> Deserialize<'de> for Segments {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Segments;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("the segments of a path")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Segments, A::Error> {
                let mut all = Vec::new();
                while let Some((Name(name), value)) = map.next_entry::<Name, String>()? {
                    all.push((name, value));
                }
                Ok(Segments(all))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The segment `name` of the matched path, decoded (a route without it is a
/// mistake in the route, not in the request).
fn segment(req: &HttpRequest, name: &str) -> Result<String, ApiError> {
    let Segments(all) =
        req.match_info().load().map_err(|e| ApiError::Internal(anyhow::anyhow!("path segments: {e}")))?;
    all.into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, value)| value)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the route has no `{{{name}}}` segment")))
}

fn path_parameter(name: &str, description: &str, schema: ObjectBuilder) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(schema))
}

/// What an `{article}` parameter shows in the document besides its rule: an
/// example, or none.
pub(crate) trait ArticleRefDoc {
    const EXAMPLE: Option<&'static str>;
}

/// No example (the default).
#[derive(Debug)]
pub(crate) enum Plain {}
impl ArticleRefDoc for Plain {
    const EXAMPLE: Option<&'static str> = None;
}

/// With an example slug (on the article's own read).
#[derive(Debug)]
pub(crate) enum WithExample {}
impl ArticleRefDoc for WithExample {
    const EXAMPLE: Option<&'static str> = Some("north-korea-fires-missiles-as-allies-meet");
}

/// `{article}`: an article's id (UUID) or slug.
#[derive(Debug)]
pub(crate) struct ArticleRef<D = Plain> {
    pub key: ArticleKey,
    doc: PhantomData<D>,
}

impl<D> ArticleRef<D> {
    /// Reads an id or a slug, refusing anything else with a 400.
    pub(crate) fn parse(raw: &str) -> Result<Self, ApiError> {
        ArticleKey::parse(raw)
            .map(|key| Self { key, doc: PhantomData })
            .ok_or_else(|| ApiError::BadRequest(format!("`{raw}` is neither an article id (UUID) nor a slug")))
    }
}

impl<D> FromRequest for ArticleRef<D> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(segment(req, "article").and_then(|raw| Self::parse(&raw)))
    }
}

/// What names an article in a path or a filter: an id or a slug.
pub(crate) fn article_ref_schema() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(ARTICLE_REF_PATTERN)).max_length(Some(slug::MAX_LEN))
}

impl<D: ArticleRefDoc> IntoParams for ArticleRef<D> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let parameter = path_parameter("article", "The article's id (UUID) or slug", article_ref_schema());
        vec![parameter.example(D::EXAMPLE.map(Into::into)).build()]
    }
}

/// A resource with ids of its own (quotes, related links, tokens, webhooks and
/// their deliveries): the path segment that holds its id, and how the document
/// names it.
pub(crate) trait Resource {
    /// "quote" in "The quote's id".
    const NOUN: &'static str;
    /// The segment of the path that holds the id: `{id}` unless it is nested
    /// under another resource's.
    const SEGMENT: &'static str = "id";
}

/// `{id}` (or the resource's own segment): a quote's, link's, token's, webhook's
/// or delivery's id, a hyphenated UUID (kept in the form the database stores).
#[derive(Debug)]
pub(crate) struct ResourceId<R> {
    pub id: String,
    resource: PhantomData<R>,
}

impl<R: Resource> FromRequest for ResourceId<R> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(segment(req, R::SEGMENT).and_then(|raw| {
            crate::domain::id::parse(&raw)
                .map(|id| Self { id: id.to_string(), resource: PhantomData })
                .ok_or_else(|| ApiError::BadRequest(format!("`{raw}` is not an id (UUID)")))
        }))
    }
}

impl<R: Resource> IntoParams for ResourceId<R> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let schema =
            ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)));
        vec![path_parameter(R::SEGMENT, &format!("The {}'s id", R::NOUN), schema).build()]
    }
}

/// `{n}` of a sitemap archive file (`articles-{n}.xml`): its number, 1 or more,
/// written plainly (no sign, no leading zero). Anything else names no file, a 404
/// like a number past the last file. Reading it never fails: the route first
/// says whether sitemaps are served at all (503), then asks for the number.
#[derive(Debug)]
pub(crate) struct SitemapFile(Option<i64>);

impl SitemapFile {
    fn parse(raw: &str) -> Self {
        Self(raw.parse::<i64>().ok().filter(|n| *n >= 1 && n.to_string() == raw))
    }

    /// The file's number, or the 404 of a malformed one.
    pub(crate) fn number(&self) -> Result<i64, ApiError> {
        self.0.ok_or_else(Self::not_found)
    }

    /// No file with this number: malformed, or past the last file.
    pub(crate) fn not_found() -> ApiError {
        ApiError::NotFound("no sitemap file with that number".into())
    }
}

impl FromRequest for SitemapFile {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(segment(req, "n").map(|raw| Self::parse(&raw)))
    }
}

impl IntoParams for SitemapFile {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let schema = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1));
        vec![path_parameter("n", "The file's number, from 1", schema).example(Some(1.into())).build()]
    }
}

fn etag_header(name: &str, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String).pattern(Some(ETAG_LIST_PATTERN))))
        .build()
}

/// What a conditional write does, as its `If-Match` describes it.
pub(crate) trait WriteKind {
    const DESCRIPTION: &'static str;
}

/// A write that changes the resource (the default).
#[derive(Debug)]
pub(crate) enum Change {}
impl WriteKind for Change {
    const DESCRIPTION: &'static str = "Only write if the stored ETag matches";
}

/// A delete.
#[derive(Debug)]
pub(crate) enum Remove {}
impl WriteKind for Remove {
    const DESCRIPTION: &'static str = "Only delete if the stored ETag matches";
}

/// `If-Match`: the versions a write may apply to (any, when it is absent).
#[derive(Debug)]
pub(crate) struct IfMatch<W = Change> {
    pub expected: Expected,
    kind: PhantomData<W>,
}

impl<W> FromRequest for IfMatch<W> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(conditional::if_match(req).map(|expected| Self { expected, kind: PhantomData }))
    }
}

impl<W: WriteKind> IntoParams for IfMatch<W> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![etag_header(IF_MATCH, W::DESCRIPTION)]
    }
}

/// `If-None-Match`: the ETags of the client's cached copies.
#[derive(Debug, Default)]
pub(crate) struct IfNoneMatch(pub NoneMatch);

impl FromRequest for IfNoneMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(conditional::if_none_match(req).map(Self))
    }
}

impl IntoParams for IfNoneMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![etag_header(IF_NONE_MATCH, "ETag of a cached copy")]
    }
}

/// `If-Modified-Since`, as documented for the generated documents (feeds,
/// sitemaps); `reply::not_modified` reads it. A value that is not an HTTP date is
/// ignored, as RFC 9110 13.1.3 says, so it causes no error response. An operation
/// that declares it answers through `reply::document`: the document's rules give
/// it the `ETag` and `Last-Modified` of that reply and its 304
/// (`openapi::add_document_validators`).
#[derive(Debug)]
pub(crate) enum IfModifiedSince {}

impl IntoParams for IfModifiedSince {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            ParameterBuilder::new()
                .name(IF_MODIFIED_SINCE)
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "The `Last-Modified` of a cached copy (an HTTP date); ignored when `If-None-Match` is sent \
                     or when it is not a valid date",
                ))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .example(Some("Fri, 08 Mar 2024 09:30:00 GMT".into()))
                .build(),
        ]
    }
}

/// The key cursors are signed with, from the app's data (the built-in key when
/// the app has none, as in a bare test app).
pub(crate) fn cursor_secret(req: &HttpRequest) -> CursorSecret {
    req.app_data::<web::Data<CursorSecret>>().map(|s| s.get_ref().clone()).unwrap_or_default()
}

/// `CursorSecret` as an extractor, for lists with parameters of their own.
impl FromRequest for CursorSecret {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(cursor_secret(req)))
    }
}

/// A refused list request as a problem: bad parameters 422, bad cursor 400.
pub(crate) fn list_error(error: ListError) -> ApiError {
    match error {
        ListError::Invalid(errors) => ApiError::Invalid(errors),
        ListError::BadCursor(detail) => ApiError::BadRequest(format!("cursor {detail}")),
    }
}

/// The order a paged list runs in: a cursor is only valid for the order it was
/// made for.
pub(crate) trait ListOrder {
    const NAME: &'static str;
}

/// `{revision}`: a revision number of an article, 1 or more.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RevisionNumber(pub i32);

impl FromRequest for RevisionNumber {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(segment(req, "revision").and_then(|raw| {
            raw.parse::<i32>()
                .ok()
                .filter(|n| *n >= 1)
                .map(Self)
                .ok_or_else(|| ApiError::BadRequest(format!("`{raw}` is not a revision number (1 or more)")))
        }))
    }
}

impl IntoParams for RevisionNumber {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let schema = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(1));
        vec![path_parameter("revision", "The revision's number, 1 for the oldest", schema).build()]
    }
}

/// Page parameters of a child list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PageParams {
    /// Page size, 1..=100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page; empty (or left out) for the first page.
    cursor: Option<String>,
}

/// `?limit=&cursor=` of a list in order `O`, checked (422 for a bad limit or an
/// unknown parameter, 400 for a cursor this list did not hand out).
#[derive(Debug)]
pub(crate) struct Page<O> {
    pub paging: Paging,
    secret: CursorSecret,
    order: PhantomData<O>,
}

impl<O: ListOrder> Page<O> {
    /// Keeps `limit` of the rows fetched with `limit + 1` and, when there were
    /// more, the cursor that continues after the last one kept.
    pub(crate) fn split<R>(
        &self,
        rows: Vec<R>,
        cursor_of: impl Fn(&R) -> Result<Cursor, ApiError>,
    ) -> Result<(Vec<R>, Option<String>), ApiError> {
        split_page(rows, self.paging.limit, O::NAME, &self.secret, cursor_of)
    }
}

impl<O: ListOrder> FromRequest for Page<O> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let secret = cursor_secret(req);
        ready(query::parse::<PageParams>(req.query_string()).and_then(|params| {
            let paging = Paging::parse(params.limit.as_deref(), params.cursor.as_deref(), O::NAME, &secret)
                .map_err(list_error)?;
            Ok(Self { paging, secret, order: PhantomData })
        }))
    }
}

impl<O> IntoParams for Page<O> {
    fn into_params(parameter_in_provider: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        PageParams::into_params(parameter_in_provider)
    }
}

/// Rows were fetched with `limit + 1`: keep `limit` of them and, when there were
/// more, make the cursor (signed with `secret`) that continues after the last one
/// kept.
pub(crate) fn split_page<R>(
    mut rows: Vec<R>,
    limit: i64,
    order: &str,
    secret: &CursorSecret,
    cursor_of: impl Fn(&R) -> Result<Cursor, ApiError>,
) -> Result<(Vec<R>, Option<String>), ApiError> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() <= limit {
        return Ok((rows, None));
    }
    rows.truncate(limit);
    let next = rows.last().map(|row| cursor_of(row).map(|c| c.encode(order, secret))).transpose()?;
    Ok((rows, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn an_article_ref_is_an_id_or_a_slug() {
        assert!(matches!(ArticleRef::<Plain>::parse("missiles-fired").unwrap().key, ArticleKey::Slug(_)));
        let Err(ApiError::BadRequest(detail)) = ArticleRef::<Plain>::parse("Not a slug") else { panic!("accepted") };
        assert_eq!(detail, "`Not a slug` is neither an article id (UUID) nor a slug");
    }

    enum Quote {}
    impl Resource for Quote {
        const NOUN: &'static str = "quote";
    }

    enum Nested {}
    impl Resource for Nested {
        const NOUN: &'static str = "nested thing";
        const SEGMENT: &'static str = "nested_id";
    }

    #[actix_web::test]
    async fn path_keys_are_read_from_the_matched_route() {
        use actix_web::{App, HttpResponse, test, web};
        let app = test::init_service(
            App::new()
                .route(
                    "/articles/{article}/quotes/{id}",
                    web::get().to(|article: ArticleRef, _: ResourceId<Quote>| async move {
                        HttpResponse::Ok().body(format!("{:?}", article.key))
                    }),
                )
                .route(
                    "/quotes/{id}/nested/{nested_id}",
                    web::get().to(|quote: ResourceId<Quote>, nested: ResourceId<Nested>| async move {
                        HttpResponse::Ok().body(format!("{} {}", quote.id, nested.id))
                    }),
                ),
        )
        .await;
        let ok = test::TestRequest::get()
            .uri("/articles/missiles-fired/quotes/0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a")
            .to_request();
        let reply = test::call_service(&app, ok).await;
        assert_eq!(reply.status(), 200, "{:?}", test::read_body(reply).await);
        let bad = test::TestRequest::get().uri("/articles/missiles-fired/quotes/12345").to_request();
        assert_eq!(test::call_service(&app, bad).await.status(), 400);

        // A resource told its segment reads that one, not `{id}`.
        let both = test::TestRequest::get()
            .uri("/quotes/0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a/nested/0192F0C1-8E1A-7CC0-8B3E-5F2A9E1D4B6B")
            .to_request();
        let reply = test::call_service(&app, both).await;
        assert_eq!(reply.status(), 200);
        assert_eq!(
            test::read_body(reply).await,
            "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a 0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6b"
        );
        let bad =
            test::TestRequest::get().uri("/quotes/0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a/nested/not-an-id").to_request();
        let reply = test::call_service(&app, bad).await;
        assert_eq!(reply.status(), 400);
        let body = test::read_body(reply).await;
        assert!(String::from_utf8_lossy(&body).contains("`not-an-id` is not an id (UUID)"), "{body:?}");
    }

    #[test]
    fn a_sitemap_file_number_is_one_or_more_written_plainly() {
        assert_eq!(SitemapFile::parse("1").number().unwrap(), 1);
        assert_eq!(SitemapFile::parse("20").number().unwrap(), 20);
        for raw in ["0", "-1", "+1", "01", "1.0", "x", "", "99999999999999999999"] {
            let Err(ApiError::NotFound(detail)) = SitemapFile::parse(raw).number() else { panic!("accepted {raw:?}") };
            assert_eq!(detail, "no sitemap file with that number");
        }
    }

    #[test]
    fn resource_ids_and_conditions_document_themselves() {
        let id = ResourceId::<Quote>::into_params(|| None);
        assert_eq!(id[0].description.as_deref(), Some("The quote's id"));
        let nested = ResourceId::<Nested>::into_params(|| None);
        assert_eq!(
            (nested[0].name.as_str(), nested[0].description.as_deref()),
            ("nested_id", Some("The nested thing's id"))
        );
        assert_eq!(IfMatch::<Remove>::into_params(|| None)[0].description.as_deref(), Some(Remove::DESCRIPTION));
        let req = TestRequest::default().insert_header((IF_MATCH, "{}")).to_http_request();
        assert!(matches!(conditional::if_match(&req), Err(ApiError::BadRequest(_))));
    }
}
