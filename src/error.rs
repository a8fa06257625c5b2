//! Every failure as an RFC 9457 problem document (`application/problem+json`).
//! This is the only module that turns errors into HTTP.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{DbError, WriteError};
use crate::domain::FieldError;
use crate::domain::access::Scope;
use crate::domain::token::Refused;

/// Media type of problem documents.
pub(crate) const PROBLEM_JSON: &str = "application/problem+json";
/// Seconds a client should wait before retrying a 503.
pub(crate) const RETRY_AFTER_SECS: u32 = 5;

/// The kinds of problem, each with a stable `type` and fixed `title`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProblemKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    Gone,
    PreconditionFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    TooManyRequests,
    ServiceUnavailable,
    Internal,
}

impl ProblemKind {
    /// Every kind, for the OpenAPI description.
    pub(crate) const ALL: [Self; 14] = [
        Self::BadRequest,
        Self::Unauthorized,
        Self::Forbidden,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::Conflict,
        Self::Gone,
        Self::PreconditionFailed,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::ValidationFailed,
        Self::TooManyRequests,
        Self::ServiceUnavailable,
        Self::Internal,
    ];

    /// The stable identifier clients switch on.
    pub(crate) fn type_uri(self) -> &'static str {
        match self {
            Self::BadRequest => "/problems/bad-request",
            Self::Unauthorized => "/problems/unauthorized",
            Self::Forbidden => "/problems/forbidden",
            Self::NotFound => "/problems/not-found",
            Self::MethodNotAllowed => "/problems/method-not-allowed",
            Self::Conflict => "/problems/conflict",
            Self::Gone => "/problems/gone",
            Self::PreconditionFailed => "/problems/precondition-failed",
            Self::PayloadTooLarge => "/problems/payload-too-large",
            Self::UnsupportedMediaType => "/problems/unsupported-media-type",
            Self::ValidationFailed => "/problems/validation-failed",
            Self::TooManyRequests => "/problems/too-many-requests",
            Self::ServiceUnavailable => "/problems/service-unavailable",
            Self::Internal => "/problems/internal-error",
        }
    }

    /// The fixed human summary.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Self::BadRequest => "Request could not be parsed",
            Self::Unauthorized => "Authentication required",
            Self::Forbidden => "Insufficient scope",
            Self::NotFound => "Resource not found",
            Self::MethodNotAllowed => "Method not allowed",
            Self::Conflict => "Conflict with the current state",
            Self::Gone => "No longer available",
            Self::PreconditionFailed => "Precondition failed",
            Self::PayloadTooLarge => "Request body too large",
            Self::UnsupportedMediaType => "Unsupported media type",
            Self::ValidationFailed => "Request body failed validation",
            Self::TooManyRequests => "Too many requests",
            Self::ServiceUnavailable => "Service unavailable",
            Self::Internal => "Internal server error",
        }
    }

    /// The HTTP status of this kind.
    pub(crate) fn status(self) -> StatusCode {
        match self {
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict => StatusCode::CONFLICT,
            Self::Gone => StatusCode::GONE,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::ValidationFailed => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The kind a bare status code falls under, for responses the framework made.
    pub(crate) fn for_status(status: StatusCode) -> Self {
        Self::ALL.into_iter().find(|k| k.status() == status).unwrap_or(if status.is_server_error() {
            Self::Internal
        } else {
            Self::BadRequest
        })
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/validation-failed",
    "title": "Request body failed validation",
    "status": 422,
    "detail": "1 field is invalid",
    "instance": "/v1/articles",
    "errors": [{"pointer": "/title", "detail": "must not be empty"}]
}))]
pub(crate) struct Problem {
    /// Stable identifier of the kind of problem, one of the `/problems/…` values
    /// listed in the API description.
    #[serde(rename = "type")]
    #[schema(example = "/problems/validation-failed")]
    pub kind: String,
    /// Fixed human summary of the kind of problem.
    #[schema(example = "Request body failed validation")]
    pub title: String,
    /// The HTTP status code.
    #[schema(example = 422)]
    pub status: u16,
    /// What went wrong this time.
    #[schema(example = "1 field is invalid")]
    pub detail: String,
    /// The request path the problem occurred on.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "/v1/articles")]
    pub instance: Option<String>,
    /// The request's id, as in the `X-Request-Id` response header and the logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a")]
    pub request_id: Option<String>,
    /// One entry per invalid field or parameter (validation problems only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// Every way a request can fail, named for what the client can do about it.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    /// The request could not be parsed (400).
    #[error("{0}")]
    BadRequest(String),
    /// No token where one is needed, or a token that is malformed, unknown,
    /// expired or revoked (401).
    #[error("{}", unauthorized_detail(.invalid_token))]
    Unauthorized {
        /// A token was sent but is not valid (as opposed to none sent).
        invalid_token: bool,
    },
    /// A valid token without the scope the request needs (403).
    #[error("this request needs a token with the `{}` scope", .0.as_str())]
    Forbidden(Scope),
    /// No such resource or route (404).
    #[error("{0}")]
    NotFound(String),
    /// The route exists but not with this method (405).
    #[error("method not allowed")]
    MethodNotAllowed {
        /// Methods the route does accept.
        allow: Vec<String>,
    },
    /// A unique name is taken (409).
    #[error("{0}")]
    Conflict(String),
    /// What was asked for existed once and is gone for good (a change-feed cursor
    /// older than the retention).
    #[error("{0}")]
    Gone(String),
    /// `If-Match` did not match (412).
    #[error("stored version is {current}")]
    PreconditionFailed {
        /// The stored version.
        current: i32,
    },
    /// Body over the limit (413).
    #[error("body larger than {limit} bytes")]
    PayloadTooLarge {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// Body of the wrong media type (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Parsed but invalid (422).
    #[error("{} invalid", .0.len())]
    Invalid(Vec<FieldError>),
    /// The client sent more requests than its rate limit allows (429).
    #[error("rate limit exceeded")]
    TooManyRequests {
        /// Whole seconds until the next request will be accepted.
        retry_after: u64,
    },
    /// The database cannot be reached (503).
    #[error("database unavailable")]
    Unavailable,
    /// A database statement ran past its time limit, or waited too long for a lock
    /// (503: the next attempt may well succeed).
    #[error("database timeout")]
    DatabaseTimeout,
    /// This worker is already serving as many requests as it may (503).
    #[error("server busy")]
    Busy,
    /// A bug (500); the cause is logged, never sent.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A 404 for a missing resource of the given kind (only articles have slugs).
    pub(crate) fn not_found(resource: &str) -> Self {
        let key = if resource == "article" { "id or slug" } else { "id" };
        Self::NotFound(format!("no {resource} with that {key}"))
    }

    /// The kind of problem this is.
    pub(crate) fn kind(&self) -> ProblemKind {
        match self {
            Self::BadRequest(_) => ProblemKind::BadRequest,
            Self::Unauthorized { .. } => ProblemKind::Unauthorized,
            Self::Forbidden(_) => ProblemKind::Forbidden,
            Self::NotFound(_) => ProblemKind::NotFound,
            Self::MethodNotAllowed { .. } => ProblemKind::MethodNotAllowed,
            Self::Conflict(_) => ProblemKind::Conflict,
            Self::Gone(_) => ProblemKind::Gone,
            Self::PreconditionFailed { .. } => ProblemKind::PreconditionFailed,
            Self::PayloadTooLarge { .. } => ProblemKind::PayloadTooLarge,
            Self::UnsupportedMediaType(_) => ProblemKind::UnsupportedMediaType,
            Self::Invalid(_) => ProblemKind::ValidationFailed,
            Self::TooManyRequests { .. } => ProblemKind::TooManyRequests,
            Self::Unavailable | Self::DatabaseTimeout | Self::Busy => ProblemKind::ServiceUnavailable,
            Self::Internal(_) => ProblemKind::Internal,
        }
    }

    /// The problem document, with `instance` and `request_id` when known.
    pub(crate) fn problem(&self, instance: Option<&str>, request_id: Option<&str>) -> Problem {
        let kind = self.kind();
        let detail = match self {
            Self::Invalid(errors) if errors.len() == 1 => "1 field is invalid".to_owned(),
            Self::Invalid(errors) => format!("{} fields are invalid", errors.len()),
            Self::PreconditionFailed { current } => {
                format!("If-Match does not match the stored version, which is \"{current}\"")
            }
            Self::PayloadTooLarge { limit } => format!("the body must be at most {limit} bytes"),
            Self::MethodNotAllowed { allow } => {
                format!("this resource accepts {}", allow.join(", "))
            }
            Self::Unavailable => "the database cannot be reached; try again shortly".to_owned(),
            Self::DatabaseTimeout => "the database did not answer in time; try again shortly".to_owned(),
            Self::Busy => "the server is handling as many requests as it can; try again shortly".to_owned(),
            Self::TooManyRequests { retry_after } => {
                format!("the rate limit for this client is exhausted; retry in {retry_after} s")
            }
            Self::Internal(_) => "an unexpected error occurred; it has been logged".to_owned(),
            other => other.to_string(),
        };
        Problem {
            kind: kind.type_uri().to_owned(),
            title: kind.title().to_owned(),
            status: kind.status().as_u16(),
            detail,
            instance: instance.map(str::to_owned),
            request_id: request_id.map(str::to_owned),
            errors: match self {
                Self::Invalid(errors) => Some(errors.clone()),
                _ => None,
            },
        }
    }

    /// The full response: problem body plus `Allow` or `Retry-After` where they apply.
    pub(crate) fn to_response(&self, instance: Option<&str>, request_id: Option<&str>) -> HttpResponse {
        let mut response = HttpResponse::build(self.kind().status());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            Self::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            Self::Unavailable | Self::DatabaseTimeout => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS)));
            }
            // A full worker frees up within milliseconds; a short wait is enough.
            Self::Busy => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from(1u32)));
            }
            Self::TooManyRequests { retry_after } => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from(*retry_after)));
            }
            // RFC 6750's challenges: which scheme to use, and why a token failed.
            Self::Unauthorized { invalid_token: false } => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::Unauthorized { invalid_token: true } => {
                response.insert_header((header::WWW_AUTHENTICATE, r#"Bearer error="invalid_token""#));
            }
            Self::Forbidden(scope) => {
                let challenge = format!(r#"Bearer error="insufficient_scope", scope="{}""#, scope.as_str());
                response.insert_header((header::WWW_AUTHENTICATE, challenge));
            }
            _ => {}
        }
        let body = serde_json::to_string(&self.problem(instance, request_id))
            .unwrap_or_else(|_| r#"{"title":"Internal server error","status":500}"#.to_owned());
        response.body(body)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.kind().status()
    }

    fn error_response(&self) -> HttpResponse {
        self.to_response(None, None)
    }
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::Invalid(errors) => Self::Invalid(errors),
            other @ Refused::NoRandomness(_) => Self::Internal(other.into()),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Unavailable => Self::Unavailable,
            DbError::Timeout => Self::DatabaseTimeout,
            DbError::Conflict(constraint) => {
                log::info!("unique violation: {constraint}");
                Self::Conflict("a resource with the same unique value already exists".into())
            }
            other @ (DbError::Corrupt(_) | DbError::Panicked(_) | DbError::Query(_)) => Self::Internal(other.into()),
        }
    }
}

fn unauthorized_detail(invalid_token: &bool) -> &'static str {
    if *invalid_token {
        "the bearer token is not valid (unknown, expired or revoked)"
    } else {
        "this request needs an `Authorization: Bearer` token"
    }
}

impl ApiError {
    /// A failed write, naming the missing resource in a 404.
    pub(crate) fn from_write(error: WriteError, resource: &str) -> Self {
        match error {
            WriteError::NotFound => Self::not_found(resource),
            other => other.into(),
        }
    }
}

impl From<WriteError> for ApiError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::NotFound => Self::not_found("resource"),
            WriteError::VersionMismatch { current } => Self::PreconditionFailed { current },
            WriteError::Conflict(detail) => Self::Conflict(detail),
            WriteError::Invalid(errors) => Self::Invalid(errors),
            WriteError::Db(e) => e.into(),
        }
    }
}
