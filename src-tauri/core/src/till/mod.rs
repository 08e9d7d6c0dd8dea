//! The till: the drawer from float to blind count and the Z report
//! (`session`), and turning a cart into a completed sale (`checkout`).

pub mod checkout;
pub mod session;
