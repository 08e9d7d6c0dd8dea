//! The money of a refund as pure functions: how much of what a sale line
//! stored comes back for a quantity of it, and how much cash a refund pays
//! out after cash rounding. No database here, so the rules can be
//! property-tested on their own; `returns::plan` feeds them what the ledger
//! holds.
//!
//! **A line's share is cumulative.** A sale line stored, for its quantity Q,
//! its amount A, line discount LD, share of the sale discount SD, tax T and
//! value V (its gross when prices include tax, its net when they do not).
//! Once a quantity c of it has come back in all, the refunds of that line
//! have paid back, for each figure X of (V, LD, SD, T), exactly
//! `round(X × c / Q)` (half away from zero, in minor units), and the rest
//! follows: amount = V + LD + SD, and net + tax = gross. A refund of q more
//! pays the difference between that figure at c + q and what the line's
//! earlier refunds already paid. So every figure comes back in steps that
//! are never negative, never more than was stored, and refunding the rest
//! of a line pays exactly what remains of it: the partial refunds add up to
//! the full refund to the minor unit, whatever their order or size.
//!
//! **Cash rounding is cumulative too, per sale.** The cash a sale's refunds
//! pay out in all is the cash step's rounding of all the cash they owed
//! before rounding; each refund pays what that brings on top of what the
//! earlier ones paid. A sale of 7.02 rounded down to 7.00 in cash refunds
//! 7.00 in cash, in one go or in parts.

use crate::money::pricing::cash_due;
use crate::money::{CashStep, Currency};
use crate::shop::settings::TaxMode;
use crate::{Error, Result};

/// A line's figures in minor units (quantity in thousandths): what a sale
/// line stored, what its refunds paid back so far, or one refund's share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineMoney {
    pub quantity_milli: i64,
    pub amount: i64,
    pub line_discount: i64,
    pub sale_discount: i64,
    pub net: i64,
    pub tax: i64,
    pub gross: i64,
}

impl LineMoney {
    /// What the line counts for: its gross when prices include tax, its net
    /// when they do not (as `PricedLine::value`).
    pub fn value(&self, mode: TaxMode) -> i64 {
        match mode {
            TaxMode::Inclusive => self.gross,
            TaxMode::Exclusive => self.net,
        }
    }

    /// This and `other` added figure by figure (checked).
    pub fn plus(&self, other: &LineMoney) -> Result<LineMoney> {
        let add = |a: i64, b: i64| {
            a.checked_add(b)
                .ok_or_else(|| Error::validation("quantity", "the refund is too large for a till"))
        };
        Ok(LineMoney {
            quantity_milli: add(self.quantity_milli, other.quantity_milli)?,
            amount: add(self.amount, other.amount)?,
            line_discount: add(self.line_discount, other.line_discount)?,
            sale_discount: add(self.sale_discount, other.sale_discount)?,
            net: add(self.net, other.net)?,
            tax: add(self.tax, other.tax)?,
            gross: add(self.gross, other.gross)?,
        })
    }
}

/// `x × part / whole` rounded half away from zero, in i128 so it cannot
/// overflow on the way; `whole` is more than 0.
fn proportion(x: i64, part: i64, whole: i64) -> Result<i64> {
    let (x, part, whole) = (x as i128, part as i128, whole as i128);
    let product = x * part;
    let half_up = (2 * product.abs() + whole) / (2 * whole);
    let rounded = if product < 0 { -half_up } else { half_up };
    i64::try_from(rounded)
        .map_err(|_| Error::validation("quantity", "the refund is too large for a till"))
}

/// What a sale line's refunds have paid back in all once `c` thousandths of
/// it came back (the cumulative rule above).
fn paid_back_at(mode: TaxMode, stored: &LineMoney, c: i64) -> Result<LineMoney> {
    let q = stored.quantity_milli;
    let value = proportion(stored.value(mode), c, q)?;
    let line_discount = proportion(stored.line_discount, c, q)?;
    let sale_discount = proportion(stored.sale_discount, c, q)?;
    let tax = proportion(stored.tax, c, q)?;
    let overflow = || Error::validation("quantity", "the refund is too large for a till");
    let amount = value
        .checked_add(line_discount)
        .and_then(|v| v.checked_add(sale_discount))
        .ok_or_else(overflow)?;
    let (net, gross) = match mode {
        TaxMode::Inclusive => (value.checked_sub(tax).ok_or_else(overflow)?, value),
        TaxMode::Exclusive => (value, value.checked_add(tax).ok_or_else(overflow)?),
    };
    Ok(LineMoney {
        quantity_milli: c,
        amount,
        line_discount,
        sale_discount,
        net,
        tax,
        gross,
    })
}

/// The share of a sale line that `quantity_milli` more of it brings back,
/// given what the line `stored` at the sale and what its earlier refunds
/// `paid` back. Refused when more would come back than was sold.
pub fn line_share(
    mode: TaxMode,
    stored: &LineMoney,
    paid: &LineMoney,
    quantity_milli: i64,
) -> Result<LineMoney> {
    if quantity_milli <= 0 {
        return Err(Error::validation(
            "quantity",
            "the quantity must be more than 0",
        ));
    }
    let after = paid
        .quantity_milli
        .checked_add(quantity_milli)
        .filter(|c| *c <= stored.quantity_milli)
        .ok_or_else(|| {
            Error::validation(
                "quantity",
                "that is more than was sold on the line, less what came back already",
            )
        })?;
    let total = paid_back_at(mode, stored, after)?;
    let share = LineMoney {
        quantity_milli,
        amount: total.amount - paid.amount,
        line_discount: total.line_discount - paid.line_discount,
        sale_discount: total.sale_discount - paid.sale_discount,
        net: total.net - paid.net,
        tax: total.tax - paid.tax,
        gross: total.gross - paid.gross,
    };
    // The earlier refunds followed the same rule, so nothing here can be
    // negative; if it is, the ledger was written by other rules.
    if share.amount < 0
        || share.line_discount < 0
        || share.sale_discount < 0
        || share.tax < 0
        || share.gross < 0
    {
        return Err(Error::Integrity(
            "the line's earlier refunds do not add up as the till writes them".into(),
        ));
    }
    Ok(share)
}

/// The cash a refund pays out and its cash rounding: `owed` is this
/// refund's cash part before rounding; `earlier_owed` and `earlier_paid`
/// are the cash parts before rounding and the cash paid out of the same
/// sale's earlier refunds (both 0 without a receipt). Never negative.
pub fn refund_cash(
    currency: &Currency,
    step: CashStep,
    earlier_owed: i64,
    earlier_paid: i64,
    owed: i64,
) -> Result<(i64, i64)> {
    let all_owed = earlier_owed
        .checked_add(owed)
        .ok_or_else(|| Error::validation("amount", "the refund is too large for a till"))?;
    let (all_paid, _) = cash_due(currency, step, all_owed, 0)?;
    let paid = all_paid.saturating_sub(earlier_paid).max(0);
    Ok((paid, paid - owed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> LineMoney {
        // 3 pieces at 10.00, 1.00 off the line, 0.33 of the sale discount,
        // 20 % tax included: value 28.67, tax 4.78.
        LineMoney {
            quantity_milli: 3000,
            amount: 3000,
            line_discount: 100,
            sale_discount: 33,
            net: 2867 - 478,
            tax: 478,
            gross: 2867,
        }
    }

    #[test]
    fn partial_refunds_add_up_to_the_line_to_the_minor_unit() {
        let s = stored();
        let mut paid = LineMoney::default();
        for _ in 0..3 {
            let share = line_share(TaxMode::Inclusive, &s, &paid, 1000).unwrap();
            assert_eq!(share.net + share.tax, share.gross);
            assert_eq!(
                share.amount - share.line_discount - share.sale_discount,
                share.gross
            );
            paid = paid.plus(&share).unwrap();
        }
        assert_eq!(paid, s);
        assert!(line_share(TaxMode::Inclusive, &s, &paid, 1).is_err());
    }

    #[test]
    fn cash_rounded_down_at_the_sale_comes_back_rounded_down() {
        let eur = Currency::from_code("EUR").unwrap();
        // 7.02 paid as 7.00 in cash: 3.53 and 3.49 come back as 3.55 and 3.45.
        let (first, r1) = refund_cash(&eur, CashStep::Five, 0, 0, 353).unwrap();
        assert_eq!((first, r1), (355, 2));
        let (second, r2) = refund_cash(&eur, CashStep::Five, 353, first, 349).unwrap();
        assert_eq!((second, r2), (345, -4));
        assert_eq!(first + second, 700);
    }
}
