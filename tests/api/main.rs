//! HTTP tests: each runs on SQLite and on PostgreSQL (see `helpers`).

mod helpers;

mod articles_crud;
mod articles_list;
mod errors;
mod service;

fn main() {
    let tests = [
        articles_crud::tests(),
        articles_list::tests(),
        errors::tests(),
        service::tests(),
    ]
    .concat();
    helpers::run(tests)
}
