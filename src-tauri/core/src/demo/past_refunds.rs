//! The demo market's returns, late in its day, through the same core
//! functions as the till's Refund key: a partial refund of a sale with a
//! sale discount, part of a weighed refill coming back, an exchange, and a
//! damaged return written off. So the market's Z report, its report and
//! its export show refunds. Each is one transaction with its journal entry.

use rusqlite::OptionalExtension;

use crate::db::store::{Actor, Store};
use crate::returns::{self, exchange, RefundInput, RefundLineInput};
use crate::till::cart::{CartInput, LineInput};
use crate::till::sale::PaymentInput;
use crate::Result;

/// A line of one of `sales` paid in cash only, not voided, matching `line`
/// (SQL over `l` and `s`): its sale and line ids and its quantity.
fn pick(store: &Store, sales: &[String], line: &str) -> Result<Option<(String, String, String)>> {
    let conn = store.conn();
    for sale_id in sales {
        let found = conn
            .query_row(
                &format!(
                    "SELECT s.id, l.id, l.quantity FROM sale s JOIN sale_line l ON l.sale_id = s.id
                     WHERE s.id = ?1 AND NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id)
                       AND NOT EXISTS (SELECT 1 FROM refund r WHERE r.sale_id = s.id)
                       AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.sale_id = s.id AND p.method <> 'cash')
                       AND ({line})
                     ORDER BY l.line_no LIMIT 1"
                ),
                [sale_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// A line of goods (not a service such as engraving).
const GOODS: &str =
    "EXISTS (SELECT 1 FROM product p WHERE p.id = l.product_id AND p.kind <> 'service')";

fn back(sale_id: &str, line_id: &str, quantity: &str, reason: &str) -> RefundInput {
    RefundInput {
        sale_id: Some(sale_id.into()),
        lines: vec![RefundLineInput {
            sale_line_id: Some(line_id.into()),
            quantity: quantity.into(),
            ..Default::default()
        }],
        reason: reason.into(),
        ..Default::default()
    }
}

/// The day's four returns, made by `cashier` on the sales of the day.
pub(super) fn return_some(store: &mut Store, cashier: &str, sales: &[String]) -> Result<()> {
    let actor = Actor::person(cashier);
    // One of two items of a basket that had a euro off: its share of the
    // discount comes off the refund.
    if let Some((sale, line, _)) = pick(
        store,
        sales,
        &format!("s.sale_discount_minor > 0 AND l.unit = 'each' AND l.quantity_milli >= 2000 AND {GOODS}"),
    )?
    .or(pick(
        store,
        sales,
        &format!("s.sale_discount_minor > 0 AND l.unit = 'each' AND {GOODS}"),
    )?) {
        store.write(&actor, |tx| {
            returns::refund(tx, &back(&sale, &line, "1", "changed their mind"), None)
        })?;
    }
    // 200 g of a weighed refill: the customer had more than the jar held.
    if let Some((sale, line, _)) =
        pick(store, sales, "l.unit <> 'each' AND l.quantity_milli >= 400")?
    {
        store.write(&actor, |tx| {
            returns::refund(tx, &back(&sale, &line, "0.2", "did not fit the jar"), None)
        })?;
    }
    // A damaged return: chipped on the way home, written off.
    if let Some((sale, line, _)) = pick(
        store,
        sales,
        "l.unit = 'each' AND EXISTS (SELECT 1 FROM product p WHERE p.id = l.product_id AND p.kind = 'item')",
    )? {
        let mut input = back(&sale, &line, "1", "chipped");
        input.lines[0].damaged = true;
        input.lines[0].damage_reason = "chipped rim".into();
        store.write(&actor, |tx| returns::refund(tx, &input, None))?;
    }
    // An exchange: one item back, another product instead, the difference
    // settled in cash.
    if let Some((sale, line, _)) = pick(
        store,
        sales,
        "l.unit = 'each' AND EXISTS (SELECT 1 FROM product p WHERE p.id = l.product_id AND p.kind = 'item')",
    )? {
        let product: String = store.conn().query_row(
            "SELECT p.id FROM product p WHERE p.active = 1 AND p.kind = 'item' AND p.unit = 'each'
               AND p.id <> (SELECT product_id FROM sale_line WHERE id = ?1)
             ORDER BY p.sku LIMIT 1",
            [&line],
            |r| r.get(0),
        )?;
        let cart = CartInput {
            lines: vec![LineInput {
                product_id: product,
                quantity: "1".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let cash = [PaymentInput {
            method: "cash".into(),
            ..Default::default()
        }];
        store.write(&actor, |tx| {
            exchange::exchange(
                tx,
                &back(&sale, &line, "1", "another colour"),
                &cart,
                &cash,
                None,
            )
        })?;
    }
    Ok(())
}
