//! Merge-patch writes (RFC 7396) with optimistic concurrency, the same for every
//! resource: merge onto the version read, write only if it is still current, and
//! merge again when a concurrent writer won and the client set no `If-Match`.

use std::future::Future;

use serde_json::Value;

use crate::domain::FieldError;
use crate::domain::merge_patch;
use crate::domain::version::Expected;
use crate::error::ApiError;

/// How many times a patch is merged again after losing a race.
const ATTEMPTS: usize = 3;

/// Applies `patch`: `read` gives the stored version and the writable document,
/// `write` stores a merged document if the stored version is still the given one.
pub async fn merge_patch_retrying<T, R, W>(
    client_expects: &Expected,
    patch: &Value,
    read: impl Fn() -> R,
    write: impl Fn(Value, Expected) -> W,
) -> Result<T, ApiError>
where
    R: Future<Output = Result<(i32, Value), ApiError>>,
    W: Future<Output = Result<T, ApiError>>,
{
    if !patch.is_object() {
        return Err(ApiError::Invalid(vec![FieldError::body("", "a merge patch must be a JSON object")]));
    }
    for _ in 0..ATTEMPTS {
        let (version, mut document) = read().await?;
        if !client_expects.allows(version) {
            return Err(ApiError::PreconditionFailed { current: version });
        }
        merge_patch::apply(&mut document, patch.clone());
        match write(document, Expected::OneOf(vec![version])).await {
            Err(ApiError::PreconditionFailed { .. }) if !client_expects.is_conditional() => continue,
            other => return other,
        }
    }
    Err(ApiError::Conflict("the resource kept changing while the patch was applied; try again".into()))
}
