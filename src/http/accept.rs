//! `Accept` negotiation for the one resource with two representations: an
//! article as JSON (the default) or as schema.org JSON-LD.

use actix_web::HttpRequest;
use actix_web::http::header;

/// The JSON-LD media type.
pub(crate) const JSON_LD: &str = "application/ld+json";

/// The quality a list of media ranges gives `wanted`: its own entry's `q`, else
/// that of `type/*`, else of `*/*`; 0 when none names it.
fn quality(accept: &str, wanted: &str) -> f32 {
    let (kind, _) = wanted.split_once('/').unwrap_or((wanted, ""));
    let mut best: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let specificity = if name == wanted {
            3
        } else if name == format!("{kind}/*") {
            2
        } else if name == "*/*" {
            1
        } else {
            continue;
        };
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
}

/// Whether the client asks for JSON-LD: it names `application/ld+json` (with a
/// quality above 0) and ranks plain JSON no higher. A client that sends no
/// `Accept`, `*/*` or `application/json` gets JSON, as before.
pub(crate) fn wants_json_ld(req: &HttpRequest) -> bool {
    let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let named = accept.split(',').any(|r| r.split(';').next().is_some_and(|n| n.trim().eq_ignore_ascii_case(JSON_LD)));
    let ld = quality(accept, JSON_LD);
    named && ld > 0.0 && ld >= quality(accept, "application/json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn wants(accept: Option<&str>) -> bool {
        let mut req = TestRequest::default();
        if let Some(accept) = accept {
            req = req.insert_header((header::ACCEPT, accept));
        }
        wants_json_ld(&req.to_http_request())
    }

    #[test]
    fn json_ld_only_when_named_and_preferred() {
        assert!(wants(Some("application/ld+json")));
        assert!(wants(Some("application/ld+json, application/json;q=0.5")));
        assert!(wants(Some("application/json;q=0.9, application/ld+json")));
        assert!(wants(Some("APPLICATION/LD+JSON; charset=utf-8")));
        assert!(!wants(None));
        assert!(!wants(Some("*/*")));
        assert!(!wants(Some("application/json")));
        assert!(!wants(Some("application/*")));
        assert!(!wants(Some("application/ld+json;q=0")));
        assert!(!wants(Some("application/ld+json;q=0.5, application/json")));
    }
}
