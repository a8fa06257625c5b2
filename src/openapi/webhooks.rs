//! The document's top-level `webhooks` (OpenAPI 3.1): the request Newsdesk sends
//! to a subscriber, with its Standard Webhooks headers and what each answer means.
//! utoipa's path macros describe operations the service serves, not ones it makes,
//! so this part is written here as JSON.

use serde_json::{Value, json};

/// The event patterns a subscription accepts, as a regular expression.
fn event_pattern() -> String {
    let types: Vec<String> = crate::domain::webhook::event_types().map(|t| t.replace('.', "\\.")).collect();
    format!("^(\\*|(article|quote|related_link)\\.\\*|{})$", types.join("|"))
}

/// Adds the `webhooks` section, its payload schema referring to `ChangeRecord`.
pub(super) fn add(doc: &mut Value) {
    let header = |name: &str, description: &str, example: &str| {
        json!({"name": name, "in": "header", "required": true, "description": description,
               "schema": {"type": "string"}, "example": example})
    };
    let delivery = json!({
        "post": {
            "operationId": "changeEvent",
            "summary": "A change event, delivered to a subscription's URL",
            "description": "Sent for every change record whose type matches one of the subscription's `events`, \
    as a Standard Webhooks request: verify it with any Standard Webhooks library and the subscription's `secret`. \
    Events of one article arrive in change order (a later one waits while an earlier one is retried); events of \
    different articles do not wait for each other. Delivery is at least once: a receiver should de-duplicate by \
    `webhook-id`. Redirects are not followed; an answer must come within 15 s \
    (`NEWSDESK_WEBHOOK_TIMEOUT_MS`).",
            "tags": ["webhooks"],
            "parameters": [
                header("webhook-id", "The delivery's id: the same on every retry of this event.",
                       "0192f0c4-0000-7000-8000-000000000001"),
                header("webhook-timestamp", "When this attempt was sent, in seconds since the Unix epoch.",
                       "1711616400"),
                header("webhook-signature",
                       "`v1,<base64 of HMAC-SHA256 over \"<webhook-id>.<webhook-timestamp>.<body>\">`, keyed by \
    the base64-decoded part of the secret after `whsec_`. For 24 hours after a rotation, two signatures \
    (new and old secret), separated by a space.",
                       "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
            ],
            "requestBody": {
                "required": true,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookPayload"}}}
            },
            // Authenticated by its signature, not by credentials of the receiver's.
            "security": [],
            // The receiver's answers; 410, 429 and 503 are told apart in `default`
            // (they are the receiver's statuses, not problems Newsdesk sends).
            "responses": {
                "2XX": {"description": "Received: the delivery is done."},
                "default": {"description": "Any other answer, no answer or a timeout: retried after 5 s, 5 min, \
    30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (`NEWSDESK_WEBHOOK_RETRY_SCHEDULE`), then failed (a retry by hand \
    sends it again); after 3 failed deliveries in a row the subscription is disabled. A 429 or 503 with \
    `Retry-After` (seconds or an HTTP date) is retried after that wait instead. A 410 (Gone) disables the \
    subscription at once: nothing more is sent."}
            }
        }
    });
    doc["webhooks"] = json!({"changeEvent": delivery});
    // An event pattern is an exact type, `<kind>.*` or `*`, each listed once.
    for schema in ["WebhookInput", "WebhookPatch"] {
        if let Some(events) = doc.pointer_mut(&format!("/components/schemas/{schema}/properties/events")) {
            events["uniqueItems"] = true.into();
            events["items"] = json!({"type": "string", "pattern": event_pattern()});
        }
    }
    doc["components"]["schemas"]["WebhookPayload"] = json!({
        "type": "object",
        "description": "The body of a delivery.",
        "required": ["type", "timestamp", "data"],
        "properties": {
            "type": {"$ref": "#/components/schemas/ChangeType"},
            "timestamp": {"type": "string", "format": "date-time",
                          "description": "When the change was committed (the record's `occurred_at`)."},
            "data": {"$ref": "#/components/schemas/ChangeRecord"}
        }
    });
}
