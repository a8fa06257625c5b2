//! Regressions for what schemathesis (`tests/fuzz/run`) found: schema-valid input that
//! the service refused or mishandled.

use serde_json::json;

use crate::helpers::TestApp;

crate::tests![published_at_far_from_1970_is_accepted_and_kept_to_the_microsecond];

/// Any RFC 3339 time in the years 0001..=9999 is valid; a nanosecond count in an
/// i64 (1677..=2262) once made years such as 0332 or 9000 a 422.
async fn published_at_far_from_1970_is_accepted_and_kept_to_the_microsecond(app: TestApp) {
    for (sent, stored) in [
        ("0332-03-11T10:02:41+04:07", "0332-03-11T05:55:41Z"),
        ("1600-01-01T00:00:00.1234567Z", "1600-01-01T00:00:00.123456Z"),
        ("9000-12-31T23:59:59.999999999Z", "9000-12-31T23:59:59.999999Z"),
    ] {
        let created = app.create_article(&json!({"title": "Old news", "published_at": sent})).await;
        assert_eq!(created["published_at"], stored, "{sent}");
        let path = format!("/v1/articles/{}", created["id"].as_str().unwrap());
        let patched = app.patch(&path, &json!({"published_at": sent})).await;
        assert_eq!(patched.status, 200, "{}", patched.text);
        assert_eq!(patched.body["published_at"], stored, "{sent}");
    }
}
