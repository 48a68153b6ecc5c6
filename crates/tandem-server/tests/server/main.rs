//! Integration tests of the HTTP server: a real server on a loopback port over a temporary SQLite
//! file, driven over HTTP and WebSocket as clients would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod admin;
mod agent;
mod attachments;
mod attachments_api;
mod browser;
mod coaching;
mod coaching_pages;
mod conformance;
mod connections;
mod content;
mod content_history;
mod content_texts;
mod customer_profile;
mod drafts;
mod errors;
mod events;
mod inbox_features;
mod inbox_workspace;
mod insights;
mod insights_pages;
mod layout;
mod live;
mod message_edits;
mod models;
mod openapi;
mod presence;
mod presence_api;
mod privacy;
mod replay;
mod reviews;
mod sensor;
mod shutdown;
mod staff_pages;
mod support;
mod trainer_drafts;
mod trainer_page;
mod ui;
mod webdriver;
mod widget;
mod widget_workspace;
