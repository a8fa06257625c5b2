//! HTTP tests: each runs on SQLite and on PostgreSQL (see `helpers`).

mod helpers;

mod articles_crud;
mod articles_list;
mod auth;
mod embedding;
mod errors;
mod fuzz_findings;
mod observability;
mod quotes;
mod related_links;
mod seed;
mod service;
mod visibility;

fn main() {
    let tests = [
        articles_crud::tests(),
        auth::tests(),
        articles_list::tests(),
        embedding::tests(),
        errors::tests(),
        fuzz_findings::tests(),
        observability::tests(),
        quotes::tests(),
        related_links::tests(),
        seed::tests(),
        service::tests(),
        visibility::tests(),
    ]
    .concat();
    helpers::run(tests)
}
