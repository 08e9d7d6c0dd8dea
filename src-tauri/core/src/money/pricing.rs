//! The money rules of a sale, as pure functions of the cart: line amounts,
//! line and whole-sale discounts, tax per rate group, cash rounding of the
//! cash part, and the payment arithmetic. No database here, so the rules can
//! be property-tested on their own; `till::cart` feeds them and `till::sale`
//! stores what they return.
//!
//! Everything is in integer minor units once a line's amount is rounded:
//!
//! 1. a line's amount = round(unit price × quantity) to the minor unit;
//! 2. its line discount (percent: round(amount × p / 100); or an amount) must
//!    not exceed the amount;
//! 3. the whole-sale discount (percent of the discounted lines, or an amount)
//!    is allocated to lines by the **largest remainder** rule: each line gets
//!    floor(D × value / Σ values), and the minor units left over go one each to
//!    the lines with the largest fractional parts (ties: earlier line first).
//!    Each line therefore carries exactly the discount it got, and a refund of
//!    a line returns exactly what was paid for it;
//! 4. tax is computed once per rate group on the group's sum and rounded to
//!    the minor unit (inclusive: G × r / (100 + r); exclusive: N × r / 100),
//!    then allocated to the group's lines by the same largest remainder rule;
//! 5. the sale total is Σ gross + rounding, where rounding comes from rounding
//!    only the part paid in cash to the shop's cash step.
//!
//! Invariants (property-tested): Σ line values + tax (exclusive only) +
//! rounding = total, and Σ tendered − Σ change = total.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{CashStep, Currency};
use crate::shop::settings::TaxMode;
use crate::{Error, Result};

/// A discount as entered: a percentage or an amount of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Discount {
    Percent(Decimal),
    Amount(Decimal),
}

/// One line to price: already resolved against the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineToPrice {
    pub unit_price: Decimal,
    pub quantity: Decimal,
    pub tax_rate: Decimal,
    pub discount: Option<Discount>,
    /// The line's amount as a scale label printed it (minor units): used
    /// instead of unit price × quantity.
    pub fixed_amount: Option<i64>,
}

/// One priced line, in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PricedLine {
    pub amount: i64,
    pub line_discount: i64,
    pub sale_discount: i64,
    pub tax_rate: Decimal,
    pub net: i64,
    pub tax: i64,
    pub gross: i64,
}

impl PricedLine {
    /// What the line counts for in the subtotal: its net when prices exclude
    /// tax, its gross when they include it.
    pub fn value(&self, mode: TaxMode) -> i64 {
        match mode {
            TaxMode::Inclusive => self.gross,
            TaxMode::Exclusive => self.net,
        }
    }
}

/// Tax of one rate group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxGroup {
    pub rate: Decimal,
    pub net: i64,
    pub tax: i64,
    pub gross: i64,
}

/// A priced cart before payment (no cash rounding yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PricedCart {
    pub lines: Vec<PricedLine>,
    /// Σ line values (net when exclusive, gross when inclusive).
    pub subtotal: i64,
    /// Line and sale discounts together.
    pub discount: i64,
    pub sale_discount: i64,
    pub tax: i64,
    pub taxes: Vec<TaxGroup>,
    /// Σ gross: what is due before cash rounding.
    pub total: i64,
}

/// Split `total` minor units across `weights` in proportion, by the largest
/// remainder rule (ties go to the earlier index). The shares sum to `total`.
/// All weights zero: everything goes to the first entry.
pub fn allocate_largest_remainder(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| *w as i128).sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if sum == 0 {
        let mut out = vec![0; weights.len()];
        out[0] = total;
        return out;
    }
    let mut shares = Vec::with_capacity(weights.len());
    let mut rests = Vec::with_capacity(weights.len());
    let mut given: i128 = 0;
    for (i, w) in weights.iter().enumerate() {
        let exact = total as i128 * *w as i128;
        let share = exact.div_euclid(sum);
        shares.push(share as i64);
        rests.push((exact.rem_euclid(sum), i));
        given += share;
    }
    let mut left = total as i128 - given;
    // Largest fractional part first; on a tie the earlier line wins.
    rests.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rests {
        if left <= 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares
}

/// A sum of minor units that does not overflow: too large is a validation
/// error naming `field`, never a panic or a wrapped number.
pub fn checked_sum(field: &str, values: impl IntoIterator<Item = i64>) -> Result<i64> {
    values.into_iter().try_fold(0i64, |sum, v| {
        sum.checked_add(v)
            .ok_or_else(|| Error::validation(field, "the sale is too large for a till"))
    })
}

fn minor(currency: &Currency, field: &str, amount: Decimal) -> Result<i64> {
    currency
        .to_minor(currency.round(amount))
        .map_err(|_| Error::validation(field, format!("{amount} is too large for a till")))
}

/// Price a cart. Errors name the line (`line 2: ...`) and the field.
pub fn price_cart(
    currency: &Currency,
    mode: TaxMode,
    lines: &[LineToPrice],
    sale_discount: Option<Discount>,
) -> Result<PricedCart> {
    let hundred = Decimal::from(100);
    let mut after_line = Vec::with_capacity(lines.len());
    let mut amounts = Vec::with_capacity(lines.len());
    let mut line_discounts = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let gross = line.unit_price.checked_mul(line.quantity).ok_or_else(|| {
            Error::validation(
                "quantity",
                format!("line {}: the amount is too large", i + 1),
            )
        })?;
        let amount = match line.fixed_amount {
            Some(fixed) => fixed,
            None => minor(currency, "quantity", gross)?,
        };
        let discount =
            match line.discount {
                None => 0,
                Some(Discount::Percent(p)) => {
                    if p < Decimal::ZERO || p > hundred {
                        return Err(Error::validation(
                            "discount",
                            format!("line {}: {p}% is not a percentage between 0 and 100", i + 1),
                        ));
                    }
                    minor(
                        currency,
                        "discount",
                        currency.from_minor(amount).checked_mul(p).ok_or_else(|| {
                            Error::validation("discount", "the line is too large")
                        })? / hundred,
                    )?
                }
                Some(Discount::Amount(a)) => {
                    if a < Decimal::ZERO {
                        return Err(Error::validation(
                            "discount",
                            format!("line {}: a discount cannot be negative", i + 1),
                        ));
                    }
                    currency.to_minor(a).map_err(|e| match e {
                        Error::Validation { message, .. } => {
                            Error::validation("discount", format!("line {}: {message}", i + 1))
                        }
                        other => other,
                    })?
                }
            };
        if discount > amount {
            return Err(Error::validation(
                "discount",
                format!(
                    "line {}: the discount {} is larger than the line ({})",
                    i + 1,
                    currency.format(currency.from_minor(discount)),
                    currency.format(currency.from_minor(amount))
                ),
            ));
        }
        amounts.push(amount);
        line_discounts.push(discount);
        after_line.push(amount - discount);
    }
    let base = checked_sum("quantity", after_line.iter().copied())?;
    let sale_disc =
        match sale_discount {
            None => 0,
            Some(Discount::Percent(p)) => {
                if p < Decimal::ZERO || p > hundred {
                    return Err(Error::validation(
                        "sale_discount",
                        format!("{p}% is not a percentage between 0 and 100"),
                    ));
                }
                minor(
                    currency,
                    "sale_discount",
                    currency.from_minor(base).checked_mul(p).ok_or_else(|| {
                        Error::validation("sale_discount", "the sale is too large")
                    })? / hundred,
                )?
            }
            Some(Discount::Amount(a)) => {
                if a < Decimal::ZERO {
                    return Err(Error::validation(
                        "sale_discount",
                        "a discount cannot be negative",
                    ));
                }
                currency
                    .to_minor(a)
                    .map_err(|e| Error::validation("sale_discount", e.bare_message()))?
            }
        };
    if sale_disc > base {
        return Err(Error::validation(
            "sale_discount",
            format!(
                "the discount {} is larger than the sale ({})",
                currency.format(currency.from_minor(sale_disc)),
                currency.format(currency.from_minor(base))
            ),
        ));
    }
    let shares = allocate_largest_remainder(sale_disc, &after_line);
    let values: Vec<i64> = after_line.iter().zip(&shares).map(|(v, s)| v - s).collect();

    // Tax per rate group, in order of first appearance of the rate.
    let mut rates: Vec<Decimal> = Vec::new();
    for line in lines {
        let r = line.tax_rate.normalize();
        if !rates.contains(&r) {
            rates.push(r);
        }
    }
    let mut line_tax = vec![0i64; lines.len()];
    let mut taxes = Vec::with_capacity(rates.len());
    for rate in &rates {
        let members: Vec<usize> = (0..lines.len())
            .filter(|i| lines[*i].tax_rate.normalize() == *rate)
            .collect();
        let group_value = checked_sum("quantity", members.iter().map(|i| values[*i]))?;
        let taxed = currency
            .from_minor(group_value)
            .checked_mul(*rate)
            .ok_or_else(|| Error::validation("quantity", "the sale is too large for a till"))?;
        let tax = match mode {
            TaxMode::Inclusive => minor(currency, "tax", taxed / (hundred + *rate))?,
            TaxMode::Exclusive => minor(currency, "tax", taxed / hundred)?,
        };
        let weights: Vec<i64> = members.iter().map(|i| values[*i]).collect();
        for (i, t) in members
            .iter()
            .zip(allocate_largest_remainder(tax, &weights))
        {
            line_tax[*i] = t;
        }
        let (net, gross) = match mode {
            TaxMode::Inclusive => (group_value - tax, group_value),
            TaxMode::Exclusive => (group_value, checked_sum("quantity", [group_value, tax])?),
        };
        taxes.push(TaxGroup {
            rate: *rate,
            net,
            tax,
            gross,
        });
    }
    let mut priced = Vec::with_capacity(lines.len());
    for i in 0..lines.len() {
        let (net, gross) = match mode {
            TaxMode::Inclusive => (values[i] - line_tax[i], values[i]),
            TaxMode::Exclusive => (
                values[i],
                checked_sum("quantity", [values[i], line_tax[i]])?,
            ),
        };
        priced.push(PricedLine {
            amount: amounts[i],
            line_discount: line_discounts[i],
            sale_discount: shares[i],
            tax_rate: lines[i].tax_rate.normalize(),
            net,
            tax: line_tax[i],
            gross,
        });
    }
    let subtotal = checked_sum("quantity", priced.iter().map(|l| l.value(mode)))?;
    let tax = checked_sum("quantity", taxes.iter().map(|t| t.tax))?;
    let total = checked_sum("quantity", priced.iter().map(|l| l.gross))?;
    let discount = checked_sum(
        "discount",
        line_discounts.iter().copied().chain([sale_disc]),
    )?;
    Ok(PricedCart {
        lines: priced,
        subtotal,
        discount,
        sale_discount: sale_disc,
        tax,
        taxes,
        total,
    })
}

/// How a part of the sale is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Cash,
    Card,
    Mobile,
    Other,
    /// Paid with the credit of goods returned in the same exchange: never
    /// typed at the till, only written by an exchange (`returns`).
    Exchange,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Cash => "cash",
            Method::Card => "card",
            Method::Mobile => "mobile",
            Method::Other => "other",
            Method::Exchange => "exchange",
        }
    }
    /// A method as the till sends it (an exchange's credit is never sent).
    pub fn parse(text: &str) -> Result<Method> {
        match text.trim() {
            "cash" => Ok(Method::Cash),
            "card" => Ok(Method::Card),
            "mobile" => Ok(Method::Mobile),
            "other" => Ok(Method::Other),
            other => Err(Error::validation(
                "method",
                format!("'{other}' is not a payment method (cash, card, mobile or other)"),
            )),
        }
    }
}

/// A payment part as the till asks for it, in minor units. For cash,
/// `amount` is ignored: cash pays what the other methods leave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentPart {
    pub method: Method,
    /// Non-cash: the amount charged. Cash: ignored.
    pub amount: i64,
    /// Cash only: what the customer handed over; `None` means exact.
    pub tendered: Option<i64>,
}

/// A settled payment part, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settled {
    pub method: Method,
    /// What counts toward the sale (tendered − change).
    pub amount: i64,
    pub tendered: i64,
    pub change: i64,
    /// Index of the input part it came from.
    pub part: usize,
}

/// The payment of a sale: rounding of the cash part and the settled parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settlement {
    pub rounding: i64,
    /// Total due after cash rounding.
    pub total: i64,
    pub parts: Vec<Settled>,
    pub change: i64,
}

/// The cash still due when the other methods pay `non_cash`, rounded to the
/// cash step, and the rounding it took.
pub fn cash_due(
    currency: &Currency,
    step: CashStep,
    total: i64,
    non_cash: i64,
) -> Result<(i64, i64)> {
    let part = total
        .checked_sub(non_cash)
        .ok_or_else(|| Error::validation("amount", "the payment is too large for a till"))?;
    let rounded = currency.to_minor(currency.round(step.round(currency.from_minor(part))))?;
    let rounding = rounded
        .checked_sub(part)
        .ok_or_else(|| Error::validation("amount", "the payment is too large for a till"))?;
    Ok((rounded, rounding))
}

/// Settle `parts` against a cart total of `total` minor units. At most one
/// cash part; non-cash parts may not exceed what is due (they give no
/// change); the cash part is rounded to the cash step and must be covered
/// by what was tendered.
pub fn settle(
    currency: &Currency,
    step: CashStep,
    total: i64,
    parts: &[PaymentPart],
) -> Result<Settlement> {
    let fmt = |m: i64| currency.format(currency.from_minor(m));
    let cash_parts = parts.iter().filter(|p| p.method == Method::Cash).count();
    if cash_parts > 1 {
        return Err(Error::validation(
            "payments",
            "take cash once per sale: enter what was handed over in one cash payment",
        ));
    }
    let mut non_cash = 0i64;
    for p in parts.iter().filter(|p| p.method != Method::Cash) {
        if p.amount <= 0 {
            return Err(Error::validation(
                "amount",
                format!("a {} payment must be more than 0", p.method.as_str()),
            ));
        }
        // Checked one by one, so the sum below cannot overflow.
        non_cash = non_cash.saturating_add(p.amount);
    }
    if non_cash > total {
        return Err(Error::validation(
            "amount",
            format!(
                "card, mobile and other payments ({}) are more than the {} due; they cannot give change",
                fmt(non_cash),
                fmt(total)
            ),
        ));
    }
    let mut settled = Vec::with_capacity(parts.len());
    let mut rounding = 0;
    let mut change = 0;
    if cash_parts == 0 && non_cash != total {
        return Err(Error::validation(
            "amount",
            format!(
                "the payments ({}) do not cover the {} due",
                fmt(non_cash),
                fmt(total)
            ),
        ));
    }
    for (i, p) in parts.iter().enumerate() {
        if p.method != Method::Cash {
            settled.push(Settled {
                method: p.method,
                amount: p.amount,
                tendered: p.amount,
                change: 0,
                part: i,
            });
            continue;
        }
        let (due, r) = cash_due(currency, step, total, non_cash)?;
        rounding = r;
        let tendered = p.tendered.unwrap_or(due);
        if tendered < due {
            return Err(Error::validation(
                "tendered",
                format!(
                    "{} tendered is less than the {} due in cash",
                    fmt(tendered),
                    fmt(due)
                ),
            ));
        }
        change = tendered
            .checked_sub(due)
            .ok_or_else(|| Error::validation("tendered", "the payment is too large for a till"))?;
        // A cash part that rounds to nothing (0.02 with a 0.05 step) leaves
        // no payment row; its rounding still counts.
        if due > 0 {
            settled.push(Settled {
                method: Method::Cash,
                amount: due,
                tendered,
                change,
                part: i,
            });
        } else {
            change = 0;
        }
    }
    Ok(Settlement {
        rounding,
        total: checked_sum("amount", [total, rounding])?,
        parts: settled,
        change,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_gives_leftover_units_to_the_largest_fractions() {
        // 10 over 1:1:1 -> 3.33 each; one unit left goes to the first.
        assert_eq!(allocate_largest_remainder(10, &[1, 1, 1]), vec![4, 3, 3]);
        // 100 over 1:2 -> 33.3 / 66.6: the larger fraction (.6) wins.
        assert_eq!(allocate_largest_remainder(100, &[1, 2]), vec![33, 67]);
        assert_eq!(allocate_largest_remainder(5, &[0, 0]), vec![5, 0]);
        assert_eq!(allocate_largest_remainder(0, &[3, 4]), vec![0, 0]);
    }
}
