//! `/v1/changes`: the change log as a feed, in commit order, for clients that poll
//! (or long-poll) instead of receiving webhooks.

use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::db::{Database, DbError, changes};
use crate::domain::change::ChangeRecord;
use crate::domain::change_feed::{FeedError, FeedRequest, LogPosition};
use crate::error::ApiError;
use crate::http::auth::DraftReader;
use crate::http::params::cursor_secret;
use crate::http::query::QueryParams;

/// How often a waiting request looks for records other processes appended (this
/// process's own commits wake it at once).
const POLL: Duration = Duration::from_millis(500);

/// Registers the feed.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_changes);
}

/// Query parameters of the change feed.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct FeedParams {
    /// The `next_cursor` of the previous answer; left out (or empty), the feed
    /// starts at the oldest record kept.
    pub after: Option<String>,
    /// Records per answer, 1..=1000 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000, example = 100)]
    pub limit: Option<String>,
    /// Seconds to hold the request open when there is nothing new, 1..=30; the
    /// answer comes as soon as a record is appended. Left out: answer at once.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 30, example = 20)]
    pub wait: Option<String>,
}

/// One answer of the change feed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "sequence": 1042,
        "type": "article.published",
        "occurred_at": "2024-03-28T09:30:00.004Z",
        "article_id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
        "resource_kind": "article",
        "resource_id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
        "version": 3,
        "data": {"id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a", "title": "North Korea fires missiles as allies meet",
                 "status": "published", "version": 3},
        "purge_tags": ["article-0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a", "articles"]
    }],
    "next_cursor": "Y2hhbmdlczF8MTA0Mg.3mC2kq0d1vYp6Q1o"
}))]
pub(crate) struct ChangePage {
    /// The records after the cursor, oldest first; empty when nothing is new.
    pub items: Vec<ChangeRecord>,
    /// Pass as `after` next time. Never null: store it, and ask again later.
    pub next_cursor: String,
}

/// Read the change feed
///
/// Every committed change to an article, a quote or a related link, in commit
/// order: a client never sees a record and later one with a lower `sequence`.
/// Records are kept for `NEWSDESK_CHANGES_RETENTION_DAYS` (30 by default); a
/// cursor older than that is a 410, after which a client re-reads what it mirrors
/// and follows the feed from its start.
#[utoipa::path(
    operation_id = "listChanges", tag = "changes",
    security(("bearer" = ["read:drafts"])),
    params(FeedParams),
    responses(
        (status = 200, description = "The records after the cursor (none when nothing is new)", body = ChangePage),
        (status = 410, response = crate::http::problems::Gone),
    )
)]
#[get("/changes")]
pub(crate) async fn list_changes(
    _reader: DraftReader,
    req: HttpRequest,
    db: web::Data<Database>,
    params: QueryParams<FeedParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.0;
    let secret = cursor_secret(&req);
    let request = FeedRequest::parse(params.after.as_deref(), params.limit.as_deref(), params.wait.as_deref(), &secret)
        .map_err(|e| match e {
            FeedError::Invalid(errors) => ApiError::Invalid(errors),
            FeedError::BadCursor(detail) => ApiError::BadRequest(format!("`after` {detail}")),
        })?;
    let deadline = request.wait.map(|w| Instant::now() + w);
    loop {
        // Listening before reading, so that a commit between the read and the wait
        // still wakes this request.
        let appended = changes::appended().notified();
        tokio::pin!(appended);
        appended.as_mut().enable();
        let read = db
            .run(move |c| -> Result<_, DbError> {
                let Some(after) = request.start(changes::pruned_through(c)?) else { return Ok(None) };
                Ok(Some((after, changes::after(c, after, request.limit)?)))
            })
            .await?;
        let Some((after, rows)) = read else {
            return Err(ApiError::Gone(
                "the change records after this cursor were pruned; re-read the articles, then follow the feed from \
                 its start (leave out `after`)"
                    .to_owned(),
            ));
        };
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now())).unwrap_or_default();
        if !rows.is_empty() || remaining.is_zero() {
            let last = rows.last().map_or(after, |r| r.seq);
            let items = rows.into_iter().map(ChangeRecord::try_from).collect::<Result<_, _>>()?;
            let page = ChangePage { items, next_cursor: LogPosition(last).encode(&secret) };
            return Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(page));
        }
        let _ = tokio::time::timeout(remaining.min(POLL), appended).await;
    }
}
