//! Money: the shop currency, amounts people type, the integer minor units the
//! ledger stores and rounding to them (`amount`, re-exported here), and the
//! money rules of a sale as pure functions of the cart (`pricing`).

mod amount;
pub mod pricing;

pub use amount::*;
