//! Stock: the append-only ledger of movements and stock on hand as their sum
//! (`ledger`, re-exported here), the flows an organizer makes — receive,
//! load-out and load-in, adjust, count, waste (`flows`) — the running tally
//! of a count before it is saved (`tally`), and what the ledger says read
//! back: lists, histories, documents, the event's picture (`views`).

pub mod flows;
mod ledger;
pub mod tally;
pub mod views;

pub use ledger::*;
