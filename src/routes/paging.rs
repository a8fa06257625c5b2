//! What every list response shares: the `Link: rel="next"` header (the page and its
//! cursor are `http::params::Page`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};

use crate::http::params::ListOrder;

/// The order of an article's child lists (quotes, related links): by position.
#[derive(Debug)]
pub(crate) enum ByPosition {}
impl ListOrder for ByPosition {
    const NAME: &'static str = "position";
}

/// A 200 response that carries `Link: <…>; rel="next"` when there is a next page.
pub(crate) fn page_response(req: &HttpRequest, next_cursor: Option<&str>) -> HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    if let Some(cursor) = next_cursor {
        let mut url = req.full_url();
        let kept: Vec<(String, String)> = url.query_pairs().into_owned().filter(|(k, _)| k != "cursor").collect();
        url.query_pairs_mut().clear().extend_pairs(kept).append_pair("cursor", cursor);
        response.insert_header((header::LINK, format!("<{url}>; rel=\"next\"")));
    }
    response
}
