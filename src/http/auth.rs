//! Bearer-token authentication. A middleware resolves the `Authorization` header
//! of every `/v1` request once, before any handler or extractor runs, so that a
//! bad token is a 401 whatever else is wrong with the request; handlers then say
//! what they need through the `Caller`, `Writer` and `Admin` extractors.

use std::future::{Ready, ready};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, web};

use crate::db::{Database, tokens};
use crate::domain::access::{Scope, Scopes, Visibility};
use crate::domain::revision::Author;
use crate::domain::time::now;
use crate::domain::token::{digest, well_formed};
use crate::error::ApiError;

/// Who is making the request.
#[derive(Debug, Clone, Default)]
pub(crate) enum Caller {
    /// No `Authorization` header: published content only, no writes.
    #[default]
    Anonymous,
    /// A live token.
    Token {
        /// What it may do.
        scopes: Scopes,
        /// Which token it is, for the revisions its writes record.
        author: Author,
    },
}

impl Caller {
    /// Succeeds when the caller holds `scope` (directly or by implication); else a
    /// 401 for anonymous callers and a 403 for tokens without it.
    pub(crate) fn require(&self, scope: Scope) -> Result<(), ApiError> {
        match self {
            Self::Anonymous => Err(ApiError::Unauthorized { invalid_token: false }),
            Self::Token { scopes, .. } if scopes.grants(scope) => Ok(()),
            Self::Token { .. } => Err(ApiError::Forbidden(scope)),
        }
    }

    /// Whether drafts, archived and scheduled articles are visible to this caller.
    pub(crate) fn can_read_drafts(&self) -> bool {
        matches!(self, Self::Token { scopes, .. } if scopes.grants(Scope::ReadDrafts))
    }

    /// The articles this caller may see at `now`.
    pub(crate) fn visibility(&self, now: chrono::DateTime<chrono::Utc>) -> Visibility {
        if self.can_read_drafts() { Visibility::All } else { Visibility::PublishedBy(now) }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(req.extensions().get::<Self>().cloned().unwrap_or_default()))
    }
}

/// A caller holding the `write` scope. Listed first among a handler's arguments,
/// so that its 401/403 comes before any complaint about the body. It names the
/// token, which the revisions of its writes record (`Database::by`).
#[derive(Debug, Clone)]
pub(crate) struct Writer(Option<Author>);

impl Writer {
    /// The token writing.
    pub(crate) fn author(&self) -> Option<&Author> {
        self.0.as_ref()
    }
}

impl FromRequest for Writer {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(required(req, Scope::Write).map(|caller| match caller {
            Caller::Token { author, .. } => Self(Some(author)),
            Caller::Anonymous => Self(None),
        }))
    }
}

/// A caller holding the `read:drafts` scope (or one that implies it).
#[derive(Debug, Clone)]
pub(crate) struct DraftReader;

impl FromRequest for DraftReader {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(required(req, Scope::ReadDrafts).map(|_| Self))
    }
}

/// A caller holding the `admin` scope.
#[derive(Debug, Clone)]
pub(crate) struct Admin;

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(required(req, Scope::Admin).map(|_| Self))
    }
}

/// The caller the middleware found, if it holds `scope`.
fn required(req: &HttpRequest, scope: Scope) -> Result<Caller, ApiError> {
    let caller = req.extensions().get::<Caller>().cloned().unwrap_or_default();
    caller.require(scope).map(|()| caller)
}

/// The middleware: turns the `Authorization` header of an API request into a
/// `Caller` in the request's extensions, or answers 401 when it names no live
/// token. Requests without the header go on as anonymous.
pub(crate) async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    // Only the API: health checks and the docs ignore credentials a proxy or a
    // browser may attach.
    let api = req.path() == "/v1" || req.path().starts_with("/v1/");
    let header = req.headers().get(header::AUTHORIZATION).cloned();
    let Some(header) = header.filter(|_| api) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    match resolve(&req, &header).await {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            Ok(next.call(req).await?.map_into_left_body())
        }
        Err(error) => Ok(req.error_response(error).map_into_right_body()),
    }
}

/// Looks the bearer token up: a malformed header or token, or one that is
/// unknown, expired or revoked, is the same 401.
async fn resolve(req: &ServiceRequest, value: &header::HeaderValue) -> Result<Caller, ApiError> {
    let raw = value.to_str().map_err(|_| ApiError::Unauthorized { invalid_token: true })?;
    let (scheme, token) = raw.trim().split_once(' ').unwrap_or((raw, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::Unauthorized { invalid_token: false });
    }
    let token = token.trim();
    if !well_formed(token) {
        return Err(ApiError::Unauthorized { invalid_token: true });
    }
    let db = req
        .app_data::<web::Data<Database>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no database configured")))?;
    let digest = digest(token);
    let at = now();
    let row = db
        .run(move |c| tokens::authenticate(c, &digest, at))
        .await?
        .ok_or(ApiError::Unauthorized { invalid_token: true })?;
    let scopes = Scopes::parse_stored(&row.scopes)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("token {} has unreadable scopes: {e}", row.id)))?;
    let token_id = uuid::Uuid::try_parse(&row.id)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("token {} has an unreadable id: {e}", row.id)))?;
    Ok(Caller::Token { scopes, author: Author { token_id, token_name: row.name } })
}
