//! `GET /v1/articles/{article}/suggestions`: related-post suggestions.

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::article_types::{Suggestion, SuggestionList, SuggestionParams};
use crate::db::{Database, suggestions};
use crate::domain::FieldError;
use crate::domain::cache_tag;
use crate::domain::resource::Article;
use crate::domain::suggestion::parse_limit;
use crate::domain::time::now;
use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::params::{ArticleRef, IfNoneMatch, WithExample};
use crate::http::query::QueryParams;
use crate::http::reply::{self, Tagged};

/// Registers the suggestion route.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_suggestions);
}

/// Suggest related articles
///
/// Published articles most like this one by content, for a "Related posts" box,
/// as a "more like this" query finds them: never the article itself, nor an
/// article it already links to (its related links), nor a draft, archived or
/// scheduled one. The article is named as in `getArticle`, with the same
/// visibility (a draft's suggestions need `read:drafts`).
///
/// **Score.** The article's features are its terms (title, summary and body,
/// stemmed as full-text search stems them; the 16 most frequent in it, a title
/// occurrence counting 3 and a summary's 2) and its tags. A term or tag in more
/// than half of the archive, or in more than 2,000 articles, is too common to
/// tell articles apart and is left out. Each feature weighs its inverse document
/// frequency `ln(1 + (N - df + 0.5) / (df + 0.5))` (`N` articles, `df` of them with
/// the feature), a tag twice that. Candidates are found by the features shared
/// with other articles (every tag, and those terms, ranked by frequency in the
/// article times weight). A candidate's `score` is the weight of the features it
/// shares divided by the weight of all the article's features, those no other
/// article has included: 1 shares everything. Rounded to four decimals.
///
/// **Threshold.** Only candidates scoring at least 0.15 are listed, so the list is
/// shorter than `limit`, or empty, rather than padded with weak matches. Highest
/// score first; newest first among equal scores.
#[utoipa::path(
    operation_id = "listSuggestions", tag = "articles",
    security((), ("bearer" = ["read:drafts"])),
    params(ArticleRef<WithExample>, SuggestionParams, IfNoneMatch),
    responses(
        (status = 200, description = "The suggestions, best first (possibly none)", body = SuggestionList,
         headers(("ETag" = String, description = "A weak digest of the list"))),
        (status = 304, description = "The cached copy is current",
         headers(("ETag" = String, description = "The same ETag the 200 response would carry"))),
    )
)]
#[get("/articles/{article}/suggestions")]
pub(crate) async fn list_suggestions(
    caller: Caller,
    db: web::Data<Database>,
    params: QueryParams<SuggestionParams>,
    article: ArticleRef<WithExample>,
    cached: IfNoneMatch,
) -> Result<HttpResponse, ApiError> {
    let limit = parse_limit(params.0.limit.as_deref())
        .map_err(|e| ApiError::Invalid(vec![FieldError::parameter("limit", e)]))?;
    let key = article.key;
    let at = now();
    // Invisible articles are a 404, as on `getArticle`.
    let visibility = caller.visibility(at);
    let found = db
        .run(move |c| suggestions::suggest(c, &key, visibility, at, limit))
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    let source = Article::try_from(found.article)?;
    let items = found
        .suggestions
        .into_iter()
        .map(|(row, score)| Ok(Suggestion::of(Article::try_from(row)?, score)))
        .collect::<Result<Vec<_>, ApiError>>()?;
    // Any article's change may change the list: it carries the list tag, the
    // article's own and each suggestion's.
    let mut tags = vec![cache_tag::ARTICLES.to_owned(), cache_tag::article(&source.id.to_string())];
    tags.extend(items.iter().map(|s| cache_tag::article(&s.id.to_string())));
    let list = SuggestionList { items };
    let response = reply::conditional(&cached, Tagged::digested(&list, source.version)?);
    Ok(reply::with_cache_tags(response, &tags))
}
