//! The database layer: opening the SQLite file with the pragmas a till needs
//! and its embedded migrations (`store`), the hash-chained audit journal that
//! every write appends to in its own transaction (`journal`), and time as the
//! ledger records it, a UTC instant plus the device's offset (`clock`).
//! `verify` checks the chain and, with `ledger_check`, every ledger row
//! against the journal entry that wrote it; `anchor` finds a head hash
//! written down earlier in the chain.

pub mod anchor;
pub mod clock;
pub mod journal;
pub mod ledger_check;
pub mod store;
