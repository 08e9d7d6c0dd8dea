//! Popup Till's domain core: the rules of a pop-up till and the SQLite store
//! that keeps its ledger. Nothing here knows about Tauri or any window; the
//! desktop commands and the organizer's command line both call into this crate.

pub mod catalog;
pub mod csv_cell;
pub mod db;
pub mod demo;
pub mod error;
pub mod money;
pub mod orders;
pub mod reporting;
pub mod shop;
pub mod stock;
pub mod tasks;
pub mod text;
pub mod till;

pub use db::store::{Actor, Store};
pub use error::{Error, ErrorCode, Result};

/// A new time-ordered unique id (UUID v7, lower-case hyphenated text).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
