//! HTTP tests: each runs on SQLite and on PostgreSQL (see `helpers`).

#![expect(clippy::unwrap_used, reason = "a test fails by panicking; the service itself never unwraps")]

mod helpers;

mod articles_crud;
mod articles_list;
mod auth;
mod changes;
mod contention;
mod discovery;
mod dump;
mod embedding;
mod errors;
mod fields;
mod fuzz_findings;
mod head_and_compression;
mod headers;
mod hostile;
mod idempotency;
mod imports;
mod lead_image;
mod limits;
mod navigation;
mod observability;
mod quotes;
mod related_links;
mod revisions;
mod seed;
mod service;
mod suggestions;
mod visibility;
mod webhooks;

fn main() {
    let tests = [
        articles_crud::tests(),
        auth::tests(),
        changes::tests(),
        articles_list::tests(),
        contention::tests(),
        discovery::tests(),
        embedding::tests(),
        errors::tests(),
        fields::tests(),
        fuzz_findings::tests(),
        head_and_compression::tests(),
        headers::tests(),
        idempotency::tests(),
        imports::tests(),
        lead_image::tests(),
        limits::tests(),
        navigation::tests(),
        hostile::tests(),
        observability::tests(),
        quotes::tests(),
        related_links::tests(),
        revisions::tests(),
        seed::tests(),
        service::tests(),
        suggestions::tests(),
        visibility::tests(),
        webhooks::tests(),
    ]
    .concat();
    helpers::run(tests)
}
