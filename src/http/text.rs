//! Plain-text request bodies (an imported page, or NDJSON lines of them): media
//! type checked (415), size limited (413), UTF-8 required (400).

use std::future::Future;
use std::pin::Pin;

use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::json::BodyLimit;
use crate::error::ApiError;

/// The media types a text body may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextKind {
    /// `text/plain`: one page.
    Plain,
    /// `application/x-ndjson`: one JSON object per line.
    Ndjson,
}

/// A request body read as UTF-8 text, with its media type.
#[derive(Debug)]
pub(crate) struct TextBody {
    pub kind: TextKind,
    pub text: String,
}

impl FromRequest for TextBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<BodyLimit>().map_or(crate::config::DEFAULT_BODY_LIMIT, |l| l.0);
        let kind = text_kind(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let kind = kind?;
            let bytes = body.await.map_err(|e| match e.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => ApiError::PayloadTooLarge { limit },
                _ => ApiError::BadRequest(format!("the request body could not be read: {e}")),
            })?;
            let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
                ApiError::BadRequest(format!(
                    "the body is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ))
            })?;
            Ok(Self { kind, text })
        })
    }
}

/// Accepts `text/plain` and `application/x-ndjson`, in UTF-8 (the charset may be
/// left out).
fn text_kind(req: &HttpRequest) -> Result<TextKind, ApiError> {
    let refuse = |what: &str| {
        ApiError::UnsupportedMediaType(format!("{what}; send text/plain; charset=utf-8 or application/x-ndjson"))
    };
    let Some(raw) = req.headers().get(header::CONTENT_TYPE) else {
        return Err(refuse("the request has no Content-Type"));
    };
    let parsed: mime::Mime =
        raw.to_str().ok().and_then(|s| s.parse().ok()).ok_or_else(|| refuse("the Content-Type header is malformed"))?;
    let kind = match (parsed.type_().as_str(), parsed.subtype().as_str()) {
        ("text", "plain") => TextKind::Plain,
        ("application", "x-ndjson") => TextKind::Ndjson,
        _ => return Err(refuse(&format!("Content-Type {} is not accepted here", parsed.essence_str()))),
    };
    match parsed.get_param(mime::CHARSET) {
        Some(charset) if !charset.as_str().eq_ignore_ascii_case("utf-8") => {
            Err(refuse(&format!("charset {charset} is not supported")))
        }
        _ => Ok(kind),
    }
}
