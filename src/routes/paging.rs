//! What every list response shares: cutting the look-ahead row off a page, the next
//! cursor, and the `Link: rel="next"` header.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::cursor::Cursor;
use crate::domain::paging::ListError;
use crate::error::ApiError;

/// Rows were fetched with `limit + 1`: keep `limit` of them and, when there were
/// more, make the cursor that continues after the last one kept.
pub fn split_page<R>(
    mut rows: Vec<R>,
    limit: i64,
    order: &str,
    cursor_of: impl Fn(&R) -> Result<Cursor, ApiError>,
) -> Result<(Vec<R>, Option<String>), ApiError> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() <= limit {
        return Ok((rows, None));
    }
    rows.truncate(limit);
    let next = rows.last().map(|row| cursor_of(row).map(|c| c.encode(order))).transpose()?;
    Ok((rows, next))
}

/// A 200 response that carries `Link: <…>; rel="next"` when there is a next page.
pub fn page_response(req: &HttpRequest, next_cursor: Option<&str>) -> HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    if let Some(cursor) = next_cursor {
        let mut url = req.full_url();
        let kept: Vec<(String, String)> = url.query_pairs().into_owned().filter(|(k, _)| k != "cursor").collect();
        url.query_pairs_mut().clear().extend_pairs(kept).append_pair("cursor", cursor);
        response.insert_header((header::LINK, format!("<{url}>; rel=\"next\"")));
    }
    response
}

/// A refused list request as a problem: bad parameters 422, bad cursor 400.
pub fn list_error(error: ListError) -> ApiError {
    match error {
        ListError::Invalid(errors) => ApiError::Invalid(errors),
        ListError::BadCursor(detail) => ApiError::BadRequest(format!("cursor {detail}")),
    }
}

/// Reads a stored id back as a UUID (a failure means corrupt data: a 500).
pub fn stored_uuid(id: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::try_parse(id).map_err(|e| ApiError::Internal(anyhow::anyhow!("stored id {id:?}: {e}")))
}

/// Page parameters of a child list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1..=100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page; empty (or left out) for the first page.
    pub cursor: Option<String>,
}

/// Reads `{id}` of a quote or link: it must be a UUID.
pub fn child_id(raw: &str) -> Result<String, ApiError> {
    crate::domain::id::parse(raw)
        .map(|id| id.to_string())
        .ok_or_else(|| ApiError::BadRequest(format!("`{raw}` is not an id (UUID)")))
}
