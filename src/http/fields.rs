//! `fields=` on the reads of articles, quotes and related links: the parameter as
//! the document shows it (names, required members and description all made from
//! the member tables in `domain::fields`), its parsing into a 422, the query of
//! the reads that take nothing else, and the replies a selection shapes.

use std::marker::PhantomData;

use actix_web::{HttpResponse, HttpResponseBuilder};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};

use super::params::PageQuery;
use super::reply::Tagged;
use crate::domain::FieldError;
use crate::domain::fields::{self, Kind, Selection, Shape, Shaped};
use crate::domain::resource::{Article, Quote, RelatedLink};
use crate::error::ApiError;

/// The parameter's name.
pub(crate) const FIELDS: &str = "fields";

/// A resource `fields` shapes, as one kind of read shows it.
pub(crate) trait Sparse {
    /// What `fields` may name.
    const SHAPE: Shape;
    /// The example the document gives.
    const EXAMPLE: &'static str;
}

impl Sparse for Article {
    const SHAPE: Shape = fields::ARTICLE;
    const EXAMPLE: &'static str = "id,slug,title,quotes.text,quotes.speaker_name";
}

/// An article in a list that does not embed children (backlinks).
#[derive(Debug)]
pub(crate) enum LinkingArticle {}
impl Sparse for LinkingArticle {
    const SHAPE: Shape = fields::ARTICLE_ALONE;
    const EXAMPLE: &'static str = "id,slug,title";
}

impl Sparse for Quote {
    const SHAPE: Shape = fields::QUOTE;
    const EXAMPLE: &'static str = "id,text,speaker_name";
}

impl Sparse for RelatedLink {
    const SHAPE: Shape = fields::LINK;
    const EXAMPLE: &'static str = "id,url,title,target";
}

/// The `fields` values as a selection of `S`'s members; a 422 naming the valid ones
/// for an unknown name.
pub(crate) fn selection<S: Sparse>(values: &[String]) -> Result<Option<Selection>, FieldError> {
    Selection::parse(values, &S::SHAPE).map_err(|detail| FieldError::parameter(FIELDS, detail))
}

/// [`selection`] on its own: a 422 for an unknown name.
pub(crate) fn selected<S: Sparse>(values: &[String]) -> Result<Option<Selection>, ApiError> {
    selection::<S>(values).map_err(|e| ApiError::Invalid(vec![e]))
}

/// Both results, or one 422 with every broken rule of the two.
pub(crate) fn together<A, B>(a: Result<A, ApiError>, b: Result<B, FieldError>) -> Result<(A, B), ApiError> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(ApiError::Invalid(mut errors)), Err(error)) => {
            errors.push(error);
            Err(ApiError::Invalid(errors))
        }
        (Err(error), _) => Err(error),
        (Ok(_), Err(error)) => Err(ApiError::Invalid(vec![error])),
    }
}

/// The query of a single read that takes only `fields`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldsQuery {
    /// As sent: each a comma-separated list.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// The query of a child list: the page, and `fields`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SparsePage {
    limit: Option<String>,
    cursor: Option<String>,
    /// As sent: each a comma-separated list.
    #[serde(default)]
    pub fields: Vec<String>,
}

impl PageQuery for SparsePage {
    fn limit_and_cursor(&self) -> (Option<&str>, Option<&str>) {
        (self.limit.as_deref(), self.cursor.as_deref())
    }
}

/// A single item's representation: `whole` without a selection, else the shaped
/// one with a weak digest ETag of its own (a cache must not take it for the whole
/// representation, and it is no validator for `If-Match`).
pub(crate) fn tagged<T: Serialize>(
    value: &T,
    version: i32,
    selection: Option<&Selection>,
    whole: impl FnOnce(&T) -> Result<Tagged, ApiError>,
) -> Result<Tagged, ApiError> {
    match selection {
        None => whole(value),
        Some(selection) => Tagged::digested(&Shaped::item(value, selection), version),
    }
}

/// A list page, its items shaped by `selection` when there is one.
pub(crate) fn page<P: Serialize>(
    mut response: HttpResponseBuilder,
    page: &P,
    selection: Option<&Selection>,
) -> HttpResponse {
    match selection {
        None => response.json(page),
        Some(selection) => response.json(Shaped::page(page, selection)),
    }
}

/// `fields` in the document, for reads of `S`.
#[derive(Debug)]
pub(crate) struct FieldsParam<S>(PhantomData<S>);

impl<S: Sparse> IntoParams for FieldsParam<S> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let names = S::SHAPE.names();
        let item = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(names));
        vec![
            ParameterBuilder::new()
                .name(FIELDS)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description(&S::SHAPE, S::EXAMPLE)))
                .style(Some(ParameterStyle::Form))
                .explode(Some(false))
                .schema(Some(ArrayBuilder::new().items(item).min_items(Some(1))))
                .example(Some(S::EXAMPLE.split(',').collect::<Vec<_>>().into()))
                .build(),
        ]
    }
}

/// The rule of `fields` on this read, in words.
fn description(shape: &Shape, example: &str) -> String {
    let mut names = example.split(',');
    let (first, second) = (names.next().unwrap_or("id"), names.next().unwrap_or("version"));
    let always: Vec<String> =
        shape.members.iter().filter(|m| m.kind == Kind::Always).map(|m| format!("`{}`", m.name)).collect();
    let mut text = format!(
        "Only these members of each {}, comma-separated (`fields={first},{second}`) or repeated \
         (`fields={first}&fields={second}`); without `fields`, every member. Always present, whatever it names: \
         {} (what a client needs to address the item and to write it with `If-Match`; the schema's required \
         members).",
        shape.noun.trim_start_matches("an ").trim_start_matches("a "),
        always.join(", ")
    );
    if shape.embeds {
        text.push_str(
            " Dot paths name members of the embedded quotes and related links (`quotes.text`); a collection \
             named whole (`quotes`) or by a dot path is embedded without `include`, and one that `include` \
             asks for is added whole unless `fields` narrows it. Not with `Accept: application/ld+json` (422).",
        );
    }
    text.push_str(
        " On a list it shapes each item; `next_cursor` and `total` stay. A name that is not a member is a 422 \
         that lists the valid ones. A response shaped by `fields` has a weak ETag of its own (send it in \
         `If-None-Match`; for `If-Match` use the `version` member).",
    );
    text
}
