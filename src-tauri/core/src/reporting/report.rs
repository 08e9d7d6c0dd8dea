//! Reports: the figures of an event (or of a date range) as the organizer
//! sees them after the day, the side-by-side comparison of events, and the
//! footfall tally (visitors) that conversion is computed from.
//!
//! Every amount is summed by SQL over INTEGER minor units, so totals are
//! exact; Rust only turns the sums into text with `Currency::format`. The
//! export's `summary.csv` is written from the same `EventReport`, so the
//! file and the screen cannot disagree.
//!
//! Definitions (what each figure means):
//! - a *sale* counts unless it was voided; voided sales are counted apart
//!   (`voids`). Practice sales are left out unless asked for.
//! - `gross` = Σ line amount before discounts, at the prices charged;
//!   `discounts` = Σ line and whole-sale discounts; `net` = Σ line net
//!   (without tax, after discounts); `tax` = Σ line tax; `rounding` = Σ cash
//!   rounding; `total` = Σ sale totals = net + tax + rounding (what was taken).
//! - `items` = units of products sold by the piece; lines sold by weight or
//!   volume are counted as `weighed_lines`.
//! - stock at the event location, from the stock ledger: `brought` = receive,
//!   transfer and refill moves; `sold` = sale, return, void and fulfil moves
//!   (negated); `shrinkage` = adjust, count and waste moves (negated);
//!   `remaining` = brought − sold − shrinkage = Σ of every move.
//! - conversion = sales ÷ visitors, in percent, per event and per local hour.

use chrono::{Duration, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::db::store::Tx;
use crate::money::Currency;
use crate::shop::events::{self, Event};
use crate::shop::settings;
use crate::{new_id, Error, Result};

/// What a report or an export covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One event's sales, sessions, stock and visitors.
    Event(String),
    /// Everything whose local date (the device's offset at the time) falls
    /// within `from..=to`.
    Range { from: NaiveDate, to: NaiveDate },
}

impl Scope {
    /// Parse a date range as a person types it, refusing an inverted range.
    pub fn range(from: &str, to: &str) -> Result<Scope> {
        let parse = |field: &str, text: &str| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                Error::validation(
                    field,
                    format!("'{}' is not a date like 2026-12-05", text.trim()),
                )
            })
        };
        let from = parse("from", from)?;
        let to = parse("to", to)?;
        if to < from {
            return Err(Error::validation(
                "to",
                format!("the range ends ({to}) before it starts ({from})"),
            ));
        }
        Ok(Scope::Range { from, to })
    }

    /// A short label for files and journal entries.
    pub fn label(&self) -> String {
        match self {
            Scope::Event(id) => format!("event {id}"),
            Scope::Range { from, to } => format!("{from} to {to}"),
        }
    }
}

/// A SQL condition on a table alias plus its parameters, so that every
/// query of a report and of the export selects exactly the same rows.
pub(crate) struct Filter {
    pub sql: String,
    pub params: Vec<Value>,
}

/// Bounds on the stored UTC text that surely include every local date of
/// the range (offsets run from −12:00 to +14:00), so the index on the time
/// column narrows the scan before the exact local-date test.
fn utc_bounds(from: NaiveDate, to: NaiveDate) -> (String, String) {
    let lo = from.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(15);
    let hi = to.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::hours(24 + 15);
    (
        lo.format("%Y-%m-%dT%H:%M:%S").to_string(),
        hi.format("%Y-%m-%dT%H:%M:%S").to_string(),
    )
}

/// UTC times whose local date is inside the range for every offset from
/// −12:00 to +14:00: from `from` 12:00 to `to + 1 day` 10:00 (UTC).
fn utc_safe_zone(from: NaiveDate, to: NaiveDate) -> (String, String) {
    let lo = from.and_hms_opt(12, 0, 0).unwrap_or_default();
    let hi = to.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::hours(24 - 14);
    (
        lo.format("%Y-%m-%dT%H:%M:%S").to_string(),
        hi.format("%Y-%m-%dT%H:%M:%S").to_string(),
    )
}

impl Scope {
    /// Rows of a table with an `event_id` column, a UTC time column and an
    /// offset column (`alias.time`, `alias.offset`).
    pub(crate) fn filter(&self, alias: &str, time: &str, offset: &str) -> Filter {
        match self {
            Scope::Event(id) => Filter {
                sql: format!("{alias}.event_id = ?"),
                params: vec![Value::Text(id.clone())],
            },
            Scope::Range { from, to } => {
                let (lo, hi) = utc_bounds(*from, *to);
                let (safe_lo, safe_hi) = utc_safe_zone(*from, *to);
                // Rows inside the safe zone are in range whatever their
                // offset; only those near the edges pay for date().
                Filter {
                    sql: format!(
                        "{alias}.{time} >= ? AND {alias}.{time} < ? AND (({alias}.{time} >= ? AND {alias}.{time} < ?) OR date({alias}.{time}, {alias}.{offset} || ' minutes') BETWEEN ? AND ?)"
                    ),
                    params: vec![
                        Value::Text(lo),
                        Value::Text(hi),
                        Value::Text(safe_lo),
                        Value::Text(safe_hi),
                        Value::Text(from.to_string()),
                        Value::Text(to.to_string()),
                    ],
                }
            }
        }
    }

    /// The sales in scope (alias `s`), practice ones only when asked.
    pub(crate) fn sales(&self, include_practice: bool) -> Filter {
        let mut f = self.filter("s", "at_utc", "utc_offset_minutes");
        f.sql.push_str(" AND s.practice <= ?");
        f.params.push(Value::Integer(i64::from(include_practice)));
        f
    }

    /// The till sessions in scope (alias `t`). A range also takes the
    /// sessions of its sales (a session opened the evening before), so every
    /// sale's session is in the export too.
    pub(crate) fn sessions(&self, include_practice: bool) -> Filter {
        let mut f = self.filter("t", "opened_at", "opened_offset_minutes");
        if let Scope::Range { .. } = self {
            let sales = self.sales(include_practice);
            f.sql = format!(
                "(({}) OR t.id IN (SELECT s.session_id FROM sale s WHERE {}))",
                f.sql, sales.sql
            );
            f.params.extend(sales.params);
        }
        f.sql.push_str(" AND t.practice <= ?");
        f.params.push(Value::Integer(i64::from(include_practice)));
        f
    }
}

/// An amount: the exact minor units and the text `Currency::format` gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Money {
    pub minor: i64,
    pub text: String,
}

fn money(currency: &Currency, minor: i64) -> Money {
    Money {
        minor,
        text: currency.format(currency.from_minor(minor)),
    }
}

/// A quantity in thousandths as decimal text without trailing zeros.
pub fn milli_text(milli: i64) -> String {
    Decimal::new(milli, 3).normalize().to_string()
}

/// Sales ÷ visitors in percent, one decimal; None without visitors.
fn conversion(sales: i64, visitors: i64) -> Option<String> {
    if visitors <= 0 {
        return None;
    }
    let pct = Decimal::from(sales) * Decimal::from(100) / Decimal::from(visitors);
    let mut rounded = pct.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(1);
    Some(rounded.to_string())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Voids {
    pub count: i64,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxRow {
    /// The rate in percent as the lines carry it, e.g. `5.5`.
    pub rate: String,
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentRow {
    pub method: String,
    pub count: i64,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HourRow {
    /// Local hour of the day, 0–23 (the device's offset at the time).
    pub hour: u32,
    pub sales: i64,
    pub total: Money,
    pub visitors: i64,
    pub conversion: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductRow {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub quantity: String,
    pub gross: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockRow {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub brought: String,
    pub sold: String,
    pub shrinkage: String,
    pub remaining: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CashFigures {
    pub sessions: i64,
    /// Sessions not closed yet: their cash is not counted.
    pub open_sessions: i64,
    pub opening_float: Money,
    /// Of closed sessions only.
    pub expected: Money,
    /// What the drawers of sessions still open should hold now (the
    /// checkout's own formula, `till_session::cash_parts`).
    pub expected_open: Money,
    pub counted: Money,
    pub variance: Money,
}

/// Tasks done at the event. Filled by the task flow's core function once it
/// lands (see `tasks_done` below); None until then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskFigures {
    pub done: i64,
    pub total: i64,
}

/// Everything the Reports screen shows for one event or range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventReport {
    pub scope: String,
    pub event: Option<Event>,
    pub currency: String,
    pub include_practice: bool,
    pub sales_count: i64,
    pub gross: Money,
    pub discounts: Money,
    pub net: Money,
    pub tax: Money,
    pub rounding: Money,
    pub total: Money,
    pub voids: Voids,
    pub items: String,
    pub weighed_lines: i64,
    pub average_basket: Money,
    pub tax_by_rate: Vec<TaxRow>,
    pub payments: Vec<PaymentRow>,
    pub by_hour: Vec<HourRow>,
    pub top_products: Vec<ProductRow>,
    pub stock: Vec<StockRow>,
    pub cash: CashFigures,
    pub visitors: i64,
    pub conversion: Option<String>,
    pub tasks: Option<TaskFigures>,
}

/// A sale that was not voided (alias `s`).
const NOT_VOIDED: &str = "NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id)";

/// Check the scope names something that exists.
fn scope_event(conn: &Connection, scope: &Scope) -> Result<Option<Event>> {
    match scope {
        Scope::Event(id) => Ok(Some(events::get(conn, id)?)),
        Scope::Range { .. } => Ok(None),
    }
}

/// How much of the report to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything the screen shows.
    Full,
    /// Only the figures of `summary_rows` (the export's summary.csv): by
    /// hour, top products and stock are left empty. The figures computed
    /// are the very same queries as `Full`.
    Totals,
}

/// The report of `scope`. Reads only; call it inside a read transaction for
/// a snapshot consistent with other reads (the export does).
pub fn report(conn: &Connection, scope: &Scope, include_practice: bool) -> Result<EventReport> {
    report_with(conn, scope, include_practice, Detail::Full)
}

/// The report with only the `detail` asked for.
pub fn report_with(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    detail: Detail,
) -> Result<EventReport> {
    let event = scope_event(conn, scope)?;
    let currency = settings::load(conn)?.currency;
    let m = |minor: i64| money(&currency, minor);
    let sales = scope.sales(include_practice);

    // Totals of the sales that count, and of the voided ones.
    let (count, total, discounts, rounding, void_count, void_total): (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = conn.query_row(
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
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        },
    )?;

    // Line figures of the sales that count.
    let (gross, net, tax, items_milli, weighed): (i64, i64, i64, i64, i64) = conn.query_row(
        &format!(
            "SELECT coalesce(sum(l.amount_minor), 0), coalesce(sum(l.net_minor), 0),
                    coalesce(sum(l.tax_minor), 0),
                    coalesce(sum(l.quantity_milli) FILTER (WHERE l.unit = 'each'), 0),
                    count(*) FILTER (WHERE l.unit <> 'each')
             FROM sale s JOIN sale_line l ON l.sale_id = s.id
             WHERE {} AND {NOT_VOIDED}",
            sales.sql
        ),
        params_from_iter(sales.params.iter()),
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;

    let mut tax_by_rate = {
        let mut stmt = conn.prepare(&format!(
            "SELECT l.tax_rate, sum(l.net_minor), sum(l.tax_minor), sum(l.gross_minor)
             FROM sale s JOIN sale_line l ON l.sale_id = s.id
             WHERE {} AND {NOT_VOIDED}
             GROUP BY l.tax_rate",
            sales.sql
        ))?;
        let rows = stmt.query_map(params_from_iter(sales.params.iter()), |r| {
            Ok(TaxRow {
                rate: r.get(0)?,
                net: m(r.get(1)?),
                tax: m(r.get(2)?),
                gross: m(r.get(3)?),
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    // Rates are text: order them as numbers (5.5 before 10).
    tax_by_rate.sort_by_key(|row| row.rate.parse::<Decimal>().unwrap_or(Decimal::MAX));

    let payments = {
        let mut stmt = conn.prepare(&format!(
            "SELECT p.method, count(*), sum(p.amount_minor)
             FROM sale s JOIN payment p ON p.sale_id = s.id
             WHERE {} AND {NOT_VOIDED}
             GROUP BY p.method ORDER BY sum(p.amount_minor) DESC, p.method",
            sales.sql
        ))?;
        let rows = stmt.query_map(params_from_iter(sales.params.iter()), |r| {
            Ok(PaymentRow {
                method: r.get(0)?,
                count: r.get(1)?,
                amount: m(r.get(2)?),
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };

    let visitors_filter = scope.filter("t", "at_utc", "utc_offset_minutes");
    let visitors: i64 = conn.query_row(
        &format!(
            "SELECT coalesce(sum(t.delta), 0) FROM visitor_tally t WHERE {}",
            visitors_filter.sql
        ),
        params_from_iter(visitors_filter.params.iter()),
        |r| r.get(0),
    )?;

    let (by_hour, top_products, stock) = match detail {
        Detail::Full => (
            hours(conn, scope, include_practice, &currency)?,
            top_products(conn, &sales, &currency)?,
            stock_figures(conn, scope)?,
        ),
        Detail::Totals => (Vec::new(), Vec::new(), Vec::new()),
    };
    let cash = cash_figures(conn, scope, include_practice, &currency)?;

    let average_basket = if count > 0 {
        let avg = currency.round(currency.from_minor(total) / Decimal::from(count));
        m(currency.to_minor(avg)?)
    } else {
        m(0)
    };

    Ok(EventReport {
        scope: scope.label(),
        event,
        currency: currency.code.clone(),
        include_practice,
        sales_count: count,
        gross: m(gross),
        discounts: m(discounts),
        net: m(net),
        tax: m(tax),
        rounding: m(rounding),
        total: m(total),
        voids: Voids {
            count: void_count,
            total: m(void_total),
        },
        items: milli_text(items_milli),
        weighed_lines: weighed,
        average_basket,
        tax_by_rate,
        payments,
        by_hour,
        top_products,
        stock,
        cash,
        visitors,
        conversion: conversion(count, visitors),
        tasks: tasks_done(conn, scope)?,
    })
}

/// Steps of the event flows in scope that are finished (done or skipped
/// with a reason), out of all their steps; None when no event in scope has
/// a flow.
fn tasks_done(conn: &Connection, scope: &Scope) -> Result<Option<TaskFigures>> {
    let mut figures = TaskFigures { done: 0, total: 0 };
    for event_id in scope.event_ids(conn)? {
        // "now" only decides what is overdue, which is not counted here.
        let flow = crate::tasks::flow_at(conn, &event_id, chrono::NaiveDateTime::default())?;
        figures.total += flow.steps.len() as i64;
        figures.done += flow
            .steps
            .iter()
            .filter(|s| s.status != crate::tasks::StepStatus::Open)
            .count() as i64;
    }
    Ok((figures.total > 0).then_some(figures))
}

impl Scope {
    /// The events in scope: the one event, or those starting within the range.
    pub fn event_ids(&self, conn: &Connection) -> Result<Vec<String>> {
        match self {
            Scope::Event(id) => Ok(vec![id.clone()]),
            Scope::Range { from, to } => {
                let mut stmt = conn.prepare(
                    "SELECT id FROM event WHERE substr(starts_at, 1, 10) BETWEEN ?1 AND ?2 ORDER BY starts_at, id",
                )?;
                let rows = stmt.query_map((from.to_string(), to.to_string()), |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            }
        }
    }
}

fn hours(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    currency: &Currency,
) -> Result<Vec<HourRow>> {
    let sales = scope.sales(include_practice);
    let mut by_hour: std::collections::BTreeMap<u32, (i64, i64, i64)> = Default::default();
    let mut stmt = conn.prepare(&format!(
        "SELECT CAST(strftime('%H', s.at_utc, s.utc_offset_minutes || ' minutes') AS INTEGER) AS hour,
                count(*), sum(s.total_minor)
         FROM sale s WHERE {} AND {NOT_VOIDED}
         GROUP BY hour",
        sales.sql
    ))?;
    let mut rows = stmt.query(params_from_iter(sales.params.iter()))?;
    while let Some(r) = rows.next()? {
        let hour: u32 = r.get(0)?;
        let e = by_hour.entry(hour).or_default();
        e.0 = r.get(1)?;
        e.1 = r.get(2)?;
    }
    let f = scope.filter("t", "at_utc", "utc_offset_minutes");
    let mut stmt = conn.prepare(&format!(
        "SELECT CAST(strftime('%H', t.at_utc, t.utc_offset_minutes || ' minutes') AS INTEGER) AS hour,
                sum(t.delta)
         FROM visitor_tally t WHERE {}
         GROUP BY hour",
        f.sql
    ))?;
    let mut rows = stmt.query(params_from_iter(f.params.iter()))?;
    while let Some(r) = rows.next()? {
        let hour: u32 = r.get(0)?;
        by_hour.entry(hour).or_default().2 = r.get(1)?;
    }
    // Show every hour between the first and the last, quiet ones too, so
    // the chart's bars stand at their true positions.
    let (Some(first), Some(last)) = (
        by_hour.keys().next().copied(),
        by_hour.keys().last().copied(),
    ) else {
        return Ok(Vec::new());
    };
    Ok((first..=last)
        .map(|hour| {
            let (sales, total, visitors) = by_hour.get(&hour).copied().unwrap_or_default();
            HourRow {
                hour,
                sales,
                total: money(currency, total),
                visitors,
                conversion: conversion(sales, visitors),
            }
        })
        .collect())
}

fn top_products(conn: &Connection, sales: &Filter, currency: &Currency) -> Result<Vec<ProductRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT l.product_id, p.sku, p.name, q, g FROM (
             SELECT l.product_id, sum(l.quantity_milli) AS q, sum(l.gross_minor) AS g
             FROM sale s JOIN sale_line l ON l.sale_id = s.id
             WHERE {} AND {NOT_VOIDED}
             GROUP BY l.product_id
             ORDER BY g DESC, q DESC LIMIT 10) l
         JOIN product p ON p.id = l.product_id
         ORDER BY g DESC, q DESC, p.sku",
        sales.sql
    ))?;
    let rows = stmt.query_map(params_from_iter(sales.params.iter()), |r| {
        Ok(ProductRow {
            product_id: r.get(0)?,
            sku: r.get(1)?,
            name: r.get(2)?,
            quantity: milli_text(r.get(3)?),
            gross: money(currency, r.get(4)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn stock_figures(conn: &Connection, scope: &Scope) -> Result<Vec<StockRow>> {
    let f = scope.filter("m", "at_utc", "utc_offset_minutes");
    let mut stmt = conn.prepare(&format!(
        "SELECT m.product_id, p.sku, p.name, brought, sold, shrink, remaining FROM (
             SELECT m.product_id,
                    coalesce(sum(m.quantity_milli) FILTER (WHERE m.kind IN ('receive', 'transfer', 'refill')), 0) AS brought,
                    -coalesce(sum(m.quantity_milli) FILTER (WHERE m.kind IN ('sale', 'return', 'void', 'fulfil')), 0) AS sold,
                    -coalesce(sum(m.quantity_milli) FILTER (WHERE m.kind IN ('adjust', 'count', 'waste')), 0) AS shrink,
                    sum(m.quantity_milli) AS remaining
             FROM stock_movement m
             WHERE {} AND m.location = 'event'
             GROUP BY m.product_id) m
         JOIN product p ON p.id = m.product_id
         ORDER BY p.sku",
        f.sql
    ))?;
    let rows = stmt.query_map(params_from_iter(f.params.iter()), |r| {
        Ok(StockRow {
            product_id: r.get(0)?,
            sku: r.get(1)?,
            name: r.get(2)?,
            brought: milli_text(r.get(3)?),
            sold: milli_text(r.get(4)?),
            shrinkage: milli_text(r.get(5)?),
            remaining: milli_text(r.get(6)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn cash_figures(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    currency: &Currency,
) -> Result<CashFigures> {
    let f = scope.sessions(include_practice);
    let (sessions, open, float, expected, counted, variance): (i64, i64, i64, i64, i64, i64) = conn
        .query_row(
            &format!(
                "SELECT count(*), count(*) FILTER (WHERE t.closed_at IS NULL),
                        coalesce(sum(t.opening_float_minor), 0),
                        coalesce(sum(t.expected_minor), 0),
                        coalesce(sum(t.counted_minor), 0),
                        coalesce(sum(t.variance_minor), 0)
                 FROM till_session t WHERE {}",
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
                ))
            },
        )?;
    // Each open session's drawer by the checkout's own formula: one rule
    // for "expected cash" in the whole till.
    let mut expected_open = 0i64;
    if open > 0 {
        let mut stmt = conn.prepare(&format!(
            "SELECT t.id FROM till_session t WHERE {} AND t.closed_at IS NULL",
            f.sql
        ))?;
        let ids = stmt
            .query_map(params_from_iter(f.params.iter()), |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for id in ids {
            expected_open += crate::till::session::cash_parts(conn, &id)?.expected();
        }
    }
    Ok(CashFigures {
        sessions,
        open_sessions: open,
        expected_open: money(currency, expected_open),
        opening_float: money(currency, float),
        expected: money(currency, expected),
        counted: money(currency, counted),
        variance: money(currency, variance),
    })
}

/// One row of the side-by-side comparison of events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComparisonRow {
    pub event: Event,
    pub sales_count: i64,
    pub total: Money,
    pub net: Money,
    pub tax: Money,
    pub discounts: Money,
    pub voids: Voids,
    pub items: String,
    pub average_basket: Money,
    pub visitors: i64,
    pub conversion: Option<String>,
    pub cash_variance: Money,
}

/// The same figures for several events side by side; all events that are
/// open or closed when `event_ids` is empty, oldest first.
pub fn compare(
    conn: &Connection,
    event_ids: &[String],
    include_practice: bool,
) -> Result<Vec<ComparisonRow>> {
    let ids: Vec<String> = if event_ids.is_empty() {
        events::list(conn)?
            .into_iter()
            .filter(|e| e.status != events::EventStatus::Planned)
            .map(|e| e.id)
            .collect()
    } else {
        event_ids.to_vec()
    };
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        let r = report(conn, &Scope::Event(id), include_practice)?;
        let Some(event) = r.event else { continue };
        rows.push(ComparisonRow {
            event,
            sales_count: r.sales_count,
            total: r.total,
            net: r.net,
            tax: r.tax,
            discounts: r.discounts,
            voids: r.voids,
            items: r.items,
            average_basket: r.average_basket,
            visitors: r.visitors,
            conversion: r.conversion,
            cash_variance: r.cash.variance,
        });
    }
    rows.sort_by(|a, b| a.event.starts_at.cmp(&b.event.starts_at));
    Ok(rows)
}

/// One line of `summary.csv`: a figure of the report, keyed for machines.
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

impl EventReport {
    /// The report's figures as the rows of `summary.csv`.
    pub fn summary_rows(&self) -> Vec<SummaryRow> {
        let cur = || self.currency.clone();
        let row = |metric, key: &str, value: String, unit: String| SummaryRow {
            metric,
            key: key.to_string(),
            value,
            unit,
        };
        let count = || "count".to_string();
        let mut rows = vec![
            row("sales_count", "", self.sales_count.to_string(), count()),
            row("gross", "", self.gross.text.clone(), cur()),
            row("discounts", "", self.discounts.text.clone(), cur()),
            row("net", "", self.net.text.clone(), cur()),
            row("tax", "", self.tax.text.clone(), cur()),
            row("rounding", "", self.rounding.text.clone(), cur()),
            row("total", "", self.total.text.clone(), cur()),
            row("voids_count", "", self.voids.count.to_string(), count()),
            row("voids_total", "", self.voids.total.text.clone(), cur()),
            row("items", "", self.items.clone(), "quantity".into()),
            row("weighed_lines", "", self.weighed_lines.to_string(), count()),
            row(
                "average_basket",
                "",
                self.average_basket.text.clone(),
                cur(),
            ),
        ];
        for t in &self.tax_by_rate {
            rows.push(row("tax_rate_net", &t.rate, t.net.text.clone(), cur()));
            rows.push(row("tax_rate_tax", &t.rate, t.tax.text.clone(), cur()));
            rows.push(row("tax_rate_gross", &t.rate, t.gross.text.clone(), cur()));
        }
        for p in &self.payments {
            rows.push(row(
                "payment_count",
                &p.method,
                p.count.to_string(),
                count(),
            ));
            rows.push(row(
                "payment_amount",
                &p.method,
                p.amount.text.clone(),
                cur(),
            ));
        }
        rows.push(row(
            "cash_sessions",
            "",
            self.cash.sessions.to_string(),
            count(),
        ));
        rows.push(row(
            "cash_open_sessions",
            "",
            self.cash.open_sessions.to_string(),
            count(),
        ));
        rows.push(row(
            "cash_opening_float",
            "",
            self.cash.opening_float.text.clone(),
            cur(),
        ));
        rows.push(row(
            "cash_expected",
            "",
            self.cash.expected.text.clone(),
            cur(),
        ));
        rows.push(row(
            "cash_counted",
            "",
            self.cash.counted.text.clone(),
            cur(),
        ));
        rows.push(row(
            "cash_variance",
            "",
            self.cash.variance.text.clone(),
            cur(),
        ));
        rows.push(row("visitors", "", self.visitors.to_string(), count()));
        if let Some(c) = &self.conversion {
            rows.push(row("conversion", "", c.clone(), "percent".into()));
        }
        if let Some(t) = &self.tasks {
            rows.push(row("tasks_done", "", t.done.to_string(), count()));
            rows.push(row("tasks_total", "", t.total.to_string(), count()));
        }
        rows
    }
}

// ---------------------------------------------------------------------------
// Footfall tally

/// Visitors of an event so far (Σ of the tally).
pub fn visitors(conn: &Connection, event_id: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(delta), 0) FROM visitor_tally WHERE event_id = ?1",
        [event_id],
        |r| r.get(0),
    )?)
}

/// A counted number of visitors as typed (negative: a correction).
pub fn enter_visitors(tx: &Tx, event_id: &str, typed: &str) -> Result<i64> {
    record_visitors(tx, event_id, parse_visitor_delta(typed)?, true)
}

/// Record visitors: `delta` of +1 for a tap, any count for a manual entry,
/// negative for a correction. The total may never go below zero. Returns
/// the new total.
pub fn record_visitors(tx: &Tx, event_id: &str, delta: i64, manual: bool) -> Result<i64> {
    let status: Option<String> = tx
        .query_row("SELECT status FROM event WHERE id = ?1", [event_id], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(status) = status else {
        return Err(Error::not_found("event", event_id));
    };
    if status == "planned" {
        return Err(Error::validation(
            "event",
            "the event has not opened yet; count visitors once it is open",
        ));
    }
    if delta == 0 {
        return Err(Error::validation("visitors", "enter a number other than 0"));
    }
    if delta.unsigned_abs() > 100_000 {
        return Err(Error::validation(
            "visitors",
            format!("{delta} is more than 100000 visitors at once"),
        ));
    }
    if !manual && delta != 1 {
        return Err(Error::validation("visitors", "a tap counts one visitor"));
    }
    let before = visitors(tx, event_id)?;
    if before + delta < 0 {
        return Err(Error::validation(
            "visitors",
            format!(
                "the event has {before} visitors; a correction of {delta} would make it negative"
            ),
        ));
    }
    let id = new_id();
    tx.execute(
        "INSERT INTO visitor_tally (id, device_id, event_id, delta, source, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            id,
            tx.device_id,
            event_id,
            delta,
            if manual { "manual" } else { "tap" },
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    tx.journal(
        "visitors.counted",
        "event",
        event_id,
        serde_json::json!({"tally_id": id, "delta": delta, "total": before + delta, "manual": manual}),
    )?;
    Ok(before + delta)
}

/// Parse a manual visitor entry as typed (`12`, `-3`).
pub fn parse_visitor_delta(text: &str) -> Result<i64> {
    text.trim().parse::<i64>().map_err(|_| {
        Error::validation(
            "visitors",
            format!("'{}' is not a whole number of visitors", text.trim()),
        )
    })
}
