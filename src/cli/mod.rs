//! What the `newsdesk` subcommands other than `serve` do (`main.rs` parses the
//! command line and calls these): tokens, the example newsroom, the healthcheck.

pub mod healthcheck;
pub mod seed;
pub mod token;
