//! Webhook subscriptions: the event patterns a subscriber picks, the rules of a
//! subscription request, its signing secret, and the Standard Webhooks signature
//! every delivery carries.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;

use super::text::optional;
use super::webhook_address::check_url;
use super::{FieldError, Violations};

/// Longest `description`, in characters.
pub const MAX_DESCRIPTION_LEN: usize = 500;
/// Longest `url`, in characters (the limit every stored URL has).
pub const MAX_WEBHOOK_URL_LEN: usize = super::text::MAX_URL_LEN;
/// Most patterns in `events`.
pub const MAX_EVENTS: usize = 20;
/// What a signing secret starts with (the Standard Webhooks convention).
pub(crate) const SECRET_PREFIX: &str = "whsec_";
/// How long a rotated-out secret keeps signing, so that a receiver can switch
/// without missing a delivery.
pub(crate) const ROTATION_OVERLAP: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// The resource kinds whose events a pattern can name with `<kind>.*`.
const KINDS: [&str; 3] = ["article", "quote", "related_link"];

/// Every event type, as the change log names them.
pub(crate) fn event_types() -> impl Iterator<Item = &'static str> {
    super::change::ChangeType::ALL.into_iter().map(super::change::ChangeType::as_str)
}

/// One entry of `events`: an exact type (`quote.created`), every type of a kind
/// (`article.*`), or every type (`*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventPattern(String);

impl EventPattern {
    /// Reads a pattern, refusing one that names no event type.
    pub(crate) fn parse(raw: &str) -> Result<Self, String> {
        let known = raw == "*"
            || event_types().any(|t| t == raw)
            || raw.strip_suffix(".*").is_some_and(|kind| KINDS.contains(&kind));
        if known {
            Ok(Self(raw.to_owned()))
        } else {
            Err(format!("`{raw}` is not an event type, `<kind>.*` (kind: article, quote, related_link) or `*`"))
        }
    }

    /// Whether an event of `event_type` matches.
    pub(crate) fn matches(&self, event_type: &str) -> bool {
        match self.0.strip_suffix('*') {
            Some("") => true,
            Some(prefix) => event_type.starts_with(prefix),
            None => self.0 == event_type,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// A subscription's patterns, as stored (a JSON array of strings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventPatterns(Vec<EventPattern>);

impl EventPatterns {
    /// Checks every pattern; errors point at `/events/<index>`.
    pub(crate) fn parse(raw: &[String], violations: &mut Violations) -> Option<Self> {
        if raw.is_empty() || raw.len() > MAX_EVENTS {
            violations.push(FieldError::body("/events", format!("must hold 1 to {MAX_EVENTS} patterns")));
            return None;
        }
        let mut patterns = Vec::new();
        for (index, pattern) in raw.iter().enumerate() {
            let checked = EventPattern::parse(pattern)
                .and_then(|p| if patterns.contains(&p) { Err(format!("`{pattern}` is listed twice")) } else { Ok(p) });
            patterns.extend(violations.check(&format!("/events/{index}"), checked));
        }
        (patterns.len() == raw.len()).then_some(Self(patterns))
    }

    /// Whether any pattern matches an event of `event_type`.
    pub(crate) fn matches(&self, event_type: &str) -> bool {
        self.0.iter().any(|p| p.matches(event_type))
    }

    /// The patterns as the API shows them.
    pub(crate) fn to_vec(&self) -> Vec<String> {
        self.0.iter().map(|p| p.as_str().to_owned()).collect()
    }

    /// The stored form.
    pub(crate) fn to_stored(&self) -> String {
        serde_json::Value::from(self.to_vec()).to_string()
    }

    /// Reads the stored form back.
    pub(crate) fn from_stored(stored: &str) -> Result<Self, String> {
        let raw: Vec<String> = serde_json::from_str(stored).map_err(|e| e.to_string())?;
        raw.iter().map(|p| EventPattern::parse(p)).collect::<Result<_, _>>().map(Self)
    }
}

/// A subscription as a client writes it: the body of `POST /v1/webhooks`, and what
/// a merge patch is applied to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "url": "https://hooks.example.com/newsdesk",
    "events": ["article.*", "quote.created"],
    "description": "front-end rebuilds"
}))]
pub(crate) struct WebhookInput {
    /// Where deliveries are POSTed: an absolute http(s) URL at a public address,
    /// up to 2,048 characters.
    #[schema(example = "https://hooks.example.com/newsdesk", format = "uri", max_length = 2048)]
    pub url: String,
    /// Which events to deliver: exact types (`quote.created`), every type of a
    /// kind (`article.*`, `quote.*`, `related_link.*`) or `*`; 1 to 20, no repeats.
    #[schema(min_items = 1, max_items = 20, example = json!(["article.*"]))]
    pub events: Vec<String>,
    /// What the subscription is for, up to 500 characters.
    #[serde(default)]
    #[schema(max_length = 500, example = "front-end rebuilds")]
    pub description: Option<String>,
    /// Whether deliveries are made; `false` pauses them (default `true`).
    #[serde(default = "enabled_by_default")]
    #[schema(default = true)]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// A validated subscription request.
#[derive(Debug, Clone)]
pub(crate) struct WebhookFields {
    pub url: String,
    pub events: EventPatterns,
    pub description: Option<String>,
    pub enabled: bool,
}

impl WebhookFields {
    /// Checks every rule, reporting all broken ones together. `allow_private`
    /// (`NEWSDESK_WEBHOOK_ALLOW_PRIVATE`) lets the URL name a private address.
    pub(crate) fn validate(input: WebhookInput, allow_private: bool) -> Result<Self, Vec<FieldError>> {
        let mut violations = Violations::default();
        let url = violations.check("/url", check_url(&input.url, allow_private).map(|_| input.url.clone()));
        let events = EventPatterns::parse(&input.events, &mut violations);
        let description = violations.check("/description", optional(input.description, MAX_DESCRIPTION_LEN));
        violations.finish()?;
        match (url, events, description) {
            (Some(url), Some(events), Some(description)) => {
                Ok(Self { url, events, description, enabled: input.enabled })
            }
            _ => Err(vec![FieldError::body("", "invalid webhook")]),
        }
    }
}

/// A new signing secret: `whsec_` and 32 random bytes in standard base64.
pub(crate) fn generate_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes)))
}

/// The `v1,<signature>` of one delivery under one secret: base64 of
/// HMAC-SHA256, keyed by the secret's bytes, over `id.timestamp.body`.
pub(crate) fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = STANDARD.decode(encoded).map_err(|e| format!("unreadable secret: {e}"))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    Ok(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

/// The `webhook-signature` header: one signature per live secret, space-separated
/// (the current one, then the previous one while it overlaps).
pub(crate) fn signature_header(
    secrets: &[&str],
    id: &str,
    timestamp: DateTime<Utc>,
    body: &str,
) -> Result<String, String> {
    let signed: Result<Vec<String>, String> =
        secrets.iter().map(|s| signature(s, id, timestamp.timestamp(), body)).collect();
    Ok(signed?.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_exact_kind_and_everything() {
        let parse = |p: &str| EventPattern::parse(p).unwrap();
        assert!(parse("article.*").matches("article.published"));
        assert!(!parse("article.*").matches("quote.created"));
        assert!(parse("quote.created").matches("quote.created"));
        assert!(!parse("quote.created").matches("quote.deleted"));
        assert!(parse("*").matches("related_link.deleted"));
        for bad in ["article", "articles.*", "quote.*.*", "", "article.removed", "*.created"] {
            assert!(EventPattern::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_request_reports_every_broken_rule() {
        let input = WebhookInput {
            url: "http://10.0.0.1/hook".into(),
            events: vec!["article.*".into(), "nope".into(), "article.*".into()],
            description: Some("x".repeat(501)),
            enabled: true,
        };
        let errors = WebhookFields::validate(input, false).unwrap_err();
        let pointers: Vec<_> = errors.iter().filter_map(|e| e.pointer.clone()).collect();
        assert_eq!(pointers, ["/url", "/events/1", "/events/2", "/description"]);
    }

    #[test]
    fn stored_patterns_read_back() {
        let mut violations = Violations::default();
        let patterns = EventPatterns::parse(&["article.*".into(), "quote.created".into()], &mut violations).unwrap();
        assert_eq!(EventPatterns::from_stored(&patterns.to_stored()), Ok(patterns));
    }

    #[test]
    fn secrets_are_32_random_bytes() {
        let (a, b) = (generate_secret().unwrap(), generate_secret().unwrap());
        assert_ne!(a, b);
        let bytes = STANDARD.decode(a.strip_prefix(SECRET_PREFIX).unwrap()).unwrap();
        assert_eq!(bytes.len(), 32);
    }

    #[test]
    fn the_signature_is_the_standard_webhooks_one() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        let signed = signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body).unwrap();
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let at = DateTime::from_timestamp(1_614_265_330, 0).unwrap();
        let header = signature_header(&[secret, secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", at, body).unwrap();
        assert_eq!(header, format!("{signed} {signed}"));
    }
}
