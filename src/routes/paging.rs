//! What every list response shares: the `Link: rel="next"` header (the page and its
//! cursor are `http::params::Page`).

use actix_web::http::header::{self, HeaderValue};
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
    if let Some(link) = next_link(req, next_cursor) {
        response.insert_header((header::LINK, link));
    }
    response
}

/// `<…>; rel="next"`: this request's URL with `cursor` set to `next_cursor`, when
/// there is a next page.
pub(crate) fn next_link(req: &HttpRequest, next_cursor: Option<&str>) -> Option<HeaderValue> {
    let cursor = next_cursor?;
    let mut url = req.full_url();
    let kept: Vec<(String, String)> = url.query_pairs().into_owned().filter(|(k, _)| k != "cursor").collect();
    url.query_pairs_mut().clear().extend_pairs(kept).append_pair("cursor", cursor);
    HeaderValue::from_str(&format!("<{url}>; rel=\"next\"")).ok()
}
