//! `/v1/tokens`: make, list, read and revoke API tokens (the `admin` scope). The
//! same operations exist on the command line (`newsdesk token …`).

use actix_web::{HttpResponse, delete, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::token_types::{ApiToken, CreatedToken, TokenList};
use crate::db::{Database, tokens as store};
use crate::domain::time::now;
use crate::domain::token::{PendingToken, TokenInput};
use crate::error::ApiError;
use crate::http::auth::Admin;
use crate::http::json::JsonBody;
use crate::http::params::{Resource, ResourceId};
use crate::http::reply;

impl Resource for ApiToken {
    const NOUN: &'static str = "token";
}

/// Registers the token routes.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_tokens).service(create_token).service(get_token).service(revoke_token);
}

/// Create an API token
///
/// Returns the new token in `token`; only its digest is stored, so this is the
/// only time it can be read. Scopes: `read:drafts` (see unpublished content),
/// `write` (create, change and delete content; implies `read:drafts`) and `admin`
/// (manage tokens; implies every scope).
#[utoipa::path(
    operation_id = "createToken", tag = "tokens",
    security(("bearer" = ["admin"])),
    request_body(content = TokenInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created; the body holds the token, shown this once", body = CreatedToken,
         headers(("Location" = String, description = "URL of the new token's details"),
                 ("Cache-Control" = String, description = "`no-store`: the body holds a secret"))),
    )
)]
#[post("/tokens")]
pub(crate) async fn create_token(
    _admin: Admin,
    db: web::Data<Database>,
    body: JsonBody<TokenInput>,
) -> Result<HttpResponse, ApiError> {
    let pending = PendingToken::prepare(body.0, now())?;
    let (row, plaintext) = db.run(move |c| store::store(c, pending)).await?;
    let token = ApiToken::try_from(row)?;
    Ok(reply::created_secret(format!("/v1/tokens/{}", token.id), CreatedToken::new(token, plaintext)))
}

/// List API tokens
///
/// Every token, oldest first, with revoked and expired ones; never the tokens
/// themselves.
#[utoipa::path(
    operation_id = "listTokens", tag = "tokens",
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "Every token", body = TokenList),
    )
)]
#[get("/tokens")]
pub(crate) async fn list_tokens(_admin: Admin, db: web::Data<Database>) -> Result<web::Json<TokenList>, ApiError> {
    let rows = db.run(store::list).await?;
    let items = rows.into_iter().map(ApiToken::try_from).collect::<Result<_, _>>()?;
    Ok(web::Json(TokenList { items }))
}

/// Get an API token
///
/// The token's details by id (never the token itself).
#[utoipa::path(
    operation_id = "getToken", tag = "tokens",
    security(("bearer" = ["admin"])),
    params(ResourceId<ApiToken>),
    responses(
        (status = 200, description = "The token's details", body = ApiToken),
    )
)]
#[get("/tokens/{id}")]
pub(crate) async fn get_token(
    _admin: Admin,
    db: web::Data<Database>,
    token: ResourceId<ApiToken>,
) -> Result<web::Json<ApiToken>, ApiError> {
    let id = token.id;
    let row = db.run(move |c| store::find(c, &id)).await?.ok_or_else(|| ApiError::not_found("token"))?;
    Ok(web::Json(ApiToken::try_from(row)?))
}

/// Revoke an API token
///
/// The token stops working at once. Its details stay listed, marked `revoked`;
/// revoking it again changes nothing.
#[utoipa::path(
    operation_id = "revokeToken", tag = "tokens",
    security(("bearer" = ["admin"])),
    params(ResourceId<ApiToken>),
    responses(
        (status = 204, description = "Revoked"),
    )
)]
#[delete("/tokens/{id}")]
pub(crate) async fn revoke_token(
    _admin: Admin,
    db: web::Data<Database>,
    token: ResourceId<ApiToken>,
) -> Result<HttpResponse, ApiError> {
    let id = token.id;
    if !db.run(move |c| store::revoke(c, &id)).await? {
        return Err(ApiError::not_found("token"));
    }
    Ok(HttpResponse::NoContent().finish())
}
