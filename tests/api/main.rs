//! Integration tests: the service over HTTP, on SQLite and (when configured) PostgreSQL.

mod common;
mod fixtures;

mod access_groups;
mod auth;
mod committees;
mod grants;
mod items;
mod meetings;
mod openapi;
mod problems;
mod seeds;
