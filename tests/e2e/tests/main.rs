//! End-to-end tests of the real app, one module per area. They run one at a
//! time (`--test-threads=1`): each starts its own app and WebKit.

mod attendees;
mod foundation;
mod journeys;
mod loyalty;
mod refill;
mod refunds;
mod reports;
mod stock;
mod tasks;
mod till;
mod tills;
mod trust;
mod wiring;
