//! Integration tests of the core against real SQLite files, one module per
//! area. Each test opens a fresh till through `Store::open`, exactly as the
//! app and the command line do.

mod support;
mod till_support;

mod at_till;
mod attendees;
mod card_link;
mod catalog_import;
mod checkout;
mod demo;
mod demo_sales;
mod events;
mod export;
mod export_journal;
mod figures;
mod first_run;
mod flow_work;
mod guards;
mod journal;
mod journal_ledger;
mod limits;
mod loyalty;
mod loyalty_tills;
mod money_props;
mod orders;
mod people;
mod pricing_props;
mod privacy;
mod refill;
mod refunds;
mod reports;
mod roles;
mod settings;
mod sheets;
mod sign_offs;
mod stock_ledger;
mod store;
mod tasks;
mod till_durability;
mod till_session;
mod tills;
