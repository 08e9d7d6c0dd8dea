//! Integration tests of the core against real SQLite files, one module per
//! area. Each test opens a fresh till through `Store::open`, exactly as the
//! app and the command line do.

mod support;
mod till_support;

mod checkout;
mod demo;
mod demo_sales;
mod events;
mod export;
mod journal;
mod money_props;
mod people;
mod pricing_props;
mod reports;
mod settings;
mod store;
mod till_durability;
mod till_session;
