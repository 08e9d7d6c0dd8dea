//! The till: the drawer from float to blind count and the Z report, and
//! turning a cart into a completed sale. Each module owns one part:
//!
//! - `session`: opening with a counted float, cash in and out, the
//!   expected-cash formula;
//! - `close`: the blind close — the count as entered, the reason after,
//!   a recount with an organizer's approval (re-exported by `session`);
//! - `z_report`: the numbered Z report that freezes a closed session's
//!   figures;
//! - `lookup`: finding what to sell (search, a scanned code, quick keys);
//! - `cart`: the cart as the till sends it, its lines resolved against the
//!   catalog and priced, what needs an organizer's approval;
//! - `addition`: adding an item (whether it joins a line already in the
//!   cart, a refill's container, a product's deposit line);
//! - `deposits`: containers brought back, their deposits paid out, what
//!   is outstanding and the deposit ledger of an event;
//! - `quote`: what the till shows while the cart is built;
//! - `sale`: completing a sale as one transaction;
//! - `receipt`: gapless receipt numbers, the receipt view, recent sales;
//! - `void`: voiding a sale with an organizer's approval;
//! - `parked`: parking, resuming and cancelling carts;
//! - `overview`: everything the till screen shows around the cart.

mod addition;
mod card;
pub mod cart;
mod close;
pub mod deposits;
pub mod lookup;
pub mod overview;
pub mod parked;
pub mod quote;
pub mod receipt;
pub mod sale;
pub mod session;
pub mod void;
mod weighed;
pub mod z_report;
