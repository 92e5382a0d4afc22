//! Integration tests: the service over HTTP, on SQLite and (when configured) PostgreSQL.

mod common;
mod fixtures;
#[path = "../support/receiver.rs"]
mod receiver;

mod access;
mod access_groups;
mod allocations;
mod attachments;
mod auth;
mod catalogue;
mod changes;
mod closed;
mod committees;
mod contract;
mod grants;
mod hardening;
mod items;
mod leaks;
mod lifecycle;
mod matrix;
mod meetings;
mod minutes;
mod modified_since;
mod openapi;
mod problems;
mod protocol;
mod public;
mod robustness;
mod routes;
mod search;
mod seeds;
mod webhooks;
