//! Response compression negotiated by `Accept-Encoding` (RFC 9110 12.5.3): brotli,
//! zstd or gzip; bodies in memory up to 256 KiB (every API answer) are compressed
//! at once with settings sized for them ([`in_place`]), streams and larger bodies
//! with actix-http's encoders (the ones its `Compress` middleware uses). This middleware, and not `Compress`
//! itself, because the choice needs rules `Compress` does not have:
//!
//! - only text (JSON of every kind, problem documents, XML feeds and sitemaps, the
//!   docs' scripts, `/metrics`) is compressed, and only a body over
//!   [`MIN_COMPRESSED_LEN`] bytes or of unknown length (a streamed sitemap): below
//!   it, the coding's framing and the CPU cost more than the bytes saved;
//! - every text response says `Vary: Accept-Encoding`, the identity ones too, so
//!   that a shared cache never hands a compressed body to a client that did not
//!   ask for one, nor the identity one to every client;
//! - a compressed representation gets its own strong ETag, the identity one with
//!   the coding appended (`conditional::with_coding`; conditional headers take the
//!   suffix off again, so `If-Match` and `If-None-Match` work with either);
//! - a 304 carries the ETag of the coding a 200 would have had: the reply that
//!   makes it leaves the representation's media type and length behind
//!   ([`Representation`]) for this middleware to decide by;
//! - a client that refuses every coding, identity included, still gets identity
//!   (RFC 9110 12.5.3 says so), not the 406 `Compress` answers.
//!
//! Runs outside every middleware but the `HEAD` body drop: everything inside
//! (idempotent replays included) deals in identity bodies.

use actix_http::encoding::Encoder;
use actix_web::body::{BodySize, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, HeaderMap, HeaderValue, Preference, Quality,
};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage};

use super::conditional::with_coding;

/// Bodies up to this many bytes go uncompressed.
pub const MIN_COMPRESSED_LEN: usize = 1024;

/// What a 304 leaves for this middleware: the media type and length of the
/// representation a 200 would have sent.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Representation {
    pub content_type: &'static str,
    pub len: usize,
}

/// The codings offered, in the order preferred among those the client weighs
/// alike (browsers send `gzip, deflate, br, zstd`, all at weight 1): zstd gives
/// brotli's size for about half its CPU, and both beat gzip on size (BENCHMARKS.md,
/// "Compression").
const PREFERRED: [ContentEncoding; 3] = [ContentEncoding::Zstd, ContentEncoding::Brotli, ContentEncoding::Gzip];

/// The coding the client asked for: the offered one with the highest weight (its
/// own entry's, else `*`'s; RFC 9110 12.5.3), unless `identity` is named with a
/// higher one; identity when there is no `Accept-Encoding` or every offered coding
/// is refused.
fn negotiate(req: &ServiceRequest) -> ContentEncoding {
    let Some(AcceptEncoding(items)) = req.get_header::<AcceptEncoding>() else {
        return ContentEncoding::Identity;
    };
    let weight = |coding: ContentEncoding| {
        let named = items.iter().find(|i| matches!(&i.item, Preference::Specific(Encoding::Known(c)) if *c == coding));
        named.or_else(|| items.iter().find(|i| matches!(i.item, Preference::Any))).map(|i| i.quality)
    };
    let identity = weight(ContentEncoding::Identity).unwrap_or(Quality::ZERO);
    let mut best: Option<(Quality, ContentEncoding)> = None;
    for coding in PREFERRED {
        if let Some(quality) = weight(coding).filter(|q| *q > Quality::ZERO)
            && best.is_none_or(|(top, _)| quality > top)
        {
            best = Some((quality, coding));
        }
    }
    match best {
        Some((quality, coding)) if quality >= identity => coding,
        _ => ContentEncoding::Identity,
    }
}

/// Whether a media type is text worth compressing.
fn compressible(content_type: &str) -> bool {
    let Ok(media) = content_type.parse::<mime::Mime>() else { return false };
    let subtype = media.subtype();
    media.type_() == mime::TEXT
        || (media.type_() == mime::APPLICATION
            && (matches!(subtype.as_str(), "json" | "xml" | "javascript" | "x-ndjson")
                || media.suffix().is_some_and(|s| s == mime::JSON || s == mime::XML)))
        || (media.type_() == mime::IMAGE && subtype == mime::SVG)
}

/// The coding this response goes out with, after adding `Vary` and the coding's
/// ETag where they belong.
fn choose(res: &mut ServiceResponse<impl MessageBody>, wanted: ContentEncoding) -> ContentEncoding {
    let status = res.status();
    let marked = res.response().extensions().get::<Representation>().copied();
    let content_type = match (marked, res.headers().get(header::CONTENT_TYPE)) {
        (Some(marked), _) => Some(marked.content_type.to_owned()),
        (None, Some(value)) => value.to_str().ok().map(str::to_owned),
        (None, None) => None,
    };
    if !content_type.as_deref().is_some_and(compressible) {
        return ContentEncoding::Identity;
    }
    add_vary(res.headers_mut());
    let len = match (marked, res.response().body().size()) {
        (Some(marked), _) => Some(marked.len),
        (None, BodySize::Sized(len)) => usize::try_from(len).ok(),
        (None, BodySize::Stream) => None,
        (None, BodySize::None) => Some(0),
    };
    let encodable = !matches!(status, StatusCode::NO_CONTENT | StatusCode::PARTIAL_CONTENT)
        && (status != StatusCode::NOT_MODIFIED || marked.is_some())
        && !res.headers().contains_key(header::CONTENT_ENCODING);
    if wanted == ContentEncoding::Identity || !encodable || len.is_some_and(|len| len <= MIN_COMPRESSED_LEN) {
        return ContentEncoding::Identity;
    }
    let headers = res.headers_mut();
    let tagged = headers
        .get(header::ETAG)
        .and_then(|etag| etag.to_str().ok())
        .and_then(|etag| with_coding(etag, wanted.as_str()));
    if let Some(value) = tagged.and_then(|etag| HeaderValue::from_str(&etag).ok()) {
        headers.insert(header::ETAG, value);
    }
    wanted
}

/// Appends `Accept-Encoding` to `Vary` unless it is listed already.
fn add_vary(headers: &mut HeaderMap) {
    let listed = headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("accept-encoding"));
    if !listed {
        headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
}

/// The middleware.
pub(crate) async fn compress<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let wanted = negotiate(&req);
    let mut res = next.call(req).await?;
    let coding = choose(&mut res, wanted);
    Ok(res.map_body(move |head, body| {
        let body = match body.try_into_bytes() {
            Ok(bytes) if coding == ContentEncoding::Identity => return EitherBody::left(bytes),
            Ok(bytes) if bytes.len() > IN_PLACE_MAX_LEN => EitherBody::left(bytes),
            Ok(bytes) => match in_place(coding, &bytes) {
                Some(encoded) => {
                    head.headers.insert(header::CONTENT_ENCODING, coding.to_header_value());
                    return EitherBody::left(Bytes::from(encoded));
                }
                None => EitherBody::left(bytes),
            },
            Err(body) => EitherBody::right(body),
        };
        // A stream, or an in-memory body too large to compress here: actix-http's
        // encoder, which compresses piece by piece on the blocking pool. `Vary` is already
        // right; the encoder's own `accept-encoding` would repeat it.
        let vary: Vec<HeaderValue> = head.headers.get_all(header::VARY).cloned().collect();
        let encoded = Encoder::response(coding, head, body);
        head.headers.remove(header::VARY);
        for value in vary {
            head.headers.append(header::VARY, value);
        }
        EitherBody::right(encoded)
    }))
}

/// A body already in memory, compressed on the spot with settings sized for it;
/// `None` when the coding is not one of these.
///
/// actix-http's encoder makes a fresh brotli compressor with a 4 MiB window and a
/// zstd one that does not know the input's size for every response, and hands
/// every piece over 1 KiB to the blocking thread pool: on a page of 20 articles
/// (26 KB) brotli then cost 3.6 to 4.4 ms of CPU a request, and brotli and zstd
/// took hundreds of MiB of memory under load. Here brotli's window is just large
/// enough for the body, zstd is told the size, and the work stays on the worker:
/// brotli adds about 0.75 ms a request, zstd and gzip about 0.3 ms, with no memory
/// to speak of (BENCHMARKS.md, "Compression").
fn in_place(coding: ContentEncoding, bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    match coding {
        ContentEncoding::Gzip => {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(bytes).ok()?;
            encoder.finish().ok()
        }
        ContentEncoding::Brotli => {
            // The smallest window (10 to 24 bits) that holds the whole body.
            let window = (usize::BITS - bytes.len().leading_zeros()).clamp(10, 24);
            let mut out = Vec::new();
            {
                let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, window);
                encoder.write_all(bytes).ok()?;
                encoder.flush().ok()?;
            }
            Some(out)
        }
        ContentEncoding::Zstd => zstd::bulk::compress(bytes, ZSTD_LEVEL).ok(),
        _ => None,
    }
}

/// The largest body compressed on the worker: a page of 100 articles as long as the
/// benchmark's (26 KB a page of 20, so about 130 KB) fits; a larger body (the docs'
/// script bundle, over a megabyte) would hold the worker for milliseconds, so it
/// goes to actix-http's encoder, which compresses on the blocking pool.
const IN_PLACE_MAX_LEN: usize = 256 * 1024;

/// Brotli's quality (0 to 11): 4 compresses API JSON about as well as zstd's
/// level 3, at a similar cost.
const BROTLI_QUALITY: u32 = 4;
/// zstd's level: its default.
const ZSTD_LEVEL: i32 = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_compressible_and_media_are_not() {
        for text in [
            "application/json",
            "application/problem+json",
            "application/ld+json",
            "application/feed+json",
            "application/atom+xml",
            "application/rss+xml",
            "application/xml; charset=utf-8",
            "text/plain; version=0.0.4",
            "text/html",
            "application/javascript",
        ] {
            assert!(compressible(text), "{text}");
        }
        for other in ["image/png", "application/octet-stream", "font/woff2", "nonsense"] {
            assert!(!compressible(other), "{other}");
        }
    }

    #[test]
    fn in_place_codings_decode_to_the_input() {
        use std::io::Read;
        let body = serde_json::to_vec(&serde_json::json!({"items": vec!["Paragraph one, and two."; 400]})).unwrap();
        let gzip = in_place(ContentEncoding::Gzip, &body).unwrap();
        let br = in_place(ContentEncoding::Brotli, &body).unwrap();
        let zstd = in_place(ContentEncoding::Zstd, &body).unwrap();
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(gzip.as_slice()).read_to_end(&mut decoded).unwrap();
        assert_eq!(decoded, body);
        decoded.clear();
        brotli::Decompressor::new(br.as_slice(), 4096).read_to_end(&mut decoded).unwrap();
        assert_eq!(decoded, body);
        assert_eq!(zstd::decode_all(zstd.as_slice()).unwrap(), body);
        assert!(in_place(ContentEncoding::Identity, &body).is_none());
    }

    fn negotiated(accept: &str) -> ContentEncoding {
        let req = actix_web::test::TestRequest::default().insert_header((header::ACCEPT_ENCODING, accept));
        negotiate(&req.to_srv_request())
    }

    #[test]
    fn the_heaviest_coding_wins_and_zstd_breaks_ties() {
        for (accept, expected) in [
            ("gzip, deflate, br, zstd", ContentEncoding::Zstd),
            ("gzip, deflate, br", ContentEncoding::Brotli),
            ("br;q=0.5, gzip", ContentEncoding::Gzip),
            ("*", ContentEncoding::Zstd),
            ("*, zstd;q=0", ContentEncoding::Brotli),
            ("identity;q=1, gzip;q=0.5", ContentEncoding::Identity),
            ("gzip;q=0.5", ContentEncoding::Gzip),
            ("identity", ContentEncoding::Identity),
            ("*;q=0, identity;q=0", ContentEncoding::Identity),
            ("deflate", ContentEncoding::Identity),
        ] {
            assert_eq!(negotiated(accept), expected, "Accept-Encoding: {accept}");
        }
    }

    #[test]
    fn vary_is_added_once() {
        let mut headers = HeaderMap::new();
        headers.append(header::VARY, HeaderValue::from_static("Authorization"));
        add_vary(&mut headers);
        add_vary(&mut headers);
        let values: Vec<_> = headers.get_all(header::VARY).collect();
        assert_eq!(values, ["Authorization", "Accept-Encoding"]);
    }
}
