//! The figures of a scope, each defined once (`docs/figures.md` says what
//! each means): the sales figures (counts, takings, discounts, tax, voids,
//! tax by rate, payment mix) and the cash figures (float, the parts of the
//! expected-cash formula, counted, variance). The Z report, the event report,
//! the comparison of events and `summary.csv` all take them from here.
//!
//! Every amount is summed by SQL over INTEGER minor units (the lines once
//! per product, rate and unit: `line_sums`, added up with checked integer
//! adds), so totals are exact; Rust only turns the sums into text with
//! `Currency::format`.

use rusqlite::{params_from_iter, Connection};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::money::Currency;
use crate::reporting::line_sums::{LineSums, LineTotals};
pub use crate::reporting::refund_figures::RefundFigures;
use crate::reporting::scope::Scope;
use crate::Result;

/// An amount: the exact minor units and the text `Currency::format` gives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub text: String,
}

impl Money {
    pub fn new(currency: &Currency, minor: i64) -> Money {
        Money {
            minor,
            text: currency.format(currency.from_minor(minor)),
        }
    }
}

/// A quantity in thousandths as decimal text without trailing zeros.
pub fn milli_text(milli: i64) -> String {
    Decimal::new(milli, 3).normalize().to_string()
}

/// Sales ÷ visitors in percent, one decimal; None without visitors.
pub fn conversion(sales: i64, visitors: i64) -> Option<String> {
    if visitors <= 0 {
        return None;
    }
    let pct = Decimal::from(sales) * Decimal::from(100) / Decimal::from(visitors);
    let mut rounded = pct.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(1);
    Some(rounded.to_string())
}

/// More sales than visitors were counted (a conversion above 100 %): the
/// visitor count looks low, and the screens say so beside the figure.
pub fn visitors_look_low(sales: i64, visitors: i64) -> bool {
    visitors > 0 && sales > visitors
}

/// Total ÷ sales, rounded to the minor unit; 0 without sales.
pub fn average_basket(currency: &Currency, total: i64, sales: i64) -> Result<Money> {
    if sales <= 0 {
        return Ok(Money::new(currency, 0));
    }
    let avg = currency.round(currency.from_minor(total) / Decimal::from(sales));
    Ok(Money::new(currency, currency.to_minor(avg)?))
}

/// The voided sales of the scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voids {
    pub count: i64,
    /// Σ of their sale totals.
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRow {
    /// The rate in percent as the lines carry it, e.g. `5.5`.
    pub rate: String,
    pub net: Money,
    pub tax: Money,
    /// net + tax.
    pub gross: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRow {
    pub method: String,
    pub count: i64,
    pub amount: Money,
}

/// The sales figures of a scope. Only sales that count (not voided) are in
/// them, except `voids`, which are the voided ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesFigures {
    pub sales_count: i64,
    /// Σ line amounts at the prices charged, before any discount.
    pub before_discounts: Money,
    /// Σ line and whole-sale discounts.
    pub discounts: Money,
    /// Σ line net: without tax, after discounts.
    pub net: Money,
    /// Σ line tax.
    pub tax: Money,
    /// Σ line gross = net + tax.
    pub gross: Money,
    /// Σ cash rounding.
    pub rounding: Money,
    /// Σ sale totals = gross + rounding: what was taken.
    pub total: Money,
    pub voids: Voids,
    /// Units of products sold by the piece.
    pub items: String,
    /// Lines sold by weight or volume (their units do not add up).
    pub weighed_lines: i64,
    /// total ÷ sales_count.
    pub average_basket: Money,
    pub tax_by_rate: Vec<TaxRow>,
    pub payments: Vec<PaymentRow>,
    /// The refunds paid out in the scope (of any day's sales).
    pub refunds: RefundFigures,
    /// total − refunds.total: what was taken, net of what was paid back.
    pub takings: Money,
}

/// The totals of a scope's sales that count, and of the voided ones: one
/// pass over the sales (not their lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SaleTotals {
    pub count: i64,
    pub total: i64,
    pub discounts: i64,
    pub rounding: i64,
    pub void_count: i64,
    pub void_total: i64,
}

pub(crate) fn sale_totals(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
) -> Result<SaleTotals> {
    let sales = scope.sales(include_practice);
    Ok(conn.query_row(
        &format!(
            "SELECT count(*) FILTER (WHERE v.sale_id IS NULL),
                    coalesce(sum(s.total_minor) FILTER (WHERE v.sale_id IS NULL), 0),
                    coalesce(sum(s.discount_minor) FILTER (WHERE v.sale_id IS NULL), 0),
                    coalesce(sum(s.rounding_minor) FILTER (WHERE v.sale_id IS NULL), 0),
                    count(v.sale_id),
                    coalesce(sum(s.total_minor) FILTER (WHERE v.sale_id IS NOT NULL), 0)
             FROM sale s LEFT JOIN sale_void v ON v.sale_id = s.id
             WHERE {}",
            sales.sql
        ),
        params_from_iter(sales.params.iter()),
        |r| {
            Ok(SaleTotals {
                count: r.get(0)?,
                total: r.get(1)?,
                discounts: r.get(2)?,
                rounding: r.get(3)?,
                void_count: r.get(4)?,
                void_total: r.get(5)?,
            })
        },
    )?)
}

/// The sales figures of `scope`.
pub fn sales_figures(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    currency: &Currency,
) -> Result<SalesFigures> {
    let lines = LineSums::of(conn, &scope.counted_sales(include_practice))?;
    sales_figures_of(conn, scope, include_practice, currency, &lines)
}

/// The sales figures of `scope`, whose counted lines `lines` summed
/// (`LineSums::of` over `scope.counted_sales`).
pub(crate) fn sales_figures_of(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    currency: &Currency,
    lines: &LineSums,
) -> Result<SalesFigures> {
    let m = |minor: i64| Money::new(currency, minor);
    let counted = scope.counted_sales(include_practice);

    let SaleTotals {
        count,
        total,
        discounts,
        rounding,
        void_count,
        void_total,
    } = sale_totals(conn, scope, include_practice)?;

    // Line figures of the sales that count, and the same by tax rate.
    let LineTotals {
        all,
        items_milli,
        weighed,
    } = lines.totals()?;
    let mut tax_by_rate: Vec<TaxRow> = lines
        .sum_by(|g| g.tax_rate.clone())?
        .into_iter()
        .map(|(rate, sums)| TaxRow {
            rate,
            net: m(sums.net_minor),
            tax: m(sums.tax_minor),
            gross: m(sums.gross_minor),
        })
        .collect();
    // Rates are text: order them as numbers (5.5 before 10).
    tax_by_rate.sort_by_key(|row| row.rate.parse::<Decimal>().unwrap_or(Decimal::MAX));

    let payments = {
        let mut stmt = conn.prepare(&format!(
            "SELECT p.method, count(*), sum(p.amount_minor)
             FROM sale s JOIN payment p ON p.sale_id = s.id
             WHERE {}
             GROUP BY p.method ORDER BY sum(p.amount_minor) DESC, p.method",
            counted.sql
        ))?;
        let rows = stmt.query_map(params_from_iter(counted.params.iter()), |r| {
            Ok(PaymentRow {
                method: r.get(0)?,
                count: r.get(1)?,
                amount: m(r.get(2)?),
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };

    let refunds =
        crate::reporting::refund_figures::refund_figures(conn, scope, include_practice, currency)?;
    let takings = total
        .checked_sub(refunds.total.minor)
        .ok_or_else(|| crate::Error::Integrity("the takings are too large to add up".into()))?;
    Ok(SalesFigures {
        sales_count: count,
        before_discounts: m(all.amount_minor),
        discounts: m(discounts),
        net: m(all.net_minor),
        tax: m(all.tax_minor),
        gross: m(all.gross_minor),
        rounding: m(rounding),
        total: m(total),
        voids: Voids {
            count: void_count,
            total: m(void_total),
        },
        items: milli_text(items_milli),
        weighed_lines: weighed,
        average_basket: average_basket(currency, total, count)?,
        tax_by_rate,
        payments,
        refunds,
        takings: m(takings),
    })
}

/// The drawers of the till sessions in scope. The parts of the
/// expected-cash formula (`till::session::CashParts`) cover every session,
/// open or closed; `expected`, `counted` and `variance` are those frozen at
/// close, and `expected_open` is what the drawers still open should hold
/// now, so `expected + expected_open` = the formula over the parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashFigures {
    pub sessions: i64,
    /// Sessions not closed yet: their cash is not counted.
    pub open_sessions: i64,
    pub opening_float: Money,
    /// Cash handed over for sales (before change).
    pub taken: Money,
    pub change_given: Money,
    /// Cash given back by voids made in these sessions.
    pub refunded: Money,
    /// Cash paid out by refunds made in these sessions (0 in a Z report
    /// written before refunds).
    #[serde(default)]
    pub refunds: Money,
    pub paid_in: Money,
    pub paid_out: Money,
    pub drops: Money,
    /// Deposits paid back in cash for containers brought back (none in a
    /// Z report written before deposits could come back).
    #[serde(default)]
    pub deposits: Money,
    /// Of closed sessions only.
    pub expected: Money,
    /// What the drawers still open should hold now. `None` in a report a
    /// cashier sees (`report::report_seen_by`): the close is blind.
    pub expected_open: Option<Money>,
    pub counted: Money,
    /// counted − expected.
    pub variance: Money,
}

/// The drawers of `scope`'s sessions: how many, how many still open, and
/// the expected, counted (the latest count) and variance frozen at close.
pub(crate) fn drawer_counts(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
) -> Result<(i64, i64, i64, i64, i64)> {
    let f = scope.sessions(include_practice);
    Ok(conn.query_row(
        &format!(
            "SELECT count(*), count(*) FILTER (WHERE t.closed_at IS NULL),
                    coalesce(sum(t.expected_minor), 0),
                    coalesce(sum(coalesce(l.counted_minor, t.counted_minor)), 0),
                    coalesce(sum(coalesce(l.variance_minor, t.variance_minor)), 0)
             FROM till_session t LEFT JOIN latest_cash_count l ON l.session_id = t.id WHERE {}",
            f.sql
        ),
        params_from_iter(f.params.iter()),
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?)
}

/// The cash figures of `scope`.
pub fn cash_figures(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    currency: &Currency,
) -> Result<CashFigures> {
    let m = |minor: i64| Money::new(currency, minor);
    let f = scope.sessions(include_practice);
    let (sessions, open, expected, counted, variance) =
        drawer_counts(conn, scope, include_practice)?;
    // The drawer's parts by the till's own formula: one rule for
    // "expected cash" in the whole till.
    let parts = crate::till::session::cash_parts_of(conn, &f)?;
    let expected_open = if open > 0 {
        crate::till::session::cash_parts_of(conn, &f.and("t.closed_at IS NULL"))?.expected()
    } else {
        0
    };
    Ok(CashFigures {
        sessions,
        open_sessions: open,
        opening_float: m(parts.float),
        taken: m(parts.taken),
        change_given: m(parts.change),
        refunded: m(parts.refunded),
        refunds: m(parts.refunds),
        paid_in: m(parts.paid_in),
        paid_out: m(parts.paid_out),
        drops: m(parts.drops),
        deposits: m(parts.deposits),
        expected: m(expected),
        expected_open: Some(m(expected_open)),
        counted: m(counted),
        variance: m(variance),
    })
}

/// One figure as `summary.csv` writes it, keyed for machines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    pub metric: &'static str,
    /// The payment method or tax rate a row is about; empty otherwise.
    pub key: String,
    /// A number with `.` as the decimal mark, exactly as the screen shows it.
    pub value: String,
    /// The currency code, `count`, `percent` or `quantity`.
    pub unit: String,
}

impl SummaryRow {
    pub fn amount(metric: &'static str, key: &str, value: &Money, currency: &str) -> SummaryRow {
        SummaryRow {
            metric,
            key: key.to_string(),
            value: value.text.clone(),
            unit: currency.to_string(),
        }
    }
    pub fn count(metric: &'static str, key: &str, value: i64) -> SummaryRow {
        SummaryRow {
            metric,
            key: key.to_string(),
            value: value.to_string(),
            unit: "count".into(),
        }
    }
    pub fn other(metric: &'static str, value: String, unit: &str) -> SummaryRow {
        SummaryRow {
            metric,
            key: String::new(),
            value,
            unit: unit.to_string(),
        }
    }
}

impl SalesFigures {
    /// These figures as rows of `summary.csv`.
    pub fn summary_rows(&self, currency: &str) -> Vec<SummaryRow> {
        let amount = |metric, value: &Money| SummaryRow::amount(metric, "", value, currency);
        let mut rows = vec![
            SummaryRow::count("sales_count", "", self.sales_count),
            amount("before_discounts", &self.before_discounts),
            amount("discounts", &self.discounts),
            amount("net", &self.net),
            amount("tax", &self.tax),
            amount("gross", &self.gross),
            amount("rounding", &self.rounding),
            amount("total", &self.total),
            SummaryRow::count("voids_count", "", self.voids.count),
            amount("voids_total", &self.voids.total),
            SummaryRow::other("items", self.items.clone(), "quantity"),
            SummaryRow::count("weighed_lines", "", self.weighed_lines),
            amount("average_basket", &self.average_basket),
            amount("takings", &self.takings),
        ];
        rows.extend(rate_and_tender_rows(
            SALE_ROWS,
            &self.tax_by_rate,
            &self.payments,
            currency,
        ));
        rows.extend(self.refunds.summary_rows(currency));
        rows
    }
}

/// The metric names of the rows by tax rate and by tender: net, tax and
/// gross per rate, then count and amount per tender.
pub(crate) const SALE_ROWS: [&str; 5] = [
    "tax_rate_net",
    "tax_rate_tax",
    "tax_rate_gross",
    "payment_count",
    "payment_amount",
];

/// The `summary.csv` rows of figures by tax rate and by tender, named by
/// `names` (`SALE_ROWS`, or the refunds' own).
pub(crate) fn rate_and_tender_rows(
    names: [&'static str; 5],
    tax_by_rate: &[TaxRow],
    payments: &[PaymentRow],
    currency: &str,
) -> Vec<SummaryRow> {
    let [net, tax, gross, count, amount] = names;
    let mut rows = Vec::new();
    for t in tax_by_rate {
        rows.push(SummaryRow::amount(net, &t.rate, &t.net, currency));
        rows.push(SummaryRow::amount(tax, &t.rate, &t.tax, currency));
        rows.push(SummaryRow::amount(gross, &t.rate, &t.gross, currency));
    }
    for p in payments {
        rows.push(SummaryRow::count(count, &p.method, p.count));
        rows.push(SummaryRow::amount(amount, &p.method, &p.amount, currency));
    }
    rows
}

impl CashFigures {
    /// These figures as rows of `summary.csv` (`cash_` + the field name).
    pub fn summary_rows(&self, currency: &str) -> Vec<SummaryRow> {
        let amount = |metric, value: &Money| SummaryRow::amount(metric, "", value, currency);
        vec![
            SummaryRow::count("cash_sessions", "", self.sessions),
            SummaryRow::count("cash_open_sessions", "", self.open_sessions),
            amount("cash_opening_float", &self.opening_float),
            amount("cash_taken", &self.taken),
            amount("cash_change_given", &self.change_given),
            amount("cash_refunded", &self.refunded),
            amount("cash_refunds", &self.refunds),
            amount("cash_paid_in", &self.paid_in),
            amount("cash_paid_out", &self.paid_out),
            amount("cash_drops", &self.drops),
            amount("cash_deposits", &self.deposits),
            amount("cash_expected", &self.expected),
            amount("cash_counted", &self.counted),
            amount("cash_variance", &self.variance),
        ]
    }
}
