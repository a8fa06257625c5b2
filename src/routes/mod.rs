//! HTTP handlers, one module per resource, registered through utoipa-actix-web so
//! that the OpenAPI paths come from the same registrations as the routes.

pub mod article_types;
pub mod articles;
pub mod changes;
pub mod feeds;
pub mod import_types;
pub mod imports;
pub mod link_types;
pub mod navigation;
pub mod paging;
pub mod patching;
pub mod quote_types;
pub mod quotes;
pub mod related_links;
pub mod revisions;
pub mod service;
pub mod sitemaps;
pub mod structured_data;
pub mod suggestions;
pub mod token_types;
pub mod tokens;
pub mod webhook_types;
pub mod webhooks;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/v1")
            .configure(articles::configure)
            .configure(changes::configure)
            .configure(imports::configure)
            .configure(navigation::configure)
            .configure(feeds::configure)
            .configure(quotes::configure)
            .configure(related_links::configure)
            .configure(revisions::configure)
            .configure(sitemaps::configure)
            .configure(suggestions::configure)
            .configure(tokens::configure)
            .configure(webhooks::configure),
    )
    .configure(service::configure);
}
