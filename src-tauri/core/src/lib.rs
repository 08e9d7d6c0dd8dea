//! Popup Till's domain core: the rules of a pop-up till and the SQLite store
//! that keeps its ledger. Nothing here knows about Tauri or any window; the
//! desktop commands and the organizer's command line both call into this crate.

pub mod attendees;
pub mod catalog;
pub mod csv_cell;
pub mod db;
pub mod demo;
pub mod error;
pub mod loyalty;
pub mod money;
pub mod orders;
pub mod reporting;
pub mod returns;
pub mod shop;
pub mod stock;
pub mod tasks;
pub mod text;
pub mod till;
pub mod tills;

pub use db::store::{Actor, Store};
pub use error::{Error, ErrorCode, Result};

/// The actor of the work the till does by itself when it starts.
pub const START_UP: &str = "start-up";

/// Open the till for use: `Store::open`, then what every start does
/// (`at_start`). The window and the command line both open through here, so
/// the rules that run at start-up are decided in the core, once. A start-up
/// chore that fails does not keep the till from selling: the store is
/// returned with the chore's error beside it, for the caller to show, and
/// the chore runs again at the next start.
pub fn open_till(path: impl AsRef<std::path::Path>) -> Result<(Store, Option<Error>)> {
    let mut store = Store::open(path)?;
    let chore = at_start(&mut store).err();
    Ok((store, chore))
}

/// The work of a start: purge the pre-order contacts the till no longer
/// needs (`orders::purge_due_contacts`) and the contacts with no activity
/// for the retention period (`attendees::rights::purge_inactive`). Writes
/// nothing when nothing is due, so starting the till twice does not grow
/// the journal. Each purge runs even when the other fails; the first
/// failure is returned.
pub fn at_start(store: &mut Store) -> Result<()> {
    let actor = Actor::system(START_UP);
    let orders = orders::purge_due_contacts(store, &actor).map(|_| ());
    let contacts = attendees::rights::purge_inactive(store, &actor).map(|_| ());
    orders.and(contacts)
}

/// A new time-ordered unique id (UUID v7, lower-case hyphenated text).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
