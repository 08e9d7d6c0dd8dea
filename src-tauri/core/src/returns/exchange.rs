//! Exchanges: goods coming back and new goods going out in ONE transaction.
//! The refund of the returned lines pays for the new sale first (the
//! tender `exchange` on both sides, up to the smaller of the two); the
//! customer pays what the new sale costs beyond that, or receives what the
//! refund is worth beyond it (to the tenders the first sale was paid with,
//! as any refund). Both documents keep their own receipts, figures and
//! journal entries; the refund names the sale.

use rusqlite::Connection;
use serde::Serialize;

use crate::db::store::Tx;
use crate::money::pricing;
use crate::returns::plan::{self, RefundInput};
use crate::returns::refund::{self, RefundDone, RefundQuote};
use crate::shop::people::{self, Approval, ApprovalRequest};
use crate::till::cart::{self, CartInput};
use crate::till::sale::{self, Completed, PaymentInput};
use crate::{Actor, Error, Result, Store};

/// What the screen shows before an exchange is made.
#[derive(Debug, Clone, Serialize)]
pub struct ExchangeQuote {
    pub refund: RefundQuote,
    /// The new sale's total.
    pub sale_total: String,
    /// What the returned goods pay of it.
    pub credit: String,
    /// The customer pays the difference (the new goods cost more).
    pub customer_pays: bool,
    /// What the customer pays (before cash rounding) or receives.
    pub difference: String,
    pub difference_minor: i64,
    /// What the customer pays when paying the difference in cash.
    pub difference_in_cash: String,
    pub needs_approval: bool,
    pub approval_reasons: Vec<String>,
}

/// The exchange's two halves worked out: the refund's plan and the new
/// sale's total.
fn cart_total(conn: &Connection, cart: &CartInput) -> Result<(i64, Vec<String>)> {
    if cart.lines.is_empty() {
        return Err(Error::validation(
            "cart",
            "an exchange needs the new goods in the cart: scan them first",
        ));
    }
    if !cart.deposits_back.is_empty() {
        return Err(Error::validation(
            "deposits_back",
            "take containers back in a sale of their own, not in an exchange",
        ));
    }
    let q = crate::till::quote::quote(conn, cart)?;
    Ok((q.total_minor, q.approval_reasons))
}

/// The quote of an exchange for the person at the till.
pub fn quote(
    conn: &Connection,
    device_id: &str,
    input: &RefundInput,
    cart: &CartInput,
    at_till: Option<&crate::shop::at_till::AtTill>,
) -> Result<ExchangeQuote> {
    let key = refund::checked_key(input)?.map_or_else(crate::new_id, str::to_string);
    let (sale_total, cart_reasons) = cart_total(conn, cart)?;
    let plan = plan::plan(conn, device_id, input, Some(sale_total))?;
    let refund = refund::quote_of(&plan, key);
    let c = &plan.settings.currency;
    let f = |m: i64| c.format(c.from_minor(m));
    let credit = plan.money.gross.min(sale_total);
    let customer_pays = sale_total > plan.money.gross;
    let difference = if customer_pays {
        sale_total - plan.money.gross
    } else {
        plan.total - credit
    };
    let in_cash = if customer_pays {
        pricing::cash_due(c, plan.settings.cash_rounding, difference, 0)?.0
    } else {
        difference
    };
    let mut reasons = cart_reasons;
    reasons.extend(refund.approval_reasons.iter().cloned());
    let organizer = at_till.is_some_and(|at| at.role() == crate::shop::people::Role::Organizer);
    Ok(ExchangeQuote {
        sale_total: f(sale_total),
        credit: f(credit),
        customer_pays,
        difference: f(difference),
        difference_minor: difference,
        difference_in_cash: f(in_cash),
        needs_approval: !reasons.is_empty() && !organizer,
        approval_reasons: reasons,
        refund,
    })
}

/// An exchange made: the refund and the new sale.
#[derive(Debug, Clone, Serialize)]
pub struct ExchangeDone {
    pub refund: RefundDone,
    pub sale: Completed,
    pub customer_pays: bool,
}

/// Make an exchange in the caller's transaction: the new sale, paid first
/// by the returned goods and then by `payments`, and the refund of the
/// returned goods, naming the sale. `payments` are the customer's for the
/// difference (empty when the refund covers the sale).
pub fn exchange(
    tx: &Tx,
    input: &RefundInput,
    cart: &CartInput,
    payments: &[PaymentInput],
    approval: Option<&Approval>,
) -> Result<ExchangeDone> {
    if refund::already_refunded(tx, input)?.is_some() {
        return Err(Error::Conflict(
            "this exchange was made already: see its receipts".into(),
        ));
    }
    if let Some(id) = cart::checked_cart_id(cart)? {
        let sold: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sale WHERE cart_id = ?1)",
            [id],
            |r| r.get(0),
        )?;
        if sold {
            return Err(Error::Conflict("this cart was sold already".into()));
        }
    }
    let (sale_total, cart_reasons) = cart_total(tx, cart)?;
    let plan = plan::plan(tx, tx.device_id, input, Some(sale_total))?;
    refund::check_approval(&plan, approval)?;
    if !cart_reasons.is_empty() && approval.is_none() {
        return Err(Error::ApprovalNeeded(format!(
            "an organizer's PIN is needed for: {}",
            cart_reasons.join(", ")
        )));
    }
    let credit = plan.money.gross.min(sale_total);
    let customer_pays = sale_total > plan.money.gross;
    let payments: &[PaymentInput] = if customer_pays { payments } else { &[] };
    // The sale records an approval only for what its cart needed.
    let sale_approval = approval.filter(|_| !cart_reasons.is_empty());
    let sale = sale::complete_paid(tx, cart, payments, sale_approval, credit)?;
    let refund = refund::write(
        tx,
        &plan,
        approval,
        refund::checked_key(input)?,
        Some(&sale.sale_id),
    )?;
    Ok(ExchangeDone {
        refund,
        sale,
        customer_pays,
    })
}

/// Make an exchange, asking for an organizer's PIN only when the refund or
/// the new cart needs one (checked before the PIN is).
pub fn exchange_with_pin(
    store: &mut Store,
    actor: &Actor,
    input: &RefundInput,
    cart: &CartInput,
    payments: &[PaymentInput],
    request: &ApprovalRequest,
) -> Result<ExchangeDone> {
    let (sale_total, cart_reasons) = cart_total(store.conn(), cart)?;
    let plan = plan::plan(store.conn(), store.device_id(), input, Some(sale_total))?;
    let approval = if plan.approvals.is_empty() && cart_reasons.is_empty() {
        None
    } else {
        people::approve_if_given(store, request)?
    };
    store.write(actor, |tx| {
        exchange(tx, input, cart, payments, approval.as_ref())
    })
}
