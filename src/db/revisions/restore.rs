//! Restoring a revision: the article, its quotes and its links made equal to a
//! snapshot in one write transaction, recorded as a new revision.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::articles::lookup::{ArticleKey, ArticleRow, find};
use crate::db::articles::store_fields;
use crate::db::child_rows::{QuoteRow, RelatedLinkRow, TargetRow};
use crate::db::schema::{articles, quotes, related_links};
use crate::db::{DbConn, WriteError, locked_for_write, write_transaction};
use crate::domain::change::ChangeType;
use crate::domain::related_link::LinkTarget;
use crate::domain::revision::RestorePlan;
use crate::domain::slug::Slug;
use crate::domain::version::Expected;

/// A restore to run: the revision and what its snapshot reads back as.
#[derive(Debug, Clone)]
pub(crate) struct RestoreInput {
    pub revision: i32,
    pub plan: RestorePlan,
}

/// What a restore stored.
#[derive(Debug)]
pub(crate) struct RestoreOutcome {
    pub article: ArticleRow,
    /// The snapshot's links to articles that are gone, as the snapshot shows them.
    pub left_out: Vec<serde_json::Value>,
    /// The snapshot's slug belongs to another article now: the current one stayed.
    pub kept_slug: bool,
}

/// Makes the article equal to the snapshot, checking `If-Match` on it. Quotes and
/// links keep their snapshot ids: one that exists now is updated in place (its
/// version goes up), one deleted since comes back, one added since goes.
pub(crate) fn restore(
    conn: &mut DbConn,
    key: &ArticleKey,
    expected: &Expected,
    input: RestoreInput,
    now: DateTime<Utc>,
) -> Result<RestoreOutcome, WriteError> {
    write_transaction(conn, now, |c, log| {
        log.restoring(input.revision);
        let current = locked_for_write(c, |c| find(c, key), expected)?;
        let mut fields = input.plan.article.clone();
        let wanted = fields.slug.as_ref().map(ToString::to_string).unwrap_or_else(|| current.slug.clone());
        let taken: bool = diesel::select(diesel::dsl::exists(
            articles::table.filter(articles::slug.eq(&wanted)).filter(articles::id.ne(&current.id)),
        ))
        .get_result(c)?;
        if taken {
            fields.slug = Slug::parse(&current.slug).ok();
        }
        let article = store_fields(c, log, &current, &fields, now)?;
        restore_quotes(c, log, &article.id, &input.plan, now)?;
        let left_out = restore_links(c, log, &article.id, &input.plan, now)?;
        Ok(RestoreOutcome { article, left_out, kept_slug: taken })
    })
}

fn restore_quotes(
    c: &mut DbConn,
    log: &mut crate::db::changes::ChangeLog,
    article_id: &str,
    plan: &RestorePlan,
    now: DateTime<Utc>,
) -> Result<(), WriteError> {
    let mine = quotes::table.filter(quotes::article_id.eq(article_id));
    let old: HashMap<String, QuoteRow> =
        mine.select(QuoteRow::as_select()).load(c)?.into_iter().map(|q| (q.id.clone(), q)).collect();
    diesel::delete(mine).execute(c)?;
    let rows: Vec<QuoteRow> = plan
        .quotes
        .iter()
        .enumerate()
        .map(|(position, q)| {
            let id = q.id.to_string();
            let before = old.get(&id).map_or(0, |o| o.version);
            QuoteRow {
                article_id: article_id.to_owned(),
                text: q.fields.text.clone(),
                speaker_name: q.fields.speaker_name.clone(),
                speaker_key: q.fields.speaker_key(),
                speaker_title: q.fields.speaker_title.clone(),
                context: q.fields.context.clone(),
                position: i32::try_from(position).unwrap_or(i32::MAX),
                version: before.max(q.version) + 1,
                created_at: q.created_at.naive_utc(),
                updated_at: now.naive_utc(),
                id,
            }
        })
        .collect();
    insert_rows!(c, quotes::table, &rows)?;
    for row in &rows {
        if old.contains_key(&row.id) {
            log.quote(ChangeType::QuoteUpdated, row);
        } else {
            log.quote_created(row)?;
        }
    }
    for gone in old.values().filter(|o| !rows.iter().any(|r| r.id == o.id)) {
        log.quote_deleted(gone);
    }
    Ok(())
}

/// Returns the links left out because their target is gone.
fn restore_links(
    c: &mut DbConn,
    log: &mut crate::db::changes::ChangeLog,
    article_id: &str,
    plan: &RestorePlan,
    now: DateTime<Utc>,
) -> Result<Vec<serde_json::Value>, WriteError> {
    let mine = related_links::table.filter(related_links::article_id.eq(article_id));
    let old: HashMap<String, RelatedLinkRow> =
        mine.select(RelatedLinkRow::as_select()).load(c)?.into_iter().map(|l| (l.id.clone(), l)).collect();
    diesel::delete(mine).execute(c)?;
    let wanted: Vec<String> = plan
        .links
        .iter()
        .filter_map(|l| match &l.fields.target {
            LinkTarget::Article(id) => Some(id.to_string()),
            LinkTarget::Url(_) => None,
        })
        .collect();
    let targets: HashMap<String, TargetRow> = articles::table
        .filter(articles::id.eq_any(&wanted))
        .select((articles::id, articles::slug, articles::title, articles::status))
        .load::<TargetRow>(c)?
        .into_iter()
        .map(|t| (t.0.clone(), t))
        .collect();
    let mut left_out = Vec::new();
    let mut rows: Vec<RelatedLinkRow> = Vec::new();
    for link in &plan.links {
        let (target_article_id, url) = match &link.fields.target {
            LinkTarget::Article(id) if !targets.contains_key(&id.to_string()) => {
                left_out.push(link.shown.clone());
                continue;
            }
            LinkTarget::Article(id) => (Some(id.to_string()), None),
            LinkTarget::Url(url) => (None, Some(url.clone())),
        };
        let id = link.id.to_string();
        let before = old.get(&id).map_or(0, |o| o.version);
        rows.push(RelatedLinkRow {
            article_id: article_id.to_owned(),
            target_article_id,
            url,
            title: link.fields.title.clone(),
            relation: link.fields.relation.as_str().to_owned(),
            position: i32::try_from(rows.len()).unwrap_or(i32::MAX),
            version: before.max(link.version) + 1,
            created_at: link.created_at.naive_utc(),
            updated_at: now.naive_utc(),
            id,
        });
    }
    insert_rows!(c, related_links::table, &rows)?;
    for row in &rows {
        if old.contains_key(&row.id) {
            log.link(ChangeType::RelatedLinkUpdated, row);
        } else {
            let target = row.target_article_id.as_ref().and_then(|t| targets.get(t)).cloned();
            log.link_created((row.clone(), target))?;
        }
    }
    for gone in old.values().filter(|o| !rows.iter().any(|r| r.id == o.id)) {
        log.link_deleted(gone);
    }
    Ok(left_out)
}
