//! `/v1/webhooks`: webhook subscriptions (the `admin` scope), their secrets and
//! their delivery log. The deliveries themselves are `events::webhooks`' work.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::paging::page_response;
use super::patching::{merged, patch_errors, require_object};
use super::webhook_types::{Delivery, DeliveryPage, Webhook, WebhookPage, WebhookWithSecret};
use crate::config::WebhookSettings;
use crate::db::webhooks::{self as store, WebhookRow};
use crate::db::{Database, WriteError, stored_uuid};
use crate::domain::FieldError;
use crate::domain::cursor::{Cursor, CursorKey};
use crate::domain::time::now;
use crate::domain::webhook::{WebhookFields, WebhookInput, generate_secret};
use crate::error::ApiError;
use crate::http::auth::Admin;
use crate::http::json::JsonBody;
use crate::http::params::{ListOrder, Page, Resource, ResourceId};
use crate::http::reply;

impl Resource for Webhook {
    const NOUN: &'static str = "webhook";
}

/// A delivery's id sits under its webhook's, in `{delivery_id}`.
impl Resource for Delivery {
    const NOUN: &'static str = "delivery";
    const SEGMENT: &'static str = "delivery_id";
}

/// Subscriptions, by id (oldest first).
#[derive(Debug)]
pub(crate) enum ById {}
impl ListOrder for ById {
    const NAME: &'static str = "webhooks";
}

/// A subscription's deliveries, newest first.
#[derive(Debug)]
pub(crate) enum NewestDeliveries {}
impl ListOrder for NewestDeliveries {
    const NAME: &'static str = "webhook-deliveries";
}

/// Registers the webhook routes.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_webhooks)
        .service(create_webhook)
        .service(get_webhook)
        .service(update_webhook)
        .service(delete_webhook)
        .service(rotate_webhook_secret)
        .service(list_webhook_deliveries)
        .service(retry_webhook_delivery);
}

/// The webhook settings of the app (their defaults in a bare test app).
fn settings(req: &HttpRequest) -> WebhookSettings {
    req.app_data::<web::Data<WebhookSettings>>().map(|s| s.get_ref().clone()).unwrap_or_default()
}

fn new_secret() -> Result<String, ApiError> {
    generate_secret().map_err(|e| ApiError::Internal(anyhow::anyhow!("no randomness for a webhook secret: {e}")))
}

fn with_secret(row: WebhookRow) -> Result<HttpResponse, ApiError> {
    let secret = row.secret.clone();
    let webhook = Webhook::try_from(row)?;
    Ok(reply::created_secret(format!("/v1/webhooks/{}", webhook.id), WebhookWithSecret { webhook, secret }))
}

/// Create a webhook subscription
///
/// Every change record whose type matches one of `events` is then POSTed to `url`
/// as a Standard Webhooks delivery (see the document's `webhooks` section), signed
/// with the `secret` in this answer, which is shown only here. Records written
/// before the subscription existed are not sent.
#[utoipa::path(
    operation_id = "createWebhook", tag = "webhooks",
    security(("bearer" = ["admin"])),
    request_body(content = WebhookInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created; the body holds the signing secret, shown this once",
         body = WebhookWithSecret,
         headers(("Location" = String, description = "URL of the new subscription"),
                 ("Cache-Control" = String, description = "`no-store`: the body holds a secret"))),
    )
)]
#[post("/webhooks")]
pub(crate) async fn create_webhook(
    _admin: Admin,
    req: HttpRequest,
    db: web::Data<Database>,
    body: JsonBody<WebhookInput>,
) -> Result<HttpResponse, ApiError> {
    let fields = WebhookFields::validate(body.0, settings(&req).allow_private).map_err(ApiError::Invalid)?;
    let secret = new_secret()?;
    let at = now();
    let row = db.run(move |c| store::insert(c, &fields, secret, at)).await?;
    with_secret(row)
}

fn id_cursor(id: &str) -> Result<Cursor, ApiError> {
    Ok(Cursor { key: CursorKey::Absent, id: stored_uuid(id)? })
}

/// List webhook subscriptions
///
/// Oldest first, disabled ones included; never their secrets.
#[utoipa::path(
    operation_id = "listWebhooks", tag = "webhooks",
    security(("bearer" = ["admin"])),
    params(Page<ById>),
    responses(
        (status = 200, description = "One page of subscriptions", body = WebhookPage,
         headers(("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/webhooks")]
pub(crate) async fn list_webhooks(
    _admin: Admin,
    req: HttpRequest,
    db: web::Data<Database>,
    page: Page<ById>,
) -> Result<HttpResponse, ApiError> {
    let after = page.paging.after.as_ref().map(|c| c.id.to_string());
    let limit = page.paging.limit + 1;
    let rows = db.run(move |c| store::list(c, after.as_deref(), limit)).await?;
    let (rows, next_cursor) = page.split(rows, |row| id_cursor(&row.id))?;
    let items = rows.into_iter().map(Webhook::try_from).collect::<Result<_, _>>()?;
    Ok(page_response(&req, next_cursor.as_deref()).json(WebhookPage { items, next_cursor }))
}

/// Get a webhook subscription
///
/// Its settings and state (never its secret).
#[utoipa::path(
    operation_id = "getWebhook", tag = "webhooks",
    security(("bearer" = ["admin"])),
    params(ResourceId<Webhook>),
    responses(
        (status = 200, description = "The subscription", body = Webhook),
    )
)]
#[get("/webhooks/{id}")]
pub(crate) async fn get_webhook(
    _admin: Admin,
    db: web::Data<Database>,
    webhook: ResourceId<Webhook>,
) -> Result<web::Json<Webhook>, ApiError> {
    let id = webhook.id;
    let row = db.run(move |c| store::find(c, &id)).await?.ok_or_else(|| ApiError::not_found("webhook"))?;
    Ok(web::Json(Webhook::try_from(row)?))
}

/// A merge patch (RFC 7396) of a subscription: only the members to change;
/// `null` clears `description`.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"enabled": false}))]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "documents the PATCH body, which is merged as plain JSON")]
pub(crate) struct WebhookPatch {
    /// New URL (an absolute http(s) URL at a public address).
    #[schema(nullable = false, format = "uri", max_length = 2048)]
    url: Option<String>,
    /// New event patterns.
    #[schema(nullable = false, min_items = 1, max_items = 20)]
    events: Option<Vec<String>>,
    /// New description, or `null` to clear it.
    #[schema(max_length = 500)]
    description: Option<String>,
    /// `false` pauses deliveries; `true` resumes them (and clears the failure count).
    #[schema(nullable = false)]
    enabled: Option<bool>,
}

/// Update a webhook subscription
///
/// A JSON merge patch (RFC 7396): change the URL, the events or the description,
/// or turn deliveries off and on (`enabled`). Deliveries queued while it was off
/// are sent once it is on again.
#[utoipa::path(
    operation_id = "updateWebhook", tag = "webhooks",
    security(("bearer" = ["admin"])),
    params(ResourceId<Webhook>),
    request_body(content = WebhookPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Updated", body = Webhook),
    )
)]
#[patch("/webhooks/{id}")]
pub(crate) async fn update_webhook(
    _admin: Admin,
    req: HttpRequest,
    db: web::Data<Database>,
    webhook: ResourceId<Webhook>,
    body: JsonBody<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let id = webhook.id;
    require_object(&body.0)?;
    let patch = body.0;
    // These have no "cleared" state: `null` would otherwise fall back to the
    // field's absence (`enabled` to its default).
    let nulls: Vec<FieldError> = ["url", "events", "enabled"]
        .into_iter()
        .filter(|member| patch.get(*member).is_some_and(serde_json::Value::is_null))
        .map(|member| FieldError::body(format!("/{member}"), "must not be null"))
        .collect();
    if !nulls.is_empty() {
        return Err(ApiError::Invalid(nulls));
    }
    let allow_private = settings(&req).allow_private;
    let apply = move |current: &WebhookRow| -> Result<WebhookFields, WriteError> {
        let shown = Webhook::try_from(current.clone()).map_err(WriteError::corrupt)?;
        let input = WebhookInput {
            url: shown.url,
            events: shown.events,
            description: shown.description,
            enabled: shown.enabled,
        };
        WebhookFields::validate(merged(input, &patch)?, allow_private).map_err(|e| patch_errors(&patch, e))
    };
    let at = now();
    let row =
        db.run(move |c| store::update(c, &id, apply, at)).await.map_err(|e| ApiError::from_write(e, "webhook"))?;
    Ok(HttpResponse::Ok().json(Webhook::try_from(row)?))
}

/// Delete a webhook subscription
///
/// Its queued deliveries and its delivery log go with it.
#[utoipa::path(
    operation_id = "deleteWebhook", tag = "webhooks",
    security(("bearer" = ["admin"])),
    params(ResourceId<Webhook>),
    responses(
        (status = 204, description = "Deleted"),
    )
)]
#[delete("/webhooks/{id}")]
pub(crate) async fn delete_webhook(
    _admin: Admin,
    db: web::Data<Database>,
    webhook: ResourceId<Webhook>,
) -> Result<HttpResponse, ApiError> {
    let id = webhook.id;
    if !db.run(move |c| store::delete(c, &id)).await? {
        return Err(ApiError::not_found("webhook"));
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate a webhook's signing secret
///
/// Answers the new secret, shown only here. For 24 hours both the new and the old
/// secret sign every delivery (two signatures, space-separated, in
/// `webhook-signature`), so that a receiver can switch without missing one.
#[utoipa::path(
    operation_id = "rotateWebhookSecret", tag = "webhooks",
    security(("bearer" = ["admin"])),
    params(ResourceId<Webhook>),
    responses(
        (status = 201, description = "The new secret, shown this once", body = WebhookWithSecret,
         headers(("Location" = String, description = "URL of the subscription"),
                 ("Cache-Control" = String, description = "`no-store`: the body holds a secret"))),
    )
)]
#[post("/webhooks/{id}/rotate-secret")]
pub(crate) async fn rotate_webhook_secret(
    _admin: Admin,
    db: web::Data<Database>,
    webhook: ResourceId<Webhook>,
) -> Result<HttpResponse, ApiError> {
    let id = webhook.id;
    let secret = new_secret()?;
    let at = now();
    let row = db
        .run(move |c| store::rotate_secret(c, &id, secret, at))
        .await?
        .ok_or_else(|| ApiError::not_found("webhook"))?;
    with_secret(row)
}

/// List a webhook's deliveries
///
/// Newest first: each event queued for the subscription, where it stands, and
/// every attempt (when, the receiver's status or the error, the latency, the next
/// retry).
#[utoipa::path(
    operation_id = "listWebhookDeliveries", tag = "webhooks",
    security(("bearer" = ["admin"])),
    params(ResourceId<Webhook>, Page<NewestDeliveries>),
    responses(
        (status = 200, description = "One page of deliveries", body = DeliveryPage,
         headers(("Link" = String, description = "`<URL>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub(crate) async fn list_webhook_deliveries(
    _admin: Admin,
    req: HttpRequest,
    db: web::Data<Database>,
    webhook: ResourceId<Webhook>,
    page: Page<NewestDeliveries>,
) -> Result<HttpResponse, ApiError> {
    let id = webhook.id;
    let before = page.paging.after.as_ref().map(|c| c.id.to_string());
    let limit = page.paging.limit + 1;
    let rows = db
        .run(move |c| -> diesel::QueryResult<_> {
            if store::find(c, &id)?.is_none() {
                return Ok(None);
            }
            store::deliveries(c, &id, before.as_deref(), limit).map(Some)
        })
        .await?
        .ok_or_else(|| ApiError::not_found("webhook"))?;
    let (rows, next_cursor) = page.split(rows, |(row, _)| id_cursor(&row.id))?;
    let items = rows.into_iter().map(|(row, attempts)| Delivery::from_rows(row, attempts)).collect::<Result<_, _>>()?;
    Ok(page_response(&req, next_cursor.as_deref()).json(DeliveryPage { items, next_cursor }))
}

/// Retry a webhook delivery
///
/// Queues a delivered or failed delivery again, due now, with a fresh retry
/// schedule and the same `webhook-id`. A delivery still pending is a 409. On a
/// disabled subscription it waits until the subscription is enabled.
#[utoipa::path(
    operation_id = "retryWebhookDelivery", tag = "webhooks",
    security(("bearer" = ["admin"])),
    params(ResourceId<Webhook>, ResourceId<Delivery>),
    responses(
        (status = 202, description = "Queued again", body = Delivery),
        (status = 409, response = crate::http::problems::Conflict),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/retry")]
pub(crate) async fn retry_webhook_delivery(
    _admin: Admin,
    db: web::Data<Database>,
    webhook: ResourceId<Webhook>,
    delivery: ResourceId<Delivery>,
) -> Result<HttpResponse, ApiError> {
    let delivery_id = delivery.id;
    let id = webhook.id;
    let at = now();
    let (row, attempts) = db
        .run(move |c| {
            let row = store::retry_delivery(c, &id, &delivery_id, at)?;
            let attempts = store::attempts_of(c, &[row.id.as_str()])?;
            Ok::<_, WriteError>((row, attempts))
        })
        .await
        .map_err(|e| ApiError::from_write(e, "delivery"))?;
    Ok(HttpResponse::Accepted().json(Delivery::from_rows(row, attempts)?))
}
