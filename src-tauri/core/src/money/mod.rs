//! Money: the shop currency, amounts people type, the integer minor units the
//! ledger stores and rounding to them (`amount`, re-exported here), the
//! money rules of a sale as pure functions of the cart (`pricing`), and the
//! coins and notes of each currency (`faces`).

mod amount;
pub mod faces;
pub mod pricing;

pub use amount::*;
