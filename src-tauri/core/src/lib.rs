//! Popup Till's domain core: the rules of a pop-up till and the SQLite store
//! that keeps its ledger. Nothing here knows about Tauri or any window; the
//! desktop commands and the organizer's command line both call into this crate.

pub mod audit;
pub mod catalog;
pub mod catalog_csv;
pub mod checkout;
pub mod clock;
pub mod demo;
pub mod demo_sales;
pub mod error;
pub mod events;
pub mod export;
pub mod money;
pub mod orders;
pub mod people;
pub mod pricing;
pub mod reports;
pub mod settings;
pub mod status;
pub mod stock;
pub mod stock_flows;
pub mod stock_views;
pub mod store;
pub mod tasks;
pub mod text;
pub mod till_session;

pub use error::{Error, ErrorCode, Result};
pub use store::{Actor, Store};

/// A new time-ordered unique id (UUID v7, lower-case hyphenated text).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
