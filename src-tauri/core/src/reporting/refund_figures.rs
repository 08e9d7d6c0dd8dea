//! The refund figures of a scope, defined once (`docs/figures.md`): how many
//! refunds were paid out, what they paid back (before discounts, the
//! discounts that came off, net, tax, gross, cash rounding, total), by tax
//! rate and by tender, and how many were without a receipt, exchanges or
//! had damaged goods. A refund counts in the scope of the session that paid
//! it out, whatever the day of the sale it refunds. Summed by SQL over
//! INTEGER minor units, as every figure.

use rusqlite::{params_from_iter, Connection};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Currency;
use crate::reporting::figures::{rate_and_tender_rows, Money, PaymentRow, SummaryRow, TaxRow};
use crate::reporting::scope::Scope;
use crate::Result;

/// The refunds of a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundFigures {
    pub count: i64,
    /// Σ refund line amounts at the prices charged, before discounts.
    pub before_discounts: Money,
    /// Σ the line and sale discounts that came off them.
    pub discounts: Money,
    pub net: Money,
    pub tax: Money,
    /// net + tax.
    pub gross: Money,
    /// Σ cash rounding of the refunds' cash parts.
    pub rounding: Money,
    /// gross + rounding: what was paid back.
    pub total: Money,
    /// Refunds made without a receipt (at the price of the day).
    pub without_receipt: i64,
    /// Refunds that were one half of an exchange.
    pub exchanges: i64,
    /// Lines written off as damaged.
    pub damaged_lines: i64,
    pub tax_by_rate: Vec<TaxRow>,
    /// Σ refund payments by tender (`exchange`: the credit passed to an
    /// exchange's new sale).
    pub payments: Vec<PaymentRow>,
}

impl RefundFigures {
    /// No refunds (what a Z report written before refunds carries).
    pub fn zero(currency: &Currency) -> RefundFigures {
        let z = Money::new(currency, 0);
        RefundFigures {
            count: 0,
            before_discounts: z.clone(),
            discounts: z.clone(),
            net: z.clone(),
            tax: z.clone(),
            gross: z.clone(),
            rounding: z.clone(),
            total: z,
            without_receipt: 0,
            exchanges: 0,
            damaged_lines: 0,
            tax_by_rate: Vec::new(),
            payments: Vec::new(),
        }
    }

    /// These figures as rows of `summary.csv` (`refunds_` + the field name;
    /// by rate and by tender as `refund_tax_rate_*` and `refund_payment_*`).
    pub fn summary_rows(&self, currency: &str) -> Vec<SummaryRow> {
        let amount = |metric, value: &Money| SummaryRow::amount(metric, "", value, currency);
        let mut rows = vec![
            SummaryRow::count("refunds_count", "", self.count),
            amount("refunds_before_discounts", &self.before_discounts),
            amount("refunds_discounts", &self.discounts),
            amount("refunds_net", &self.net),
            amount("refunds_tax", &self.tax),
            amount("refunds_gross", &self.gross),
            amount("refunds_rounding", &self.rounding),
            amount("refunds_total", &self.total),
            SummaryRow::count("refunds_without_receipt", "", self.without_receipt),
            SummaryRow::count("refunds_exchanges", "", self.exchanges),
            SummaryRow::count("refunds_damaged_lines", "", self.damaged_lines),
        ];
        rows.extend(rate_and_tender_rows(
            [
                "refund_tax_rate_net",
                "refund_tax_rate_tax",
                "refund_tax_rate_gross",
                "refund_payment_count",
                "refund_payment_amount",
            ],
            &self.tax_by_rate,
            &self.payments,
            currency,
        ));
        rows
    }
}

/// The refund figures of `scope`.
pub fn refund_figures(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    currency: &Currency,
) -> Result<RefundFigures> {
    let m = |minor: i64| Money::new(currency, minor);
    let f = scope.refunds(include_practice);
    #[allow(clippy::type_complexity)]
    let (count, discounts, net, tax, gross, rounding, total, without, exchanges): (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(r.discount_minor), 0), coalesce(sum(r.net_minor), 0),
                    coalesce(sum(r.tax_minor), 0), coalesce(sum(r.gross_minor), 0),
                    coalesce(sum(r.rounding_minor), 0), coalesce(sum(r.total_minor), 0),
                    count(*) FILTER (WHERE r.without_receipt = 1),
                    count(*) FILTER (WHERE r.exchange_sale_id IS NOT NULL)
             FROM refund r WHERE {}",
            f.sql
        ),
        params_from_iter(f.params.iter()),
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        },
    )?;
    let (before_discounts, damaged): (i64, i64) = conn.query_row(
        &format!(
            "SELECT coalesce(sum(l.amount_minor), 0), count(*) FILTER (WHERE l.restock = 0)
             FROM refund r JOIN refund_line l ON l.refund_id = r.id WHERE {}",
            f.sql
        ),
        params_from_iter(f.params.iter()),
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut tax_by_rate = {
        let mut stmt = conn.prepare(&format!(
            "SELECT l.tax_rate, sum(l.net_minor), sum(l.tax_minor), sum(l.gross_minor)
             FROM refund r JOIN refund_line l ON l.refund_id = r.id WHERE {}
             GROUP BY l.tax_rate",
            f.sql
        ))?;
        let rows = stmt.query_map(params_from_iter(f.params.iter()), |r| {
            Ok(TaxRow {
                rate: r.get(0)?,
                net: m(r.get(1)?),
                tax: m(r.get(2)?),
                gross: m(r.get(3)?),
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    tax_by_rate.sort_by_key(|row| row.rate.parse::<Decimal>().unwrap_or(Decimal::MAX));
    let payments = {
        let mut stmt = conn.prepare(&format!(
            "SELECT p.method, count(*), sum(p.amount_minor)
             FROM refund r JOIN refund_payment p ON p.refund_id = r.id WHERE {}
             GROUP BY p.method ORDER BY sum(p.amount_minor) DESC, p.method",
            f.sql
        ))?;
        let rows = stmt.query_map(params_from_iter(f.params.iter()), |r| {
            Ok(PaymentRow {
                method: r.get(0)?,
                count: r.get(1)?,
                amount: m(r.get(2)?),
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    Ok(RefundFigures {
        count,
        before_discounts: m(before_discounts),
        discounts: m(discounts),
        net: m(net),
        tax: m(tax),
        gross: m(gross),
        rounding: m(rounding),
        total: m(total),
        without_receipt: without,
        exchanges,
        damaged_lines: damaged,
        tax_by_rate,
        payments,
    })
}
