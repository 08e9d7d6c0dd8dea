//! Checkout: turning a cart into a completed sale, one module per part of
//! the till it tests: the cart and its quote (what needs a PIN, the bad
//! input a till meets, each refused with a clear message and nothing
//! written), sales (money and tax as stored), receipts, voids and parked
//! carts.

use rust_decimal::Decimal;
use std::str::FromStr;

use crate::till_support::Shop;

mod cart;
mod once;
mod parked;
mod receipt;
mod sale;
mod void;

pub(super) fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

pub(super) fn sale_row(s: &Shop, sale_id: &str) -> (i64, i64, i64, i64, i64, i64) {
    s.t.store
        .conn()
        .query_row(
            "SELECT subtotal_minor, discount_minor, tax_minor, rounding_minor, total_minor, practice FROM sale WHERE id = ?1",
            [sale_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .unwrap()
}

pub(super) fn paid(s: &Shop, sale_id: &str) -> i64 {
    s.t.store
        .conn()
        .query_row(
            "SELECT sum(tendered_minor) - sum(change_minor) FROM payment WHERE sale_id = ?1",
            [sale_id],
            |r| r.get(0),
        )
        .unwrap()
}
