//! The till: the drawer from float to blind count (`session`), the Z report
//! that freezes a closed session's figures (`z_report`), and turning a cart
//! into a completed sale (`checkout`).

pub mod checkout;
pub mod session;
pub mod z_report;
