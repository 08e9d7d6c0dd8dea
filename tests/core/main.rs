//! Integration tests of the core against real SQLite files, one module per
//! area. Each test opens a fresh till through `Store::open`, exactly as the
//! app and the command line do.

mod support;

mod catalog_import;
mod demo;
mod events;
mod journal;
mod money_props;
mod people;
mod settings;
mod stock_ledger;
mod store;
