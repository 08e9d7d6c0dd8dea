//! The database layer: opening the SQLite file with the pragmas a till needs
//! and its embedded migrations (`store`), the hash-chained audit journal that
//! every write appends to in its own transaction (`journal`), and time as the
//! ledger records it, a UTC instant plus the device's offset (`clock`).

pub mod clock;
pub mod journal;
pub mod store;
