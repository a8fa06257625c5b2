//! HTTP tests: each runs on SQLite and on PostgreSQL (see `helpers`).

mod helpers;

mod articles_crud;
mod articles_list;
mod embedding;
mod errors;
mod quotes;
mod related_links;
mod service;

fn main() {
    let tests = [
        articles_crud::tests(),
        articles_list::tests(),
        embedding::tests(),
        errors::tests(),
        quotes::tests(),
        related_links::tests(),
        service::tests(),
    ]
    .concat();
    helpers::run(tests)
}
