//! dagsorden: meetings, agendas and minutes for Danish municipalities.
//!
//! The layers, from the outside in: `api` (HTTP handlers and the OpenAPI document), `auth` (who is
//! calling), `domain` (the vocabulary and the rules, plain functions), `db` (persistence over
//! SQLite or PostgreSQL), `render` (documents and calendars as people read them). `server`
//! assembles them; `config` reads the environment.

pub mod api;
pub mod audit;
pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod generate;
pub mod housekeeping;
pub mod outbound;
pub mod render;
pub mod request_context;
pub mod server;
pub mod service;
pub mod time;
pub mod views;
pub mod webhooks;
