//! Newsdesk: a REST/JSON content API for news articles, their quotes and related
//! links, on PostgreSQL or an embedded SQLite file.

pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod drain;
pub mod error;
pub mod events;
pub mod http;
pub mod logging;
pub mod metrics;
pub mod openapi;
pub mod routes;
